"""The bulletin's 版头 and 版记 (GB/T 9704-2012 7.2, 7.4): the masthead form (red 督查通报,
第N期, the issuing body and the date on one line over a red rule) and the plain form (the
发文字号 alone, flush right); the 版记 at the foot of the last page between thick rules, 抄送
one character in, 印发机关 left and 印发日期 right. Rendered through LibreOffice to PNG for
the seed as of 2021-11-05 and 2021-11-10, every page kept under $TAIZHANG_ARTIFACTS."""

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
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import Table

from taizhang.documents.bulletin_frame import (
    PLAIN,
    RED,
    THICK_RULE,
    THIN_RULE,
    Colophon,
    Masthead,
    cc_line,
    cc_lines,
)
from taizhang.documents.write_bulletin import write_bulletin
from tests.conftest import ARTIFACTS, require_tool
from tests.documents.test_write_bulletin import BODY_TEXT, TIMEOUT, TITLE, fontconfig

DAY = datetime.date(2021, 11, 5)
MASTHEAD = Masthead(issue_number=12, issuer="市政府督查室", date=DAY)
COLOPHON = Colophon(
    cc="市委办公室、市人大常委会办公室，市政协办公室",
    printer="市政府督查室",
    printed_on=datetime.date(2021, 11, 6),
)


