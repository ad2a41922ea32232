"""The Word reader on documents as offices make them in Word and WPS: two-row headers with a
title spanning sub-titles, legend rows merged across inside the table, several ledger tables
in one document."""

from __future__ import annotations

import datetime
import io

import docx
import pytest

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.read_docx import read_docx
from tests.documents.docx_builders import HEADER, MERGED_ABOVE, Category, Legend, ledger_docx

STATUS_HEADER = [*HEADER[:6], "完成情况"]
ROAD = ["1", "修路", "张三", "交通局", "6月底前", "已开工", "○"]
BRIDGE = ["2", "建桥", "李四", "交通局", "年底前", "已通车", "√"]


# --- two-row headers --------------------------------------------------------------------------

# 时间节点 spans 开工时间 / 完工时间; the other titles are merged down over both rows. The top
# row alone names no leader column, so it is no header by itself.
TOP = ["序号", "重点工作", "责任单位", "时间节点", "", "进展情况"]
SUB = ["", "", "", "开工时间", "完工时间", ""]


def test_a_two_row_header_whose_top_row_alone_is_no_header_is_found_and_combined() -> None:
    data = ledger_docx(
        [Category("一", "交通"), ["1", "修路", "交通局", "3月1日", "6月底前", "完成路基"]],
        header=TOP,
        sub_header=SUB,
        title="2024年重点项目台账",
    )
    doc = read_docx(data, name="t.docx")
    assert [c.title for c in doc.columns] == [
        "序号",
        "重点工作",
        "责任单位",
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况",
    ]
    (task,) = doc.tasks
    assert (task.goal, [u.name for u in task.units]) == ("修路", ["交通局"])
    assert (task.deadline, task.progress) == (datetime.date(2024, 6, 30), "完成路基")
    assert datetime.date(2024, 3, 1) in [m.date for m in task.milestones]
    assert not any("开工时间" in warning for warning in doc.warnings)


def test_a_two_row_header_repeated_on_the_next_page_is_joined_without_a_word() -> None:
    rows = [
        Category("一", "交通"),
        ["1", "修路", "交通局", "3月1日", "6月底前", "完成路基"],
        ["2", "建桥", "交通局", "4月1日", "年底前", "完成设计"],
    ]
    data = ledger_docx(rows, header=TOP, sub_header=SUB, split_after=2, title="2024年台账")
    doc = read_docx(data, name="t.docx")
    assert [t.goal for t in doc.tasks] == ["修路", "建桥"]
    assert doc.tables == []
    assert not any(warning.startswith("表格第") for warning in doc.warnings)


# --- legends inside the table -----------------------------------------------------------------


@pytest.mark.parametrize("where", ["under-header", "at-end"])
def test_a_legend_merged_across_the_table_decodes_the_symbols(where: str) -> None:
    legend = Legend("注：√为已完成，○为正在推进，△为滞后")
    body = [Category("一", "交通"), ROAD, BRIDGE]
    rows = [legend, *body] if where == "under-header" else [*body, legend]
    doc = read_docx(ledger_docx(rows, header=STATUS_HEADER), name="t.docx")
    assert [(t.goal, t.status, t.status_label) for t in doc.tasks] == [
        ("修路", "in_progress", "○"),
        ("建桥", "completed", "√"),
    ]
    assert len(doc.warnings) == 1 and "注释说明行" in doc.warnings[0]


def test_a_legend_under_a_task_with_merged_cells_is_not_glued_onto_the_task() -> None:
    # The task's 序号, goal and leader run over two rows; the legend right under it must
    # stay a row of its own.
    rows = [
        Category("一", "交通"),
        ["1", "修路", "张三", "交通局", "6月底前", "完成路基", "○"],
        [MERGED_ABOVE, MERGED_ABOVE, MERGED_ABOVE, "财政局", "年底前", "完成路面", ""],
        Legend("注：√为已完成，○为正在推进"),
    ]
    doc = read_docx(ledger_docx(rows, header=STATUS_HEADER), name="t.docx")
    (task,) = doc.tasks
    assert [u.name for u in task.units] == ["交通局", "财政局"]
    assert "注" not in task.progress and task.status == "in_progress"


# --- several ledgers in one document ----------------------------------------------------------


def _two_ledgers() -> bytes:
    other = ["序号", "项目名称", "责任领导", "牵头单位", "时间节点", "目前进展"]
    return ledger_docx(
        [Category("一", "民生"), [*ROAD[:6], "正在推进"], [*BRIDGE[:6], "已完成"]],
        title="2024年重点工作台账",
        after_table=[
            [
                other,
                ["一", "交通", "", "", "", ""],
                ["1", "建机场", "王五", "发改委", "年底前", "选址"],
            ]
        ],
    )


def test_a_second_table_with_another_header_is_a_second_ledger() -> None:
    data = _two_ledgers()
    doc = read_docx(data, name="t.docx")
    assert [t.goal for t in doc.tasks] == ["修路", "建桥"]
    assert doc.tables == ["表格1：“2024年重点工作台账”（3行）", "表格2：无标题的表格（2行）"]
    assert doc.warnings[0].startswith("文件中有2个台账表格，读入的是表格1")
    second = read_docx(data, name="t.docx", table=2)
    assert [(t.goal, t.leaders) for t in second.tasks] == [("建机场", ["王五"])]
    assert not any(w.startswith("文件中有") for w in second.warnings)


def test_a_table_out_of_range_is_one_line_listing_the_tables() -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_docx(_two_ledgers(), name="t.docx", table=3)
    text = str(caught.value)
    assert text.startswith("t.docx：没有表格3：文件中只有2个台账表格") and "\n" not in text


def test_rows_under_one_merged_number_with_goals_of_their_own_are_its_sub_items() -> None:
    data = ledger_docx(
        [
            Category("一", "民生"),
            ["5", "开工建设县老年养护楼", "张三", "民政局", "5月底前动工", "", ""],
            [MERGED_ABOVE, "开工建设老年大学", MERGED_ABOVE, MERGED_ABOVE, "12月底前", "", ""],
            ["6", "新建公园", "李四", "住建局", "年底前", "", ""],
        ],
        title="2016年民生实事目标任务分解表",
    )
    doc = read_docx(data, name="t.docx")
    assert [t.number for t in doc.tasks] == [5, 6]
    assert doc.tasks[0].goal == "开工建设县老年养护楼\n开工建设老年大学"
    subs = doc.tasks[0].subitems
    assert [(s.goal, s.deadline_text, s.leaders, [u.name for u in s.units]) for s in subs] == [
        ("开工建设县老年养护楼", "5月底前动工", ["张三"], ["民政局"]),
        ("开工建设老年大学", "12月底前", ["张三"], ["民政局"]),
    ]


def test_a_legend_written_as_a_paragraph_under_the_table_decodes_the_symbols() -> None:
    data = ledger_docx(
        [Category("一", "民生"), ["1", "修路", "张三", "交通局", "年底前", "", "◆"]],
        header=[*HEADER[:6], "完成状态"],
    )
    document = docx.Document(io.BytesIO(data))
    document.add_paragraph("注：◆为已完成，◇为正在推进")
    out = io.BytesIO()
    document.save(out)
    doc = read_docx(out.getvalue(), name="t.docx")
    assert (doc.tasks[0].status, doc.tasks[0].status_label) == ("completed", "◆")
