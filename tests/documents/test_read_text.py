"""The text-layout reader: the seed ledger read exactly, every column-title variant, encodings,
and every kind of bad input refused with one line naming the file and the row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import ledger_to_dict
from taizhang.documents.read_text import _lines, read_text
from tests.conftest import FIXTURES, subset

TEXT_FIXTURES = sorted((FIXTURES / "text").glob("*.txt"))


def test_seed_ledger_reads_exactly_as_the_fixture(
    seed_bytes: bytes, expected: dict[str, Any]
) -> None:
    doc = read_text(seed_bytes, name="jiyuan-2021-ledger.txt")
    assert subset(ledger_to_dict(doc), expected) == []


def test_seed_ledger_has_ten_categories_and_sixteen_tasks(seed_bytes: bytes) -> None:
    doc = read_text(seed_bytes, name="seed.txt")
    assert len(doc.categories) == 10
    assert [t.number for t in doc.tasks] == list(range(1, 17))
    assert doc.warnings == []


def test_seed_milestones_come_from_each_dated_clause(seed_bytes: bytes) -> None:
    tasks = {t.number: t for t in read_text(seed_bytes, name="seed.txt").tasks}
    assert [(m.date.isoformat(), m.text) for m in tasks[10].milestones] == [
        ("2021-05-31", "5月底前完成项目选址等工作"),
        ("2021-12-31", "年底前建成"),
    ]
    assert [m.date.isoformat() for m in tasks[12].milestones] == ["2021-04-30", "2021-05-31"]
    assert tasks[7].milestones == []


def test_seed_columns_keep_the_offices_titles(seed_bytes: bytes) -> None:
    doc = read_text(seed_bytes, name="seed.txt")
    assert [(c.key, c.title) for c in doc.columns] == [
        ("number", "序号"),
        ("goal", "工作目标任务"),
        ("leaders", "牵头领导"),
        ("units", "责任单位"),
        ("deadline", "完成时限及有关要求"),
        ("progress", "进展情况"),
        ("remarks", "备注"),
    ]


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda p: p.name)
def test_other_offices_ledgers_read_exactly(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    doc = read_text(path.read_bytes(), name=path.name)
    assert subset(ledger_to_dict(doc), expected) == []


def test_gb18030_and_utf8_give_the_same_ledger(seed_bytes: bytes) -> None:
    text = seed_bytes.decode("utf-8")
    assert read_text(text.encode("gb18030"), name="a.txt") == read_text(seed_bytes, name="b.txt")
    assert read_text(text.encode("gbk"), name="a.txt") == read_text(seed_bytes, name="b.txt")


def test_utf16_with_bom_reads(seed_bytes: bytes) -> None:
    text = seed_bytes.decode("utf-8")
    assert read_text(text.encode("utf-16"), name="a.txt") == read_text(seed_bytes, name="b.txt")


def _ledger(
    *rows: list[str], header: list[str] | None = None, title: str = "2024年测试台账"
) -> bytes:
    header = header or [
        "序号",
        "工作目标任务",
        "牵头领导",
        "责任单位",
        "完成时限",
        "进展情况",
        "备注",
    ]
    blocks = [title, ""] + ["\n".join("\t" + c for c in row) + "\n" for row in [header, *rows]]
    return "\n".join(blocks).encode()


CATEGORY = ["一", "民生", "", "", "", "", ""]


@pytest.mark.parametrize(
    ("goal", "leaders", "units", "deadline", "progress", "status"),
    [
        ("工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"),
        ("项目名称", "责任领导", "牵头单位", "完成时限及有关要求", "目前进展", "完成情况"),
        ("工作任务", "分管领导", "责任单位", "时间节点", "推进情况", "状态"),
        ("目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "状态"),
        (
            "工作目标\n\n任务",
            "牵头\n领导",
            "责任 单位",
            "完成时限及\n\n有关要求",
            "进展情况",
            "备  注",
        ),
    ],
)
def test_column_title_variants_map_to_the_same_fields(
    goal: str, leaders: str, units: str, deadline: str, progress: str, status: str
) -> None:
    data = _ledger(
        CATEGORY,
        ["1", "建设公园", "张三", "住建局", "6月底前", "已开工", "正在推进"],
        header=["序号", goal, leaders, units, deadline, progress, status],
    )
    task = read_text(data, name="v.txt").tasks[0]
    assert (task.goal, task.leaders, [u.name for u in task.units]) == (
        "建设公园",
        ["张三"],
        ["住建局"],
    )
    assert (task.deadline_text, task.deadline and task.deadline.isoformat()) == (
        "6月底前",
        "2024-06-30",
    )
    assert (task.progress, task.status, task.status_label) == ("已开工", "in_progress", "正在推进")


def test_lead_and_co_units_are_told_apart() -> None:
    header = [
        "序号",
        "工作任务",
        "牵头领导",
        "牵头单位",
        "配合单位",
        "完成时限",
        "进展情况",
        "备注",
    ]
    row = ["1", "修路", "张三", "交通局", "财政局、自然资源局", "年底前", "", ""]
    task = read_text(_ledger([*CATEGORY, ""], row, header=header), name="v.txt").tasks[0]
    assert [(u.name, u.role) for u in task.units] == [
        ("交通局", "lead"),
        ("财政局", "co"),
        ("自然资源局", "co"),
    ]


def test_units_split_by_line_breaks_and_enumeration_commas_and_deduplicated() -> None:
    row = ["1", "修路", "张三", "交通局、财政局\n\n交通局", "年底前", "", ""]
    task = read_text(_ledger(CATEGORY, row), name="v.txt").tasks[0]
    assert [u.name for u in task.units] == ["交通局", "财政局"]


def test_a_remark_that_is_no_status_is_kept_as_remarks() -> None:
    row = ["1", "修路", "张三", "交通局", "年底前", "", "请示市政府研究"]
    task = read_text(_ledger(CATEGORY, row), name="v.txt").tasks[0]
    assert (task.status, task.status_label, task.remarks) == (None, "", "请示市政府研究")


def test_a_ledger_without_category_rows_has_one_unnamed_category_without_a_warning() -> None:
    doc = read_text(_ledger(["1", "修路", "张三", "交通局", "年底前", "", ""]), name="v.txt")
    assert [(c.number, c.name, len(c.tasks)) for c in doc.categories] == [(1, "", 1)]
    assert not any("分类" in w for w in doc.warnings)


def test_tasks_before_the_first_category_row_go_to_an_unnamed_category_with_a_warning() -> None:
    row = ["1", "修路", "张三", "交通局", "年底前", "", ""]
    doc = read_text(_ledger(row, CATEGORY, ["2", *row[1:]]), name="v.txt")
    assert [(c.name, len(c.tasks)) for c in doc.categories] == [("", 1), ("民生", 1)]
    assert any("任务行之前没有分类行，归入未分类" in w for w in doc.warnings)


def test_year_comes_from_deadlines_when_the_title_has_none() -> None:
    row = ["1", "修路", "张三", "交通局", "2025年6月底前", "", ""]
    doc = read_text(_ledger(CATEGORY, row, title="某市重点工作台账"), name="v.txt")
    assert doc.year == 2025


def test_year_option_overrides_and_a_ledger_with_no_year_at_all_is_read_with_a_warning() -> None:
    data = _ledger(CATEGORY, ["1", "修路", "张三", "交通局", "年底前", "", ""], title="某市台账")
    assert read_text(data, name="v.txt", year=2030).tasks[0].deadline.isoformat() == "2030-12-31"  # type: ignore[union-attr]
    assert any("年份" in warning for warning in read_text(data, name="v.txt").warnings)


def test_a_row_shorter_than_the_header_is_padded_when_the_next_row_starts() -> None:
    data = _ledger(
        CATEGORY,
        ["1", "修路", "张三", "交通局", "年底前"],
        ["2", "建桥", "李四", "交通局", "年底前", "", ""],
    )
    doc = read_text(data, name="v.txt")
    assert [(t.number, t.goal, t.progress) for t in doc.tasks] == [(1, "修路", ""), (2, "建桥", "")]


def test_a_repeated_header_row_is_skipped() -> None:
    header = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"]
    row = ["1", "修路", "张三", "交通局", "年底前", "", ""]
    doc = read_text(_ledger(CATEGORY, row, header), name="v.txt")
    assert len(doc.tasks) == 1


# --- bad input: one line naming the file (and the row where there is one) -----------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"  \n\n\t\n", "文件为空"),
        (bytes(range(256)) * 8, "不是文本文件"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "不是文本文件"),
        ("2024年台账".encode() + b"\xff\xfe\xfa\x81\x30", "编码"),
        ("2024年台账\n\n这是一段普通的文字，没有表格。\n".encode(), "找不到台账表格"),
    ],
    ids=["empty", "blank", "binary", "png", "unknown-encoding", "no-table"],
)
def test_bad_files_are_refused_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_text(data, name="bad.txt")
    text = str(caught.value)
    assert message in text and text.startswith("bad.txt") and "\n" not in text


def test_a_header_without_a_units_column_still_reads_its_tasks() -> None:
    header = ["序号", "工作目标任务", "牵头领导", "完成时限", "进展情况", "备注"]
    data = _ledger(CATEGORY[:6], ["1", "修路", "张三", "年底前", "", ""], header=header)
    (task,) = read_text(data, name="bad.txt").tasks
    assert (task.goal, task.leaders, task.units) == ("修路", ["张三"], [])


def test_a_row_with_too_many_cells_is_named_by_its_line() -> None:
    data = _ledger(CATEGORY, ["1", "修路", "张三", "交通局", "年底前", "", "", "多出来的"])
    doc = read_text(data, name="bad.txt")
    assert [t.goal for t in doc.tasks] == ["修路"]
    assert [w[:10] for w in doc.warnings] == ["第19行：单元格过多"]


def test_a_table_with_a_header_but_no_task_is_refused() -> None:
    with pytest.raises(LedgerReadError, match="没有任务行"):
        read_text(_ledger(CATEGORY), name="bad.txt")


def test_a_task_number_that_is_not_a_number_is_named_by_its_line() -> None:
    data = _ledger(CATEGORY, ["1a", "修路", "张三", "交通局", "年底前", "", ""])
    doc = read_text(data, name="bad.txt")
    assert [t.goal for t in doc.tasks] == ["修路"]
    assert [w[:11] for w in doc.warnings] == ["第19行：序号“1a”"]


# --- several ledgers, and lines the text layout glues onto a row ----------------------------


def test_a_second_title_and_header_start_a_second_ledger() -> None:
    first = _ledger(CATEGORY, ["1", "修路", "张三", "交通局", "年底前", "", "正在推进"])
    second = _ledger(
        CATEGORY,
        ["1", "建桥", "李四", "交通局", "年底前", "", ""],
        title="2024年重点项目推进情况表",
    )
    data = first + b"\n" + second
    doc = read_text(data, name="two.txt")
    assert [(t.goal, t.status_label) for t in doc.tasks] == [("修路", "正在推进")]
    assert len(doc.tables) == 2 and doc.tables[1].endswith("“2024年重点项目推进情况表”（2行）")
    assert doc.warnings[0].startswith("文件中有2个台账表格")
    other = read_text(data, name="two.txt", table=2)
    assert (other.title, [t.goal for t in other.tasks]) == ("2024年重点项目推进情况表", ["建桥"])
    with pytest.raises(LedgerReadError, match="没有表格3"):
        read_text(data, name="two.txt", table=3)


def test_notes_under_the_last_row_are_no_part_of_its_last_cell() -> None:
    data = _ledger(CATEGORY, ["1", "修路", "张三", "交通局", "年底前", "", "正在推进"])
    doc = read_text(data + "\n注：本表每月5日前报送。\n填表人：王五\n".encode(), name="n.txt")
    assert doc.tasks[0].status_label == "正在推进"


@given(st.text(alphabet="ab\r\n\t ", max_size=30))
def test_lines_are_read_one_at_a_time_as_splitting_the_whole_text_gives_them(text: str) -> None:
    whole = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    assert list(_lines(text)) == whole