def open_docx(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def texts(document: WordDocument) -> list[str]:
    return [p.text for p in document.paragraphs]


def test_the_masthead_is_red_xiaobiaosong_with_issue_number_issuer_date_and_red_rule() -> None:
    document = open_docx(write_bulletin(TITLE, BODY_TEXT, masthead=MASTHEAD))
    mark, number, line, blank, title = document.paragraphs[:5]
    assert mark.text == "督查通报" and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    (run,) = mark.runs
    assert run.font.color.rgb is not None and str(run.font.color.rgb) == RED
    assert run.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").get(qn("w:eastAsia")) == (
        "方正小标宋简体"
    )
    assert number.text == "第12期" and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert line.text == "市政府督查室\t2021年11月5日"
    rule = line._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert rule is not None and rule.get(qn("w:color")) == RED
    tab = line._p.find(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
    assert tab.get(qn("w:val")) == "right"
    assert int(tab.get(qn("w:pos"))) == 11906 - 1474 - 1587  # the text's right edge
    assert blank.text == "" and title.text.startswith("关于")


def test_a_doc_number_stands_under_the_issue_number_in_the_masthead() -> None:
    masthead = Masthead(issue_number=3, doc_number="济督〔2021〕3号", issuer="督查室", date=DAY)
    document = open_docx(write_bulletin(TITLE, BODY_TEXT, masthead=masthead))
    assert texts(document)[:3] == ["督查通报", "第3期", "济督〔2021〕3号"]


def test_the_plain_form_has_only_the_doc_number_flush_right() -> None:
    plain = Masthead(form=PLAIN, issue_number=3, doc_number="济督〔2021〕3号", issuer="督查室")
    document = open_docx(write_bulletin(TITLE, BODY_TEXT, masthead=plain))
    first = document.paragraphs[0]
    assert first.text == "济督〔2021〕3号" and first.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert "督查通报" not in texts(document)[:3] and "第3期" not in texts(document)
    without = open_docx(write_bulletin(TITLE, BODY_TEXT, masthead=Masthead(form=PLAIN)))
    assert without.paragraphs[0].text.startswith("关于")


WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def colophon_table(document: WordDocument) -> Table | None:
    """The 版记's table, inside the text box anchored after the closing."""
    boxes = document.element.body.findall(f".//{qn('w:txbxContent')}")
    if not boxes:
        return None
    (box,) = boxes
    return Table(box.find(qn("w:tbl")), document._body)


def test_the_colophon_is_a_table_in_a_box_at_the_foot_between_thick_rules() -> None:
    document = open_docx(write_bulletin(TITLE, BODY_TEXT, colophon=COLOPHON))
    table = colophon_table(document)
    assert table is not None
    assert [row.cells[0].text for row in table.rows] == [
        "抄送：市委办公室，市人大常委会办公室，市政协办公室。",
        "市政府督查室\t2021年11月6日印发",
    ]
    anchor = document.element.body.find(f".//{{{WP}}}anchor")
    vertical = anchor.find(f"{{{WP}}}positionV")
    assert vertical.get("relativeFrom") == "margin"
    assert vertical.find(f"{{{WP}}}align").text == "bottom"
    assert anchor.find(f"{{{WP}}}wrapTopAndBottom") is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    sizes = {side: borders.find(qn(f"w:{side}")).get(qn("w:sz")) for side in ("top", "bottom")}
    assert sizes == {"top": str(THICK_RULE), "bottom": str(THICK_RULE)}
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == str(THIN_RULE)
    cc = table.rows[0].cells[0].paragraphs[0].paragraph_format
    assert cc.right_indent == cc.left_indent + cc.first_line_indent  # one character each side
    # The box's paragraph comes after the closing.
    assert texts(document)[-3:] == ["市政府督查室", "2021年11月5日", ""]


def test_without_cc_the_colophon_is_one_row_and_without_anything_none() -> None:
    only = Colophon(printer="市政府督查室", printed_on=DAY)
    table = colophon_table(open_docx(write_bulletin(TITLE, BODY_TEXT, colophon=only)))
    assert table is not None
    assert [row.cells[0].text for row in table.rows] == ["市政府督查室\t2021年11月5日印发"]
    empty = open_docx(write_bulletin(TITLE, BODY_TEXT, colophon=Colophon()))
    assert colophon_table(empty) is None


@pytest.mark.parametrize(
    ("cc", "line"),
    [
        ("市委办公室、市政协办公室", "抄送：市委办公室，市政协办公室。"),
        (" 市委办公室 ,市政协办公室。", "抄送：市委办公室，市政协办公室。"),
        ("市纪委监委", "抄送：市纪委监委。"),
        # A 、 inside a name's brackets is the name's own (各县（市、区）), not a separator.
        (
            "市委办公室、各县（市、区）人民政府、市直各单位",
            "抄送：市委办公室，各县（市、区）人民政府，市直各单位。",
        ),
        ("各县(市、区)政府，市人大常委会办公室。", "抄送：各县(市、区)政府，市人大常委会办公室。"),
        ("市委办公室；市政协办公室", "抄送：市委办公室，市政协办公室。"),
    ],
)
def test_the_cc_line_takes_full_width_commas_and_a_full_stop(cc: str, line: str) -> None:
    assert cc_line(cc) == line


def test_markup_in_the_frame_is_written_as_text() -> None:
    masthead = Masthead(mark="<督查>&通报", issuer='"督查室"', doc_number="<b>", date=DAY)
    document = open_docx(
        write_bulletin(TITLE, BODY_TEXT, masthead=masthead, colophon=Colophon(cc="<x>&y"))
    )
    assert texts(document)[:2] == ["<督查>&通报", "<b>"]
    table = colophon_table(document)
    assert table is not None and table.rows[0].cells[0].text == "抄送：<x>&y。"


# --- rendered through LibreOffice ---------------------------------------------------------------


def render(source: Path, tmp_path: Path) -> tuple[Path, str, list[Path]]:
    """The .docx as PDF, its text (layout kept) and every page as PNG."""
    soffice = require_tool("soffice", "libreoffice-writer-nogui")
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    pdftotext = require_tool("pdftotext", "poppler-utils")
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
    pdf = source.with_suffix(".pdf")
    printed = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=TIMEOUT
    ).stdout.decode()
    prefix = tmp_path / source.stem
    subprocess.run(
        [pdftoppm, "-png", "-r", "70", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    return pdf, printed, sorted(tmp_path.glob(f"{source.stem}-*.png"))


@pytest.mark.django_db
@pytest.mark.parametrize("as_of", [datetime.date(2021, 11, 5), datetime.date(2021, 11, 10)])
def test_libreoffice_renders_the_seed_bulletin_with_masthead_and_colophon(
    world: Any, tmp_path: Path, as_of: datetime.date
) -> None:
    from taizhang.supervision.bulletin import bulletin_data, compose_bulletin

    text = compose_bulletin(bulletin_data(world.ledger, as_of))
    masthead = Masthead(issue_number=7, issuer="市政府督查室", date=as_of)
    colophon = Colophon(
        cc="市委办公室，市人大常委会办公室，市政协办公室", printer="市政府督查室", printed_on=as_of
    )
    source = tmp_path / f"bulletin-{as_of:%Y%m%d}.docx"
    source.write_bytes(write_bulletin(text.title, text.body, masthead=masthead, colophon=colophon))
    pdf, printed, pages = render(source, tmp_path)
    flat = re.sub(r"[ \t]+", "", printed)  # pdftotext spaces digits from Chinese
    day = f"{as_of.year}年{as_of.month}月{as_of.day}日"
    lines = [line for line in flat.splitlines() if line]
    # The masthead in its order: mark, issue number, issuer with date on one line, title.
    assert lines[:3] == ["督查通报", "第7期", f"市政府督查室{day}"]
    assert lines[3].startswith("关于2021年济源")
    # The 版记 is the last thing on the last page, after the closing; then the page number.
    last_page = [line for line in flat.rstrip("\f").split("\f")[-1].splitlines() if line]
    assert last_page[-5:-3] == ["市政府督查室", day]
    assert last_page[-3].startswith("抄送：市委办公室，")
    assert last_page[-2] == f"市政府督查室{day}印发"
    assert len(pages) >= 2 and all(p.read_bytes().startswith(b"\x89PNG") for p in pages)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, ARTIFACTS / pdf.name)
    for page in pages:
        shutil.copyfile(page, ARTIFACTS / page.name)


def test_a_long_cc_list_gets_a_box_tall_enough_for_its_lines() -> None:
    width = 11906 - 1474 - 1587
    assert cc_lines("抄送：市委办公室。", width) == 1
    long = cc_line("、".join(["市委办公室", "市人大常委会办公室", "市政协办公室"] * 4))
    assert cc_lines(long, width) == 4  # 91 characters: 28 on the first line, 25 on the next

    def height(colophon: Colophon) -> int:
        document = open_docx(write_bulletin(TITLE, BODY_TEXT, colophon=colophon))
        extent = document.element.body.find(f".//{{{WP}}}extent")
        return int(extent.get("cy"))

    short = height(Colophon(cc="市委办公室", printer="督查室"))
    assert height(Colophon(cc=long, printer="督查室")) == short + 3 * 440 * 635
