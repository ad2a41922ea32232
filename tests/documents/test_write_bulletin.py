"""The bulletin as Word: the official document layout of GB/T 9704 (A4 portrait, the margins,
方正小标宋简体 二号 title, 仿宋_GB2312 三号 text with fixed lines and indented first lines, 黑体
and 楷体_GB2312 headings, the closing right-aligned, "— 1 —" page numbers), from the shipped
template or an office's own, with any text written safely; and, where LibreOffice is
installed, the seed bulletin rendered to PDF and PNG (artifacts/bulletin.pdf,
artifacts/bulletin-page1.png) for a person to look at."""

from __future__ import annotations

import datetime
import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from taizhang.documents.templates import make_bulletin_template
from taizhang.documents.write_bulletin import (
    ADDRESSEE,
    BODY,
    DATE,
    HEADING1,
    HEADING2,
    ISSUER,
    TEMPLATE,
    BulletinParagraph,
    broken_title,
    bulletin_paragraphs,
    write_bulletin,
    write_bulletin_text,
)
from tests.conftest import ARTIFACTS, require_tool

TITLE = "关于2021年济源十件重点民生实事推进情况的督查通报"
BODY_TEXT = """各责任单位：

为推动2021年济源十件重点民生实事落地见效，市政府督查室对各项任务推进情况进行了督查。

一、总体情况

2021年济源十件重点民生实事共16项任务。

（一）亮红灯的任务（2项）

1.第9项“开展蟒河西一环向东至济源界”。该项任务完成时限为2021年10月31日，目前已逾期5天。

五、下步工作要求

（一）压实工作责任。各牵头领导和责任单位要切实履行职责。

市政府督查室
2021年11月5日"""


def open_docx(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def word() -> WordDocument:
    return open_docx(write_bulletin(TITLE, BODY_TEXT))


def paragraph(document: WordDocument, text: str) -> Paragraph:
    return next(p for p in document.paragraphs if p.text.startswith(text))


def east_asia_font(style: Any) -> str | None:
    """The East Asian font a style names, following its base styles."""
    while style is not None:
        fonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return str(fonts.get(qn("w:eastAsia")))
        style = style.base_style
    return None


def style_value(style: Any, read: Any) -> Any:
    """A paragraph-format value of a style, following its base styles."""
    while style is not None:
        value = read(style.paragraph_format)
        if value is not None:
            return value
        style = style.base_style
    return None


# --- the page --------------------------------------------------------------------------------


def test_the_page_is_a4_portrait_with_the_official_margins(word: WordDocument) -> None:
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    sizes = (section.page_width, section.page_height)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(length.cm, 2) for length in sizes] == [21.0, 29.7]  # type: ignore[union-attr]
    assert [round(length.cm, 2) for length in margins] == [3.7, 3.5, 2.8, 2.6]  # type: ignore[union-attr]


def test_the_footers_hold_a_page_field_between_dashes(word: WordDocument) -> None:
    section = word.sections[0]
    assert word.settings.odd_and_even_pages_header_footer
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        (number,) = footer.paragraphs
        fields = number._p.findall(qn("w:fldSimple"))
        assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]
        assert "".join(t.text for t in number._p.iter(qn("w:t"))) == "— 1 —"
        assert number.paragraph_format.alignment == align
        assert east_asia_font(number.style) == "宋体"
        assert number.style.font.size == Pt(14)  # type: ignore[union-attr]


# --- the title and the text ------------------------------------------------------------------


def test_the_title_is_in_fangzheng_xiaobiaosong_er_hao_centred_on_two_lines(
    word: WordDocument,
) -> None:
    title = word.paragraphs[0]
    assert title.text == "关于2021年济源十件重点民生实事\n推进情况的督查通报"
    assert east_asia_font(title.style) == "方正小标宋简体"
    assert title.style.font.size == Pt(22)  # type: ignore[union-attr]
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[union-attr]
    assert word.paragraphs[1].text == ""  # the line left under the title
    assert word.core_properties.title == TITLE


def test_the_body_is_fangsong_san_hao_fixed_lines_first_line_indented(
    word: WordDocument,
) -> None:
    body = paragraph(word, "为推动")
    style = body.style
    assert east_asia_font(style) == "仿宋_GB2312"
    assert style_value(style, lambda f: f.line_spacing_rule) == WD_LINE_SPACING.EXACTLY
    assert Pt(28) <= style_value(style, lambda f: f.line_spacing) <= Pt(29)
    assert style_value(style, lambda f: f.first_line_indent) == Pt(32)  # two characters
    assert style.font.size == Pt(16)  # type: ignore[union-attr]
    assert paragraph(word, "1.第9项").style == style


