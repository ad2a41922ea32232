"""Writer for a ledger as an Excel workbook in the official layout: a title merged across the
table, an optional 截至 line, the header, category rows merged across, task rows with wrapped
text and thin borders; printable as is (landscape A4, fit to width, header on every page).
openpyxl (write-only mode) writes the workbook: styles, print setup, the rows above the table,
the merged ranges. The table's rows are streamed into its sheet as XML text, row by row, as the
package is zipped: openpyxl's cell-by-cell writing would take most of the time, and the time
and memory taken grow with the ledger's rows, no faster. `read_xlsx` reads it back."""

from __future__ import annotations

import datetime
import io
import math
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any, Final

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.documents.cells import category_numeral, table_columns, task_cells, task_rows
from taizhang.documents.model import Column, LedgerDoc, TaskDoc
from taizhang.documents.xml_text import chunked, clean_text, escape_text

# Column widths (in characters) close to the Word layout, by column key.
COLUMN_WIDTHS: Final = {
    "number": 6,
    "goal": 36,
    "leaders": 10,
    "units": 14,
    "co_units": 14,
    "deadline": 26,
    "progress": 60,
    "status": 12,
    "remarks": 12,
    "start": 14,
    "progress_month": 40,
    "month": 24,
    "contact": 12,
    "warning": 20,
}
EXTRA_WIDTH: Final = 14
# Short cells read better centered; long text is left-aligned.
_CENTERED_KEYS: Final = frozenset({"number", "leaders", "units", "co_units", "status"})
_SHEET_TITLE: Final = "台账"
# Row heights are estimated and written, because LibreOffice does not fit a row to wrapped
# text when it opens a file: a full-width (CJK) character is about 2.2 width units at 11pt,
# a line of 11pt text about 15pt high; Excel's tallest row is 409pt.
_WIDE_UNITS: Final = 2.2
_NARROW_UNITS: Final = 1.1
_LINE_HEIGHT: Final = 15.0
_MAX_ROW_HEIGHT: Final = 409.0
_CM: Final = 1 / 2.54  # page margins are in inches

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BODY_FONT = "仿宋_GB2312"


def _named_styles() -> list[NamedStyle]:
    def style(name: str, font: Font, alignment: Alignment, boxed: bool = True) -> NamedStyle:
        named = NamedStyle(name=name, font=font, alignment=alignment)
        if boxed:
            named.border = _BORDER
        return named

    top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    top_center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    middle_left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    middle_center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header = style("台账表头", Font(name="黑体", size=12, bold=True), middle_center)
    header.fill = PatternFill(fill_type="solid", start_color="D9D9D9", end_color="D9D9D9")
    return [
        style("台账标题", Font(name="方正小标宋简体", size=18, bold=True), middle_center, False),
        style("台账截至", Font(name=_BODY_FONT, size=12), middle_center, False),
        header,
        style("台账分类序号", Font(name="黑体", size=12, bold=True), middle_center),
        style("台账分类", Font(name="黑体", size=12, bold=True), middle_left),
        style("台账正文", Font(name=_BODY_FONT, size=11), top_left),
        style("台账正文居中", Font(name=_BODY_FONT, size=11), top_center),
    ]


def write_xlsx(doc: LedgerDoc, *, as_of: datetime.date | None = None) -> bytes:
    """The ledger as .xlsx bytes in the official layout, one sheet "台账". `as_of` (else the
    document's own) writes a 截至 line under the title. Writes the document's own columns, or
    the seed's seven when it has none. Text is always written as text (a goal starting with
    "=" is no formula); characters Excel cannot hold (control characters, lone surrogates)
    are dropped, and a carriage return ends a line as a newline does."""
    book = Workbook(write_only=True)
    styles: dict[str, Any] = {}
    for named in _named_styles():
        book.add_named_style(named)
        styles[named.name] = named.as_tuple()
    sheet = book.create_sheet(title=_SHEET_TITLE)
    writer = _SheetWriter(sheet, table_columns(doc), styles)
    day = as_of or doc.as_of
    header_row = 3 if day else 2
    writer.setup(header_row)
    writer.banner(doc.title, "台账标题", height=40)
    if day:
        writer.banner(f"（截至{day.year}年{day.month}月{day.day}日）", "台账截至", height=22)
    writer.header()
    writer.merge_categories(doc)
    out = io.BytesIO()
    book.save(out)
    return _with_rows(out.getvalue(), sheet.path.lstrip("/"), writer.body(doc))


