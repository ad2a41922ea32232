"""Rows offices keep in their ledger tables, read through `ledger_from_table` (what every table
reader shares): rows that are no task are left out with a warning, sub-items are read under
their task, monthly and two-row-header ledgers, legends and statuses, continuation rows."""

from __future__ import annotations

import datetime

import pytest

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.rows import read_number
from taizhang.documents.table import RawRow, RawTable, ledger_from_table

HEADER = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"]
CATEGORY = ["一", "民生", "", "", "", "", ""]


def _table(
    *rows: list[str], header: list[str] = HEADER, preamble: str = "2024年测试台账"
) -> RawTable:
    return RawTable(
        source="t.txt",
        preamble=[preamble],
        rows=[RawRow(cells=cells, line=10 + i) for i, cells in enumerate([header, *rows])],
    )


def _task(number: str, goal: str, leader: str = "张三", units: str = "交通局") -> list[str]:
    return [number, goal, leader, units, "年底前", "进展", ""]


# --- rows that are no task ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "taken_for"),
    [
        (["合计", "", "", "", "", "", ""], "合计行"),
        (["", "合  计", "", "", "", "", ""], "合计行"),
        (["小计", "3项", "", "", "", "", ""], "合计行"),
        (["总计：16项", "", "", "", "", "", ""], "合计行"),
        (["注：√为已完成，○为正在推进", "", "", "", "", "", ""], "注释说明行（其中的状态图例"),
        (["说明：1.本表由各单位填报", "", "", "", "", "", ""], "注释说明行"),
        (["填表说明", "本表每月5日前报送", "", "", "", "", ""], "注释说明行"),
        (["备注：数据截至月底", "", "", "", "", "", ""], "注释说明行"),
        (["填报单位：县政府办", "", "", "", "", "", ""], "表格中的填报单位行"),
        (["（截至2024年6月30日）", "", "", "", "", "", ""], "表格中的截至日期行"),
        (["附件2", "", "", "", "", "", ""], "表格中的附件行"),
        (["2024年重点工作台账", "", "", "", "", "", ""], "表格中的标题行"),
        (HEADER, "重复的表头行"),
    ],
)
def test_a_row_that_is_no_task_is_left_out_with_a_warning_naming_it(
    row: list[str], taken_for: str
) -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", "修路"), row, _task("2", "建桥")))
    assert [t.goal for t in doc.tasks] == ["修路", "建桥"]
    assert [w for w in doc.warnings if "第13行" in w] == [
        w for w in doc.warnings if w.startswith(f"第13行：{taken_for}")
    ]
    assert any(w.startswith(f"第13行：{taken_for}") for w in doc.warnings)


def test_a_total_row_right_under_the_header_does_not_stop_the_reading() -> None:
    doc = ledger_from_table(
        _table(["合计", "2项", "", "", "", "", ""], CATEGORY, _task("1", "修路"))
    )
    assert [t.goal for t in doc.tasks] == ["修路"]


def test_blank_rows_are_named_in_one_warning_and_placeholders_in_none() -> None:
    table = _table(CATEGORY, [""] * 7, _task("1", "修路"), [""] * 7)
    table.rows.append(RawRow(cells=[""] * 7, line=None, placeholder=True))
    doc = ledger_from_table(table)
    assert doc.warnings == ["第12行、第14行：空行，已略过"]


def test_numbered_empty_template_rows_are_left_out() -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", "修路"), ["2", "", "", "", "", "", ""]))
    assert [t.number for t in doc.tasks] == [1]
    assert doc.warnings == ["第13行：只有序号“2”的空行"]


def test_a_table_of_only_odd_rows_is_refused() -> None:
    with pytest.raises(LedgerReadError, match="没有任务行"):
        ledger_from_table(_table(CATEGORY, ["合计", "", "", "", "", "", ""]))


def test_text_beyond_the_header_is_kept_as_an_extra_column_with_a_warning() -> None:
    doc = ledger_from_table(_table(CATEGORY, [*_task("1", "修路"), "", "多出的字"]))
    assert doc.tasks[0].extra == {"第9列": "多出的字"}
    assert "单元格过多" in doc.warnings[0]


def test_a_row_without_number_and_goal_continues_the_task_above() -> None:
    doc = ledger_from_table(
        _table(CATEGORY, _task("1", "修路"), ["", "", "", "", "", "续：已完成路基", ""])
    )
    assert len(doc.tasks) == 1
    assert doc.tasks[0].progress == "进展\n续：已完成路基"
    assert "并入上一项任务" in doc.warnings[-1]


