"""One worksheet of an Excel ledger as the office sees it: the visible cells' texts (hidden rows
and columns left out, columns closed up), merged ranges, the ledger tables the sheet holds (one
header, maybe of two rows, or several tables stacked) and each table's rows as a `RawTable`.
Pure: works on an openpyxl worksheet already loaded; `read_xlsx` opens the file."""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from openpyxl.utils import get_column_letter

from taizhang.documents.columns import (
    column_key,
    combine_header,
    looks_like_header,
    normalize_title,
)
from taizhang.documents.rows import is_total_row, may_be_task, note_text
from taizhang.documents.stacked import (
    TITLE_LENGTH,
    TITLE_ROWS,
    is_title_row,
    starts_new_ledger,
)
from taizhang.documents.table import RawRow, RawTable, category_marker

# Offices put a title, an 附件 line, a 截至 line, a 填报单位 line above the header; more than
# this many rows above it is not a ledger sheet.
HEADER_SEARCH_ROWS: Final = 15
MAX_COLUMN: Final = 16_384
# Columns kept as they are to the right of the header, so "too many cells" counts true.
_SPARE_COLUMNS: Final = 32
# Lines under a table that are none of its rows: who made it, whom to call. Legends and notes
# (注：√为已完成…) are not among them: `table.py` reads and reports those.
_SIGNATURE = re.compile(
    r"^(制表人?|填表人|填报人|审核人?|联系人|联系电话|负责人|分管领导|主要领导)\s*[:：]"
)
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\v")
_PERCENT_DECIMALS = re.compile(r"\.([0#?]+)%")


def cell_text(value: object, number_format: str = "General") -> str:
    """The text of a cell value as the office sees it: line breaks (Alt+Enter, \\r\\n) as "\\n"
    between stripped non-empty paragraphs; integral numbers without ".0" (序号 1.0 -> "1");
    percentages as shown ("90%", "12.5%" under 0.0%); dates as "2021年12月31日" so deadline
    parsing reads them."""
    if value is None:
        return ""
    if isinstance(value, str):
        paragraphs = (part.strip() for part in _LINE_BREAKS.split(value))
        return "\n".join(part for part in paragraphs if part)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):  # datetime too
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, datetime.time):
        return f"{value.hour}:{value.minute:02d}"
    if isinstance(value, int | float):
        if "%" in (number_format or ""):
            return _percent(value, number_format)
        return _number(value)
    return str(value).strip()


def _percent(value: float, number_format: str) -> str:
    decimals = _PERCENT_DECIMALS.search(number_format)
    if decimals is None:
        return _number(value * 100) + "%"
    return f"{value * 100:.{len(decimals.group(1))}f}%"


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    # Excel shows at most 15 significant digits; 0.1 + 0.2 is "0.3" there.
    return f"{value:.15g}"


