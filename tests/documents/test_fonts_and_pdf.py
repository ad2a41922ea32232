"""Every .docx names the GB fonts with look-alike fallbacks (documents/fonts.py), and PDF is
written through LibreOffice, with a clear message and no file where it is missing. One
LibreOffice conversion for the module."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from taizhang.documents import pdf
from taizhang.documents.fonts import GB_FONTS, fontconfig_xml
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.write_account_sheet import SheetRow, account_sheet_docx
from taizhang.documents.write_bulletin import write_bulletin
from taizhang.documents.write_docx import write_docx
from taizhang.documents.write_reminder import ReminderSheet, SheetTask, write_reminder
from taizhang.documents.writers import export_files
from tests.conftest import require_tool

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def small() -> LedgerDoc:
    task = TaskDoc(1, "完成中医院二期扩建", leaders=["张三"], units=[UnitRef("卫健委")])
    task.progress = "主体工程已完工，正在进行水电暖通安装。"
    return LedgerDoc(
        title="2021年重点工作台账", year=2021, categories=[CategoryDoc(1, "民生", [task])]
    )


def font_table(data: bytes) -> dict[str, dict[str, str]]:
    """Each font of the package's font table: its altName, family, charset and panose."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/fontTable.xml"))
    fonts = {}
    for font in root.iter(f"{W}font"):
        hints = {child.tag.removeprefix(W): child.get(f"{W}val") or "" for child in font}
        fonts[font.get(f"{W}name") or ""] = hints
    return fonts


def assert_gb_fonts(data: bytes) -> None:
    fonts = font_table(data)
    for name, alt in (("仿宋_GB2312", "仿宋"), ("楷体_GB2312", "楷体"), ("方正小标宋简体", "宋体"),
                      ("黑体", "SimHei")):  # fmt: skip
        assert fonts[name]["altName"] == alt, name
        assert fonts[name]["charset"] == "86" and len(fonts[name]["panose1"]) == 20
        assert fonts[name]["family"] in ("roman", "swiss")


def test_every_docx_writer_names_the_gb_fonts_with_their_substitutes() -> None:
    assert_gb_fonts(write_docx(small()))
    assert_gb_fonts(write_bulletin("关于重点工作进展情况的通报", "一、总体情况\n正文。"))
    sheet = ReminderSheet("水利局", "请报送。", (SheetTask("3", "任务"),), "", "市政府督查室",
                          "2021年11月5日")  # fmt: skip
    assert_gb_fonts(write_reminder(sheet))
    rows = [SheetRow("水利局", "slj", "secret")]
    assert_gb_fonts(
        account_sheet_docx(title="账号", rows=rows, sign_in_url="http://x/", note="改密码")
    )


def test_an_offices_own_template_gets_the_gb_fonts_and_keeps_its_own() -> None:
    document = docx.Document()
    document.add_paragraph("{{台账表格}}")
    out = io.BytesIO()
    document.save(out)
    before = font_table(out.getvalue())
    assert "仿宋_GB2312" not in before
    after = font_table(write_docx(small(), template=out.getvalue()))
    assert set(before) <= set(after)
    assert after["仿宋_GB2312"]["altName"] == "仿宋"


def test_the_fontconfig_aliases_name_each_gb_font_and_its_look_alikes() -> None:
    root = etree.fromstring(fontconfig_xml().split("\n", 2)[2].encode())
    aliases = {a.findtext("family"): [f.text for f in a.iterfind("accept/family")]
               for a in root.iter("alias")}  # fmt: skip
    assert aliases["仿宋_GB2312"][:3] == ["仿宋", "FangSong", "Noto Serif CJK SC"]
    assert "Noto Sans CJK SC" in aliases["黑体"]
    assert {f.name for f in GB_FONTS if f.look_alikes} == set(aliases)


@pytest.fixture(scope="module")
def ledger_pdf() -> bytes:
    """The small ledger as PDF: the module's one LibreOffice conversion."""
    require_tool("soffice", "libreoffice-writer-nogui")
    return b"".join(export_files(small(), "pdf", warnings=True).chunks)


def test_a_pdf_is_written_with_serif_text_for_fangsong(ledger_pdf: bytes, tmp_path: Path) -> None:
    assert ledger_pdf.startswith(b"%PDF-") and len(ledger_pdf) > 5000
    tool = require_tool("pdffonts", "poppler-utils")
    path = tmp_path / "ledger.pdf"
    path.write_bytes(ledger_pdf)
    fonts = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    # 仿宋_GB2312 is not installed here: the body is set in the serif look-alike (fonts.conf),
    # the header (黑体) in the sans one.
    assert re.search(r"NotoSerifCJK", fonts), fonts
    assert re.search(r"NotoSansCJK", fonts), fonts


def test_without_libreoffice_pdf_is_refused_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "libreoffice_binary", lambda: None)
    assert not pdf.pdf_available()
    with pytest.raises(pdf.PdfError, match="未安装 LibreOffice，无法导出 PDF"):
        export_files(small(), "pdf")
    with pytest.raises(pdf.PdfError, match="未安装 LibreOffice"):
        pdf.docx_to_pdf(write_docx(small()))


def test_a_conversion_writing_no_pdf_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'Error: source file could not be loaded'\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "libreoffice_binary", lambda: str(fake))
    with pytest.raises(
        pdf.PdfError, match="无法生成 PDF（Error: source file could not be loaded）"
    ):
        pdf.docx_to_pdf(b"not a document")
