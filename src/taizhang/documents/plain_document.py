"""The plain layout of a short official document (GB/T 9704-2012) that the one-page sheets
share (the 催办单, the 督办通知单): A4 with its margins, the title in 二号 小标宋 (宋体 bold
where that font is missing), the text in 三号 仿宋 at 28.95 pt lines (22 to the page), the
issuing office and the date at the right. Built with python-docx; the font table names the
GB fonts with their look-alikes (`fonts.docx_with_gb_fonts`). No database."""

from __future__ import annotations

import io
from typing import Final

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from taizhang.documents.fonts import docx_with_gb_fonts

TITLE_FONT: Final = "方正小标宋简体"
BODY_FONT: Final = "仿宋_GB2312"
HEADING_FONT: Final = "黑体"
TITLE_SIZE: Final = Pt(22)  # 二号
BODY_SIZE: Final = Pt(16)  # 三号
LINE: Final = Pt(28.95)  # 22 lines to the page
TEXT_WIDTH: Final = Mm(210 - 28 - 26)


def new_document(title: str) -> WordDocument:
    """An A4 document with GB/T 9704's margins and the title centred."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    heading = paragraph(document.add_paragraph(), title, TITLE_FONT, TITLE_SIZE, bold=True)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def body(target: Paragraph, text: str) -> Paragraph:
    """A paragraph of the text, its first line indented two characters, justified."""
    paragraph(target, text, BODY_FONT, BODY_SIZE)
    target.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)
    target.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return target


def paragraph(
    target: Paragraph,
    text: str,
    font: str,
    size: Pt,
    *,
    bold: bool = False,
    line: Pt | None = LINE,
) -> Paragraph:
    """Text in a font and size (East Asian font set too, which Word uses for Chinese), at the
    document's exact line spacing (`line`; None: single spacing, for table cells)."""
    run = target.add_run(text)
    run.font.name = font
    run.font.size = size
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), font)
    spacing = target.paragraph_format
    if line is not None:
        spacing.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        spacing.line_spacing = line
    spacing.space_before = spacing.space_after = Pt(0)
    return target


def closing(document: WordDocument, issuer: str, date: str) -> None:
    """A blank line, then the issuing office and the date, each at the right two characters
    in (the 署名 and 成文日期 of a document without a seal)."""
    document.add_paragraph()
    for line in (issuer, date):
        end = paragraph(document.add_paragraph(), line, BODY_FONT, BODY_SIZE)
        end.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        end.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)


def docx_bytes(document: WordDocument) -> bytes:
    """The document saved, its font table naming the GB fonts and their substitutes."""
    out = io.BytesIO()
    document.save(out)
    return docx_with_gb_fonts(out.getvalue())