def test_a_number_that_is_no_number_keeps_the_task_and_its_label() -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", "修路"), _task("x", "建桥")))
    assert [(t.number, t.label) for t in doc.tasks] == [(1, ""), (2, "x")]
    assert "序号“x”不是任务序号，按顺序编为2" in doc.warnings[0]


# --- sub-items ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        ("3-1", "3-2"),
        ("3.1", "3.2"),
        ("（1）", "（2）"),
        ("①", "②"),
        ("3－1", "3－2"),
        ("(1)", "(2)"),
    ],
)
def test_rows_numbered_under_a_task_are_its_sub_items(labels: tuple[str, str]) -> None:
    doc = ledger_from_table(
        _table(
            CATEGORY,
            _task("3", "实施供水工程", leader="侯波", units="水利局"),
            [labels[0], "北部供水工程", "", "", "10月底前开工", "已完成施工放线", "正在推进"],
            [labels[1], "玉阳湖工业供水工程", "李四", "住建局", "年底前", "完成投资7000万元", ""],
            _task("4", "建桥"),
        )
    )
    assert [t.number for t in doc.tasks] == [3, 4]
    subs = doc.tasks[0].subitems
    assert [(s.number, s.label, s.goal) for s in subs] == [
        (1, labels[0], "北部供水工程"),
        (2, labels[1], "玉阳湖工业供水工程"),
    ]
    # The first names no leader or unit: its task's; the second names its own.
    assert (subs[0].leaders, [u.name for u in subs[0].units]) == (["侯波"], ["水利局"])
    assert (subs[1].leaders, [u.name for u in subs[1].units]) == (["李四"], ["住建局"])
    assert subs[0].deadline == datetime.date(2024, 10, 31)
    assert (subs[0].status, subs[0].progress) == ("in_progress", "已完成施工放线")
    assert subs[1].status is None and subs[1].deadline == datetime.date(2024, 12, 31)
    assert doc.warnings == []


def test_a_dotted_number_under_another_task_is_a_task_with_its_label_and_a_warning() -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", "修路"), _task("3-1", "建桥")))
    assert [(t.number, t.label, t.subitems) for t in doc.tasks] == [(1, "", []), (2, "3-1", [])]
    assert "之上没有任务3" in doc.warnings[0]


def test_tasks_numbered_in_brackets_under_a_category_are_tasks_and_circled_rows_their_items() -> (
    None
):
    doc = ledger_from_table(
        _table(CATEGORY, _task("（1）", "修路"), _task("①", "修东路"), _task("（2）", "建桥"))
    )
    assert [(t.number, t.label) for t in doc.tasks] == [(1, "（1）"), (2, "（2）")]
    assert [s.label for s in doc.tasks[0].subitems] == ["①"]


def test_tasks_numbered_in_chinese_numerals_are_tasks_keeping_the_numeral() -> None:
    doc = ledger_from_table(_table(_task("一", "修路"), _task("二", "建桥")))
    assert [(t.number, t.label) for t in doc.tasks] == [(1, "一"), (2, "二")]


@pytest.mark.parametrize(
    ("text", "style", "task", "parent", "sub"),
    [
        ("3", "plain", 3, None, None),
        ("３．", "plain", 3, None, None),
        ("12、", "plain", 12, None, None),
        ("3-1", "dotted", None, 3, 1),
        ("3.10", "dotted", None, 3, 10),
        ("3 — 2", "dotted", None, 3, 2),
        ("（1）", "bracketed", None, None, 1),
        ("2)", "bracketed", None, None, 2),
        ("⑪", "circled", None, None, 11),
        ("十二", "chinese", 12, None, None),
    ],
)
def test_number_cells_are_read_in_every_style(
    text: str, style: str, task: int | None, parent: int | None, sub: int | None
) -> None:
    number = read_number(text)
    assert number is not None
    assert (number.style, number.task, number.parent, number.sub) == (style, task, parent, sub)


@pytest.mark.parametrize("text", ["", "x", "1a", "第一", "3-1-2"])
def test_cells_that_are_no_number_are_none(text: str) -> None:
    assert read_number(text) is None


# --- statuses -----------------------------------------------------------------------------

STATUS_HEADER = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "完成状态"]


def test_symbols_are_decoded_through_the_ledgers_own_legend_below_the_table() -> None:
    doc = ledger_from_table(
        _table(
            CATEGORY,
            ["1", "修路", "张三", "交通局", "年底前", "进展", "○"],
            ["2", "建桥", "张三", "交通局", "年底前", "进展", "√"],
            ["注：√为已完成，○为正在推进，△为推进缓慢", "", "", "", "", "", ""],
            header=STATUS_HEADER,
        )
    )
    assert [(t.status, t.status_label) for t in doc.tasks] == [
        ("in_progress", "○"),
        ("completed", "√"),
    ]


