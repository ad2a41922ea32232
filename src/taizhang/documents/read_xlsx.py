"""Reader for Excel ledgers (.xlsx) as offices keep them in Excel or WPS: title rows above the
header, merged cells (a leader written once for several tasks, a category merged across the
width), line breaks inside cells, numbers and dates as cell values, several sheets, and notes
below the table, one task written over several rows with its 序号 merged down. Turns the chosen
sheet into a `RawTable`; `table.py` knows the ledger layout."""

from __future__ import annotations

import datetime
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.chinese.numbers import parse_category_marker
from taizhang.documents.columns import column_key, looks_like_header
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.safety import check_office_zip
from taizhang.documents.table import RawRow, RawTable, category_marker, ledger_from_table

# Offices put a title, an 附件 line, a 截至 line, a 填报单位 line above the header; more than
# this many rows above it is not a ledger sheet.
HEADER_SEARCH_ROWS: Final = 15

# openpyxl makes an object for every cell of every merged range while loading, so one range
# "A1:XFD1048576" in a tiny file would exhaust memory. A 10,000-task ledger merges far less.
MAX_MERGED_CELLS: Final = 2_000_000
_MAX_ROW: Final = 1_048_576
_MAX_COLUMN: Final = 16_384
# Columns kept as they are to the right of the header, so "too many cells" counts true.
_SPARE_COLUMNS: Final = 32
_MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")

# Lines under a table that are no rows of it: notes, who filled it in, whom to call.
_NOTE = re.compile(
    r"^(注\s*\d*|说明\s*\d*|备注|附注|制表人?|填表人|填报人|填报单位|审核人?|联系人|联系电话|负责人)"
    r"\s*[:：]"
)
_MISSING_PART = re.compile(r"no item named '([^']+)'")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\v")

# What openpyxl raises for a zip that is no workbook or a workbook it cannot parse: missing
# parts (KeyError), bad XML (SyntaxError and its lxml/expat subclasses), bad values.
_LOAD_ERRORS: Final = (
    InvalidFileException,
    KeyError,
    zipfile.BadZipFile,
    zlib.error,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    OSError,
    EOFError,
    SyntaxError,
)


