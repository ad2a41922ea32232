"""Writer for a 督办通知单 (the supervision notice an office sends a unit whose tasks are
lagging) as Word (.docx), in the plain layout of an official document (GB/T 9704-2012,
`plain_document`), as such notices are laid out:

    督办通知单                                   title, 二号 小标宋, centred
                              督办〔2021〕3号    the 督办编号 (if any), flush right
    住建局：                                     the unit addressed
        截至2021年11月5日，你单位……现予督办。   the opening paragraph
    ┌────┬────────┬────────┬────┬────────┐
    │序号│工作任务│完成时限│预警│督办事由│      a table, one row a task, red first
    └────┴────────┴────────┴────┴────────┘
        请你单位……于2021年11月12日前……反馈。    the request: 限期整改 and the reply date
                                   市政府督查室  the issuer and the date
                                  2021年11月5日

Knows nothing of the database: it turns a `NoticeSheet` (worded by supervision.notice)
into bytes."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from docx.document import Document as WordDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell, _Row

from taizhang.documents.groups import file_name
from taizhang.documents.plain_document import (
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    body,
    closing,
    docx_bytes,
    new_document,
    paragraph,
)

TITLE: Final = "督办通知单"
COLUMNS: Final = ("序号", "工作任务", "完成时限", "预警", "督办事由")
WIDTHS: Final = (Mm(14), Mm(50), Mm(26), Mm(14), Mm(52))  # 156 mm: the text's width
CELL_SIZE: Final = Pt(12)  # 小四: five columns across the page


@dataclass(frozen=True)
class NoticeTask:
    number: str  # as the ledger shows it: "8", "3-1"
    goal: str
    deadline: str  # as documents write it (2021年10月31日), or ""
    light: str  # 红灯 / 黄灯
    reasons: str  # why, in one sentence (worded by supervision)


@dataclass(frozen=True)
class NoticeSheet:
    unit: str
    lead: str  # the opening paragraph: the date and how many tasks are lit
    tasks: tuple[NoticeTask, ...]
    request: str  # 限期整改 and by when to reply, to whom
    issuer: str
    date: str  # the day it is issued, as documents write it: 2021年11月5日
    number: str = ""  # 督办编号, e.g. 督办〔2021〕3号


def write_notice(sheet: NoticeSheet) -> bytes:
    """The 督办通知单 of one unit as .docx bytes."""
    document = new_document(TITLE)
    if sheet.number:
        line = paragraph(document.add_paragraph(), sheet.number, BODY_FONT, BODY_SIZE)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph(document.add_paragraph(), f"{sheet.unit}：", BODY_FONT, BODY_SIZE)
    body(document.add_paragraph(), sheet.lead)
    if sheet.tasks:
        _table(document, sheet.tasks)
    body(document.add_paragraph(), sheet.request)
    closing(document, sheet.issuer, sheet.date)
    return docx_bytes(document)


def notice_file_name(sheet: NoticeSheet, day: str) -> str:
    """The notice's file name: 督办通知单-住建局-20211105.docx (`day` as YYYYMMDD)."""
    return f"督办通知单-{file_name(sheet.unit)}-{day}.docx"


def write_notices_zip(sheets: Iterable[NoticeSheet], day: str) -> bytes:
    """Several units' notices as one .zip, a .docx each (`notice_file_name`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            info = zipfile.ZipInfo(notice_file_name(sheet, day), date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, write_notice(sheet))
    return out.getvalue()


def _table(document: WordDocument, tasks: tuple[NoticeTask, ...]) -> None:
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, name in zip(header.cells, COLUMNS, strict=True):
        _cell(cell, name, HEADING_FONT, centred=True)
    for index, task in enumerate(tasks, 1):
        cells = table.add_row().cells
        goal = f"第{task.number}项：{task.goal}"
        values = (str(index), goal, task.deadline, task.light, task.reasons)
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            _cell(cell, value, BODY_FONT, centred=column in (0, 2, 3))
    # The grid's widths (LibreOffice reads these) and each cell's (Word reads those).
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS, strict=True):
            cell.width = width


def _cell(cell: _Cell, text: str, font: str, *, centred: bool) -> None:
    (first,) = cell.paragraphs
    paragraph(first, text, font, CELL_SIZE, line=None)
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _repeat_as_header(row: _Row) -> None:
    """The first row repeated at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)
