"""Build .docx ledgers with python-docx the way an office does in Word: an 附件 line, a title,
maybe a 截至 line, then a table with a (repeating) header row, category rows merged across,
leader or unit cells merged down over several tasks, cells of several paragraphs, text in runs
of a few characters, and sometimes the table split in two with the header repeated."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from taizhang.documents.cells import category_numeral, table_columns, task_cells
from taizhang.documents.model import LedgerDoc

HEADER: Final = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"]
# A cell holding MERGED_ABOVE is merged with the cell above it (Word's "合并单元格" down a
# column): the text is written once, in the first cell of the merge.
MERGED_ABOVE: Final = "\x00merged-above"


@dataclass(frozen=True)
class Category:
    """A category row: the numeral in the 序号 column and the name in one cell merged across
    the other columns, or (`one_cell`) "一、name" in one cell across the whole width."""

    numeral: str
    name: str
    one_cell: bool = False


@dataclass(frozen=True)
class Legend:
    """A legend or note row (注：√为已完成，○为正在推进) in one cell merged across the width,
    as WPS keeps it inside the table."""

    text: str


Row = Sequence[str] | Category | Legend


def ledger_docx(
    rows: Sequence[Row],
    *,
    header: Sequence[str] = HEADER,
    title: str = "2024年重点工作台账",
    as_of: str | None = None,
    attachment: bool = True,
    split_after: int | None = None,
    repeat_header_when_split: bool = True,
    blank_paragraphs: bool = False,
    before_table: Sequence[Sequence[Sequence[str]]] = (),
    after_table: Sequence[Sequence[Sequence[str]]] = (),
    sub_header: Sequence[str] | None = None,
) -> bytes:
    """A .docx ledger: `rows` below the `header` (cells with "\\n" hold several paragraphs,
    with empty paragraphs between them when `blank_paragraphs`). `split_after` puts the rows
    after that many into a second table on a new page, with the header repeated unless told
    not to. `before_table`/`after_table` are other small tables (rows of cell texts).
    `sub_header` makes a two-row header: an empty `header` cell is spanned by the cell to its
    left (时间节点 over 开工时间 / 完工时间), an empty `sub_header` cell is merged with the
    header cell above it."""
    document = docx.Document()
    _preamble(document, title=title, as_of=as_of, attachment=attachment)
    for cells in before_table:
        plain_table(document, cells)
        document.add_paragraph("")
    parts = [rows] if split_after is None else [rows[:split_after], rows[split_after:]]
    for number, part in enumerate(parts):
        if number:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        with_header = number == 0 or repeat_header_when_split
        ledger_table(
            document,
            part,
            header=header if with_header else None,
            width=len(header),
            sub_header=sub_header if with_header else None,
        )
    for cells in after_table:
        document.add_paragraph("")
        plain_table(document, cells)
    # Word always ends a document with a paragraph, never with a table.
    document.add_paragraph("")
    if blank_paragraphs:
        _add_blank_paragraphs(document)
    return to_bytes(document)


def docx_from_ledger(doc: LedgerDoc, *, split_after: int | None = None) -> bytes:
    """The .docx an office would have written for `doc`: its columns (or the seed's seven), a
    merged category row per category, the task cells of `cells.task_cells`."""
    columns = table_columns(doc)
    rows: list[Row] = []
    for category in doc.categories:
        rows.append(Category(category_numeral(category.number), category.name))
        rows.extend(task_cells(task, columns) for task in category.tasks)
    as_of = None
    if doc.as_of is not None:
        as_of = f"（截至{doc.as_of.year}年{doc.as_of.month}月{doc.as_of.day}日）"
    return ledger_docx(
        rows,
        header=[column.title for column in columns],
        title=doc.title,
        as_of=as_of,
        split_after=split_after,
    )


def to_bytes(document: Document) -> bytes:
    """The document saved as .docx bytes."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _preamble(document: Document, *, title: str, as_of: str | None, attachment: bool) -> None:
    if attachment:
        _styled(document.add_paragraph(), "附件", font="黑体", size=16)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _styled(heading, title, font="方正小标宋简体", size=22)
    if as_of is not None:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _styled(line, as_of, font="楷体_GB2312", size=16)


def _styled(paragraph: Paragraph, text: str, *, font: str, size: int) -> None:
    """Text in runs of at most four characters, each with an East Asian font, as Word splits
    text it has edited."""
    for start in range(0, len(text), 4):
        run = paragraph.add_run(text[start : start + 4])
        run.font.size = Pt(size)
        run.font.name = "Times New Roman"
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), font)


