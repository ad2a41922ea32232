"""Two ledgers stacked in one table of rows (an Excel sheet, a CSV, a text file): a second title
and header further down. Told apart from one ledger whose header repeats (each printed page)
with its own title repeated above it: a second ledger has other column titles, or a title of
its own."""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.documents.columns import combine_header, looks_like_header, normalize_title
from taizhang.documents.rows import (
    RawRow,
    RawTable,
    category_marker,
    is_total_row,
    note_text,
    title_block_kind,
)

# A title block above a second ledger: at most this many rows.
TITLE_ROWS = 4
# Column titles are short; a row with a longer cell is no header.
TITLE_LENGTH = 30


def starts_new_ledger(
    titles: list[str], known_lines: list[str], header_titles: list[str], title_lines: list[str]
) -> bool:
    """Whether a header further down (`header_titles`, with the title block `title_lines`
    right above it) starts a ledger of its own, after one with column `titles` and title block
    `known_lines`: other column titles, or a title line (one naming a 台账, 清单, 情况表 …)
    that is none of the first's. A repeated title, a 填报单位, 截至 or 附件 line, and any other
    text (a task's progress continued above the repeated header of the next page) is the same
    ledger going on: reading on is safe, stopping would lose the tasks below."""
    if header_titles != titles:
        return True
    known = {normalize_title(line) for line in known_lines}
    return any(
        title_block_kind([line]) == "标题" and normalize_title(line) not in known
        for line in title_lines
    )


def is_title_row(cells: list[str]) -> bool:
    """A row that can be a line of a title block: one text (maybe merged across), no
    category, legend, total or header."""
    texts = list(dict.fromkeys(cell for cell in cells if cell))
    return (
        len(texts) == 1
        and category_marker(texts) is None
        and note_text(texts) is None
        and not is_total_row(texts)
        and not looks_like_header(texts)
    )


def header_titles(rows: list[RawRow], index: int) -> tuple[list[str], int] | None:
    """The column titles of a header starting at `rows[index]` and how many rows it takes
    (two where sub-titles stand under a title spanning them), else None."""
    cells = rows[index].cells
    if not cells or any(len(cell) > TITLE_LENGTH for cell in cells):
        return None  # titles are short: a task row is no header (and this test is cheap)
    if index + 1 < len(rows):
        combined = combine_header(cells, rows[index + 1].cells)
        if combined is not None and looks_like_header(combined):
            return combined, 2
    if looks_like_header(cells):
        return [normalize_title(cell) for cell in cells], 1
    return None


@dataclass
class Stacked:
    """One ledger of a stacked table: its rows from the header on (`RawTable`) and the line
    (or 1-based row) its header stands on."""

    table: RawTable
    header_line: int


def split_stacked(table: RawTable) -> list[Stacked]:
    """The ledgers of a table of rows, in order; one (the table itself) unless a second title
    and header stand further down. Each later ledger's preamble is its title block."""
    rows = table.rows
    first = next(((i, found) for i in range(len(rows)) if (found := header_titles(rows, i))), None)
    if first is None:
        return [Stacked(table, 1)]
    starts: list[tuple[int, int, list[str]]] = []  # (first row, header row, title lines)
    index, (titles, height) = first
    known = list(table.preamble)
    starts.append((0, index, known))
    at = index + height
    while at < len(rows):
        found = header_titles(rows, at)
        if found is None:
            at += 1
            continue
        above = _title_rows_above(rows, at, starts[-1][1] + height)
        lines = [text for i in above for text in _texts(rows[i])]
        if starts_new_ledger(titles, known, found[0], lines):
            starts.append((above[0] if above else at, at, lines))
            titles, height = found
            known = lines
        at += found[1]
    return [_part(table, starts, n) for n in range(len(starts))]


def _part(table: RawTable, starts: list[tuple[int, int, list[str]]], n: int) -> Stacked:
    first, header, lines = starts[n]
    end = starts[n + 1][0] if n + 1 < len(starts) else len(table.rows)
    rows = table.rows[first if n == 0 else header : end]
    preamble = list(table.preamble) if n == 0 else lines
    line = table.rows[header].line
    part = RawTable(source=table.source, preamble=preamble, rows=rows)
    return Stacked(part, line if line is not None else header + 1)


def _texts(row: RawRow) -> list[str]:
    return list(dict.fromkeys(line for cell in row.cells for line in cell.split("\n") if line))


def _title_rows_above(rows: list[RawRow], at: int, after: int) -> list[int]:
    """The title rows right above `rows[at]` (blank rows between them skipped), not before
    index `after`, at most `TITLE_ROWS`."""
    found: list[int] = []
    for index in range(at - 1, after - 1, -1):
        cells = rows[index].cells
        if not any(cells):
            continue
        if not is_title_row(cells):
            break
        found.insert(0, index)
        if len(found) == TITLE_ROWS:
            break
    return found
