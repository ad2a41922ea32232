"""Plain implementations the benchmarks compare Taizhang's writers with.

`baseline_write_docx` is what a ledger export looks like written the usual way with
python-docx's cell-by-cell API: `add_table`, `cell.text = ...`, fonts set run by run, category
cells merged. `taizhang.documents.write_docx` builds the table's XML directly instead.
"""

from __future__ import annotations

import io

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

from taizhang.documents.cells import category_numeral, table_columns, task_cells
from taizhang.documents.model import LedgerDoc


def _set_font(cell: _Cell, *, bold: bool = False) -> None:
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.name = "仿宋_GB2312"
            run.font.size = Pt(12)
            run.font.bold = bold
            run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")


def baseline_write_docx(doc: LedgerDoc) -> bytes:
    """The ledger as .docx via python-docx's per-cell API (landscape A4, title, bordered
    table with merged category rows)."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    document.add_paragraph("附件")
    document.add_paragraph(doc.title)
    columns = table_columns(doc)
    rows = 1 + sum(1 + len(category.tasks) for category in doc.categories)
    table = document.add_table(rows=rows, cols=len(columns))
    table.style = "Table Grid"
    for cell, column in zip(table.rows[0].cells, columns, strict=True):
        cell.text = column.title
        _set_font(cell, bold=True)
    index = 1
    for category in doc.categories:
        cells = table.rows[index].cells
        cells[0].text = category_numeral(category.number)
        merged = cells[1].merge(cells[-1])
        merged.text = category.name
        _set_font(cells[0], bold=True)
        _set_font(merged, bold=True)
        index += 1
        for task in category.tasks:
            for cell, text in zip(table.rows[index].cells, task_cells(task, columns), strict=True):
                cell.text = text
                _set_font(cell)
            index += 1
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def baseline_read_docx(data: bytes) -> list[list[str]]:
    """Every cell's text of every table, the usual python-docx way (`row.cells`, `cell.text`)."""
    document = docx.Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def baseline_write_xlsx(doc: LedgerDoc) -> bytes:
    """The ledger as .xlsx with openpyxl's normal workbook, cell by cell, a font, alignment and
    border object per cell, merged category rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    workbook = Workbook()
    sheet = workbook.active
    columns = table_columns(doc)
    width = len(columns)

    def put(row: int, column: int, value: object, bold: bool = False) -> None:
        cell = sheet.cell(row, column, value)
        cell.font = Font(name="仿宋_GB2312", size=11, bold=bold)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        side = Side(style="thin")
        cell.border = Border(left=side, right=side, top=side, bottom=side)

    sheet.cell(1, 1, doc.title).font = Font(size=18, bold=True)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for index, column in enumerate(columns, 1):
        put(2, index, column.title, True)
        sheet.cell(2, index).fill = PatternFill("solid", start_color="D9D9D9")
    row = 2
    for category in doc.categories:
        row += 1
        put(row, 1, category_numeral(category.number), True)
        put(row, 2, category.name, True)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        for task in category.tasks:
            row += 1
            for index, text in enumerate(task_cells(task, columns), 1):
                put(row, index, text)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def baseline_read_xlsx(data: bytes) -> list[list[object]]:
    """Every cell value of the active sheet, the usual openpyxl way (merged ranges need the
    normal, not read-only, mode)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]