def test_the_addressee_is_flush_left(word: WordDocument) -> None:
    addressee = paragraph(word, "各责任单位：")
    assert style_value(addressee.style, lambda f: f.first_line_indent) == 0
    assert east_asia_font(addressee.style) == "仿宋_GB2312"


def test_headings_are_heiti_and_kaiti_with_a_run_in_lead(word: WordDocument) -> None:
    heading = paragraph(word, "一、总体情况")
    assert east_asia_font(heading.style) == "黑体"
    sub = paragraph(word, "（一）亮红灯的任务")
    assert east_asia_font(sub.style) == "楷体_GB2312"
    run_in = paragraph(word, "（一）压实工作责任。")
    lead, text = run_in.runs
    assert (lead.text, text.text) == (
        "（一）压实工作责任。",
        "各牵头领导和责任单位要切实履行职责。",
    )
    assert east_asia_font(run_in.style) == "楷体_GB2312"
    assert east_asia_font(text.style) == "仿宋_GB2312"


def test_the_issuer_and_date_close_right_aligned_after_an_empty_line(
    word: WordDocument,
) -> None:
    texts = [p.text for p in word.paragraphs]
    assert texts[-3:] == ["", "市政府督查室", "2021年11月5日"]
    issuer, date = word.paragraphs[-2:]
    for closing in (issuer, date):
        assert style_value(closing.style, lambda f: f.alignment) == WD_ALIGN_PARAGRAPH.RIGHT
        assert closing.paragraph_format.first_line_indent == 0
    # GB/T 9704 7.3.5.1: the date four characters in; the issuer centred over it (6
    # characters; the date 6.5 wide, so a quarter character more in).
    assert date.paragraph_format.right_indent == Pt(16 * 4)
    assert issuer.paragraph_format.right_indent == Pt(16 * 4.25)


def test_an_issuer_longer_than_the_date_is_centred_over_it_too() -> None:
    body = BODY_TEXT.replace("市政府督查室", "济源示范区管委会督查室")  # 11 wide, the date 6.5
    issuer, date = open_docx(write_bulletin(TITLE, body)).paragraphs[-2:]
    assert date.paragraph_format.right_indent == Pt(16 * 4)
    assert issuer.paragraph_format.right_indent == Pt(16 * 1.75)


def test_paragraph_kinds_follow_how_lines_begin() -> None:
    assert bulletin_paragraphs(BODY_TEXT) == [
        BulletinParagraph(ADDRESSEE, "", "各责任单位："),
        BulletinParagraph(
            BODY,
            "",
            "为推动2021年济源十件重点民生实事落地见效，市政府督查室对各项任务推进情况进行了督查。",
        ),
        BulletinParagraph(HEADING1, "一、总体情况", ""),
        BulletinParagraph(BODY, "", "2021年济源十件重点民生实事共16项任务。"),
        BulletinParagraph(HEADING2, "（一）亮红灯的任务（2项）", ""),
        BulletinParagraph(
            BODY,
            "",
            "1.第9项“开展蟒河西一环向东至济源界”。该项任务完成时限为2021年10月31日，目前已逾期5天。",
        ),
        BulletinParagraph(HEADING1, "五、下步工作要求", ""),
        BulletinParagraph(HEADING2, "（一）压实工作责任。", "各牵头领导和责任单位要切实履行职责。"),
        BulletinParagraph(ISSUER, "", "市政府督查室"),
        BulletinParagraph(DATE, "", "2021年11月5日"),
    ]


def test_a_last_line_that_is_no_date_is_body_text() -> None:
    kinds = [p.kind for p in bulletin_paragraphs("正文一。\n市政府督查室")]
    assert kinds == [BODY, BODY]
    kinds = [p.kind for p in bulletin_paragraphs("正文一。\n请各单位抓紧落实。\n2021年11月5日")]
    assert kinds == [BODY, BODY, DATE]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (TITLE, "关于2021年济源十件重点民生实事\n推进情况的督查通报"),
        ("关于重点工作的督查通报", "关于重点工作的督查通报"),
        (
            "关于" + "某" * 16 + "的通报",
            "关于" + "某" * 16 + "的\n通报",
        ),
        ("某" * 50, "某" * 50),
        ("关于甲\n乙的通报", "关于甲\n乙的通报"),
    ],
)
def test_a_long_title_is_broken_before_its_tail(title: str, expected: str) -> None:
    assert broken_title(title, 20) == expected


# --- safety and templates --------------------------------------------------------------------


def test_markup_and_control_characters_are_written_as_text() -> None:
    body = "<script>alert(1)</script> & <w:p/>\x00\x0b\n一、标题\x07"
    document = open_docx(write_bulletin("<b>标题</b> & \x01", body))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts == ["<b>标题</b> & ", "<script>alert(1)</script> & <w:p/>", "一、标题"]


