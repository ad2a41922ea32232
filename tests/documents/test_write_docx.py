"""The Word writer: the official 台账 attachment (A4 landscape, 附件, title, 截至 line, a table
with a repeated header, merged category rows and unsplit rows, page numbers), its look taken
from the shipped template or an office's own, and any text written safely."""

from __future__ import annotations

import copy
import datetime
import io
from typing import Any

import docx
import pytest
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from taizhang.documents.cells import category_numeral, table_columns, task_cells
from taizhang.documents.model import CategoryDoc, Column, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.read_text import read_text
from taizhang.documents.write_docx import COLUMN_WIDTHS_CM, TEMPLATE, write_docx
from tests.conftest import FIXTURES

AS_OF = datetime.date(2021, 11, 5)


@pytest.fixture(scope="module")
def seed() -> LedgerDoc:
    return read_text((FIXTURES / "jiyuan-2021-ledger.txt").read_bytes(), name="seed.txt")


@pytest.fixture(scope="module")
def word(seed: LedgerDoc) -> WordDocument:
    return docx.Document(io.BytesIO(write_docx(seed, as_of=AS_OF)))


def open_docx(data: bytes) -> WordDocument:
    return docx.Document(io.BytesIO(data))


def texts(document: WordDocument) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text]


def east_asia_font(style: Any) -> str | None:
    """The East Asian font a paragraph style names, following its base styles."""
    while style is not None:
        fonts = style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return str(fonts.get(qn("w:eastAsia")))
        style = style.base_style
    return None


def table_of(document: WordDocument) -> Table:
    assert len(document.tables) == 1
    return document.tables[0]


