"""The Excel reader: ledgers as offices keep them in Excel or WPS (title rows, merged cells, line
breaks, numbers and dates as values, several sheets, notes under the table) read exactly, and
every kind of bad file refused with one line naming the file."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Border, Side

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.read_xlsx import cell_text, read_xlsx
from taizhang.documents.safety import OLE_SIGNATURE
from tests.documents.xlsx_builders import (
    HEADER,
    Sheet,
    office_ledger,
    simple_ledger,
    two_sheet_ledger,
    variant_ledger,
    workbook,
)

CATEGORY = ["一", "民生", None, None, None, None, None]


def _task(doc: Any, number: int) -> Any:
    return next(task for task in doc.tasks if task.number == number)


# --- the official layout -------------------------------------------------------------------


def test_office_ledger_title_block_gives_title_year_and_as_of() -> None:
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    assert (doc.title, doc.year, doc.as_of) == (
        "2021年某县重点工作台账",
        2021,
        datetime.date(2021, 6, 30),
    )
    assert doc.source_name == "county.xlsx"


def test_office_ledger_header_titles_lose_their_line_breaks_and_spaces() -> None:
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    assert [(c.key, c.title) for c in doc.columns] == [
        ("number", "序号"),
        ("goal", "工作目标任务"),
        ("leaders", "牵头领导"),
        ("units", "责任单位"),
        ("deadline", "完成时限"),
        ("progress", "进展情况"),
        ("remarks", "备注"),
    ]


def test_office_ledger_categories_merged_across_and_typed_in_one_cell() -> None:
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    assert [(c.number, c.name, [t.number for t in c.tasks]) for c in doc.categories] == [
        (1, "民生保障", [1, 2, 3]),
        (2, "城市建设", [4]),
    ]


def test_a_leader_and_unit_merged_down_belong_to_every_task_they_span() -> None:
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    for number in (1, 2, 3):
        task = _task(doc, number)
        assert task.leaders == ["张三"]
        assert [(u.name, u.role) for u in task.units] == [("教体局", "responsible")]


def test_numeric_task_numbers_and_date_deadlines_read_as_the_office_sees_them() -> None:
    task = _task(read_xlsx(office_ledger(), name="county.xlsx"), 1)
    assert task.number == 1
    assert (task.deadline_text, task.deadline) == ("2021年12月31日", datetime.date(2021, 12, 31))


def test_line_breaks_inside_cells_become_paragraphs() -> None:
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    assert _task(doc, 1).goal == "新建幼儿园3所。\n改扩建小学2所。"
    assert _task(doc, 1).progress == "2所幼儿园主体完工。\n1所正在选址。"
    assert _task(doc, 3).progress == "已开工12个。\n其余8个在设计。"  # typed with CRLF


def test_office_ledger_statuses_remarks_and_split_units() -> None:
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    assert [(t.status, t.status_label, t.remarks) for t in doc.tasks] == [
        ("in_progress", "正在推进", ""),
        ("completed", "已完成", ""),
        (None, "", "请示县政府"),
        (None, "", ""),
    ]
    assert [u.name for u in _task(doc, 4).units] == ["交通局", "财政局"]
    assert _task(doc, 4).deadline == datetime.date(2021, 9, 30)


def test_notes_and_empty_rows_under_the_table_and_empty_columns_beside_it_are_no_tasks() -> None:
    # The 注 row reaches table.py (which reads legends) and is named; the 填表人 line and the
    # empty rows and columns are left out by the Excel layer without a word.
    doc = read_xlsx(office_ledger(), name="county.xlsx")
    assert len(doc.tasks) == 4
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("第12行")


# --- other offices' layouts ----------------------------------------------------------------


def test_other_column_titles_lead_and_co_units_status_and_unknown_columns() -> None:
    doc = read_xlsx(variant_ledger(), name="city.xlsx")
    assert (doc.title, doc.year, doc.as_of) == ("2022年市政府重点项目推进台账", 2022, None)
    assert [c.key for c in doc.columns] == [
        "number",
        "goal",
        "leaders",
        "units",
        "co_units",
        "deadline",
        "progress",
        "status",
        "extra",
        "extra",
    ]
    first, second = doc.tasks
    assert first.leaders == ["王五", "赵六"]
    assert [(u.name, u.role) for u in first.units] == [
        ("交通运输局", "lead"),
        ("自然资源局", "co"),
        ("财政局", "co"),
    ]
    assert [(m.text, m.date.isoformat()) for m in first.milestones] == [
        ("3月底前开工", "2022-03-31"),
        ("10月底前通车", "2022-10-31"),
    ]
    assert (first.status, first.extra) == (
        "in_progress",
        {"完成比例": "90%", "投资（亿元）": "2.5"},
    )
    assert (second.status, second.status_label) == ("lagging", "推进缓慢，受用地影响")
    assert second.extra == {"完成比例": "25%", "投资（亿元）": "1"}


def test_the_header_may_be_the_first_row_and_the_year_then_comes_from_deadlines() -> None:
    data = simple_ledger(
        CATEGORY, [1, "修路", "张三", "交通局", "2025年6月底前", None, None], above=()
    )
    doc = read_xlsx(data, name="plain.xlsx")
    assert (doc.title, doc.year, doc.tasks[0].deadline) == ("", 2025, datetime.date(2025, 6, 30))


def test_year_option_overrides_the_title() -> None:
    data = simple_ledger(CATEGORY, [1, "修路", "张三", "交通局", "年底前", None, None])
    assert read_xlsx(data, name="a.xlsx", year=2030).tasks[0].deadline == datetime.date(
        2030, 12, 31
    )


def test_a_category_merged_over_two_rows_counts_once() -> None:
    # A tall category row made by merging two rows: the second row holds only what the
    # merges gave it, so it is no row of its own.
    data = simple_ledger(
        ["一", "民生", None, None, None, None, None],
        [None] * 7,
        [1, "修路", "张三", "交通局", "年底前", None, None],
        merges=["A3:A4", "B3:G4"],
    )
    doc = read_xlsx(data, name="a.xlsx")
    assert [(c.number, c.name, len(c.tasks)) for c in doc.categories] == [(1, "民生", 1)]


def test_a_block_merge_fills_down_its_first_column_only() -> None:
    # A leader typed once over the leader and unit columns of two tasks.
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", None, "年底前", None, None],
        [2, "建桥", None, None, "年底前", None, None],
        merges=["C4:D5"],
    )
    doc = read_xlsx(data, name="a.xlsx")
    assert [(t.leaders, t.units) for t in doc.tasks] == [(["张三"], []), (["张三"], [])]


def test_a_task_over_three_rows_with_its_number_merged_down_is_one_task() -> None:
    # One task whose progress runs over three rows, and a second unit typed in its third row:
    # 序号, goal, leader, deadline and remarks merged down over the three.
    data = simple_ledger(
        ["一", "水利"],
        [
            1,
            "实施三大供水工程",
            "侯波",
            "水利局",
            "年底前完成",
            "北部供水工程：已开工。",
            "正在推进",
        ],
        [None, None, None, None, None, "玉阳湖工业供水工程：完成投资7000万元。", None],
        [None, None, None, "财政局", None, "南部岭区供水工程：环评评审中。", None],
        [2, "新建医院", "谭江", "卫健委", "6月底前", "已完成。", "已完成"],
        merges=["B3:G3", *(f"{column}4:{column}6" for column in "ABCEG")],
    )
    doc = read_xlsx(data, name="water.xlsx")
    assert [(t.number, t.goal) for t in doc.tasks] == [(1, "实施三大供水工程"), (2, "新建医院")]
    first = doc.tasks[0]
    assert first.progress == (
        "北部供水工程：已开工。\n玉阳湖工业供水工程：完成投资7000万元。\n南部岭区供水工程：环评评审中。"
    )
    assert (first.leaders, [u.name for u in first.units]) == (["侯波"], ["水利局", "财政局"])
    assert (first.deadline_text, first.status, first.remarks) == ("年底前完成", "in_progress", "")
    assert doc.warnings == []


def test_a_number_merged_down_over_rows_with_cells_of_their_own_stays_one_task() -> None:
    # The rows continuing a task keep their spreadsheet rows out of the table, so an error
    # below them still names its own spreadsheet row.
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", "交通局", "6月底前", "完成路基", None],
        [None, None, None, None, "年底前", "完成路面", None],
        ["x", "建桥", "李四", "交通局", "年底前", None, None],
        merges=["A4:A5", "B4:B5", "C4:C5"],
    )
    doc = read_xlsx(data, name="bad.xlsx")
    assert [(t.goal, t.progress) for t in doc.tasks] == [
        ("修路", "完成路基\n完成路面"),
        ("建桥", ""),
    ]
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("第6行：序号“x”")
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", "交通局", "6月底前", "完成路基", None],
        [None, None, None, None, "年底前", "完成路面", None],
        merges=["A4:A5", "B4:B5", "C4:C5", "D4:D5"],
    )
    (task,) = read_xlsx(data, name="road.xlsx").tasks
    assert (task.deadline_text, task.progress) == ("6月底前\n年底前", "完成路基\n完成路面")
    assert task.deadline == datetime.date(2024, 12, 31)


def test_a_number_typed_twice_in_a_category_names_the_second_spreadsheet_row() -> None:
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", None, None],
        [2, "建桥", "李四", "交通局", "年底前", None, None],
        [2, "植树", "王五", "林业局", "年底前", None, None],
    )
    doc = read_xlsx(data, name="dup.xlsx")
    assert [(t.number, t.goal) for t in doc.tasks] == [(1, "修路"), (2, "建桥"), (2, "植树")]
    (warning,) = [w for w in doc.warnings if "序号2重复" in w]
    assert "第5行" in warning and warning.startswith("第6行")


def test_a_row_with_too_many_cells_names_its_spreadsheet_row() -> None:
    data = simple_ledger(CATEGORY, [1, "修路", "张三", "交通局", "年底前", None, None, "多出来的"])
    doc = read_xlsx(data, name="bad.xlsx")
    assert [t.goal for t in doc.tasks] == ["修路"]
    assert [w[:8] for w in doc.warnings] == ["第4行：单元格过"]


def test_a_bad_task_number_names_its_spreadsheet_row() -> None:
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", None, None],
        [None] * 7,
        ["1a", "建桥", "李四", "交通局", "年底前", None, None],
    )
    doc = read_xlsx(data, name="bad.xlsx")
    assert [t.goal for t in doc.tasks] == ["修路", "建桥"]
    assert next(w for w in doc.warnings if "1a" in w).startswith("第6行：")


def test_a_note_row_in_the_number_column_inside_the_table_is_no_task_and_is_named() -> None:
    data = simple_ledger(
        CATEGORY,
        ["说明：下列任务由市政府交办", None, None, None, None, None, None],
        [1, "修路", "张三", "交通局", "年底前", None, None],
    )
    doc = read_xlsx(data, name="a.xlsx")
    assert [t.goal for t in doc.tasks] == ["修路"]
    assert [w[:4] for w in doc.warnings] == ["第4行："]


def test_a_trailing_category_typed_in_one_merged_cell_is_kept() -> None:
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", None, None],
        ["二、其他"],
        merges=["A5:G5"],
    )
    doc = read_xlsx(data, name="a.xlsx")
    assert [(c.number, c.name) for c in doc.categories] == [(1, "民生"), (2, "其他")]


def test_a_formula_cell_reads_its_last_computed_value() -> None:
    # Offices number tasks with =A4+1; the file keeps the value Excel computed. A file never
    # opened in Excel has none, which reads as an empty number (numbered in order).
    data = simple_ledger(
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", None, None],
        ["=A4+1", "建桥", "李四", "交通局", "年底前", None, None],
    )
    doc = read_xlsx(data, name="a.xlsx")
    assert [t.number for t in doc.tasks] == [1, 2]
    assert any("没有序号" in warning for warning in doc.warnings)


# --- cell values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, "General", ""),
        (1.0, "General", "1"),
        (12, "General", "12"),
        (2.5, "General", "2.5"),
        (0.1 + 0.2, "General", "0.3"),
        (0.9, "0%", "90%"),
        (0.125, "0.0%", "12.5%"),
        (True, "General", "是"),
        (datetime.datetime(2021, 12, 31, 0, 0), "yyyy/m/d", "2021年12月31日"),  # noqa: DTZ001
        (datetime.date(2022, 3, 1), "yyyy-mm-dd", "2022年3月1日"),
        (datetime.time(9, 5), "h:mm", "9:05"),
        ("  一行\r\n\r\n  二行 \r三行\n", "General", "一行\n二行\n三行"),
        ("\u3000\u3000缩进的段落", "General", "缩进的段落"),
    ],
)
def test_cell_values_read_as_the_office_sees_them(
    value: object, number_format: str, text: str
) -> None:
    assert cell_text(value, number_format) == text


# --- several sheets -------------------------------------------------------------------------


def test_the_first_sheet_with_a_ledger_header_is_read() -> None:
    doc = read_xlsx(two_sheet_ledger(), name="two.xlsx")
    assert (doc.title, len(doc.tasks)) == ("2021年某县重点工作台账", 4)


def test_hidden_sheets_come_after_visible_ones() -> None:
    doc = read_xlsx(two_sheet_ledger(hidden_copy=True), name="two.xlsx")
    assert doc.title == "2021年某县重点工作台账"


def test_a_named_sheet_is_read_even_when_hidden() -> None:
    doc = read_xlsx(two_sheet_ledger(hidden_copy=True), name="two.xlsx", sheet="旧表")
    assert doc.title == "2022年市政府重点项目推进台账"
    assert read_xlsx(two_sheet_ledger(), name="two.xlsx", sheet="台账") == read_xlsx(
        office_ledger(), name="one.xlsx"
    )


def test_a_missing_sheet_is_refused_listing_the_sheets() -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_xlsx(two_sheet_ledger(), name="two.xlsx", sheet="Sheet9")
    text = str(caught.value)
    assert text.startswith("two.xlsx") and "\n" not in text
    assert "Sheet9" in text and "“说明”" in text and "“台账”" in text


def test_a_named_sheet_without_a_ledger_is_refused() -> None:
    with pytest.raises(LedgerReadError, match="工作表“说明”的前15行中找不到台账表头"):
        read_xlsx(two_sheet_ledger(), name="two.xlsx", sheet="说明")


def test_errors_in_a_workbook_of_several_sheets_name_the_sheet() -> None:
    rows = [["2024年台账"], HEADER, CATEGORY]
    data = workbook(Sheet("说明", [["填报说明"]]), Sheet("台账", rows))
    with pytest.raises(LedgerReadError) as caught:
        read_xlsx(data, name="two.xlsx")
    assert str(caught.value) == "two.xlsx：工作表“台账”：台账表格中没有任务行"


def test_a_header_below_the_first_fifteen_rows_is_not_looked_for() -> None:
    data = simple_ledger(CATEGORY, [1, "修路", "张三", "交通局", "年底前"], above=[["说明"]] * 15)
    with pytest.raises(LedgerReadError, match="找不到台账表格"):
        read_xlsx(data, name="deep.xlsx")


# --- bad files: one line naming the file ----------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _replace_part(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {name: source.read(name) for name in source.namelist()}
    assert old in members[part]
    members[part] = members[part].replace(old, new)
    return _zip(members)


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        chunk = bytes(4 << 20)
        for _ in range(75):  # 300 MB of zeros
            member.write(chunk)
    return out.getvalue()


def _truncated() -> bytes:
    good = office_ledger()
    return good[: len(good) // 2]


def _broken_xml() -> bytes:
    return _replace_part(office_ledger(), "xl/worksheets/sheet1.xml", b"</sheetData>", b"")


def _merge_bomb() -> bytes:
    # One merged range over the whole sheet: 17 billion cells for openpyxl to make.
    sheet = "xl/worksheets/sheet1.xml"
    return _replace_part(office_ledger(), sheet, b'ref="A2:G2"', b'ref="A1:XFD1048576"')


def _docx() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def _no_ledger() -> bytes:
    rows: list[list[Any]] = [["2024年工作总结"], ["一、主要工作"], ["二、存在问题"]]
    return workbook(Sheet("Sheet1", rows))


# Built in the test, not at collection: the zip bomb takes a second to make.
BAD_FILES = [
    pytest.param(lambda: b"", "文件为空", id="empty"),
    pytest.param(lambda: "序号,工作目标任务\n1,修路\n".encode(), "不是 zip", id="csv"),
    pytest.param(lambda: OLE_SIGNATURE + bytes(2048), "密码", id="encrypted-or-xls"),
    pytest.param(lambda: _zip({"readme.txt": b"hello"}), "不是有效的 Excel 文件", id="other-zip"),
    pytest.param(_docx, "Word 文件", id="docx"),
    pytest.param(_truncated, "损坏", id="truncated"),
    pytest.param(_broken_xml, "不是有效的 Excel 文件", id="broken-xml"),
    pytest.param(_merge_bomb, "合并单元格过大", id="merge-bomb"),
    pytest.param(_zip_bomb, "压缩炸弹", id="zip-bomb"),
    pytest.param(_no_ledger, "找不到台账表格", id="no-ledger"),
    pytest.param(lambda: simple_ledger(CATEGORY), "没有任务行", id="no-tasks"),
]


def test_ole_files_are_told_to_be_encrypted_or_legacy() -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_xlsx(OLE_SIGNATURE + bytes(2048), name="locked.xlsx")
    assert "密码" in str(caught.value) and "旧版" in str(caught.value)


@pytest.mark.parametrize(("build", "message"), BAD_FILES)
def test_bad_files_are_refused_in_one_line_naming_the_file(
    build: Callable[[], bytes], message: str
) -> None:
    data = build()
    with pytest.raises(LedgerReadError) as caught:
        read_xlsx(data, name="bad.xlsx")
    text = str(caught.value)
    assert message in text
    assert text.startswith("bad.xlsx") and "\n" not in text


def _with_cell(data: bytes, ref: str, value: object = None) -> bytes:
    book = load_workbook(io.BytesIO(data))
    cell = book.active[ref]
    cell.value = value
    cell.border = Border(left=Side(style="thin"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_formatted_empty_cell_in_the_far_corner_changes_nothing() -> None:
    data = simple_ledger(CATEGORY, [1, "修路", "张三", "交通局", "年底前", None, None])
    far = _with_cell(data, "XFD1048576")
    assert read_xlsx(far, name="far.xlsx") == read_xlsx(data, name="near.xlsx")


def test_text_far_to_the_right_of_a_task_is_named_with_its_row() -> None:
    data = simple_ledger(CATEGORY, [1, "修路", "张三", "交通局", "年底前", None, None])
    doc = read_xlsx(_with_cell(data, "XFD4", "旁注"), name="far.xlsx")
    assert [w[:8] for w in doc.warnings] == ["第4行：单元格过"]
