"""The Excel reader on workbooks as offices really save them in Excel and WPS: hidden rows,
columns, groups and sheets; formulas with and without saved values; a 合计 row at the top;
two-row headers merged across; legends inside the table; several ledgers in one workbook."""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any

import pytest

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.read_xlsx import read_xlsx
from tests.documents.xlsx_builders import HEADER, Sheet, simple_ledger, workbook

CATEGORY = ["一", "民生", None, None, None, None, None]
ROAD = [1, "修路", "张三", "交通局", "年底前", "已开工", None]
BRIDGE = [2, "建桥", "李四", "交通局", "6月底前", "完成设计", None]


def _rows(title: str, *body: list[Any], header: list[Any] = HEADER) -> list[list[Any]]:
    return [[title], list(header), *body]


# --- hidden rows, columns and sheets ---------------------------------------------------------


def test_a_hidden_last_month_column_is_never_the_progress() -> None:
    header = [*HEADER[:5], "上月进展情况", "进展情况"]
    rows = _rows(
        "2024年台账",
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", "完成选线", "完成路基"],
        header=header,
    )
    doc = read_xlsx(workbook(Sheet("台账", rows, hidden_columns=["F"])), name="a.xlsx")
    (task,) = doc.tasks
    assert task.progress == "完成路基" and task.extra == {}
    assert [c.title for c in doc.columns][-1] == "进展情况"
    assert doc.warnings == ["隐藏的1列（F列“上月进展情况”）未读入"]


def test_hidden_rows_and_collapsed_groups_are_not_read_and_counted_once() -> None:
    rows = _rows(
        "2024年台账",
        CATEGORY,
        ROAD,
        BRIDGE,
        [3, "植树", "王五", "林业局", "年底前", None, None],
        [4, "绿化", "王五", "林业局", "年底前", None, None],
        [5, "清淤", "王五", "水利局", "年底前", None, None],
    )
    sheet = Sheet("台账", rows, hidden_rows=[5], collapsed_groups=[(6, 7)])
    doc = read_xlsx(workbook(sheet), name="a.xlsx")
    assert [t.goal for t in doc.tasks] == ["修路", "清淤"]
    assert doc.warnings == ["隐藏的3行（第5、6、7行）未读入"]


def test_a_hidden_group_of_columns_to_the_right_is_not_read() -> None:
    # Offices hide every unused column right of the table (one <col min max> range); text
    # left there is no cell of the ledger.
    rows = _rows("2024年台账", CATEGORY, [*ROAD, "草稿", "旧数据"])
    doc = read_xlsx(workbook(Sheet("台账", rows, hidden_columns=["H:XFD"])), name="a.xlsx")
    assert [t.goal for t in doc.tasks] == ["修路"]
    assert doc.warnings == ["隐藏的2列（H列、I列）未读入"]


def test_a_title_merged_across_a_hidden_first_column_keeps_its_text() -> None:
    # A helper column A (row keys for a lookup) hidden; the title typed in A1 and merged
    # across shows in the visible part, and the table starts in column B.
    rows = [["2024年台账"], ["键", *HEADER], ["k0", *CATEGORY], ["k1", *ROAD]]
    sheet = Sheet("台账", rows, merges=["A1:H1"], hidden_columns=["A"])
    doc = read_xlsx(workbook(sheet), name="a.xlsx")
    assert doc.title == "2024年台账"
    assert [c.title for c in doc.columns] == HEADER
    assert [(t.number, t.goal) for t in doc.tasks] == [(1, "修路")]
    assert doc.warnings == ["隐藏的1列（A列“键”）未读入"]


def test_the_only_ledger_on_a_hidden_sheet_is_read_with_a_warning() -> None:
    data = workbook(
        Sheet("封面", [["2024年重点工作台账"]]),
        Sheet("台账", _rows("2024年台账", CATEGORY, ROAD), hidden=True),
    )
    doc = read_xlsx(data, name="a.xlsx")
    assert [t.goal for t in doc.tasks] == ["修路"]
    assert doc.warnings == ["工作表“台账”是隐藏的工作表；文件中没有其他台账，已读入它"]


def test_a_workbook_of_hidden_sheets_without_a_ledger_is_one_line_error() -> None:
    data = workbook(Sheet("封面", [["说明"]]), Sheet("旧", [["草稿"]], hidden=True))
    with pytest.raises(LedgerReadError) as caught:
        read_xlsx(data, name="a.xlsx")
    text = str(caught.value)
    assert text.startswith("a.xlsx：找不到台账表格") and "\n" not in text


def test_an_empty_sheet_is_one_line_error() -> None:
    with pytest.raises(LedgerReadError, match=r"^empty\.xlsx：找不到台账表格"):
        read_xlsx(workbook(Sheet("Sheet1", [])), name="empty.xlsx")


# --- formulas ---------------------------------------------------------------------------------


