"""The .docx reader: the seed ledger as an office's Word file reads exactly as the fixture;
title blocks, merged cells, split tables, several paragraphs in a cell, column-title
variants, content controls and tracked changes; bad files refused with one line naming the
file. And legacy .doc/.wps/.xls/.et converted by LibreOffice."""

from __future__ import annotations

import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.documents import convert
from taizhang.documents.convert import convert_with_libreoffice, is_legacy_office
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import ledger_to_dict
from taizhang.documents.model import CategoryDoc, Column, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.read_docx import read_docx
from taizhang.documents.read_text import read_text
from taizhang.documents.safety import OLE_SIGNATURE
from tests.conftest import require_tool, subset
from tests.documents.docx_builders import (
    HEADER,
    MERGED_ABOVE,
    Category,
    docx_from_ledger,
    ledger_docx,
    plain_table,
    to_bytes,
    write_cell,
)

ROAD = ["1", "修路", "张三", "交通局", "6月底前", "已开工", "正在推进"]
BRIDGE = ["2", "建桥", "李四", "交通局、财政局", "年底前", "完成设计", "推进缓慢"]


def _tasks(doc: LedgerDoc) -> list[tuple[Any, ...]]:
    return [
        (
            t.number,
            t.goal,
            t.leaders,
            [(u.name, u.role) for u in t.units],
            t.deadline_text,
            t.progress,
            t.status,
            t.status_label,
        )
        for t in doc.tasks
    ]


def _categories(doc: LedgerDoc) -> list[tuple[int, str, list[int]]]:
    return [(c.number, c.name, [t.number for t in c.tasks]) for c in doc.categories]


# --- the seed ------------------------------------------------------------------------------


@pytest.fixture
def seed_doc(seed_bytes: bytes) -> LedgerDoc:
    return read_text(seed_bytes, name="jiyuan-2021-ledger.txt")


@pytest.mark.parametrize("split_after", [None, 9], ids=["one-table", "split-across-pages"])
def test_seed_ledger_as_word_file_reads_exactly_as_the_fixture(
    seed_doc: LedgerDoc, expected: dict[str, Any], split_after: int | None
) -> None:
    data = docx_from_ledger(seed_doc, split_after=split_after)
    doc = read_docx(data, name="jiyuan-2021.docx")
    assert subset(ledger_to_dict(doc), expected) == []
    assert doc == seed_doc
    assert doc.warnings == []


# --- title block ---------------------------------------------------------------------------


def test_title_block_gives_title_year_and_as_of() -> None:
    data = ledger_docx(
        [Category("一", "民生"), ROAD], title="2023年某县重点民生实事台账", as_of="（截至11月5日）"
    )
    doc = read_docx(data, name="t.docx")
    assert (doc.title, doc.year, doc.as_of and doc.as_of.isoformat()) == (
        "2023年某县重点民生实事台账",
        2023,
        "2023-11-05",
    )
    assert doc.tasks[0].deadline and doc.tasks[0].deadline.isoformat() == "2023-06-30"


def test_year_option_overrides_the_title() -> None:
    data = ledger_docx([Category("一", "民生"), ROAD], title="2023年台账")
    assert read_docx(data, name="t.docx", year=2030).year == 2030


def test_small_tables_before_the_ledger_are_ignored_and_the_preamble_keeps_its_order() -> None:
    data = ledger_docx(
        [Category("一", "民生"), ROAD],
        title="2024年重点工作台账",
        before_table=[[["填报单位", "县政府办"], ["联系人", "王五"]]],
    )
    doc = read_docx(data, name="t.docx")
    assert doc.title == "2024年重点工作台账"
    assert _tasks(doc) == [
        (
            1,
            "修路",
            ["张三"],
            [("交通局", "responsible")],
            "6月底前",
            "已开工",
            "in_progress",
            "正在推进",
        )
    ]


def test_a_title_written_in_a_merged_row_above_the_header_is_the_title() -> None:
    document = docx.Document()
    table = plain_table(document, [["2022年县委重点工作台账"], HEADER, ["一", "民生"], ROAD])
    table.cell(0, 0).merge(table.cell(0, 6))
    document.add_paragraph("")
    doc = read_docx(to_bytes(document), name="t.docx")
    assert (doc.title, doc.year, _categories(doc)) == (
        "2022年县委重点工作台账",
        2022,
        [(1, "民生", [1])],
    )