def read_xlsx(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    sheet: str | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read a ledger from the bytes of an .xlsx workbook. Reads the sheet named `sheet`, else
    the first sheet with a ledger header in its first rows (visible sheets first). `name` is used
    in messages; `year` overrides the year of the title. Raises `LedgerReadError` for anything
    that is not a readable ledger (legacy, encrypted or damaged files, zip bombs, no header)."""
    with check_office_zip(data, name=name, kind="Excel") as archive:
        parts = set(archive.namelist())
        if "xl/workbook.xml" not in parts and "word/document.xml" in parts:
            raise LedgerReadError("这是 Word 文件（.docx），不是 Excel 文件", source=name)
        _check_merged_areas(archive, name=name)
    book = _load(data, name=name)
    worksheet, grid, header_row = _pick_sheet(book, name=name, sheet=sheet)
    raw = _table(grid, header_row, source=name)
    try:
        return ledger_from_table(raw, year=year, columns=columns)
    except LedgerReadError as error:
        if len(book.sheetnames) == 1:
            raise
        message = f"工作表“{worksheet.title}”：{error.message}"
        raise LedgerReadError(message, source=name, line=error.line, row=error.row) from None


def _check_merged_areas(archive: zipfile.ZipFile, *, name: str) -> None:
    total = 0
    for member in archive.infolist():
        if not member.filename.lower().endswith(".xml"):
            continue
        xml = archive.read(member)
        if b"mergeCell" not in xml:
            continue
        for ref in _MERGE_REF.findall(xml):
            total += _merged_area(ref.decode("ascii", "replace"))
    if total > MAX_MERGED_CELLS:
        raise LedgerReadError(
            f"Excel 文件中的合并单元格过大（共{total}个单元格），疑为恶意文件，已拒绝",
            source=name,
        )


def _merged_area(ref: str) -> int:
    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
    except (ValueError, TypeError):
        return 0  # openpyxl refuses it too, as a damaged file
    width = (max_col or _MAX_COLUMN) - (min_col or 1) + 1
    height = (max_row or _MAX_ROW) - (min_row or 1) + 1
    return max(width, 1) * max(height, 1)


def _load(data: bytes, *, name: str) -> Any:
    # Not read-only: merged ranges need the whole sheet. data_only: a formula's last value.
    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: nothing for the user.
            warnings.simplefilter("ignore")
            return load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except _LOAD_ERRORS as error:
        missing = _MISSING_PART.search(str(error)) if isinstance(error, KeyError) else None
        if missing:
            detail = f"缺少 {missing.group(1)}"
        else:
            detail = " ".join(str(error).split())[:200] or type(error).__name__
        raise LedgerReadError(f"不是有效的 Excel 文件（{detail}）", source=name) from None


@dataclass
class _Grid:
    """A sheet's cell texts by row and column (1-based, only non-empty cells), and its merged
    ranges as (min_row, min_col, max_row, max_col)."""

    cells: dict[int, dict[int, str]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def row(
        self, number: int, limit: int = _MAX_COLUMN, without: Collection[int] = ()
    ) -> list[str]:
        """The texts of one row, from column 1 to its last non-empty cell; beyond column
        `limit` only the non-empty cells, so a stray cell in column XFD costs one entry. The
        columns `without` count as empty."""
        found = {c: text for c, text in self.cells.get(number, {}).items() if c not in without}
        width = min(max(found, default=0), limit)
        texts = [found.get(column, "") for column in range(1, width + 1)]
        return texts + [found[column] for column in sorted(found) if column > width]


def _pick_sheet(book: Any, *, name: str, sheet: str | None) -> tuple[Any, _Grid, int]:
    sheets = [ws for ws in book.worksheets if isinstance(ws, Worksheet)]
    if sheet is not None:
        chosen = _named_sheet(sheets, sheet, book.sheetnames, name=name)
        grid = _grid(chosen)
        header_row = _header_row(grid)
        if header_row is None:
            raise LedgerReadError(
                f"工作表“{chosen.title}”的前{HEADER_SEARCH_ROWS}行中找不到台账表头"
                "（含“序号、工作目标任务、牵头领导、责任单位”等列名的行）",
                source=name,
            )
        return chosen, grid, header_row
    # Hidden sheets last: offices hide old copies and templates.
    for candidate in sorted(sheets, key=lambda ws: ws.sheet_state != "visible"):
        grid = _grid(candidate)
        header_row = _header_row(grid)
        if header_row is not None:
            return candidate, grid, header_row
    names = "、".join(book.sheetnames)
    raise LedgerReadError(
        f"找不到台账表格：工作表（{names}）的前{HEADER_SEARCH_ROWS}行中都没有含"
        "“序号、工作目标任务、牵头领导、责任单位”等列名的表头行",
        source=name,
    )


def _named_sheet(sheets: list[Any], wanted: str, names: list[str], *, name: str) -> Any:
    exact = [ws for ws in sheets if ws.title == wanted]
    loose = [ws for ws in sheets if ws.title.strip().casefold() == wanted.strip().casefold()]
    if exact or loose:
        return (exact or loose)[0]
    listed = "、".join(f"“{title}”" for title in names)
    raise LedgerReadError(f"没有名为“{wanted}”的工作表；工作表有：{listed}", source=name)


def _header_row(grid: _Grid) -> int | None:
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        if looks_like_header(grid.row(number)):
            return number
    return None


def _grid(ws: Any) -> _Grid:
    grid = _Grid()
    # ws._cells holds only the cells the file has; iter_rows() would create every cell up to
    # the sheet's far corner, and one stray cell at XFD1048576 would make that billions.
    for (row, column), cell in ws._cells.items():
        text = cell_text(cell.value, cell.number_format)
        if text:
            grid.cells.setdefault(row, {})[column] = text
    for merged in ws.merged_cells.ranges:
        grid.merges.append((merged.min_row, merged.min_col, merged.max_row, merged.max_col))
    return grid


def cell_text(value: object, number_format: str = "General") -> str:
    """The text of a cell value as the office sees it: line breaks (Alt+Enter, \\r\\n) as "\\n"
    between stripped non-empty paragraphs; integral numbers without ".0" (序号 1.0 -> "1");
    percentages as shown ("90%"); dates as "2021年12月31日" so deadline parsing reads them."""
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
            return _number(value * 100) + "%"
        return _number(value)
    return str(value).strip()


def _number(value: float) -> str:
    if isinstance(value, int):
        return str(value)
    if value.is_integer():
        return str(int(value))
    # Excel shows at most 15 significant digits; 0.1 + 0.2 is "0.3" there.
    return f"{value:.15g}"


def _table(grid: _Grid, header_row: int, *, source: str) -> RawTable:
    filled = _fill_merges(grid, header_row)
    table = RawTable(source=source)
    for number in sorted(row for row in grid.cells if row < header_row):
        for text in grid.row(number):
            table.preamble.extend(text.split("\n") if text else [])
    merged_starts = {
        (min_row, min_col) for min_row, min_col, _, max_col in grid.merges if max_col > min_col
    }
    header = grid.row(header_row)
    limit = len(header) + _SPARE_COLUMNS
    number_at = _number_column(header)
    rows: list[RawRow] = []
    tasks: dict[int, RawRow] = {}  # task rows by spreadsheet row
    for number in sorted(row for row in grid.cells if row >= header_row):
        from_above = filled.get(number, {})
        if grid.cells[number].keys() <= from_above.keys():
            continue  # only what merges above gave it: a tall row made of two
        task = tasks.get(from_above.get(number_at, 0))
        if task is not None:
            # 序号 merged down from a task: this row is more of that task.
            _extend(task, grid.row(number, limit, without=from_above))
            continue
        cells = grid.row(number, limit)
        if not _NOTE.match(cells[0]):
            rows.append(RawRow(cells=cells, line=number))
            if not (looks_like_header(cells) or category_marker(cells)):
                tasks[number] = rows[-1]
    while rows and _is_trailing_note(rows[-1], merged_starts):
        rows.pop()
    table.rows = rows
    return table


def _number_column(header: list[str]) -> int:
    """The 1-based column of 序号 (the first column when the header has none)."""
    keys = [column_key(title) for title in header]
    return keys.index("number") + 1 if "number" in keys else 1


def _extend(task: RawRow, more: list[str]) -> None:
    """Add a row's own texts to a task's row as further paragraphs of the same cells, as
    `read_docx` does for rows continuing a merged 序号."""
    cells = task.cells + [""] * (len(more) - len(task.cells))
    for c, text in enumerate(more):
        if text and text != cells[c]:
            cells[c] = f"{cells[c]}\n{text}" if cells[c] else text
    task.cells = cells


def _fill_merges(grid: _Grid, header_row: int) -> dict[int, dict[int, int]]:
    """A merge below the header that spans rows gives its value to every row it spans, in its
    first column: a leader or unit written once for several tasks. A merge across columns
    keeps its value once, in its first column (a category name merged across the width).
    Returns the cells filled, by row, as {column: the row the merge starts in}."""
    filled: dict[int, dict[int, int]] = {}
    for min_row, min_col, max_row, _ in grid.merges:
        if min_row < header_row or max_row == min_row:
            continue
        value = grid.cells.get(min_row, {}).get(min_col, "")
        if not value:
            continue
        for row in range(min_row + 1, max_row + 1):
            grid.cells.setdefault(row, {})[min_col] = value
            filled.setdefault(row, {})[min_col] = min_row
    return filled


def _is_trailing_note(raw: RawRow, merged_starts: set[tuple[int, int]]) -> bool:
    texts = [(column, text) for column, text in enumerate(raw.cells, 1) if text]
    if not texts:
        return True
    column, first = texts[0]
    if _NOTE.match(first):
        return True
    # One text merged across several columns below the table, that is no category row.
    alone = len(texts) == 1 and (raw.line, column) in merged_starts
    return alone and parse_category_marker(first) is None
