"""The sheet of new accounts the office prints and hands out (账号分发单): a Word table of
unit, user name and one-time password, the sign-in address, and the note to change the
password at first sign-in. Knows nothing of the database: rows in, bytes out."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import NamedTuple

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from taizhang.documents.fonts import docx_with_gb_fonts

FONT = "宋体"
MONO = "Courier New"  # user names and passwords: each character told apart
HEADERS = ("单位", "用户名", "初始密码")


class SheetRow(NamedTuple):
    unit: str
    username: str
    password: str


def account_sheet_docx(
    *, title: str, rows: Sequence[SheetRow], sign_in_url: str, note: str
) -> bytes:
    """The sheet as .docx: `title`, the sign-in address, a table of `rows` (单位, 用户名,
    初始密码) and `note` (change the password at first sign-in) under it."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    document.add_paragraph(f"登录地址：{sign_in_url}")
    table = document.add_table(rows=1, cols=len(HEADERS))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADERS, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        cells[0].text = row.unit
        for cell, text in ((cells[1], row.username), (cells[2], row.password)):
            cell.paragraphs[0].add_run(text).font.name = MONO
    document.add_paragraph(note)
    out = io.BytesIO()
    document.save(out)
    return docx_with_gb_fonts(out.getvalue())