# --- merged cells --------------------------------------------------------------------------


def test_category_rows_merged_across_give_numeral_and_name() -> None:
    data = ledger_docx(
        [
            Category("一", "提升医疗服务保障能力"),
            ROAD,
            Category("二", "改善生态环境", one_cell=True),
            BRIDGE,
            Category("十一", "其他"),
            ["3", "植树", "王五", "林业局", "长期坚持", "", ""],
        ]
    )
    doc = read_docx(data, name="t.docx")
    assert _categories(doc) == [
        (1, "提升医疗服务保障能力", [1]),
        (2, "改善生态环境", [2]),
        (11, "其他", [3]),
    ]


def test_a_leader_and_unit_merged_down_apply_to_every_task_they_span() -> None:
    data = ledger_docx(
        [
            Category("一", "民生"),
            ["1", "修路", "张三\n李四", "交通局", "6月底前", "", ""],
            ["2", "建桥", MERGED_ABOVE, MERGED_ABOVE, "9月底前", "", ""],
            ["3", "修渠", MERGED_ABOVE, "水利局", "年底前", "", ""],
            ["4", "植树", "王五", MERGED_ABOVE, "年底前", "", ""],
        ]
    )
    doc = read_docx(data, name="t.docx")
    assert [(t.number, t.leaders, [u.name for u in t.units]) for t in doc.tasks] == [
        (1, ["张三", "李四"], ["交通局"]),
        (2, ["张三", "李四"], ["交通局"]),
        (3, ["张三", "李四"], ["水利局"]),
        (4, ["王五"], ["水利局"]),
    ]


def test_a_number_merged_down_from_a_category_row_is_not_copied_into_the_tasks() -> None:
    data = ledger_docx(
        [
            Category("一", "民生"),
            [MERGED_ABOVE, "修路", "张三", "交通局", "年底前", "", ""],
            [MERGED_ABOVE, "建桥", "李四", "交通局", "年底前", "", ""],
        ]
    )
    doc = read_docx(data, name="t.docx")
    assert _categories(doc) == [(1, "民生", [1, 2])]
    assert [t.goal for t in doc.tasks] == ["修路", "建桥"]
    assert doc.warnings == [
        "表格第3行：任务行没有序号，按顺序编为1",
        "表格第4行：任务行没有序号，按顺序编为2",
    ]


def test_a_merge_starting_in_the_header_does_not_leak_into_the_rows_below() -> None:
    data = ledger_docx(
        [
            ["1", "修路", MERGED_ABOVE, "交通局", "年底前", "", MERGED_ABOVE],
            ["2", "建桥", "李四", "交通局", "年底前", "", ""],
        ]
    )
    doc = read_docx(data, name="t.docx")
    assert [(t.number, t.leaders, t.remarks, t.status_label) for t in doc.tasks] == [
        (1, [], "", ""),
        (2, ["李四"], "", ""),
    ]


def test_rows_continuing_a_merged_number_are_more_of_that_task() -> None:
    data = ledger_docx(
        [
            Category("一", "民生"),
            ["1", "修路", "张三", "交通局", "6月底前", "完成路基", ""],
            [MERGED_ABOVE, MERGED_ABOVE, MERGED_ABOVE, "财政局", "年底前", "完成路面", ""],
            ["2", "建桥", "李四", "交通局", "年底前", "", ""],
        ]
    )
    doc = read_docx(data, name="t.docx")
    assert _tasks(doc) == [
        (
            1,
            "修路",
            ["张三"],
            [("交通局", "responsible"), ("财政局", "responsible")],
            "6月底前\n年底前",
            "完成路基\n完成路面",
            None,
            "",
        ),
        (2, "建桥", ["李四"], [("交通局", "responsible")], "年底前", "", None, ""),
    ]
    assert doc.tasks[0].deadline and doc.tasks[0].deadline.isoformat() == "2024-12-31"


def test_grid_columns_that_every_row_spans_are_dropped() -> None:
    document = docx.Document()
    document.add_paragraph("2024年台账")
    header = ["序号", "工作目标任务", "", *HEADER[2:]]
    table = plain_table(document, [header, ["一", "民生"], [*ROAD[:2], "", *ROAD[2:]]])
    for row in (0, 2):
        table.cell(row, 1).merge(table.cell(row, 2))
    table.cell(1, 1).merge(table.cell(1, 7))
    document.add_paragraph("")
    doc = read_docx(to_bytes(document), name="t.docx")
    assert [c.title for c in doc.columns] == HEADER
    assert _tasks(doc)[0][:3] == (1, "修路", ["张三"])


