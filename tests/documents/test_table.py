"""The ledger layout shared by every table reader: the title block (title without its as-of
phrase), task keys that must not collide, units marked （牵头） or （配合）."""

from __future__ import annotations

import datetime

import pytest

from taizhang.documents.model import task_keys
from taizhang.documents.read_docx import read_docx
from taizhang.documents.read_text import read_text
from taizhang.documents.read_xlsx import read_xlsx
from taizhang.documents.table import RawRow, RawTable, ledger_from_table
from taizhang.documents.write_docx import write_docx
from taizhang.documents.write_xlsx import write_xlsx
from tests.conftest import SEED

HEADER = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"]
CO_HEADER = ["序号", "工作目标任务", "牵头领导", "牵头单位", "配合单位", "完成时限", "进展情况"]
SEED_TITLE = "2021年济源十件重点民生实事工作台账"


def _table(*rows: list[str], preamble: tuple[str, ...] = ("2024年测试台账",)) -> RawTable:
    return RawTable(
        source="t.txt",
        preamble=list(preamble),
        rows=[RawRow(cells=cells, line=10 + i) for i, cells in enumerate([HEADER, *rows])],
    )


def _task(number: str, goal: str, units: str = "交通局") -> list[str]:
    return [number, goal, "张三", units, "年底前", "", ""]


CATEGORY = ["一", "民生", "", "", "", "", ""]


# --- the title -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preamble", "title", "as_of"),
    [
        (("2021年某县工作台账（截至2021年6月30日）",), "2021年某县工作台账", "2021-06-30"),
        (("附件1", "2021年某县工作台账(截止6月30日)"), "2021年某县工作台账", "2021-06-30"),
        (("2021年某县工作台账 截至2021年6月30日",), "2021年某县工作台账", "2021-06-30"),
        (("2021年某县工作台账（数据截至10月底）",), "2021年某县工作台账", "2021-10-31"),
        (
            ("附件", "2021年某县工作台账", "（截至2021年6月30日）"),
            "2021年某县工作台账",
            "2021-06-30",
        ),
        (
            ("2021年某县工作台账", "填报单位：县政府办", "（此件公开发布）"),
            "2021年某县工作台账",
            None,
        ),
        (("2021年某县工作台账（第三期）",), "2021年某县工作台账（第三期）", None),
    ],
)
def test_the_title_loses_its_as_of_phrase_and_keeps_the_rest(
    preamble: tuple[str, ...], title: str, as_of: str | None
) -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", "修路"), preamble=preamble))
    assert (doc.title, doc.year) == (title, 2021)
    assert doc.as_of == (None if as_of is None else datetime.date.fromisoformat(as_of))


def test_a_seed_title_with_an_as_of_in_brackets_is_the_same_ledger() -> None:
    # Ledgers are told apart by title and year: the as-of phrase must not make it another.
    seed = SEED.read_text(encoding="utf-8")
    dated = seed.replace(SEED_TITLE, f"{SEED_TITLE}（截至10月31日）")
    doc = read_text(dated.encode(), name="dated.txt")
    assert (doc.title, doc.as_of) == (SEED_TITLE, datetime.date(2021, 10, 31))
    assert doc.categories == read_text(seed.encode(), name="seed.txt").categories


@pytest.mark.parametrize(
    "preamble",
    [
        ("附件", "（截至2021年6月30日）"),
        ("附件1", "填报单位：县政府办"),
        ("截至2021年6月30日",),
    ],
)
def test_lines_above_the_table_without_a_title_give_the_file_name_as_title_with_a_warning(
    preamble: tuple[str, ...],
) -> None:
    table = _table(CATEGORY, _task("1", "2021年底前修路"), preamble=preamble)
    doc = ledger_from_table(table)
    assert doc.title == "t"
    assert any("没有标题：以文件名“t”作标题" in w for w in doc.warnings)


def test_a_table_with_nothing_above_it_has_the_empty_title() -> None:
    doc = ledger_from_table(_table(CATEGORY, _task("1", "修路"), preamble=()), year=2024)
    assert doc.title == ""


# --- task keys -----------------------------------------------------------------------------


