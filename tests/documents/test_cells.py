"""What the table writers put in each cell: a sub-item's 序号, month and 本月进展 columns from
the entries, 开工时间 from its milestone, contact and unplaced columns from `extra`."""

from __future__ import annotations

import datetime

from taizhang.documents.cells import START_PREFIX, task_cells, task_rows
from taizhang.documents.model import Column, EntryDoc, MilestoneDoc, TaskDoc, UnitRef

COLUMNS = [
    Column("number", "序号"),
    Column("goal", "重点工作"),
    Column("leaders", "牵头领导"),
    Column("units", "牵头单位"),
    Column("co_units", "配合单位"),
    Column("contact", "联系人"),
    Column("start", "时间节点/开工时间"),
    Column("deadline", "时间节点/完工时间"),
    Column("progress_month", "进展情况/本月进展"),
    Column("progress", "进展情况/累计进展"),
    Column("month", "3月"),
    Column("month", "4月份"),
    Column("status", "完成状态"),
    Column("remarks", "备注"),
    Column("extra", "资金来源"),
]


def _task() -> TaskDoc:
    return TaskDoc(
        number=3,
        goal="城区供水工程",
        leaders=["王强", "李明"],
        units=[UnitRef("水利局", "lead"), UnitRef("财政局", "co")],
        deadline_text="10月底前",
        deadline=datetime.date(2022, 10, 31),
        milestones=[
            MilestoneDoc(f"{START_PREFIX}3月底前", datetime.date(2022, 3, 31)),
            MilestoneDoc("10月底前", datetime.date(2022, 10, 31)),
        ],
        progress="累计完成投资9000万元。",
        status="in_progress",
        status_label="○",
        remarks="含两个标段",
        extra={"联系人": "张华 13800000000", "资金来源": "专项债"},
        entries=[
            EntryDoc("本月进展", "本月完成投资500万元。"),
            EntryDoc("3月", "开工。", 3),
            EntryDoc("4月", "完成放线。", 4),
        ],
    )


def test_every_kind_of_column_gets_its_cell() -> None:
    assert task_cells(_task(), COLUMNS) == [
        "3",
        "城区供水工程",
        "王强\n李明",
        "水利局",
        "财政局",
        "张华 13800000000",
        "3月底前",
        "10月底前",
        "本月完成投资500万元。",
        "累计完成投资9000万元。",
        "开工。",
        "完成放线。",
        "○",
        "含两个标段",
        "专项债",
    ]


def test_a_sub_item_shows_its_label_or_its_place_under_the_task() -> None:
    task = _task()
    labelled = TaskDoc(number=1, goal="北部供水工程", label="（1）")
    plain = TaskDoc(number=2, goal="玉阳湖工业供水工程")
    assert task_cells(labelled, COLUMNS, task)[0] == "（1）"
    assert task_cells(plain, COLUMNS, task)[0] == "3-2"


def test_a_task_without_entries_start_or_extra_has_those_cells_empty() -> None:
    cells = task_cells(TaskDoc(number=1, goal="修路"), COLUMNS)
    assert cells[5:9] == ["", "", "", ""] and cells[10:12] == ["", ""] and cells[-1] == ""


def test_the_status_goes_to_remarks_and_remarks_after_it_without_their_columns() -> None:
    columns = [Column("number", "序号"), Column("goal", "任务"), Column("remarks", "备注")]
    assert task_cells(_task(), columns)[2] == "○\n含两个标段"
    columns[2] = Column("status", "完成状态")
    assert task_cells(_task(), columns)[2] == "○\n含两个标段"


def test_rows_are_each_task_then_its_sub_items() -> None:
    first, second = _task(), TaskDoc(number=4, goal="修路")
    first.subitems = [TaskDoc(number=1, goal="甲"), TaskDoc(number=2, goal="乙")]
    assert [(row.goal, parent and parent.number) for row, parent in task_rows([first, second])] == [
        ("城区供水工程", None),
        ("甲", 3),
        ("乙", 3),
        ("修路", None),
    ]