def test_a_huge_grid_span_does_not_allocate_huge_rows() -> None:
    data = ledger_docx([Category("一", "民生"), ROAD])
    document = docx.Document(io.BytesIO(data))
    span = document.tables[0].rows[1]._tr.tc_lst[1].tcPr.find(qn("w:gridSpan"))
    span.set(qn("w:val"), str(10**9))
    doc = read_docx(to_bytes(document), name="t.docx")
    assert _categories(doc) == [(1, "民生", [1])]


# --- split tables --------------------------------------------------------------------------


@pytest.mark.parametrize("repeat_header", [True, False], ids=["header-repeated", "no-header"])
def test_a_table_split_across_pages_is_read_as_one(repeat_header: bool) -> None:
    data = ledger_docx(
        [Category("一", "民生"), ROAD, Category("二", "交通"), BRIDGE],
        split_after=3,
        repeat_header_when_split=repeat_header,
    )
    doc = read_docx(data, name="t.docx")
    assert _categories(doc) == [(1, "民生", [1]), (2, "交通", [2])]
    assert _tasks(doc)[1] == (
        2,
        "建桥",
        ["李四"],
        [("交通局", "responsible"), ("财政局", "responsible")],
        "年底前",
        "完成设计",
        "lagging",
        "推进缓慢",
    )
    assert doc.warnings == []


def test_tables_after_the_ledger_that_do_not_continue_it_are_not_read_and_said_so() -> None:
    # Small tables of another width are named; a header left on its own is no ledger to
    # list; the ledger's header again after it starts a second ledger.
    other_ledger = [["序号", "项目名称", "责任领导", "牵头单位", "时间节点", "目前进展"]]
    data = ledger_docx(
        [Category("一", "民生"), ROAD],
        after_table=[
            [["签字", ""], ["", ""]],
            [["联系人", "王五"]],
            other_ledger,
            [HEADER, BRIDGE],
        ],
    )
    doc = read_docx(data, name="t.docx")
    assert [t.number for t in doc.tasks] == [1]
    assert doc.tables == ["表格1：“2024年重点工作台账”（2行）", "表格2：无标题的表格（1行）"]
    assert doc.warnings == [
        "文件中有2个台账表格，读入的是表格1：“2024年重点工作台账”（2行）；"
        "未读入：表格2：无标题的表格（1行）（用 --table N 选择其他表格）",
        "文件中第2个表格有2列，与台账表格的7列不同，未读入",
        "文件中第3个表格有2列，与台账表格的7列不同，未读入",
    ]
    assert [t.goal for t in read_docx(data, name="t.docx", table=2).tasks] == ["建桥"]


# --- cell text -----------------------------------------------------------------------------


@pytest.mark.parametrize("blank", [False, True], ids=["paragraphs", "with-empty-paragraphs"])
def test_paragraphs_of_a_cell_are_joined_by_newlines(blank: bool) -> None:
    data = ledger_docx(
        [
            Category("一", "民生"),
            [
                "1",
                "修路\n  硬化路面 ",
                "张三",
                "交通局\n财政局",
                "6月底前",
                "一是完成选线\n二是开工",
                "",
            ],
        ],
        header=[
            "序号",
            "工作目标\n任务",
            "牵头\n领导",
            "责任单位",
            "完成时限及\n有关要求",
            "进展情况",
            "备注",
        ],
        blank_paragraphs=blank,
    )
    doc = read_docx(data, name="t.docx")
    assert [c.title for c in doc.columns][1:5] == [
        "工作目标任务",
        "牵头领导",
        "责任单位",
        "完成时限及有关要求",
    ]
    assert _tasks(doc) == [
        (
            1,
            "修路\n硬化路面",
            ["张三"],
            [("交通局", "responsible"), ("财政局", "responsible")],
            "6月底前",
            "一是完成选线\n二是开工",
            None,
            "",
        )
    ]


