"""Writer for a 催办单 (a reminder on paper, for offices that still send one) as Word (.docx),
in the plain layout of an official document (GB/T 9704-2012): A4, its margins, the title in
二号 小标宋 (宋体 bold where that font is missing), the text in 三号 仿宋 at 28.95 pt lines,
the issuing office and the date at the right. Built with python-docx.

Knows nothing of the database: it turns a `ReminderSheet` into bytes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Final

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from taizhang.documents.fonts import docx_with_gb_fonts

TITLE: Final = "催办单"
TITLE_FONT: Final = "方正小标宋简体"
BODY_FONT: Final = "仿宋_GB2312"
TITLE_SIZE: Final = Pt(22)  # 二号
BODY_SIZE: Final = Pt(16)  # 三号
LINE: Final = Pt(28.95)  # 22 lines to the page


@dataclass(frozen=True)
class SheetTask:
    number: str  # as the ledger shows it: "3", "3-1", "（1）"
    goal: str


@dataclass(frozen=True)
class ReminderSheet:
    unit: str
    lead: str  # the opening paragraph: the round, its due date, how many tasks (worded by notify)
    tasks: tuple[SheetTask, ...]
    message: str  # the office's message as a line of its own ("督查室留言：..."), or ""
    issuer: str
    date: str  # the day it is issued, as documents write it: 2021年11月5日


def write_reminder(sheet: ReminderSheet) -> bytes:
    """The 催办单 of one unit as .docx bytes: addressed to the unit, the opening paragraph
    (the round and its due date), the tasks still to report (number and goal), the office's
    message, the issuer and the date."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    title = _paragraph(document.add_paragraph(), TITLE, TITLE_FONT, TITLE_SIZE, bold=True)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document.add_paragraph(), f"{sheet.unit}：", BODY_FONT, BODY_SIZE)
    _body(document.add_paragraph(), sheet.lead)
    for task in sheet.tasks:
        _body(document.add_paragraph(), f"任务{task.number}：{task.goal}")
    if sheet.message:
        _body(document.add_paragraph(), sheet.message)
    document.add_paragraph()
    for line in (sheet.issuer, sheet.date):
        closing = _paragraph(document.add_paragraph(), line, BODY_FONT, BODY_SIZE)
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        closing.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
    out = io.BytesIO()
    document.save(out)
    return docx_with_gb_fonts(out.getvalue())


def _body(paragraph: Paragraph, text: str) -> Paragraph:
    """A paragraph of the text, its first line indented two characters, justified."""
    _paragraph(paragraph, text, BODY_FONT, BODY_SIZE)
    paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return paragraph


def _paragraph(
    paragraph: Paragraph, text: str, font: str, size: Pt, *, bold: bool = False
) -> Paragraph:
    """Text in a font and size (East Asian font set too, which Word uses for Chinese), at the
    document's exact line spacing."""
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = size
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), font)
    spacing = paragraph.paragraph_format
    spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    spacing.line_spacing = LINE
    spacing.space_before = spacing.space_after = Pt(0)
    return paragraph