@dataclass
class Grid:
    """A sheet's visible cell texts by row and column (1-based, only non-empty cells; rows keep
    their spreadsheet numbers, columns are closed up over hidden ones), its merged ranges as
    (min_row, min_col, max_row, max_col) in those columns, and what was hidden: every hidden
    row, the hidden rows that held text, and the hidden columns (spreadsheet numbers) with the
    texts they held by row."""

    cells: dict[int, dict[int, str]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_text_rows: set[int] = field(default_factory=set)
    hidden_columns: dict[int, dict[int, str]] = field(default_factory=dict)
    hidden_column_numbers: frozenset[int] = frozenset()
    # Spreadsheet column of each visible column, where columns were closed up.
    sheet_columns: list[int] = field(default_factory=list)

    def row(self, number: int, limit: int = MAX_COLUMN, without: Collection[int] = ()) -> list[str]:
        """The texts of one row, from column 1 to its last non-empty cell; beyond column
        `limit` only the non-empty cells, so a stray cell in column XFD costs one entry. The
        columns `without` count as empty."""
        found = {c: text for c, text in self.cells.get(number, {}).items() if c not in without}
        width = min(max(found, default=0), limit)
        texts = [found.get(column, "") for column in range(1, width + 1)]
        return texts + [found[column] for column in sorted(found) if column > width]

    def letter(self, column: int) -> str:
        """The spreadsheet letter of a visible column."""
        if self.sheet_columns and column <= len(self.sheet_columns):
            column = self.sheet_columns[column - 1]
        return str(get_column_letter(min(column, MAX_COLUMN)))


def sheet_grid(ws: Any) -> Grid:
    """The visible cells of a worksheet (see `Grid`). Reads only the cells the file has:
    iter_rows() would create every cell up to the sheet's far corner, and one stray cell at
    XFD1048576 would make that billions."""
    hidden_rows = _hidden_rows(ws)
    hidden_columns = sorted(_hidden_columns(ws))
    hidden_set = set(hidden_columns)
    grid = Grid(hidden_rows=hidden_rows, hidden_column_numbers=frozenset(hidden_set))
    full: dict[tuple[int, int], str] = {}
    for (row, column), cell in ws._cells.items():
        text = cell_text(cell.value, cell.number_format)
        if not text:
            continue
        full[row, column] = text
        if row in hidden_rows:
            grid.hidden_text_rows.add(row)
        elif column in hidden_set:
            grid.hidden_columns.setdefault(column, {})[row] = text
        else:
            visible = column - bisect.bisect_left(hidden_columns, column)
            grid.cells.setdefault(row, {})[visible] = text
    if hidden_columns:
        width = max((c for _, c in full), default=0)
        grid.sheet_columns = [c for c in range(1, width + 1) if c not in hidden_set]
    for merged in ws.merged_cells.ranges:
        min_col, min_row = merged.bounds[:2]
        add_merge(grid, full.get((min_row, min_col), ""), hidden_columns, merged.bounds)
    return grid


def add_merge(
    grid: Grid, value: str, hidden_columns: list[int], bounds: tuple[int, int, int, int]
) -> None:
    """Keep a merged range (`value`: the text of its first cell) in visible columns. Where its
    first row or column is hidden, the text shows in the visible part (as Excel shows it): it
    is moved to the first visible cell. Both readers use it: this module's `sheet_grid` and
    the streamed `xlsx_stream.streamed_grid`."""
    min_col, min_row, max_col, max_row = bounds
    hidden = set(hidden_columns)
    columns = [c for c in range(min_col, max_col + 1) if c not in hidden][:1] + [
        c for c in range(max_col, min_col - 1, -1) if c not in hidden
    ][:1]
    rows = [
        r for r in range(min_row, min(max_row, min_row + 1000) + 1) if r not in grid.hidden_rows
    ]
    if not columns or not rows:
        return
    first, last = (c - bisect.bisect_left(hidden_columns, c) for c in columns)
    top = rows[0]
    if value and (top, columns[0]) != (min_row, min_col):
        grid.cells.setdefault(top, {}).setdefault(first, value)
    grid.merges.append((top, first, max_row, last))


def _hidden_rows(ws: Any) -> set[int]:
    """Rows hidden by hand or inside a collapsed outline group (whose summary row, below the
    group or above it as the sheet says, is marked collapsed)."""
    dims = ws.row_dimensions
    hidden = {row for row, dim in dims.items() if dim.hidden}
    outline = ws.sheet_properties.outlinePr
    step = -1 if outline is None or outline.summaryBelow is not False else 1
    for row, dim in list(dims.items()):
        if not dim.collapsed:
            continue
        level = dim.outline_level or 0
        inner = row + step
        while (inner_dim := dims.get(inner)) is not None and (inner_dim.outline_level or 0) > level:
            hidden.add(inner)
            inner += step
    return hidden


def _hidden_columns(ws: Any) -> set[int]:
    """Columns hidden by hand or in a hidden group (one `<col min max hidden>` range)."""
    hidden: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min:
            hidden.update(range(dim.min, min(dim.max or dim.min, MAX_COLUMN) + 1))
    return hidden


@dataclass
class Header:
    """A ledger header found in a sheet: its row, the row of its sub-titles when it has two
    rows (None else), and its titles (top and sub joined by "/") to tell tables apart."""

    row: int
    sub_row: int | None
    titles: list[str]

    @property
    def last_row(self) -> int:
        return self.sub_row or self.row


def header_at(grid: Grid, number: int) -> Header | None:
    """The ledger header starting in row `number`, else None. A header may have two rows: a
    title merged across columns (时间节点, 进展情况) over sub-titles in the row below (开工时间 /
    完工时间), combined as `columns.combine_header` does; such a header is found even when its
    top row alone is not recognised."""
    top = grid.row(number)
    if not top or any(len(text) > TITLE_LENGTH for text in top):
        return None
    if number + 1 in grid.cells:
        combined = combine_header(top, grid.row(number + 1))
        if combined is not None and looks_like_header(combined):
            return Header(number, number + 1, combined)
    if looks_like_header(top):
        return Header(number, None, [normalize_title(text) for text in top])
    return None


@dataclass
class Region:
    """One ledger table of a sheet: the rows of its title block, its header, and the last row
    that belongs to it."""

    preamble: list[int]
    header: Header
    end: int

    @property
    def start(self) -> int:
        """The first row of the table: its title block's, else its header's."""
        return self.preamble[0] if self.preamble else self.header.row

    def body(self, grid: Grid) -> Iterator[int]:
        """The non-empty visible rows below the header, in order."""
        last = self.header.last_row
        return (row for row in sorted(grid.cells) if last < row <= self.end)


def sheet_regions(grid: Grid) -> list[Region]:
    """The ledger tables of a sheet: the first header within the first rows, then every later
    header that starts a table of its own (other titles, or a title row right above it; the
    same header repeated without a title is the table continued)."""
    rows = sorted(grid.cells)
    hidden = sorted(grid.hidden_rows)
    first = next(
        (
            header
            for row in rows
            if row - bisect.bisect_left(hidden, row) <= HEADER_SEARCH_ROWS
            and (header := header_at(grid, row)) is not None
        ),
        None,
    )
    if first is None:
        return []
    last_row = max(rows)
    regions = [Region([row for row in rows if row < first.row], first, last_row)]
    current = first
    for row in rows:
        if row <= current.last_row:
            continue
        header = header_at(grid, row)
        if header is None:
            continue
        titles_above = _title_rows_above(grid, row, current.last_row)
        lines = [text for number in titles_above for text in _row_lines(grid, number)]
        known = [text for number in regions[-1].preamble for text in _row_lines(grid, number)]
        if not starts_new_ledger(current.titles, known, header.titles, lines):
            continue  # the header repeated (with the ledger's own title): the table goes on
        start = titles_above[0] if titles_above else row
        regions[-1].end = start - 1
        regions.append(Region(titles_above, header, last_row))
        current = header
    return regions


def _row_lines(grid: Grid, number: int) -> list[str]:
    return [line for text in grid.row(number) for line in text.split("\n") if line]


def _title_rows_above(grid: Grid, row: int, after: int) -> list[int]:
    """The rows of a title block right above a header (`stacked.is_title_row`, and no
    signature line), up to `TITLE_ROWS` of them, none at or above row `after`. Unlike a table
    of rows (`stacked`), a sheet's blank row ends the block unless it is hidden."""
    found: list[int] = []
    for number in range(row - 1, after, -1):
        texts = list(dict.fromkeys(grid.cells.get(number, {}).values()))
        if not texts:
            if number in grid.hidden_rows or not found:
                continue
            break
        if not is_title_row(texts) or _SIGNATURE.match(texts[0]):
            break
        found.insert(0, number)
        if len(found) == TITLE_ROWS:
            break
    return found


def region_rows(grid: Grid, region: Region) -> int:
    """How many non-empty rows the table has under its header."""
    return sum(1 for _ in region.body(grid))


def region_table(grid: Grid, region: Region, *, source: str) -> RawTable:
    """The table's title block and rows for `ledger_from_table`. A merge below the header that
    spans rows gives its text to every row it spans (a leader written once for several
    tasks); rows continuing a task's merged 序号 are more of that task; signature lines and
    lone texts merged across under the table are left out. Legends, totals and notes stay:
    `table.py` reads and reports them."""
    header = region.header
    filled = _fill_merges(grid, header.last_row, region.end)
    table = RawTable(source=source)
    for number in region.preamble:
        for text in grid.row(number):
            table.preamble.extend(text.split("\n") if text else [])
    top = grid.row(header.row)
    limit = len(top) + _SPARE_COLUMNS
    table.rows.append(RawRow(cells=top, line=header.row))
    if header.sub_row is not None:
        table.rows.append(RawRow(cells=grid.row(header.sub_row, limit), line=header.sub_row))
    number_at = _number_column(header.titles)
    tasks: dict[int, RawRow] = {}  # task rows by spreadsheet row
    for number in region.body(grid):
        from_above = filled.get(number, {})
        if grid.cells[number].keys() <= from_above.keys():
            continue  # only what merges above gave it: a tall row made of two
        task = tasks.get(from_above.get(number_at, 0))
        if task is not None:
            # 序号 merged down from a task: this row is more of that task.
            if not task.parts:
                task.parts.append(list(task.cells))
            task.parts.append(grid.row(number, limit))
            _extend(task, grid.row(number, limit, without=from_above))
            continue
        cells = grid.row(number, limit)
        table.rows.append(RawRow(cells=cells, line=number))
        if may_be_task(cells):
            tasks[number] = table.rows[-1]
    merged_starts = {(r, c) for r, c, _, max_col in grid.merges if max_col > c}
    while len(table.rows) > 1 and _is_trailing_line(table.rows[-1], merged_starts):
        table.rows.pop()
    return table


def _number_column(titles: list[str]) -> int:
    """The 1-based column of 序号 (the first column when the header has none)."""
    keys = [column_key(title) for title in titles]
    return keys.index("number") + 1 if "number" in keys else 1


def _extend(task: RawRow, more: list[str]) -> None:
    """Add a row's own texts to a task's row as further paragraphs of the same cells, as
    `read_docx` does for rows continuing a merged 序号."""
    cells = task.cells + [""] * (len(more) - len(task.cells))
    for c, text in enumerate(more):
        if text and text != cells[c]:
            cells[c] = f"{cells[c]}\n{text}" if cells[c] else text
    task.cells = cells


def _fill_merges(grid: Grid, header_end: int, end: int) -> dict[int, dict[int, int]]:
    """A merge below the header that spans rows gives its value to every visible row it
    spans, in its first column: a leader or unit written once for several tasks. A merge
    across columns keeps its value once, in its first column (a category name merged across
    the width). Merges in the header rows give nothing. Returns the cells filled, by row, as
    {column: the row the merge starts in}."""
    filled: dict[int, dict[int, int]] = {}
    for min_row, min_col, max_row, _ in grid.merges:
        if min_row <= header_end or min_row > end or max_row == min_row:
            continue
        value = grid.cells.get(min_row, {}).get(min_col, "")
        if not value:
            continue
        for row in range(min_row + 1, min(max_row, end) + 1):
            if row in grid.hidden_rows:
                continue
            grid.cells.setdefault(row, {})[min_col] = value
            filled.setdefault(row, {})[min_col] = min_row
    return filled


def _is_trailing_line(raw: RawRow, merged_starts: set[tuple[int, int]]) -> bool:
    texts = [(column, text) for column, text in enumerate(raw.cells, 1) if text]
    if not texts:
        return True
    column, first = texts[0]
    if _SIGNATURE.match(first):
        return True
    if note_text(raw.cells) is not None:
        return False  # a legend: `table.py` decodes it
    # One text merged across several columns below the table, that is no category row.
    alone = len(texts) == 1 and (raw.line, column) in merged_starts
    return alone and category_marker(raw.cells) is None and not is_total_row(raw.cells)


def hidden_warning(grid: Grid, region: Region, first_row: int) -> str | None:
    """One warning naming the hidden rows (how many) and hidden columns (by title) of the
    table that held text and were not read, or None."""
    rows = sorted(r for r in grid.hidden_text_rows if first_row <= r <= region.end)
    columns = [
        _hidden_column_name(column, texts, region)
        for column, texts in sorted(grid.hidden_columns.items())
        if any(first_row <= r <= region.end for r in texts)
    ]
    parts = []
    if rows:
        shown = "、".join(str(r) for r in rows[:10]) + ("等" if len(rows) > 10 else "")
        parts.append(f"隐藏的{len(rows)}行（第{shown}行）")
    if columns:
        parts.append(f"隐藏的{len(columns)}列（{'、'.join(columns)}）")
    if not parts:
        return None
    return f"{'和'.join(parts)}未读入"


def _hidden_column_name(column: int, texts: dict[int, str], region: Region) -> str:
    letter = get_column_letter(column)
    header = region.header
    title = "/".join(
        normalize_title(texts[row]) for row in (header.row, header.sub_row) if row in texts
    )
    return f"{letter}列“{title}”" if title else f"{letter}列"