def test_a_status_cell_that_cannot_be_read_keeps_its_label_and_warns_naming_the_cell() -> None:
    doc = ledger_from_table(
        _table(
            CATEGORY,
            ["1", "修路", "张三", "交通局", "年底前", "进展", "待定"],
            header=STATUS_HEADER,
        )
    )
    assert (doc.tasks[0].status, doc.tasks[0].status_label) == (None, "待定")
    assert doc.warnings == [
        "第12行：任务1的状态“待定”无法识别为已完成、正在推进、推进缓慢或未启动，原文保留"
    ]


@pytest.mark.parametrize(
    ("label", "code"),
    [("红灯", "lagging"), ("黄灯", "lagging"), ("绿灯", "in_progress"), ("已竣工", "completed")],
)
def test_colour_words_and_project_phrases_are_statuses(label: str, code: str) -> None:
    doc = ledger_from_table(
        _table(
            CATEGORY, ["1", "修路", "张三", "交通局", "年底前", "进展", label], header=STATUS_HEADER
        )
    )
    assert (doc.tasks[0].status, doc.tasks[0].status_label) == (code, label)


# --- month columns and two-row headers ----------------------------------------------------


def test_a_monthly_ledger_takes_the_latest_month_as_progress_and_keeps_each_month() -> None:
    header = ["序号", "重点工作", "责任单位", "完成时限", "1月", "2月", "3月"]
    doc = ledger_from_table(
        _table(
            CATEGORY, ["1", "修路", "交通局", "年底前", "完成设计", "完成招标", ""], header=header
        )
    )
    task = doc.tasks[0]
    assert task.progress == "完成招标"
    assert [(e.title, e.text, e.month) for e in task.entries] == [
        ("1月", "完成设计", 1),
        ("2月", "完成招标", 2),
    ]


def test_a_two_row_header_gives_the_deadline_from_completion_and_the_start_as_milestone() -> None:
    table = RawTable(
        source="t.txt",
        preamble=["2024年重点项目台账", "截至2024年6月30日"],
        rows=[
            RawRow(["序号", "项目名称", "责任单位", "时间节点", "", "进展情况", ""]),
            RawRow(["", "", "", "开工时间", "完工时间", "本月进展", "累计进展"]),
            RawRow(["1", "修路", "交通局", "2024年3月", "2024年10月底", "铺设路面", "完成路基"]),
        ],
    )
    doc = ledger_from_table(table)
    assert [c.title for c in doc.columns][3:] == [
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况/本月进展",
        "进展情况/累计进展",
    ]
    task = doc.tasks[0]
    assert (task.deadline_text, task.deadline) == ("2024年10月底", datetime.date(2024, 10, 31))
    assert task.milestones[0].text == "开工时间：2024年3月"
    assert task.milestones[0].date == datetime.date(2024, 3, 31)
    assert task.progress == "完成路基"
    assert [(e.title, e.text, e.month) for e in task.entries] == [("本月进展", "铺设路面", 6)]


def test_an_unplaced_column_is_kept_with_a_warning_naming_it() -> None:
    header = [*HEADER, "督办编号"]
    doc = ledger_from_table(_table(CATEGORY, [*_task("1", "修路"), "DB-07"], header=header))
    assert doc.tasks[0].extra == {"督办编号": "DB-07"}
    assert any("列“督办编号”无法对应" in w for w in doc.warnings)


def test_a_ledger_without_a_year_anywhere_takes_this_year_with_a_warning() -> None:
    table = _table(CATEGORY, ["1", "修路", "张三", "交通局", "尽快", "", ""], preamble="某县台账")
    doc = ledger_from_table(table)
    assert doc.year == datetime.datetime.now(datetime.UTC).year
    assert any("无法确定台账年份" in w for w in doc.warnings)


# --- a task written over several rows under one merged 序号 --------------------------------


def _parts_table(parts: list[list[str]], header: list[str] = HEADER) -> RawTable:
    joined = [
        "\n".join(dict.fromkeys(c for c in column if c)) for column in zip(*parts, strict=True)
    ]
    return RawTable(
        source="t.docx",
        preamble=["2016年民生实事目标任务分解表"],
        rows=[RawRow(cells=header), RawRow(cells=CATEGORY), RawRow(cells=joined, parts=parts)],
    )