def test_a_table_nested_in_a_cell_is_ignored() -> None:
    data = ledger_docx([Category("一", "民生"), ROAD])
    document = docx.Document(io.BytesIO(data))
    cell = document.tables[0].cell(2, 5)
    nested = cell.add_table(rows=1, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "一季度", "二季度"
    cell.add_paragraph("")
    doc = read_docx(to_bytes(document), name="t.docx")
    assert doc.tasks[0].progress == "已开工"


def _wrap(element: Any, tag: str, **attributes: str) -> Any:
    wrapper = OxmlElement(tag)
    for name, value in attributes.items():
        wrapper.set(qn(f"w:{name}"), value)
    element.addprevious(wrapper)
    wrapper.append(element)
    return wrapper


def _content_control(element: Any) -> None:
    content = _wrap(element, "w:sdtContent")
    sdt = _wrap(content, "w:sdt")
    sdt.insert(0, OxmlElement("w:sdtPr"))


def test_tracked_insertions_hyperlinks_and_content_controls_keep_their_text() -> None:
    data = ledger_docx([Category("一", "民生"), ["1", "", "张三", "", "", "", ""]])
    document = docx.Document(io.BytesIO(data))
    table = document.tables[0]
    goal = table.cell(2, 1).paragraphs[0]
    goal.add_run("修建")
    _wrap(goal.add_run("城乡")._r, "w:ins", id="1", author="王五", date="2024-01-01T00:00:00Z")
    _wrap(goal.add_run("公路")._r, "w:hyperlink")
    _content_control(goal.add_run("一条")._r)
    removed = OxmlElement("w:delText")
    removed.text = "删掉的字"
    _wrap(goal.add_run()._r, "w:del", id="2", author="王五")[0].append(removed)
    write_cell(table.cell(2, 3), "交通局")
    deadline = table.cell(2, 4).paragraphs[0]
    deadline.add_run("年底前")
    _content_control(deadline._p)  # a content control around a paragraph,
    _content_control(table.cell(2, 3)._tc)  # around a whole cell,
    _content_control(table._tbl)  # and around the whole table
    doc = read_docx(to_bytes(document), name="t.docx")
    assert _tasks(doc) == [
        (1, "修建城乡公路一条", ["张三"], [("交通局", "responsible")], "年底前", "", None, "")
    ]


# --- column titles -------------------------------------------------------------------------


def test_other_column_titles_give_lead_and_co_units_and_a_status() -> None:
    header = [
        "序号",
        "项目名称",
        "责任领导",
        "牵头单位",
        "配合单位",
        "时间节点",
        "目前进展",
        "完成情况",
    ]
    row = ["1", "建设公园", "张三", "住建局", "财政局、自然资源局", "6月底前", "已开工", "正在推进"]
    data = ledger_docx([Category("一", "民生"), row], header=header)
    doc = read_docx(data, name="t.docx")
    assert [c.key for c in doc.columns] == [
        "number",
        "goal",
        "leaders",
        "units",
        "co_units",
        "deadline",
        "progress",
        "status",
    ]
    assert _tasks(doc) == [
        (
            1,
            "建设公园",
            ["张三"],
            [("住建局", "lead"), ("财政局", "co"), ("自然资源局", "co")],
            "6月底前",
            "已开工",
            "in_progress",
            "正在推进",
        )
    ]


# --- bad files -----------------------------------------------------------------------------


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _zip_bomb() -> bytes:
    """A zip whose one member unpacks to 300 MB of zeros (1.4 MB on disk), written in chunks
    so that the test never holds the 300 MB."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/document.xml", "w") as member,
    ):
        chunk = bytes(1 << 20)
        for _ in range(300):
            member.write(chunk)
    return buffer.getvalue()


def _paragraphs_only() -> bytes:
    document = docx.Document()
    document.add_paragraph("2024年重点工作台账")
    document.add_paragraph("这是一段普通的文字，没有表格。")
    return to_bytes(document)


def _table_without_header() -> bytes:
    document = docx.Document()
    document.add_paragraph("2024年重点工作台账")
    plain_table(document, [["姓名", "电话"], ["张三", "123"]])
    document.add_paragraph("")
    return to_bytes(document)


def _broken_xml() -> bytes:
    """A .docx whose main document part is cut off in the middle of a tag."""
    source = zipfile.ZipFile(io.BytesIO(ledger_docx([Category("一", "民生"), ROAD])))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["word/document.xml"] = members["word/document.xml"][:500]
    return _zip(**members)


def _workbook() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"", "文件为空"),
        (lambda: b"hello", "不是有效的 Word 文件（不是 zip 格式）"),
        (
            lambda: _zip(**{"readme.txt": b"hello"}),
            "不是有效的 Word 文件（缺少 Word 文档的正文部件）",
        ),
        (_workbook, "不是有效的 Word 文件（这是 Excel 文件，请存为 .xlsx 后导入）"),
        (_broken_xml, "不是有效的 Word 文件（文档内容的 XML 已损坏）"),
        (_zip_bomb, "疑为压缩炸弹"),
        (lambda: OLE_SIGNATURE + bytes(504), "加密（设有密码）的文件或旧版 Word 格式"),
        (_paragraphs_only, "找不到台账表格"),
        (_table_without_header, "找不到台账表格"),
    ],
    ids=[
        "empty",
        "not-zip",
        "zip-not-docx",
        "xlsx",
        "broken-xml",
        "zip-bomb",
        "ole",
        "no-table",
        "no-header",
    ],
)
def test_bad_files_are_refused_in_one_line_naming_the_file(make: Any, message: str) -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_docx(make(), name="bad.docx")
    text = str(caught.value)
    assert text.startswith("bad.docx：") and message in text and "\n" not in text


def test_a_header_without_tasks_is_refused() -> None:
    with pytest.raises(LedgerReadError, match="没有任务行"):
        read_docx(ledger_docx([Category("一", "民生")]), name="bad.docx")


# --- property: what the builder writes, the reader reads -----------------------------------

_TEXT = "山水林田湖草城乡路桥园校医养老幼绿化供暖燃气公交"
_SURNAMES = "张王李赵刘陈杨黄周吴"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超"
_SUFFIXES = ("局", "委", "办", "中心")
_DEADLINES = ("6月底前", "年底前", "长期坚持", "2024年9月30日前", "每季度首月", "")
_STATUSES = ("正在推进", "已完成", "推进缓慢", "未启动", "")

_phrase = st.text(_TEXT, min_size=1, max_size=12)
_paragraphs = st.lists(_phrase, min_size=1, max_size=3).map("\n".join)
_person = st.builds(
    lambda s, g: s + g, st.sampled_from(_SURNAMES), st.text(_GIVEN, min_size=1, max_size=2)
)
_unit = st.builds(
    lambda n, s: n + s, st.text(_TEXT, min_size=2, max_size=4), st.sampled_from(_SUFFIXES)
)


@st.composite
def _ledgers(draw: st.DrawFn) -> LedgerDoc:
    co_units = draw(st.booleans())
    columns = [
        Column("number", "序号"),
        Column("goal", "工作目标任务"),
        Column("leaders", "牵头领导"),
    ]
    columns.append(Column("units", "牵头单位" if co_units else "责任单位"))
    if co_units:
        columns.append(Column("co_units", "配合单位"))
    columns += [
        Column("deadline", "完成时限"),
        Column("progress", "进展情况"),
        Column("status", "完成情况"),
    ]
    doc = LedgerDoc(title="2024年重点工作台账", year=2024, columns=columns)
    number = 0
    for category_number in range(1, draw(st.integers(1, 3)) + 1):
        category = CategoryDoc(category_number, draw(_phrase))
        for _ in range(draw(st.integers(1, 4))):
            number += 1
            units = draw(st.lists(_unit, min_size=1, max_size=3, unique=True))
            roles = ["lead" if co_units else "responsible"] + [
                "co" if co_units else "responsible"
            ] * 2
            category.tasks.append(
                TaskDoc(
                    number=number,
                    goal=draw(_paragraphs),
                    leaders=draw(st.lists(_person, min_size=1, max_size=3, unique=True)),
                    units=[UnitRef(name, role) for name, role in zip(units, roles, strict=False)],
                    deadline_text=draw(st.sampled_from(_DEADLINES)),
                    progress=draw(st.one_of(st.just(""), _paragraphs)),
                    status_label=draw(st.sampled_from(_STATUSES)),
                )
            )
        doc.categories.append(category)
    return doc


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_ledgers(), split=st.booleans())
def test_what_the_builder_writes_the_reader_reads_back(doc: LedgerDoc, split: bool) -> None:
    rows = len(doc.categories) + len(doc.tasks)
    read = read_docx(docx_from_ledger(doc, split_after=rows // 2 if split else None), name="p.docx")

    def fields(d: LedgerDoc) -> list[tuple[Any, ...]]:
        return [
            (t.number, t.goal, t.leaders, t.units, t.deadline_text, t.progress, t.status_label)
            for t in d.tasks
        ]

    assert fields(read) == fields(doc)
    assert [(c.number, c.name) for c in read.categories] == [
        (c.number, c.name) for c in doc.categories
    ]


# --- legacy files through LibreOffice ------------------------------------------------------

_WORD_STREAM = "WordDocument\0".encode("utf-16-le")
_EXCEL_STREAM = "Workbook\0".encode("utf-16-le")
_ENCRYPTED_STREAM = "EncryptedPackage\0".encode("utf-16-le")


@pytest.mark.parametrize(
    ("data", "name", "target"),
    [
        (OLE_SIGNATURE + bytes(100) + _WORD_STREAM, "台账.doc", "docx"),
        (OLE_SIGNATURE + bytes(100) + _WORD_STREAM, "台账.wps", "docx"),
        (OLE_SIGNATURE + bytes(100) + _EXCEL_STREAM, "台账.xls", "xlsx"),
        (OLE_SIGNATURE + bytes(100) + _EXCEL_STREAM, "台账.doc", "xlsx"),
        (OLE_SIGNATURE + bytes(100), "台账.et", "xlsx"),
        (OLE_SIGNATURE + bytes(100), "台账.WPS", "docx"),
        (OLE_SIGNATURE + bytes(100), "台账", None),
        (OLE_SIGNATURE + bytes(100) + _ENCRYPTED_STREAM, "台账.docx", None),
        (b"PK\x03\x04" + bytes(100), "台账.doc", None),
        (rb"{\rtf1\ansi hello}", "台账.doc", "docx"),
        (b"<html><table></table></html>", "台账.xls", "xlsx"),
        ("2024年台账\n\t序号\n".encode(), "台账.doc", None),
        (b"hello", "台账.txt", None),
    ],
)
def test_legacy_office_files_are_told_by_their_streams_then_their_suffix(
    data: bytes, name: str, target: str | None
) -> None:
    assert is_legacy_office(data, name) == target


def test_without_libreoffice_the_message_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(convert.shutil, "which", lambda _command: None)
    with pytest.raises(LedgerReadError) as caught:
        convert_with_libreoffice(b"\xd0\xcf", name="台账.doc", target="docx")
    assert str(caught.value) == (
        "台账.doc：请安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui 和 "
        "libreoffice-calc-nogui）后再导入 .doc/.wps/.xls/.et 文件"
    )


def _fake_soffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, script: str) -> None:
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    monkeypatch.setattr(convert.shutil, "which", lambda _command: str(fake))


def test_a_failed_conversion_says_why_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fake_soffice(
        monkeypatch,
        tmp_path,
        "echo starting; echo 'Error: source file could not be loaded' >&2; exit 1",
    )
    with pytest.raises(LedgerReadError) as caught:
        convert_with_libreoffice(b"\xd0\xcf", name="台账.doc", target="docx")
    assert str(caught.value) == (
        "台账.doc：LibreOffice 无法把此文件转换为 .docx（Error: source file could not be loaded）"
    )


def test_a_conversion_that_hangs_is_killed_with_its_children(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    _fake_soffice(monkeypatch, tmp_path, f"sleep 60 & echo $! > {pid_file}; wait")
    monkeypatch.setattr(convert, "TIMEOUT_SECONDS", 0.5)
    with pytest.raises(LedgerReadError, match="转换超时"):
        convert_with_libreoffice(b"\xd0\xcf", name="台账.doc", target="docx")
    child = int(pid_file.read_text())
    try:
        state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        state = "gone"
    assert state in {"gone", "Z"}  # killed with the group, not left running


def _soffice_convert(soffice: str, source: Path, target: str) -> bytes:
    """Convert with LibreOffice the way an office saves as .doc/.xls (the test's own step)."""
    profile = (source.parent / "profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(source.parent / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (source.parent / "out" / f"{source.stem}.{target}").read_bytes()


def test_a_doc_file_converted_by_libreoffice_reads_as_the_same_ledger(tmp_path: Path) -> None:
    soffice = require_tool("soffice", "libreoffice-writer-nogui")
    data = ledger_docx(
        [
            Category("一", "民生"),
            ROAD,
            ["2", "建桥", MERGED_ABOVE, "交通局\n财政局", "年底前", "完成设计", "推进缓慢"],
            Category("二", "生态", one_cell=True),
            ["3", "植树", "王五", "林业局", "长期坚持", "", ""],
        ],
        as_of="（截至2024年5月1日）",
        split_after=3,
    )
    source = tmp_path / "ledger.docx"
    source.write_bytes(data)
    legacy = _soffice_convert(soffice, source, "doc")
    assert is_legacy_office(legacy, "台账.doc") == "docx"
    doc = read_docx(
        convert_with_libreoffice(legacy, name="台账.doc", target="docx"), name="台账.doc"
    )
    assert doc == read_docx(data, name="ledger.docx")
    assert _tasks(doc)[1][:4] == (
        2,
        "建桥",
        ["张三"],
        [("交通局", "responsible"), ("财政局", "responsible")],
    )


def test_an_xls_file_converted_by_libreoffice_keeps_its_cells(tmp_path: Path) -> None:
    soffice = require_tool("soffice", "libreoffice-calc-nogui")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, ["一", "民生"], ROAD]:
        sheet.append(row)
    source = tmp_path / "ledger.xlsx"
    workbook.save(source)
    legacy = _soffice_convert(soffice, source, "xls")
    assert is_legacy_office(legacy, "台账.xls") == "xlsx"
    converted = convert_with_libreoffice(legacy, name="台账.xls", target="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(converted)).active
    assert sheet is not None
    values = [
        [cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)
    ]
    assert values == [HEADER, ["一", "民生"], ROAD]


def test_a_broken_doc_file_is_refused_with_libreoffices_reason() -> None:
    require_tool("soffice", "libreoffice-writer-nogui")
    with pytest.raises(LedgerReadError) as caught:
        convert_with_libreoffice(OLE_SIGNATURE + bytes(504), name="坏.doc", target="docx")
    text = str(caught.value)
    assert text.startswith("坏.doc：LibreOffice 无法把此文件转换为 .docx（") and "\n" not in text


# --- the line under the title is no part of it (new-user walk) -------------------------------

TITLE = "2024年某县重点工作台账"


@pytest.mark.parametrize(
    ("line", "as_of"),
    [
        ("（截至2024年6月30日）", "2024-06-30"),
        ("截至2024年6月30日", "2024-06-30"),
        ("截止时间：2024年6月30日", "2024-06-30"),
        ("截止日期：2024年6月30日", "2024-06-30"),
        ("进展情况截至2024年6月底", "2024-06-30"),
        ("（截至6月底）", "2024-06-30"),
        ("2024年6月30日", "2024-06-30"),
        ("（2024年6月30日）", "2024-06-30"),
        ("填报时间：2024年7月5日", None),
        ("报送日期：2024年7月5日", None),
        ("填报单位：县发改委        填报时间：2024年7月5日", None),
        ("填报单位：县发改委", None),
        ("填报单位（盖章）：县发改委", None),
        ("编制单位：县政府督查室", None),
        ("2024年6月", None),
        ("（2024年6月）", None),
        ("2024年X月", None),
        ("2024年第二季度", None),
        ("2024年1-6月", None),
        ("统计时间：2024年1-6月", None),
        ("时间：2024年6月", None),
        ("——2024年上半年进展情况", None),
        ("—2024年上半年进展情况—", None),
        ("（第三季度）", None),
        ("单位：万元", None),
        ("联系人：张三  电话：0391-1234567", None),
        ("重点任务推进情况表", None),
    ],
)
def test_the_line_under_the_title_is_its_own_field_or_dropped(line: str, as_of: str | None) -> None:
    doc = read_docx(
        ledger_docx([Category("一", "民生"), ROAD], title=TITLE, as_of=line), name="t.docx"
    )
    assert doc.title == TITLE
    assert (doc.as_of and doc.as_of.isoformat()) == as_of


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (
            ["济源市2024年《政府工作报告》", "重点任务分解台账"],
            "济源市2024年《政府工作报告》重点任务分解台账",
        ),
        (["2024年县政府", "重点工作推进情况表"], "2024年县政府重点工作推进情况表"),
        (["2024年重点工作台账", "（截至2024年6月30日）"], "2024年重点工作台账"),
    ],
)
def test_a_title_written_on_two_lines_is_joined(lines: list[str], title: str) -> None:
    doc = read_docx(
        ledger_docx([Category("一", "民生"), ROAD], title=lines[0], as_of="\n".join(lines[1:])),
        name="t.docx",
    )
    assert doc.title == title
