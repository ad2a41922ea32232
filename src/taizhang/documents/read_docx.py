"""Reader for a ledger in a Word .docx file: the paragraphs above the ledger table are the title
block, the table's rows are the ledger's rows. Works on the document's XML (in document order,
through content controls and tracked insertions), not on python-docx's paragraph and table
lists, which lose the order and repeat merged cells: `docx_body` reads the body's paragraphs and
tables as the file streams in; here the ledger tables are found among them and read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from taizhang.documents.columns import (
    column_key,
    combine_header,
    looks_like_header,
    normalize_title,
)
from taizhang.documents.docx_body import (
    CONTINUE,
    PARAGRAPH,
    Block,
    body_blocks,
    main_part,
    text_lines,
)
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.rows import may_be_task, note_text
from taizhang.documents.safety import check_office_zip
from taizhang.documents.table import RawRow, RawTable, ledger_from_table
from taizhang.documents.table_choice import FoundTable, caption, choose_table

# The ledger's header is among the first rows of its table (a title row may come first).
_HEADER_WITHIN: Final = 5


def read_docx(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read a ledger from the bytes of a Word .docx file. A ledger table is a table with a
    ledger header; following tables with as many columns (a table split across pages) or the
    same header are appended to it, a table with another header is the next ledger. `table`
    picks the N-th ledger (1-based), else the first is read with a warning naming the others.
    `name` is used in messages; `year` overrides the year of the title. Raises
    `LedgerReadError` for anything that is not a readable ledger."""
    with check_office_zip(data, name=name, kind="Word") as archive:
        part = main_part(archive, name=name)
        found = docx_tables(body_blocks(archive, part, name=name), source=name)
    if not found:
        raise LedgerReadError(
            "找不到台账表格（没有含“序号、工作目标任务、牵头领导、责任单位”等列名的表头行）",
            source=name,
        )
    choice = choose_table(found, table, name=name)
    raw, notes = choice.table.read()
    doc = ledger_from_table(raw, year=year, columns=columns)
    doc.tables = choice.tables
    doc.warnings[:0] = [choice.warning] if choice.warning else []
    doc.warnings.extend(notes)
    return doc


