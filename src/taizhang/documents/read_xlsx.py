"""Reader for Excel ledgers (.xlsx) as offices keep them in Excel or WPS: title rows above the
header, merged cells (a leader written once for several tasks, a category merged across the
width, a two-row header), line breaks inside cells, numbers and dates as cell values, formulas
by their saved values, hidden rows, columns and sheets, several sheets or several tables in one
sheet, and notes below the table. Opens the file safely and picks the table; `xlsx_stream`
reads each sheet as it streams (openpyxl's read-only mode), `xlsx_sheet` turns its grid into
`RawTable`s and `table.py` knows the ledger layout."""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

from openpyxl import load_workbook
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    range_boundaries,
)
from openpyxl.utils.exceptions import InvalidFileException

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.safety import check_office_zip
from taizhang.documents.table import RawTable, ledger_from_table
from taizhang.documents.table_choice import FoundTable, caption, choose_table
from taizhang.documents.xlsx_sheet import (
    HEADER_SEARCH_ROWS,
    Grid,
    Region,
    cell_text,
    hidden_warning,
    region_rows,
    region_table,
    sheet_regions,
)
from taizhang.documents.xlsx_stream import sheet_layout, streamed_grid

__all__ = ["HEADER_SEARCH_ROWS", "cell_text", "read_xlsx"]

# openpyxl makes an object for every cell of every merged range while loading, so one range
# "A1:XFD1048576" in a tiny file would exhaust memory. A 10,000-task ledger merges far less.
MAX_MERGED_CELLS: Final = 2_000_000
_MAX_ROW: Final = 1_048_576
_MAX_COLUMN: Final = 16_384
_MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
# A cell of a sheet's XML, and in it a formula and a saved value.
_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\s*>([^<]*)<")
# A formula cell whose result is text: an empty value is the empty text Excel computed.
_TEXT_RESULT = re.compile(rb"\bt\s*=\s*[\"']str[\"']")
_REF = re.compile(rb"\br\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7})[\"']")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"\b([\w.-]+(?::[\w.-]+)?)\s*=\s*[\"']([^\"']*)[\"']")
# Formula cells named in a warning, at most.
_NAMED_CELLS: Final = 10

_MISSING_PART = re.compile(r"no item named '([^']+)'")