def test_a_number_twice_in_a_category_keeps_both_tasks_and_names_both_rows() -> None:
    table = _table(CATEGORY, _task("1", "修路"), _task("2", "建桥"), _task("2", "植树"))
    doc = ledger_from_table(table)
    assert [(t.number, t.goal) for t in doc.tasks] == [(1, "修路"), (2, "建桥"), (2, "植树")]
    assert doc.warnings == ["第14行：序号2重复（本分类中已在第13行用过），两项均保留"]
    assert task_keys(doc) == ["1", "2", "2-2"]


def test_a_number_used_again_under_a_category_numeral_used_twice_keeps_both() -> None:
    table = _table(
        CATEGORY, _task("1", "修路"), ["一", "城建", "", "", "", "", ""], _task("1", "建桥")
    )
    doc = ledger_from_table(table)
    assert [(c.number, [t.goal for t in c.tasks]) for c in doc.categories] == [
        (1, ["修路"]),
        (1, ["建桥"]),
    ]
    assert len(set(task_keys(doc))) == 2


def test_a_repeated_number_without_line_numbers_names_the_table_rows() -> None:
    table = _table(CATEGORY, _task("1", "修路"), _task("1", "建桥"))
    for raw in table.rows:
        raw.line = None
    doc = ledger_from_table(table)
    assert doc.warnings == ["表格第4行：序号1重复（本分类中已在表格第3行用过），两项均保留"]


def test_numbers_that_start_afresh_in_each_category_are_read() -> None:
    table = _table(
        CATEGORY,
        _task("1", "修路"),
        _task("2", "建桥"),
        ["二", "生态", "", "", "", "", ""],
        _task("1", "植树"),
    )
    doc = ledger_from_table(table)
    assert [(c.number, [t.number for t in c.tasks]) for c in doc.categories] == [
        (1, [1, 2]),
        (2, [1]),
    ]


# --- units ---------------------------------------------------------------------------------


def test_units_marked_lead_or_co_in_one_units_column_get_that_role() -> None:
    units = "卫健委（牵头）、教体局（配合）\n医保局\n市委宣传部（网信办）"
    doc = ledger_from_table(_table(CATEGORY, _task("1", "建医院", units)))
    assert [(u.name, u.role) for u in doc.tasks[0].units] == [
        ("卫健委", "lead"),
        ("教体局", "co"),
        ("医保局", "responsible"),
        ("市委宣传部（网信办）", "responsible"),
    ]


def test_with_lead_and_co_columns_the_column_decides_the_role() -> None:
    table = RawTable(
        source="t.txt",
        preamble=["2024年测试台账"],
        rows=[
            RawRow(cells=CO_HEADER),
            RawRow(cells=CATEGORY),
            RawRow(
                cells=["1", "建医院", "张三", "卫健委（牵头）", "教体局（配合）、财政局", "", ""]
            ),
        ],
    )
    doc = ledger_from_table(table)
    assert [(u.name, u.role) for u in doc.tasks[0].units] == [
        ("卫健委", "lead"),
        ("教体局", "co"),
        ("财政局", "co"),
    ]


def test_a_leader_with_a_title_in_brackets_is_the_person() -> None:
    row = ["1", "修路", "张宏义（常务副市长）\n李拴根(副市长)", "交通局", "", "", ""]
    doc = ledger_from_table(_table(CATEGORY, row))
    assert doc.tasks[0].leaders == ["张宏义", "李拴根"]


def test_units_marked_lead_or_co_survive_an_export_and_a_read_back() -> None:
    # With one units column the writers mark the roles, so no co unit is lost on export.
    units = "卫健委（牵头）\n教体局（配合）\n市委宣传部（网信办）"
    doc = ledger_from_table(_table(CATEGORY, _task("1", "建医院", units)))
    for write, read in ((write_xlsx, read_xlsx), (write_docx, read_docx)):
        assert read(write(doc), name="back").tasks[0].units == doc.tasks[0].units


@pytest.mark.parametrize(
    "deadline", ["2023.10", "2023-10", "2023/10月底", "2023.10.31", "2023年10月"]
)
def test_with_no_year_above_the_table_the_year_the_deadlines_name_is_taken(deadline: str) -> None:
    task = ["1", "修路", "张三", "交通局", deadline, "", ""]
    doc = ledger_from_table(_table(CATEGORY, task, preamble=("某县重点工作台账",)))
    assert doc.year == 2023
    assert doc.tasks[0].deadline == datetime.date(2023, 10, 31)