def grid_widths(table: Table) -> list[int]:
    return [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def template_with(change: Any) -> bytes:
    """The shipped template, changed by `change(document)` as an office would in Word."""
    document = docx.Document(str(TEMPLATE))
    change(document)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def test_page_is_a4_landscape_with_official_margins(word: WordDocument) -> None:
    section = word.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    assert abs(section.page_width.cm - 29.7) < 0.05
    assert abs(section.page_height.cm - 21.0) < 0.05
    assert section.top_margin is not None and abs(section.top_margin.cm - 2.5) < 0.05
    assert section.left_margin is not None and abs(section.left_margin.cm - 2.0) < 0.05


def test_title_block_has_attachment_label_title_and_as_of_line(
    word: WordDocument, seed: LedgerDoc
) -> None:
    assert texts(word) == ["附件", seed.title, "截至2021年11月5日"]
    label, title, as_of = word.paragraphs[:3]
    assert label.style is not None and label.style.name == "台账附件"
    assert east_asia_font(label.style) == "黑体"
    assert title.style is not None and title.style.name == "台账标题"
    assert east_asia_font(title.style) == "方正小标宋简体"
    assert title.style.font.size == Pt(22)
    assert as_of.style is not None and east_asia_font(as_of.style) == "楷体_GB2312"


def test_title_font_is_named_for_latin_and_chinese_text(word: WordDocument) -> None:
    title_style = word.styles["台账标题"]
    fonts = title_style.element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    assert {fonts.get(qn(f"w:{kind}")) for kind in ("ascii", "hAnsi", "eastAsia")} == {
        "方正小标宋简体"
    }


def test_as_of_line_comes_from_the_ledger_when_not_given(seed: LedgerDoc) -> None:
    dated = LedgerDoc(title=seed.title, year=2021, categories=seed.categories, as_of=AS_OF)
    assert "截至2021年11月5日" in texts(open_docx(write_docx(dated)))
    later = write_docx(dated, as_of=datetime.date(2021, 12, 1))
    assert "截至2021年12月1日" in texts(open_docx(later))


def test_no_as_of_line_without_a_date(seed: LedgerDoc) -> None:
    document = open_docx(write_docx(seed))
    assert texts(document) == ["附件", seed.title]
    assert not any("{{" in paragraph.text for paragraph in document.paragraphs)


def test_header_row_holds_the_column_titles_and_repeats_on_every_page(
    word: WordDocument, seed: LedgerDoc
) -> None:
    table = table_of(word)
    header = table.rows[0]
    assert [cell.text for cell in header.cells] == [c.title for c in table_columns(seed)]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert {cell.paragraphs[0].style.name for cell in header.cells} == {"台账表头"}
    assert word.styles["台账表头"].font.bold is True
    assert east_asia_font(word.styles["台账表头"]) == "黑体"


def test_no_row_splits_across_pages_and_layout_is_fixed(word: WordDocument) -> None:
    table = table_of(word)
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"


def test_a_row_taller_than_a_page_may_split_rather_than_be_cut_off() -> None:
    long = TaskDoc(number=1, goal="长", progress="\n".join(["进展情况逐项说明。" * 4] * 40))
    short = TaskDoc(number=2, goal="短", progress="进展顺利。")
    doc = LedgerDoc(title="T", year=2021, categories=[CategoryDoc(1, "甲", [long, short])])
    rows = table_of(open_docx(write_docx(doc))).rows
    assert rows[2]._tr.trPr is None or rows[2]._tr.trPr.find(qn("w:cantSplit")) is None
    assert rows[3]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_every_cell_has_borders(word: WordDocument) -> None:
    borders = table_of(word)._tbl.tblPr.find(qn("w:tblBorders"))
    sides = {child.tag.split("}")[1]: child.get(qn("w:val")) for child in borders}
    assert sides == dict.fromkeys(
        ("top", "left", "bottom", "right", "insideH", "insideV"), "single"
    )


def test_category_rows_merge_the_name_across_the_other_columns(
    word: WordDocument, seed: LedgerDoc
) -> None:
    table = table_of(word)
    width = len(table_columns(seed))
    row_index = 1
    for category in seed.categories:
        row = table.rows[row_index]
        cells = row._tr.tc_lst
        assert len(cells) == 2
        assert cells[1].grid_span == width - 1
        assert [row.cells[0].text, row.cells[1].text] == [
            category_numeral(category.number),
            category.name,
        ]
        assert row.cells[1].paragraphs[0].style.name == "台账分类"
        assert row.cells[1].paragraphs[0].paragraph_format.keep_with_next is True
        row_index += 1 + len(category.tasks)
    assert row_index == len(table.rows)
    assert word.styles["台账分类"].font.bold is True


def test_task_cells_hold_one_paragraph_per_line(word: WordDocument, seed: LedgerDoc) -> None:
    table = table_of(word)
    columns = table_columns(seed)
    rows = iter(table.rows[1:])
    for category in seed.categories:
        next(rows)
        for task in category.tasks:
            row = next(rows)
            expected = [text.split("\n") for text in task_cells(task, columns)]
            assert [[p.text for p in cell.paragraphs] for cell in row.cells] == expected
    progress = table.rows[2].cells[5].paragraphs
    assert len(progress) == 4
    assert progress[1].text.startswith("人民医院东院区项目")


def test_body_text_is_fangsong_at_small_four(word: WordDocument) -> None:
    body = word.styles["台账正文"]
    assert east_asia_font(body) == "仿宋_GB2312"
    assert east_asia_font(word.styles["Normal"]) == "仿宋_GB2312"
    assert body.font.size == Pt(12)
    cell = table_of(word).rows[2].cells[1]
    assert {p.style.name for p in cell.paragraphs} == {"台账正文"}


def test_short_columns_are_centred_long_ones_read_from_the_left(word: WordDocument) -> None:
    row = table_of(word).rows[2]
    number, goal = row.cells[0], row.cells[1]
    assert number.paragraphs[0].paragraph_format.alignment == 1  # centre
    assert number.vertical_alignment == 1  # centre
    assert goal.paragraphs[0].paragraph_format.alignment is None  # the style's: left
    assert word.styles["台账正文"].paragraph_format.alignment == 0


def test_footer_holds_a_centred_page_number_between_dashes(word: WordDocument) -> None:
    paragraph = word.sections[0].footer.paragraphs[0]
    element = paragraph._p
    fields = element.findall(qn("w:fldSimple"))
    assert [field.get(qn("w:instr")).strip() for field in fields] == ["PAGE"]
    before = "".join(t.text for t in fields[0].itersiblings(preceding=True) if t.tag == qn("w:r"))
    after = "".join(t.text for t in fields[0].itersiblings() if t.tag == qn("w:r"))
    assert before.strip() == "—" and after.strip() == "—"
    assert paragraph.style is not None and paragraph.style.paragraph_format.alignment == 1
    assert east_asia_font(paragraph.style) == "宋体"
    assert paragraph.style.font.size == Pt(14)


def test_column_widths_follow_the_original_and_fill_the_text_width(
    word: WordDocument, seed: LedgerDoc
) -> None:
    widths = grid_widths(table_of(word))
    section = word.sections[0]
    assert section.page_width and section.left_margin and section.right_margin
    text_width = section.page_width.twips - section.left_margin.twips - section.right_margin.twips
    assert abs(sum(widths) - text_width) <= 1
    specified = [COLUMN_WIDTHS_CM[c.key] for c in table_columns(seed)]
    for width, cm in zip(widths, specified, strict=True):
        assert width / sum(widths) == pytest.approx(cm / sum(specified), abs=0.001)
    goal, progress = widths[1], widths[5]
    assert progress / goal == pytest.approx(COLUMN_WIDTHS_CM["progress"] / 5.6, rel=0.01)


def test_other_columns_get_their_own_widths_and_cells() -> None:
    columns = [
        Column("number", "序号"),
        Column("goal", "项目名称"),
        Column("leaders", "责任领导"),
        Column("units", "牵头单位"),
        Column("co_units", "配合单位"),
        Column("deadline", "时间节点"),
        Column("progress", "推进情况"),
        Column("status", "完成情况"),
        Column("extra", "资金来源"),
    ]
    task = TaskDoc(
        number=1,
        goal="建设",
        leaders=["王一", "李二"],
        units=[UnitRef("住建局", "lead"), UnitRef("财政局", "co")],
        status_label="已完成",
        extra={"资金来源": "专项债"},
    )
    doc = LedgerDoc(
        title="T", year=2021, columns=columns, categories=[CategoryDoc(1, "甲", [task])]
    )
    table = table_of(open_docx(write_docx(doc)))
    assert [cell.text for cell in table.rows[2].cells] == task_cells(task, columns)
    assert table.rows[1]._tr.tc_lst[1].grid_span == 8
    widths = grid_widths(table)
    assert abs(widths[4] - widths[8]) <= 1  # co_units and extra: 2.2 cm each
    assert widths[7] < widths[4]  # status: 2.0 cm


def test_an_office_template_gives_its_own_fonts_and_margins(seed: LedgerDoc) -> None:
    def change(document: WordDocument) -> None:
        fonts = document.styles["Normal"].element.rPr.rFonts
        fonts.set(qn("w:eastAsia"), "宋体")
        section = document.sections[0]
        section.left_margin = section.right_margin = Cm(3.0)

    output = open_docx(write_docx(seed, template=template_with(change)))
    assert east_asia_font(output.styles["台账正文"]) == "宋体"
    section = output.sections[0]
    assert section.left_margin is not None and abs(section.left_margin.cm - 3.0) < 0.05
    text_width = Cm(29.7 - 6.0).twips
    assert abs(sum(grid_widths(table_of(output))) - text_width) <= 2


def test_an_office_template_with_its_own_headings_keeps_them(seed: LedgerDoc) -> None:
    def change(document: WordDocument) -> None:
        document.paragraphs[0].insert_paragraph_before("济源市人民政府督查室")
        title = document.paragraphs[2]
        assert title.text == "{{标题}}"
        for run in title.runs:
            run._r.getparent().remove(run._r)
        title.add_run("{{标")
        title.add_run("题}}").bold = True  # Word splits a placeholder across runs

    output = open_docx(write_docx(seed, as_of=AS_OF, template=template_with(change)))
    assert texts(output)[:3] == ["济源市人民政府督查室", "附件", seed.title]
    assert output.paragraphs[2].style.name == "台账标题"


def test_the_table_takes_the_width_of_its_own_section(seed: LedgerDoc) -> None:
    def change(document: WordDocument) -> None:
        # A portrait section after the table, its break typed at the end of {{台账表格}} (Word
        # stores it on that paragraph).
        after = document.add_section()
        after.orientation = WD_ORIENT.PORTRAIT
        after.page_width, after.page_height = Cm(21.0), Cm(29.7)
        breaker = document.paragraphs[-1]._p
        anchor = next(p for p in document.paragraphs if p.text == "{{台账表格}}")._p
        anchor.get_or_add_pPr().append(breaker.pPr.sectPr)
        breaker.getparent().remove(breaker)
        document.add_paragraph("附：填表说明")

    output = open_docx(write_docx(seed, template=template_with(change)))
    assert len(output.sections) == 2
    after_table = table_of(output)._tbl.getnext()
    assert [child.tag for child in after_table.pPr] == [qn("w:rPr"), qn("w:sectPr")]
    assert output.sections[0].orientation == WD_ORIENT.LANDSCAPE
    assert abs(sum(grid_widths(table_of(output))) - Cm(29.7 - 4.0).twips) <= 2
    assert texts(output)[-1] == "附：填表说明"


def test_a_template_without_the_table_placeholder_is_refused(seed: LedgerDoc) -> None:
    def change(document: WordDocument) -> None:
        for paragraph in document.paragraphs:
            if paragraph.text == "{{台账表格}}":
                paragraph.text = "表格"

    with pytest.raises(ValueError, match=r"模板中没有 \{\{台账表格\}\}"):
        write_docx(seed, template=template_with(change))


def test_a_template_that_is_no_word_file_is_refused(seed: LedgerDoc) -> None:
    with pytest.raises(ValueError, match="模板不是有效的 Word"):
        write_docx(seed, template=b"not a docx")


def test_styles_are_found_by_name_whatever_ids_word_gave_them(seed: LedgerDoc) -> None:
    def change(document: WordDocument) -> None:
        document.styles["台账正文"].style_id = "a3"  # Word's ids for Chinese style names

    table = table_of(open_docx(write_docx(seed, template=template_with(change))))
    assert table.rows[2].cells[1].paragraphs[0].style.name == "台账正文"


def test_a_template_without_the_table_styles_still_gets_a_bold_header(seed: LedgerDoc) -> None:
    def change(document: WordDocument) -> None:
        for name in ("台账表头", "台账分类", "台账正文"):
            document.styles[name].delete()

    table = table_of(open_docx(write_docx(seed, template=template_with(change))))
    header_run = table.rows[0].cells[1].paragraphs[0].runs[0]
    assert header_run.bold is True
    assert table.rows[2].cells[1].paragraphs[0].runs[0].font.size == Pt(12)


def test_markup_and_control_characters_are_written_safely() -> None:
    task = TaskDoc(number=1, goal="<script>&\x01alert('x')</script>", progress="a\x0bb\r\nc")
    doc = LedgerDoc(title="台账 <&> \x02", year=2021, categories=[CategoryDoc(1, "甲&乙", [task])])
    document = open_docx(write_docx(doc))
    assert texts(document)[1] == "台账 <&> "
    table = table_of(document)
    assert table.rows[1].cells[1].text == "甲&乙"
    assert table.rows[2].cells[1].text == "<script>&alert('x')</script>"
    assert [p.text for p in table.rows[2].cells[5].paragraphs] == ["ab", "c"]


def test_the_same_ledger_gives_the_same_bytes(seed: LedgerDoc) -> None:
    assert write_docx(seed, as_of=AS_OF) == write_docx(seed, as_of=AS_OF)


def test_a_ledger_without_categories_has_only_the_header() -> None:
    table = table_of(open_docx(write_docx(LedgerDoc(title="空台账", year=2021))))
    assert len(table.rows) == 1
    assert [cell.text for cell in table.rows[0].cells][:2] == ["序号", "工作目标任务"]


def test_a_sub_item_row_follows_its_task_row_with_its_own_cells(seed: LedgerDoc) -> None:
    doc = LedgerDoc(title=seed.title, year=seed.year, columns=seed.columns)
    task = copy.deepcopy(seed.tasks[2])  # the fixture is the module's
    task.subitems = [
        TaskDoc(number=1, goal="北部供水工程", label="①", leaders=["侯波"], progress="已开工。"),
        TaskDoc(number=2, goal="玉阳湖工业供水工程", units=[UnitRef("水利局")]),
    ]
    doc.categories = [CategoryDoc(2, "保障饮水安全", [task, seed.tasks[3]])]
    table = table_of(open_docx(write_docx(doc)))
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert [row[0] for row in rows[2:]] == ["3", "①", "3-2", "4"]
    assert rows[3] == task_cells(task.subitems[0], doc.columns, task)
    assert rows[4][1:4] == ["玉阳湖工业供水工程", "", "水利局"]
    assert rows[3][0] == "①" and rows[3][5] == "已开工。"