def test_rows_under_one_number_with_goals_of_their_own_are_also_its_sub_items() -> None:
    doc = ledger_from_table(
        _parts_table(
            [
                ["5", "开工建设县老年养护楼", "张三", "民政局", "5月底前动工", "", ""],
                ["5", "开工建设老年大学", "张三", "民政局", "12月底前", "", ""],
            ]
        )
    )
    task = doc.tasks[0]
    assert task.goal == "开工建设县老年养护楼\n开工建设老年大学"  # as the document shows it
    assert [(s.number, s.label, s.goal, s.deadline) for s in task.subitems] == [
        (1, "", "开工建设县老年养护楼", datetime.date(2016, 5, 31)),
        (2, "", "开工建设老年大学", datetime.date(2016, 12, 31)),
    ]
    assert task.subitems[0].display_number(task) == "5-1"


def test_with_the_goal_merged_a_second_goal_like_column_gives_the_sub_items_their_goals() -> None:
    header = ["序号", "项目名称", "主要内容", "分管领导", "牵头单位", "进展情况"]
    doc = ledger_from_table(
        _parts_table(
            [
                ["3", "老城厢复兴发展", "完成纪念馆提升工程", "何海平", "文体旅局", ""],
                ["3", "老城厢复兴发展", "推进老城厢道路整治", "芮春祥", "住建局", ""],
            ],
            header=header,
        )
    )
    task = doc.tasks[0]
    assert (task.goal, task.leaders) == ("老城厢复兴发展", ["何海平", "芮春祥"])
    assert [(s.goal, s.leaders, [u.name for u in s.units]) for s in task.subitems] == [
        ("完成纪念馆提升工程", ["何海平"], ["文体旅局"]),
        ("推进老城厢道路整治", ["芮春祥"], ["住建局"]),
    ]


def test_rows_under_one_number_sharing_their_goal_stay_one_task() -> None:
    doc = ledger_from_table(
        _parts_table(
            [
                ["1", "修路", "张三", "交通局", "6月底前", "完成路基", ""],
                ["1", "修路", "张三", "财政局", "年底前", "完成路面", ""],
            ]
        )
    )
    assert doc.tasks[0].subitems == []
    assert doc.tasks[0].progress == "完成路基\n完成路面"


# --- ledgers without a status or progress column ----------------------------------------


def test_a_progress_cell_that_is_only_a_status_word_gives_the_status_without_a_status_column() -> (
    None
):
    header = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况"]
    doc = ledger_from_table(
        _table(
            CATEGORY,
            ["1", "修路", "张三", "交通局", "年底前", "已完成"],
            ["2", "建桥", "张三", "交通局", "年底前", "已完成主体施工"],
            header=header,
        )
    )
    assert [(t.status, t.status_label) for t in doc.tasks] == [("completed", "已完成"), (None, "")]


def test_a_task_breakdown_without_progress_is_read_with_empty_progress_and_a_warning() -> None:
    header = ["序号", "民生实事", "责任单位", "完成时限"]
    doc = ledger_from_table(
        _table(CATEGORY, ["1", "新建幼儿园3所", "教体局", "9月底前"], header=header)
    )
    assert (doc.tasks[0].goal, doc.tasks[0].progress) == ("新建幼儿园3所", "")
    assert any("没有进展情况列" in w for w in doc.warnings)


def test_a_row_without_number_whose_next_number_follows_on_is_more_of_the_task_above() -> None:
    # A CSV or text copy of a table whose 序号, leader and unit were merged over two rows.
    doc = ledger_from_table(
        _table(
            CATEGORY,
            ["5", "开工建设县老年养护楼", "张三", "民政局", "5月底前动工", "", ""],
            ["", "开工建设老年大学", "", "", "12月底前", "", ""],
            ["6", "新建公园", "李四", "住建局", "年底前", "", ""],
        )
    )
    assert [t.number for t in doc.tasks] == [5, 6]
    subs = doc.tasks[0].subitems
    assert [(s.goal, s.leaders, [u.name for u in s.units], s.deadline) for s in subs] == [
        ("开工建设县老年养护楼", ["张三"], ["民政局"], datetime.date(2024, 5, 31)),
        ("开工建设老年大学", ["张三"], ["民政局"], datetime.date(2024, 12, 31)),
    ]
    assert "第13行：本行没有序号，按上一行任务5的又一行读入" in doc.warnings


def test_a_row_without_number_before_a_gap_in_the_numbers_is_a_task_of_its_own() -> None:
    doc = ledger_from_table(
        _table(CATEGORY, _task("5", "修路"), _task("", "建桥"), _task("7", "植树"))
    )
    assert [t.number for t in doc.tasks] == [5, 6, 7]
    assert doc.tasks[0].subitems == []


# --- rows that look like odd rows but are tasks (review findings) -------------------------