# What reading a damaged zip can raise: a bad CRC or header (BadZipFile), bad compressed
# data (zlib.error), a truncated member (EOFError), a header too short to unpack
# (struct.error), an unknown compression method (NotImplementedError), bad sizes (OSError,
# ValueError).
ZIP_ERRORS: Final = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    struct.error,
    NotImplementedError,
    OSError,
    ValueError,
)
# What openpyxl raises for a zip that is no workbook or a workbook it cannot parse: missing
# parts (KeyError), bad XML (SyntaxError and its lxml/expat subclasses), bad values, and
# the damaged zip underneath.
_LOAD_ERRORS: Final = (
    *ZIP_ERRORS,
    InvalidFileException,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    SyntaxError,
    LookupError,
    UnicodeError,
    RecursionError,
    OverflowError,
    ArithmeticError,
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
    """Read a ledger from the bytes of an .xlsx workbook. The ledger tables are those of the
    sheets with a ledger header in their first rows (visible sheets first, then hidden ones),
    several where a sheet stacks a second title and header under the first; `sheet` keeps to
    the sheet of that name and `table` picks the N-th table (1-based, within `sheet` when
    given), else the first is read with a warning naming the others. Hidden rows and columns
    are not read. `name` is used in messages; `year` overrides the year of the title. Raises
    `LedgerReadError` for anything that is not a readable ledger (legacy, encrypted or damaged
    files, zip bombs, no header)."""
    formulas = _check_parts(data, name=name)
    book = _load(data, name=name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            found = _ledger_tables(book, archive, name=name, sheet=sheet, formulas=formulas)
        sheet_count = len(book.sheetnames)
    finally:
        book.close()
    del book  # its shared strings: the grids hold the texts
    choice = choose_table(found, table, name=name)
    raw, notes = choice.table.read()
    alone, place, tables = len(found) == 1, choice.table.place, choice.tables
    said = [*([choice.warning] if choice.warning else []), *notes]
    # The sheets' grids are no longer needed once the table is read: not kept beside the
    # document being built.
    del found, choice
    try:
        doc = ledger_from_table(raw, year=year, columns=columns)
    except LedgerReadError as error:
        if sheet_count == 1 and alone:
            raise
        message = f"{place}：{error.message}"
        raise LedgerReadError(message, source=name, line=error.line, row=error.row) from None
    doc.tables = tables
    doc.warnings[:0] = said
    return doc


def _check_parts(data: bytes, *, name: str) -> dict[str, set[str]]:
    """Open the container and check what openpyxl would choke on before it loads: a Word file
    under an Excel name, merged ranges too large, damaged members. Returns the formula cells
    without a saved value, by sheet title."""
    with check_office_zip(data, name=name, kind="Excel") as archive:
        parts = set(archive.namelist())
        if "xl/workbook.xml" not in parts and "word/document.xml" in parts:
            raise LedgerReadError("这是 Word 文件（.docx），不是 Excel 文件", source=name)
        try:
            _check_merged_areas(archive, name=name)
            return _formulas_without_values(archive)
        except ZIP_ERRORS as error:
            detail = " ".join(str(error).split())[:200] or type(error).__name__
            raise LedgerReadError(f"Excel 文件已损坏（{detail}）", source=name) from None


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
    """The workbook in read-only mode (its sheets are read as they stream: `xlsx_stream`).
    data_only: a formula's last value."""
    with _loading(name):
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)


@contextmanager
def _loading(name: str) -> Iterator[None]:
    """What openpyxl, lxml or the zip raise while a workbook or one of its sheets is read is a
    `LedgerReadError` ("不是有效的 Excel 文件（…）")."""
    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and the like: nothing for the user.
            warnings.simplefilter("ignore")
            yield
    except _LOAD_ERRORS as error:
        missing = _MISSING_PART.search(str(error)) if isinstance(error, KeyError) else None
        if missing:
            detail = f"缺少 {missing.group(1)}"
        else:
            detail = " ".join(str(error).split())[:200] or type(error).__name__
        raise LedgerReadError(f"不是有效的 Excel 文件（{detail}）", source=name) from None


def _formulas_without_values(archive: zipfile.ZipFile) -> dict[str, set[str]]:
    """The formula cells ("B5") that hold no saved value (a file written by a program that
    does not compute, never opened in Excel), by sheet title. openpyxl's values (data_only)
    cannot tell them from empty cells."""
    paths = _sheet_paths(archive)
    found: dict[str, set[str]] = {}
    for title, path in paths.items():
        try:
            xml = archive.read(path)
        except KeyError:
            continue
        if not _FORMULA.search(xml):
            continue
        for cell in _CELL.finditer(xml):
            attributes, body = cell.groups()
            if body and _FORMULA.search(body) and not _has_value(attributes, body):
                ref = _REF.search(attributes)
                if ref:
                    found.setdefault(title, set()).add(ref.group(1).decode("ascii").upper())
    return found


def _has_value(attributes: bytes, body: bytes) -> bool:
    value = _VALUE.search(body)
    if value is None:
        return False
    return bool(value.group(1).strip()) or bool(_TEXT_RESULT.search(attributes))


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """The zip path of each worksheet, by title (from the workbook and its relationships)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        relations = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for attributes in _RELATIONSHIP.findall(relations):
        values = _attributes(attributes)
        if "Id" in values and "Target" in values:
            target = values["Target"]
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[values["Id"]] = posixpath.normpath(path)
    paths = {}
    for attributes in _SHEET.findall(workbook):
        values = _attributes(attributes)
        relation = next((v for k, v in values.items() if k.endswith(":id")), None)
        if "name" in values and relation in targets:
            paths[values["name"]] = targets[relation]
    return paths


def _attributes(text: bytes) -> dict[str, str]:
    return {
        key.decode("ascii", "replace"): html.unescape(value.decode("utf-8", "replace"))
        for key, value in _ATTRIBUTE.findall(text)
    }


def _ledger_tables(
    book: Any,
    archive: zipfile.ZipFile,
    *,
    name: str,
    sheet: str | None,
    formulas: dict[str, set[str]],
) -> list[FoundTable]:
    """Every ledger table of the workbook (of the sheet named `sheet` when given): visible
    sheets first, then hidden ones (offices hide old copies and templates). A workbook whose
    only ledgers are on hidden sheets is read, with a warning."""
    sheets = list(book.worksheets)  # not its chartsheets
    if sheet is not None:
        sheets = [_named_sheet(sheets, sheet, book.sheetnames, name=name)]
    else:
        sheets.sort(key=lambda ws: ws.sheet_state != "visible")
    found: list[tuple[_Sheet, Grid, Region, list[Region]]] = []
    for ws in sheets:
        grid = _sheet_grid(ws, archive, name=name)
        regions = sheet_regions(grid)
        named = _Sheet(ws.title, ws.sheet_state)
        found.extend((named, grid, region, regions) for region in regions)
    if not found:
        raise _no_ledger(book, sheets, name=name, sheet=sheet)
    hidden_only = sheet is None and all(ws.state != "visible" for ws, *_ in found)
    return [
        _found(
            *item, name=name, formulas=formulas.get(item[0].title, set()), hidden_only=hidden_only
        )
        for item in found
    ]


@dataclass(frozen=True)
class _Sheet:
    """A sheet as a table names it: its title and state ("visible", "hidden", "veryHidden")."""

    title: str
    state: str


def _sheet_grid(ws: Any, archive: zipfile.ZipFile, *, name: str) -> Grid:
    """A read-only sheet's grid (`xlsx_stream`): its layout from its part (openpyxl's own
    path of it), then its cells."""
    with _loading(name):
        with archive.open(ws._worksheet_path) as source:
            layout = sheet_layout(source)
        return streamed_grid(ws, layout)


def _no_ledger(book: Any, sheets: list[Any], *, name: str, sheet: str | None) -> LedgerReadError:
    if sheet is not None:
        return LedgerReadError(
            f"工作表“{sheets[0].title}”的前{HEADER_SEARCH_ROWS}行中找不到台账表头"
            "（含“序号、工作目标任务、牵头领导、责任单位”等列名的行）",
            source=name,
        )
    names = "、".join(book.sheetnames) or "无"
    return LedgerReadError(
        f"找不到台账表格：工作表（{names}）的前{HEADER_SEARCH_ROWS}行中都没有含"
        "“序号、工作目标任务、牵头领导、责任单位”等列名的表头行",
        source=name,
    )


def _found(
    ws: _Sheet,
    grid: Grid,
    region: Region,
    regions: list[Region],
    *,
    name: str,
    formulas: set[str],
    hidden_only: bool,
) -> FoundTable:
    """One table as listed (`工作表“2021年”`, `工作表“Sheet1”第20行起的“…”`) and read."""
    sheet_place = f"工作表“{ws.title}”"
    place = sheet_place + ("（隐藏）" if ws.state != "visible" else "")
    if len(regions) > 1:
        title = caption([" ".join(grid.row(row)) for row in region.preamble])
        place += f"第{region.header.row}行起" + (f"的“{title}”" if title else "的表格")
    # The first table of a sheet owns the rows above it, the others their title rows.
    first_row = 1 if region is regions[0] else region.start

    def read() -> tuple[RawTable, list[str]]:
        notes = [
            f"{sheet_place}是隐藏的工作表；文件中没有其他台账，已读入它" if hidden_only else None,
            hidden_warning(grid, region, first_row),
            _formula_warning(grid, region, formulas, first_row),
        ]
        return region_table(grid, region, source=name), [note for note in notes if note]

    return FoundTable(place=place, rows=region_rows(grid, region), read=read)


def _formula_warning(grid: Grid, region: Region, formulas: set[str], first_row: int) -> str | None:
    """One warning naming the visible formula cells of the table that had no saved value."""
    empty = []
    for ref in formulas:
        letters, row = coordinate_from_string(ref)
        column = column_index_from_string(letters)
        visible = row not in grid.hidden_rows and column not in grid.hidden_column_numbers
        if first_row <= row <= region.end and visible:
            empty.append((row, column, ref))
    if not empty:
        return None
    refs = [ref for *_, ref in sorted(empty)]
    more = f"等{len(refs)}个单元格" if len(refs) > _NAMED_CELLS else ""
    shown = "、".join(refs[:_NAMED_CELLS]) + more
    return (
        f"公式单元格{shown}在文件中没有保存计算结果，按空白读入"
        "（请用 Excel 或 WPS 打开后保存，再导入）"
    )


def _named_sheet(sheets: list[Any], wanted: str, names: list[str], *, name: str) -> Any:
    exact = [ws for ws in sheets if ws.title == wanted]
    loose = [ws for ws in sheets if ws.title.strip().casefold() == wanted.strip().casefold()]
    if exact or loose:
        return (exact or loose)[0]
    listed = "、".join(f"“{title}”" for title in names)
    raise LedgerReadError(f"没有名为“{wanted}”的工作表；工作表有：{listed}", source=name)