def _saved_value(data: bytes, ref: str, value: str) -> bytes:
    """The workbook as Excel saves it after computing: the formula cell keeps its value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                cell = re.compile(rb'(<c r="' + ref.encode() + rb'"[^>]*>)(<f>.*?</f>)(<v\s*/>)?')
                part = cell.sub(rb"\1\2<v>" + value.encode() + rb"</v>", part)
            target.writestr(item, part)
    return out.getvalue()


def test_a_formula_gives_its_saved_value() -> None:
    data = simple_ledger(CATEGORY, ROAD, ["=A4+1", "建桥", "李四", "交通局", "年底前", None, None])
    doc = read_xlsx(_saved_value(data, "A5", "2"), name="a.xlsx")
    assert [t.number for t in doc.tasks] == [1, 2]
    assert doc.warnings == []


def test_a_formula_without_a_saved_value_is_empty_and_named_once() -> None:
    data = simple_ledger(
        CATEGORY,
        ROAD,
        ["=A4+1", "建桥", "李四", "交通局", "年底前", '=IF(E5="","",E5)', None],
    )
    doc = read_xlsx(data, name="a.xlsx")
    formula = [w for w in doc.warnings if "公式" in w]
    assert formula == [
        "公式单元格A5、F5在文件中没有保存计算结果，按空白读入"
        "（请用 Excel 或 WPS 打开后保存，再导入）"
    ]
    assert doc.tasks[1].progress == ""


# --- rows the Excel layer must pass on as they are --------------------------------------------


def test_a_total_row_at_the_top_does_not_stop_or_swallow_the_tasks() -> None:
    # 合计 merged over 序号 and 工作目标任务 right under the header, sums beside it; then a task
    # written over two rows with its 序号 merged down.
    header = [*HEADER[:6], "投资（万元）"]
    rows = _rows(
        "2024年重点项目台账",
        ["合计", None, None, None, None, None, 300],
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", "完成路基", 100],
        [None, None, None, None, None, "完成路面", None],
        [2, "建桥", "李四", "交通局", "年底前", "完成设计", 200],
        header=header,
    )
    data = workbook(Sheet("项目", rows, merges=["A3:B3", "A5:A6", "B5:B6", "G5:G6"]))
    doc = read_xlsx(data, name="a.xlsx")
    assert [(t.number, t.goal, t.progress) for t in doc.tasks] == [
        (1, "修路", "完成路基\n完成路面"),
        (2, "建桥", "完成设计"),
    ]
    assert any(w.startswith("第3行") for w in doc.warnings)


def test_a_legend_merged_across_reaches_the_table_reader_and_decodes_symbols() -> None:
    header = [*HEADER[:6], "完成情况"]
    rows = _rows(
        "2024年台账",
        ["注：√为已完成，○为正在推进，△为滞后"],
        CATEGORY,
        [1, "修路", "张三", "交通局", "年底前", "完成路基", "○"],
        [2, "建桥", "李四", "交通局", "年底前", "已通车", "√"],
        ["注：本表每月5日前报送"],
        header=header,
    )
    data = workbook(Sheet("台账", rows, merges=["A3:G3", "A7:G7"]))
    doc = read_xlsx(data, name="a.xlsx")
    assert [(t.goal, t.status, t.status_label) for t in doc.tasks] == [
        ("修路", "in_progress", "○"),
        ("建桥", "completed", "√"),
    ]
    assert {w[:3] for w in doc.warnings} >= {"第3行", "第7行"}


def test_a_two_row_header_merged_across_is_combined() -> None:
    # 时间节点 merged across 开工时间 / 完工时间; the other titles merged down over both rows.
    top = ["序号", "重点工作", "牵头领导", "责任单位", "时间节点", None, "进展情况"]
    sub = [None, None, None, None, "开工时间", "完工时间", None]
    rows = [
        ["2024年重点项目台账"],
        top,
        sub,
        CATEGORY,
        [1, "修路", "张三", "交通局", datetime.date(2024, 3, 1), "6月底前", "完成路基"],
    ]
    merges = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:G3"]
    doc = read_xlsx(workbook(Sheet("项目", rows, merges=merges)), name="a.xlsx")
    assert [c.title for c in doc.columns][4:6] == ["时间节点/开工时间", "时间节点/完工时间"]
    (task,) = doc.tasks
    assert (task.goal, task.leaders) == ("修路", ["张三"])
    assert task.deadline == datetime.date(2024, 6, 30)
    assert datetime.date(2024, 3, 1) in [m.date for m in task.milestones]


# --- several ledgers in one workbook ----------------------------------------------------------


def _three_sheets() -> bytes:
    return workbook(
        Sheet("说明", [["填报说明"]]),
        Sheet("2021年", _rows("2021年台账", CATEGORY, ROAD, BRIDGE)),
        Sheet("2022年", _rows("2022年台账", CATEGORY, ROAD)),
        Sheet("旧表", _rows("2020年台账", CATEGORY, ROAD), hidden=True),
    )


def test_several_ledger_sheets_are_listed_and_the_first_is_read_with_a_warning() -> None:
    doc = read_xlsx(_three_sheets(), name="a.xlsx")
    assert doc.title == "2021年台账"
    assert doc.tables == [
        "表格1：工作表“2021年”（3行）",
        "表格2：工作表“2022年”（2行）",
        "表格3：工作表“旧表”（隐藏）（2行）",
    ]
    assert doc.warnings == [
        "文件中有3个台账表格，读入的是表格1：工作表“2021年”（3行）；未读入：表格2：工作表“2022年”"
        "（2行）；表格3：工作表“旧表”（隐藏）（2行）（用 --table N 选择其他表格）"
    ]


def test_table_picks_one_and_sheet_keeps_working() -> None:
    data = _three_sheets()
    picked = read_xlsx(data, name="a.xlsx", table=2)
    assert (picked.title, picked.warnings, len(picked.tables)) == ("2022年台账", [], 3)
    assert read_xlsx(data, name="a.xlsx", table=3).title == "2020年台账"
    named = read_xlsx(data, name="a.xlsx", sheet="2022年")
    assert (named.title, named.tables, named.warnings) == ("2022年台账", [], [])
    assert read_xlsx(data, name="a.xlsx", sheet="2022年", table=1).title == "2022年台账"


def test_a_table_out_of_range_is_one_line_listing_the_tables() -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_xlsx(_three_sheets(), name="a.xlsx", table=4)
    text = str(caught.value)
    assert text.startswith("a.xlsx：没有表格4：文件中只有3个台账表格") and "\n" not in text
    assert "表格3：工作表“旧表”（隐藏）（2行）" in text
    with pytest.raises(LedgerReadError, match="没有表格2"):
        read_xlsx(_three_sheets(), name="a.xlsx", sheet="2022年", table=2)


def _stacked() -> bytes:
    rows = [
        ["附件1"],
        ["2024年重点工作台账"],
        HEADER,
        CATEGORY,
        ROAD,
        BRIDGE,
        ["注：√为已完成"],
        [],
        ["2024年重点项目台账"],
        ["（截至2024年6月30日）"],
        HEADER,
        ["一", "交通"],
        [1, "建机场", "王五", "发改委", "年底前", "完成选址", None],
    ]
    return workbook(Sheet("Sheet1", rows, merges=["A2:G2", "A9:G9"]))


def test_two_tables_stacked_in_one_sheet_are_two_ledgers() -> None:
    data = _stacked()
    doc = read_xlsx(data, name="a.xlsx")
    assert (doc.title, [t.goal for t in doc.tasks]) == ("2024年重点工作台账", ["修路", "建桥"])
    assert doc.tables == [
        "表格1：工作表“Sheet1”第3行起的“2024年重点工作台账”（4行）",
        "表格2：工作表“Sheet1”第11行起的“2024年重点项目台账”（2行）",
    ]
    second = read_xlsx(data, name="a.xlsx", table=2)
    assert (second.title, second.as_of) == ("2024年重点项目台账", datetime.date(2024, 6, 30))
    assert [t.goal for t in second.tasks] == ["建机场"]
    assert not any("2024年重点项目台账" in w for w in second.warnings if w.startswith("第"))


def test_a_header_repeated_without_a_title_continues_the_same_table() -> None:
    rows = _rows("2024年台账", CATEGORY, ROAD, HEADER, BRIDGE)
    doc = read_xlsx(workbook(Sheet("台账", rows)), name="a.xlsx")
    assert ([t.goal for t in doc.tasks], doc.tables) == (["修路", "建桥"], [])


# --- a task written over several rows under one merged 序号 ---------------------------------


def test_rows_under_one_merged_number_with_goals_of_their_own_are_its_sub_items() -> None:
    rows = _rows(
        "2016年民生实事目标任务分解表",
        CATEGORY,
        [5, "开工建设县老年养护楼", "张三", "民政局", "5月底前动工", None, None],
        [None, "开工建设老年大学", None, None, "12月底前", None, None],
        [6, "新建公园", "李四", "住建局", "年底前", None, None],
    )
    data = workbook(Sheet("台账", rows, merges=["A4:A5", "C4:C5", "D4:D5"]))
    doc = read_xlsx(data, name="a.xlsx")
    assert [t.number for t in doc.tasks] == [5, 6]
    subs = doc.tasks[0].subitems
    assert [(s.goal, s.deadline, s.leaders, [u.name for u in s.units]) for s in subs] == [
        ("开工建设县老年养护楼", datetime.date(2016, 5, 31), ["张三"], ["民政局"]),
        ("开工建设老年大学", datetime.date(2016, 12, 31), ["张三"], ["民政局"]),
    ]
    assert doc.tasks[1].subitems == []