def ledger_table(
    document: Document,
    rows: Sequence[Row],
    *,
    header: Sequence[str] | None,
    width: int,
    sub_header: Sequence[str] | None = None,
) -> Table:
    """One ledger table: the header row (marked to repeat on every page), maybe a row of
    sub-titles, then `rows`; categories and legends merged across, MERGED_ABOVE cells
    merged down."""
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    if header is not None:
        _header_rows(table, header, sub_header)
    first_body_row = len(table.rows)
    for row in rows:
        cells = table.add_row().cells
        if isinstance(row, Category):
            _category_row(cells, row)
            continue
        if isinstance(row, Legend):
            write_cell(cells[0].merge(cells[-1]), row.text)
            continue
        for cell, text in zip(cells, row, strict=True):
            write_cell(cell, "" if text == MERGED_ABOVE else text)
    _merge_down(table, rows, first_body_row, header)
    return table


def _header_rows(table: Table, header: Sequence[str], sub_header: Sequence[str] | None) -> None:
    cells = table.add_row().cells
    for cell, text in zip(cells, header, strict=True):
        if text:
            write_cell(cell, text, font="黑体")
    mark_header_row(table)
    if sub_header is None:
        return
    below = table.add_row().cells
    for cell, text in zip(below, sub_header, strict=True):
        if text:
            write_cell(cell, text, font="黑体")
    for column, text in enumerate(header):
        if not text:  # spanned by the title to its left
            start = column
            while not header[start]:
                start -= 1
            table.cell(0, start).merge(table.cell(0, column))
        elif not sub_header[column]:
            table.cell(0, column).merge(table.cell(1, column))


def _category_row(cells: Sequence[_Cell], category: Category) -> None:
    if category.one_cell:
        merged = cells[0].merge(cells[-1])
        write_cell(merged, f"{category.numeral}、{category.name}", font="黑体")
        return
    write_cell(cells[0], category.numeral, font="黑体")
    write_cell(cells[1].merge(cells[-1]), category.name, font="黑体")


def _merge_down(
    table: Table, rows: Sequence[Row], first: int, header: Sequence[str] | None
) -> None:
    """Merge each run of MERGED_ABOVE cells with the cell above the run (which may be a
    header cell, in the first body row)."""
    for row_index, row in enumerate(rows):
        if isinstance(row, Category | Legend):
            continue
        for column, text in enumerate(row):
            above = rows[row_index - 1] if row_index else None
            starts_run = text == MERGED_ABOVE and (
                above is None
                or isinstance(above, Category | Legend)
                or above[column] != MERGED_ABOVE
            )
            if not starts_run:
                continue
            end = row_index
            while end + 1 < len(rows) and _cell_of(rows[end + 1], column) == MERGED_ABOVE:
                end += 1
            top = first + row_index - 1
            if top < 0:
                raise ValueError("MERGED_ABOVE in the first row of a table")
            table.cell(top, column).merge(table.cell(first + end, column))


def _cell_of(row: Row, column: int) -> str | None:
    return None if isinstance(row, Category | Legend) else row[column]


def write_cell(cell: _Cell, text: str, *, font: str = "仿宋_GB2312") -> None:
    """Write `text` into a cell: one paragraph per line, in runs of a few characters."""
    paragraphs = text.split("\n")
    _styled(cell.paragraphs[0], paragraphs[0], font=font, size=12)
    for line in paragraphs[1:]:
        _styled(cell.add_paragraph(), line, font=font, size=12)


def mark_header_row(table: Table) -> None:
    """Mark the table's first row as a header row repeated on every page (重复标题行)."""
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_properties.append(repeat)


def plain_table(document: Document, rows: Sequence[Sequence[str]]) -> Table:
    """A small table that is no ledger (填报单位, 联系人, a signature block)."""
    width = max(len(row) for row in rows)
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=False):
            write_cell(cell, text)
    return table


def table_paragraphs(table: Table) -> list[Paragraph]:
    """Every paragraph directly in a cell of the table, in order (merged cells once)."""
    return [
        Paragraph(p, table._parent)
        for tc in table._tbl.iter(qn("w:tc"))
        for p in tc.findall(qn("w:p"))
    ]


def _add_blank_paragraphs(document: Document) -> None:
    """Empty paragraphs between a cell's paragraphs and at its end, as offices leave them."""
    for table in document.tables:
        for paragraph in table_paragraphs(table):
            paragraph._p.addnext(OxmlElement("w:p"))