def test_the_same_text_gives_the_same_bytes() -> None:
    assert write_bulletin(TITLE, BODY_TEXT) == write_bulletin(TITLE, BODY_TEXT)


def test_the_shipped_template_is_what_the_script_builds() -> None:
    assert make_bulletin_template.build() == TEMPLATE.read_bytes()


def test_an_offices_own_template_is_used() -> None:
    template = open_docx(TEMPLATE.read_bytes())
    template.paragraphs[0].insert_paragraph_before("济源示范区督查局文件")
    buffer = io.BytesIO()
    template.save(buffer)
    document = open_docx(write_bulletin(TITLE, BODY_TEXT, template=buffer.getvalue()))
    assert document.paragraphs[0].text == "济源示范区督查局文件"
    assert document.paragraphs[1].text.startswith("关于2021年")


def test_a_template_without_the_styles_gets_direct_formatting() -> None:
    plain = docx.Document()
    plain.add_paragraph("{{标题}}")
    plain.add_paragraph("{{正文}}")
    buffer = io.BytesIO()
    plain.save(buffer)
    document = open_docx(write_bulletin(TITLE, BODY_TEXT, template=buffer.getvalue()))
    heading = paragraph(document, "一、总体情况")
    fonts = heading.runs[0]._r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    assert heading.runs[0].font.size == Pt(16)
    date = document.paragraphs[-1]
    assert date.text == "2021年11月5日"
    assert date.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT


@pytest.mark.parametrize(
    ("template", "message"),
    [(b"not a zip", "模板不是有效的 Word"), (None, "模板中没有 {{正文}} 占位段落")],
)
def test_an_unusable_template_is_refused_in_words(template: bytes | None, message: str) -> None:
    if template is None:
        empty = docx.Document()
        empty.add_paragraph("{{标题}}")
        buffer = io.BytesIO()
        empty.save(buffer)
        template = buffer.getvalue()
    with pytest.raises(ValueError, match=re.escape(message)):
        write_bulletin(TITLE, BODY_TEXT, template=template)


def test_the_text_format_is_title_blank_line_body() -> None:
    data = write_bulletin_text(TITLE, "正文。\r\n\n署名\n")
    assert data.decode() == f"{TITLE}\n\n正文。\n\n署名\n"


# --- LibreOffice renders the seed bulletin -----------------------------------------------------

TIMEOUT = 180
# The 公文 fonts are rarely installed on Linux: map them to the nearest installed ones so the
# page looks as it would on an office's computer (serif for 仿宋/宋体/小标宋, sans for 黑体).
FONT_SUBSTITUTES = {
    "仿宋_GB2312": ["FangSong", "Noto Serif CJK SC"],
    "宋体": ["SimSun", "Noto Serif CJK SC"],
    "楷体_GB2312": ["KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"],
    "黑体": ["SimHei", "Noto Sans CJK SC"],
    "方正小标宋简体": ["Noto Serif CJK SC"],
}


def fontconfig(path: Path) -> Path:
    """A fontconfig file: the system's, with the 公文 fonts mapped (the title in bold)."""
    rules = []
    for name, families in FONT_SUBSTITUTES.items():
        strings = "".join(f"<string>{family}</string>" for family in families)
        bold = (
            '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
            if name == "方正小标宋简体"
            else ""
        )
        rules.append(
            f'<match target="pattern"><test name="family"><string>{name}</string></test>'
            f'<edit name="family" mode="prepend" binding="strong">{strings}</edit>{bold}</match>'
        )
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"{''.join(rules)}</fontconfig>",
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_libreoffice_renders_the_seed_bulletin(world: Any, tmp_path: Path) -> None:
    from taizhang.supervision.bulletin import bulletin_data, compose_bulletin

    soffice = require_tool("soffice", "libreoffice-writer-nogui")
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    pdftotext = require_tool("pdftotext", "poppler-utils")
    text = compose_bulletin(bulletin_data(world.ledger, datetime.date(2021, 11, 5)))
    source = tmp_path / "bulletin.docx"
    source.write_bytes(write_bulletin(text.title, text.body))
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig(tmp_path / "fonts.conf"))}
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
        env=env,
    )
    pdf = tmp_path / "bulletin.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    printed = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=TIMEOUT
    ).stdout.decode()
    flat = re.sub(r"[ \t]+", "", printed)
    assert "关于2021年济源十件重点民生实事\n推进情况的督查通报" in flat
    assert "一、总体情况" in flat and "市政府督查室\n2021年11月5日" in flat
    assert re.search(r"^[—―–-]+1[—―–-]+$", flat, re.MULTILINE)
    assert re.search(r"^[—―–-]+2[—―–-]+$", flat, re.MULTILINE)
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    (png,) = tmp_path.glob("page*.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / "bulletin.pdf")
    shutil.copyfile(png, ARTIFACTS / "bulletin-page1.png")