@pytest.mark.parametrize(
    "goal", ["累计新增城镇就业5000人", "总计划投资5亿元的产业园", "共计改造老旧小区12个"]
)
def test_a_goal_that_opens_with_a_total_word_is_a_task(goal: str) -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", goal)))
    assert [t.goal for t in doc.tasks] == [goal]


def test_a_task_row_that_looks_like_a_header_in_a_ledger_without_numbers_is_a_task() -> None:
    header = ["工作任务", "牵头领导", "责任单位", "完成时限", "进展情况"]
    doc = ledger_from_table(
        _table(
            ["推进重点项目建设", "张三", "发改委", "年底前", "正在推进"],
            ["开展安全生产大检查工作", "常务副县长", "县直各部门", "年底前", "正在推进"],
            ["编制权责清单", "", "", "", ""],
            header=header,
        )
    )
    assert [t.goal for t in doc.tasks] == [
        "推进重点项目建设",
        "开展安全生产大检查工作",
        "编制权责清单",
    ]


def test_a_continuation_row_after_a_category_row_stays_with_its_task() -> None:
    doc = ledger_from_table(
        _table(
            CATEGORY,
            _task("1", "修路"),
            ["二", "城建", "", "", "", "", ""],
            ["", "", "", "财政局", "", "", ""],
        )
    )
    assert [(c.name, [t.goal for t in c.tasks]) for c in doc.categories] == [
        ("民生", ["修路"]),
        ("城建", []),
    ]
    assert [u.name for u in doc.tasks[0].units] == ["交通局", "财政局"]


def test_extra_cells_of_a_row_left_out_go_to_no_other_task() -> None:
    doc = ledger_from_table(
        _table(
            CATEGORY, _task("1", "修路"), ["2", "", "", "", "", "", "", "多出"], _task("3", "建桥")
        )
    )
    assert [t.extra for t in doc.tasks] == [{}, {}]


# --- ledgers that name their matters otherwise (整改, 建议办理), and plan columns -------------


def test_a_rectification_ledger_takes_its_problem_column_for_the_goal() -> None:
    header = [
        "序号",
        "问题类别",
        "存在问题",
        "整改措施",
        "责任单位",
        "整改时限",
        "整改进展",
        "整改状态",
    ]
    row = [
        "1",
        "预算执行",
        "未建立议事决策制度",
        "出台制度",
        "胜山镇",
        "2018年9月底前",
        "已出台",
        "已完成",
    ]
    doc = ledger_from_table(_table(row, header=header, preamble="2018年审计整改台账"))
    (task,) = doc.tasks
    assert (task.goal, task.extra["问题类别"], task.status) == (
        "未建立议事决策制度",
        "预算执行",
        "completed",
    )
    assert task.deadline == datetime.date(2018, 9, 30)


def test_a_suggestions_ledger_takes_the_title_not_the_number_for_the_goal() -> None:
    header = ["建议编号", "建议标题", "领衔代表", "主办单位", "协办单位", "办理时限", "办理情况"]
    row = ["第052号", "关于加装电梯的建议", "王五", "住建局", "财政局", "6月30日前", "已答复"]
    doc = ledger_from_table(_table(row, header=header, preamble="2020年建议办理台账"))
    (task,) = doc.tasks
    assert task.goal == "关于加装电梯的建议"
    assert [(u.name, u.role) for u in task.units] == [("住建局", "lead"), ("财政局", "co")]


def test_month_columns_of_a_plan_are_kept_and_the_done_column_is_the_progress() -> None:
    table = RawTable(
        source="t.xlsx",
        preamble=["2024年重点工作月度台账"],
        rows=[
            RawRow(["序号", "重点工作", "责任单位", "完成时限", "月度推进计划", "", "完成情况"]),
            RawRow(["", "", "", "", "1月", "2月", ""]),
            RawRow(["1", "水库政策处理", "水利局", "年底前", "启动摸底", "全部签约", "已签约60%"]),
        ],
    )
    doc = ledger_from_table(table)
    task = doc.tasks[0]
    assert task.progress == "已签约60%"
    assert task.extra == {"月度推进计划/1月": "启动摸底", "月度推进计划/2月": "全部签约"}
    assert task.entries == []


def test_dotted_rows_without_their_task_are_sibling_tasks_not_one_under_the_other() -> None:
    doc = ledger_from_table(
        _table(CATEGORY, _task("2", "修路"), _task("3-1", "建桥"), _task("3-2", "植树"))
    )
    assert [(t.label, t.subitems) for t in doc.tasks] == [("", []), ("3-1", []), ("3-2", [])]