def _with_rows(package: bytes, part: str, rows: Iterable[str]) -> bytes:
    """The package openpyxl wrote, with `rows` (XML text) at the end of the sheet `part`'s
    rows, compressed as they come. The other parts are copied as they are."""
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info)
            if info.filename != part:
                target.writestr(info, content)
                continue
            end = content.rindex(b"</sheetData>")
            with target.open(info, "w") as sheet:
                sheet.write(content[:end])
                for chunk in chunked(rows):
                    sheet.write(chunk)
                sheet.write(content[end:])
    return output.getvalue()


class _SheetWriter:
    """Appends the rows of one write-only sheet, recording the merged ranges as it goes."""

    def __init__(self, sheet: Any, columns: list[Column], styles: dict[str, Any]) -> None:
        self.sheet = sheet
        self.styles = styles
        self.columns = columns
        self.width = len(columns)
        self.last = get_column_letter(self.width)
        self.row = 0
        # Usable characters per line: the column width less the cell's padding.
        self.widths = [COLUMN_WIDTHS.get(c.key, EXTRA_WIDTH) - 1.5 for c in columns]
        self.task_styles = [
            "台账正文居中" if column.key in _CENTERED_KEYS else "台账正文" for column in columns
        ]
        self.letters = [get_column_letter(index) for index in range(1, max(self.width, 2) + 1)]
        # Each style's index in the workbook's cell formats, registered now: openpyxl writes
        # the formats when it saves, before the rows of `body` are written.
        self.style_ids: dict[str, int] = {
            name: Cell(sheet, style_array=array).style_id for name, array in styles.items()
        }

    def setup(self, header_row: int) -> None:
        """Column widths, frozen header and print setup: all must come before the first row."""
        sheet = self.sheet
        for index, column in enumerate(self.columns, 1):
            width = COLUMN_WIDTHS.get(column.key, EXTRA_WIDTH)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = f"A{header_row + 1}"
        sheet.print_title_rows = f"{header_row}:{header_row}"
        setup = sheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_margins = PageMargins(
            left=1.5 * _CM, right=1.5 * _CM, top=1.5 * _CM, bottom=1.5 * _CM, header=0.8 * _CM
        )
        sheet.print_options.horizontalCentered = True
        sheet.oddFooter.center.text = "第 &P 页，共 &N 页"

    def cell(self, value: str | int | None, style: str) -> Any:
        """A styled cell; text stays text (a leading "=" makes no formula)."""
        # A named style's array, given to the cell as it is made: the fast way to style
        # thousands of cells (setting `cell.style` looks the style up by name each time).
        cell = Cell(self.sheet, row=1, column=1, style_array=self.styles[style])
        if isinstance(value, str):
            cell.value = clean_text(value)
            cell.data_type = "s"
        elif value is not None:
            cell.value = value
        return cell

    def append(self, cells: list[Any], height: float | None = None) -> None:
        self.row += 1
        if height is not None:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)

    def banner(self, text: str, style: str, *, height: float) -> None:
        """A line above the table, merged across its width."""
        self.append([self.cell(text, style)], height=height)
        if self.width > 1:
            self.sheet.merged_cells.add(f"A{self.row}:{self.last}{self.row}")

    def header(self) -> None:
        titles = [column.title for column in self.columns]
        height = self.height(titles, scale=12 / 11)
        self.append([self.cell(title, "台账表头") for title in titles], height=height)

    def height(self, texts: list[str], *, scale: float = 1.0) -> float:
        """The height (pt) a row needs to show every line of its wrapped texts."""
        lines = 1
        for text, width in zip(texts, self.widths, strict=False):
            if "\n" in text:
                count = sum(_lines(p, width / scale) for p in text.split("\n"))
            else:
                count = _lines(text, width / scale)
            lines = max(lines, count)
        return min(lines * _LINE_HEIGHT * scale + 6, _MAX_ROW_HEIGHT)

    def merge_categories(self, doc: LedgerDoc) -> None:
        """Merge each category row's name across the columns after the numeral, at the rows
        `body` will write them in. (openpyxl writes the merged ranges after the rows, so they
        are known before the rows are written.)"""
        row = self.row
        for category in doc.categories:
            row += 1
            if self.width > 2:
                # Straight into the set: `merged_cells.add` compares a new range with every
                # one before it (quadratic in the categories), and these never overlap.
                self.sheet.merged_cells.ranges.add(CellRange(f"B{row}:{self.last}{row}"))
            row += sum(1 + len(task.subitems) for task in category.tasks)

    def body(self, doc: LedgerDoc) -> Iterator[str]:
        """The table's rows below the header as XML text, one row at a time, numbered on
        from the rows openpyxl wrote: per category its row, then its tasks' and sub-items'.
        A task's 序号 is written as a number, so Excel sorts and filters by it; a sub-item's
        as the text ("3-1")."""
        ids = self.style_ids
        rest = max(self.width, 2) - 1  # a one-column ledger's category name goes beside it
        category_row = _RowXml(self.letters, [ids["台账分类序号"], *[ids["台账分类"]] * rest])
        task_row = _RowXml(self.letters, [ids[name] for name in self.task_styles])
        keys = [column.key for column in self.columns]
        number_at = keys.index("number") if "number" in keys else None
        for category in doc.categories:
            self.row += 1
            texts = [category_numeral(category.number), category.name, *[""] * (rest - 1)]
            yield category_row.xml(self.row, list(texts))
            for task, parent in task_rows(category.tasks):
                self.row += 1
                yield task_row.xml(self.row, *self._task_values(task, parent, number_at))

    def _task_values(
        self, task: TaskDoc, parent: TaskDoc | None, number_at: int | None
    ) -> tuple[list[str | int], float]:
        """A task's (or sub-item's) cell values and its row's height."""
        texts = task_cells(task, self.columns, parent)
        values: list[str | int] = list(texts)
        if number_at is not None and parent is None:
            values[number_at] = task.number
        return values, self.height(texts)