@dataclass
class _Found:
    """One ledger of the document as it is gathered: the lines above it, its rows (of its
    table and the tables continuing it) and what was said about tables not read."""

    ledger: _FoundTable
    preamble: list[str]
    rows: list[RawRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def docx_tables(blocks: Iterable[Block], *, source: str) -> list[FoundTable]:
    """The ledger tables of a document body (its blocks, `body_blocks`), in order: each a
    table with a ledger header and the tables that continue it (split across pages), with its
    title block (the paragraphs above it, since the previous ledger) and warnings about tables
    after it that were not read. Merged cells are resolved: a horizontally merged cell's text
    stands in its first column, a vertically merged one's in every row it spans (see
    `_resolve`)."""
    found: list[_Found] = []
    lines: list[str] = []
    count = 0
    for kind, content in blocks:
        if kind == PARAGRAPH:
            lines.extend(text_lines(content))
            continue
        count += 1
        grid = content
        ledger = _FoundTable.find(grid)
        current = found[-1] if found else None
        if current is not None and (ledger is None or current.ledger.continued_by(ledger)):
            if message := current.ledger.append(grid, current.rows, ledger):
                current.warnings.append(f"文件中第{count}个表格{message}")
            continue
        if ledger is None:
            continue  # a small table before the ledger (填报单位, 联系人)
        preamble = [*lines, *ledger.above_header(grid)] if not found else ledger.above_header(grid)
        if found:
            _add_notes(found[-1], lines)
            preamble[:0] = [line for line in lines if note_text([line]) is None]
        found.append(_Found(ledger, preamble, ledger.rows(grid)))
        lines = []
    if found:
        _add_notes(found[-1], lines)
    return [_listed(item, source) for item in found]


def _add_notes(item: _Found, lines: list[str]) -> None:
    """Notes written as paragraphs under a ledger table (注：◆为已完成…) are rows of it for
    `table.py`, which reads their legend and names them in a warning."""
    item.rows.extend(RawRow(cells=[line]) for line in lines if note_text([line]) is not None)


def _listed(item: _Found, source: str) -> FoundTable:
    title = caption(item.preamble)
    rows = sum(1 for row in item.rows[item.ledger.body_at :] if any(row.cells))

    def read() -> tuple[RawTable, list[str]]:
        table = RawTable(source=source, preamble=item.preamble, rows=item.rows)
        return table, item.warnings

    return FoundTable(place=f"“{title}”" if title else "无标题的表格", rows=rows, read=read)


class _FoundTable:
    """A ledger table once found: its header (one row, or two where sub-titles stand under a
    title spanning them) and width, and how to read its rows and the rows of the tables that
    continue it."""

    def __init__(self, titles: list[str], header_at: int, header_rows: int, width: int) -> None:
        self.titles = titles
        self.header_at = header_at
        self.header_rows = header_rows
        self.width = width
        keys = [column_key(title) for title in titles]
        self.number_at = keys.index("number") if "number" in keys else 0

    @property
    def body_at(self) -> int:
        """The index of the first row under the header."""
        return self.header_at + self.header_rows

    @classmethod
    def find(cls, grid: list[list[str | None]]) -> _FoundTable | None:
        """The ledger of a table whose first rows hold a ledger header, else None. A header of
        two rows is found even when its top row alone is not recognised."""
        width = len(grid[0]) if grid else 0
        for index, row in enumerate(grid[:_HEADER_WITHIN]):
            own = _own_texts(row)
            if index + 1 < len(grid):
                combined = combine_header(own, _own_texts(grid[index + 1]))
                if combined is not None and looks_like_header(combined):
                    return cls(combined, index, 2, width)
            if looks_like_header(own):
                return cls([normalize_title(title) for title in own], index, 1, width)
        return None

    def above_header(self, grid: list[list[str | None]]) -> list[str]:
        """Texts of the rows above the header (a title written inside the table)."""
        return [
            line
            for row in grid[: self.header_at]
            for cell in _own_texts(row)
            for line in text_lines(cell)
        ]

    def rows(self, grid: list[list[str | None]], start: int = 0) -> list[RawRow]:
        """The table's rows from `start` with merged cells resolved; header rows give their
        texts to no row below them."""
        header = range(self.header_at - start, self.body_at - start)
        resolved = _resolve(grid[start:], self.number_at, header)
        return [
            RawRow(cells=cells, line=None, placeholder=empty, parts=parts)
            for cells, empty, parts in resolved
        ]

    def continued_by(self, other: _FoundTable) -> bool:
        """Whether a following table with a header continues this ledger (its header
        repeated on the next page)."""
        return other.titles == self.titles

    def append(
        self, grid: list[list[str | None]], rows: list[RawRow], header: _FoundTable | None
    ) -> str:
        """Append a following table's rows when it continues the ledger (as many columns, or
        the same header repeated); else return why it was not read ("" for a table without
        text)."""
        if header is not None:
            # The header repeated on the next page: its rows are kept as placeholders (row
            # numbers stay those of the tables) and said nothing about.
            more = header.rows(grid, 0)
            for row in more[header.header_at : header.body_at]:
                row.cells, row.placeholder = [""] * len(row.cells), True
            rows.extend(more)
            return ""
        if grid and len(grid[0]) == self.width:
            rows.extend(self.rows(grid, 0))
            return ""
        if not any(cell for row in grid for cell in _own_texts(row)):
            return ""
        width = len(grid[0]) if grid else 0
        return f"有{width}列，与台账表格的{self.width}列不同，未读入"


def _titles(header: list[str]) -> list[str]:
    return [normalize_title(title) for title in header]


def _own_texts(row: list[str | None]) -> list[str]:
    """A row's cell texts without what vertical merges bring down from above."""
    return ["" if cell is None or cell == CONTINUE else cell for cell in row]


def _resolve(
    grid: list[list[str | None]], number_at: int, header: range = range(0)
) -> list[tuple[list[str], bool, list[list[str]]]]:
    """Fill vertically continued cells with the text of the cell where the merge starts,
    unless it starts in a header, category, legend, total or title row (their text is no
    task's leader or unit); the rows of `header` fill nothing, and a cell continuing a
    merge over both header rows is "". A row that continues a task's 序号 is more of that
    task, not a task of its own: its cells are added to the task's row as further paragraphs
    and it is left empty, a placeholder (so row numbers in messages stay those of the
    table). Returns each row's cells, whether it is such a placeholder, and for a task so
    continued the rows it was joined from (`RawRow.parts`)."""
    above: dict[int, str] = {}
    resolved: list[tuple[list[str], bool, list[list[str]]]] = []
    task_at: int | None = None
    for index, row in enumerate(grid):
        own = _own_texts(row)
        fills = index not in header and may_be_task(own)
        cells = [above.get(c, "") if cell == CONTINUE else own[c] for c, cell in enumerate(row)]
        for c, cell in enumerate(row):
            if cell != CONTINUE:
                above[c] = cell if (fills and cell) else ""
        continues_task = number_at < len(row) and row[number_at] == CONTINUE
        if continues_task and above.get(number_at) and task_at is not None:
            task, _, parts = resolved[task_at]
            if not parts:
                parts.append(list(task))
            parts.append(cells)
            _extend(task, row, own)
            resolved.append(([""] * len(row), True, []))
            continue
        task_at = len(resolved) if fills else None
        resolved.append((cells, False, []))
    return resolved


def _extend(task: list[str], row: list[str | None], own: list[str]) -> None:
    for c, cell in enumerate(row):
        if cell != CONTINUE and own[c] and own[c] != task[c]:
            task[c] = f"{task[c]}\n{own[c]}" if task[c] else own[c]