class _RowXml:
    """One kind of row as SpreadsheetML text: each cell's column and style, prepared once."""

    __slots__ = ("starts",)

    def __init__(self, letters: list[str], style_ids: list[int]) -> None:
        self.starts = [
            (f'<c r="{letter}', f'" s="{style}"')
            for letter, style in zip(letters, style_ids, strict=False)
        ]

    def xml(self, row: int, values: list[str | int], height: float | None = None) -> str:
        """The row `row` holding `values` (text as inline strings, numbers as numbers; a
        cell without text is written empty, with its style); `height` in points."""
        number = str(row)
        if height is None:
            parts = [f'<row r="{number}">']
        else:
            parts = [f'<row r="{number}" ht="{height:.16g}" customHeight="1">']
        for (column, style), value in zip(self.starts, values, strict=True):
            if isinstance(value, int):
                parts.append(f'{column}{number}{style} t="n"><v>{value}</v></c>')
            elif value:
                parts.append(f"{column}{number}{style}{_inline_string(value)}")
            else:
                parts.append(f"{column}{number}{style}/>")
        parts.append("</row>")
        return "".join(parts)


def _inline_string(text: str) -> str:
    """A cell's text: escaped, characters XML cannot hold dropped, spaces at either end kept."""
    text = escape_text(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _lines(paragraph: str, width: float) -> int:
    # Characters beyond ASCII take 2 or 3 bytes in UTF-8: about the count of wide ones, fast.
    wide = (len(paragraph.encode(errors="surrogatepass")) - len(paragraph)) / 2
    units = (len(paragraph) - wide) * _NARROW_UNITS + wide * _WIDE_UNITS
    return max(1, math.ceil(units / max(width, 1.0)))
