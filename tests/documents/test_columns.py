"""The column vocabulary (docs/ledger-vocabulary.md, read here as the table of cases), titles
that depend on the other columns, header rows against task rows, two-row headers, the office's
own choices and the messages about a header."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.documents.columns import (
    COLUMN_CHOICES,
    column_key,
    combine_header,
    header_columns,
    header_warnings,
    looks_like_header,
    month_of,
    parse_column_option,
)
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import COLUMN_KEYS, MORE_COLUMN_KEYS, Column
from tests.conftest import EXPECTED

VOCABULARY = Path(__file__).parents[2] / "docs" / "ledger-vocabulary.md"
_ROW = re.compile(r"^\| `(\w+)` \| ([^|]+?) \| ([^|]+?) \|$", re.MULTILINE)


def _section(name: str) -> str:
    return VOCABULARY.read_text(encoding="utf-8").split(f"\n## {name}\n")[1].split("\n## ")[0]


def _vocabulary() -> list[tuple[str, str, str]]:
    return [(m[1], m[2], m[3]) for m in _ROW.finditer(_section("Vocabulary"))]


def _keys(titles: list[str], **overrides: str) -> list[str]:
    columns = header_columns(titles, source="t.xlsx", line=None, row=1, overrides=overrides)
    return [column.key for column in columns]


# --- the vocabulary, as documented ----------------------------------------------------------


@pytest.mark.parametrize(("key", "title", "seen"), _vocabulary(), ids=lambda value: value)
def test_every_documented_title_reads_as_its_key(key: str, title: str, seen: str) -> None:
    assert column_key(title) == key


def test_the_vocabulary_covers_every_key_and_every_source_it_cites_is_listed() -> None:
    rows = _vocabulary()
    assert len(rows) > 100
    assert {key for key, _, _ in rows} == set(COLUMN_KEYS) | set(MORE_COLUMN_KEYS)
    sources = set(re.findall(r"^\| (\w+) \| ", _section("Sources"), re.MULTILINE)) - {"Id"}
    cited = {part.strip() for _, _, seen in rows for part in seen.split(",")} - {"—"}
    assert cited <= sources and sources <= cited


@pytest.mark.parametrize(
    "title",
    [
        "工作目标\n任务",
        "备  注",
        "完成时限（年底前）",
        "进展情况(截至6月30日)",
        " 序号 ",
        "总投资\n（万元）",
    ],
)
def test_whitespace_and_bracketed_notes_do_not_change_a_title(title: str) -> None:
    assert column_key(title) is not None


@pytest.mark.parametrize(
    "text",
    [
        "启用妇女儿童医院，完成中医院二期扩建，启动人民医院东院区建设",
        "完成老旧小区改造任务120个，推进工作进展情况月报",
        "谭江",
        "卫健委",
        "年底前",
        "",
    ],
)
def test_task_texts_and_names_are_no_titles(text: str) -> None:
    assert column_key(text) is None


@pytest.mark.parametrize(
    ("title", "month"),
    [
        ("1月", 1),
        ("1月份", 1),
        ("01月", 1),
        ("一月", 1),
        ("十月", 10),
        ("十一月", 11),
        ("十二月份", 12),
        ("3月进展", 3),
        ("3月份进展情况", 3),
        ("3月完成情况", 3),
        ("1-2月", 2),
        ("1—3月份进展", 3),
        ("2021年5月", 5),
        ("进展情况/6月", 6),
        ("一季度", 3),
        ("第4季度", 12),
        ("上半年", 6),
        ("下半年", 12),
    ],
)
def test_month_columns_name_their_month(title: str, month: int) -> None:
    assert month_of(title) == month
    assert column_key(title) == "month"


@pytest.mark.parametrize(
    "title",
    ["13月", "月份", "4月份计划", "1-6月完成投资", "完成时间", "本月进展", "6月底前", "进展情况"],
)
def test_other_titles_name_no_month(title: str) -> None:
    assert month_of(title) is None


# --- titles that depend on the other columns ------------------------------------------------


def test_wancheng_qingkuang_is_the_status_beside_a_progress_column() -> None:
    assert (
        _keys(["序号", "项目名称", "责任领导", "牵头单位", "目前进展", "完成情况"])[-1] == "status"
    )


def test_wancheng_qingkuang_is_the_progress_where_nothing_else_is() -> None:
    keys = _keys(["序号", "工作名称", "牵头领导", "责任单位", "完成时间", "完成情况", "备注"])
    assert keys[-2] == "progress"


def test_wancheng_qingkuang_is_the_status_beside_month_columns() -> None:
    keys = _keys(["序号", "重点任务", "责任单位", "完成时限", "1月", "2月", "完成情况"])
    assert keys[-3:] == ["month", "month", "status"]


def test_wancheng_qingkuang_is_the_status_where_the_office_chose_another_progress() -> None:
    keys = _keys(
        ["序号", "重点工作", "责任单位", "时间安排", "工作成果", "完成情况"], 工作成果="progress"
    )
    assert keys[-2:] == ["progress", "status"]


def test_a_lone_benyue_jinzhan_is_the_progress_and_beside_leiji_an_entry() -> None:
    assert _keys(["序号", "重点工作", "责任单位", "完成时限", "本月进展"])[-1] == "progress"
    keys = _keys(["序号", "重点工作", "责任单位", "完成时限", "本月进展", "累计进展"])
    assert keys[-2:] == ["progress_month", "progress"]


def test_a_second_goal_like_column_is_kept_as_it_is_without_a_warning() -> None:
    titles = ["序号", "项目名称", "建设内容", "年度目标", "责任单位", "计划完成时间", "工作进展"]
    columns = header_columns(titles, source="t.xlsx", line=None, row=1)
    assert [c.key for c in columns][1:4] == ["goal", "extra", "extra"]
    assert not any("建设内容" in w or "年度目标" in w for w in header_warnings(columns))


@pytest.mark.parametrize(
    ("lead", "co"),
    [
        ("牵头单位", "配合单位"),
        ("主办单位", "协办单位"),
        ("牵头单位", "责任单位"),
        ("责任单位", "责任（配合）单位"),
    ],
)
def test_a_second_unit_column_is_the_co_units(lead: str, co: str) -> None:
    keys = _keys(["序号", "重点工作", "牵头领导", lead, co, "完成时限", "落实情况"])
    assert keys[3:5] == ["units", "co_units"]


def test_one_column_of_lead_and_co_units_is_the_units() -> None:
    assert column_key("牵头单位及配合单位") == "units"
    assert column_key("牵头单位/配合单位") == "units"
    assert column_key("责任单位/配合单位") == "co_units"  # 责任单位 over 牵头 | 配合


def test_a_second_progress_column_is_kept_and_both_are_named() -> None:
    titles = ["序号", "重点工作", "责任单位", "完成时限", "工作进展", "推进情况"]
    columns = header_columns(titles, source="t.xlsx", line=None, row=1)
    assert [c.key for c in columns][-2:] == ["progress", "extra"]
    assert any("推进情况" in w and "工作进展" in w for w in header_warnings(columns))


def test_last_months_progress_is_no_progress_and_no_warning() -> None:
    titles = [
        "序号",
        "工作目标任务",
        "牵头领导",
        "责任单位",
        "完成时限",
        "上月进展情况",
        "进展情况",
    ]
    columns = header_columns(titles, source="t.xlsx", line=None, row=1)
    assert [c.key for c in columns][-2:] == ["extra", "progress"]
    assert header_warnings(columns) == []


def test_people_to_contact_are_contacts_many_times_over() -> None:
    titles = [
        "序号",
        "具体任务",
        "牵头领导",
        "责任单位",
        "责任人",
        "联系电话",
        "计划完成时间",
        "工作进展",
    ]
    assert _keys(titles)[4:6] == ["contact", "contact"]


def test_an_unknown_title_is_kept_and_named_in_a_warning() -> None:
    columns = header_columns(
        ["序号", "重点工作", "牵头领导", "责任单位", "完成时限", "落实情况", "督导组"],
        source="t.xlsx",
        line=None,
        row=1,
    )
    assert columns[-1] == Column(key="extra", title="督导组")
    assert header_warnings(columns) == [
        "列“督导组”无法对应到台账的列，按其他列原样保留"
        "（如需指定：--column 督导组=进展情况 等，网页导入预览中可逐列选择）"
    ]
    assert header_warnings(columns, {"督导组": "extra"}) == []


# --- headers and task rows ------------------------------------------------------------------

HEADERS = [
    ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限及有关要求", "进展情况", "备注"],
    ["序号", "重点工作", "责任单位", "时间安排", "落实情况"],
    ["序号", "重点任务", "完成时间", "责任人", "责任部门", "进展情况"],
    ["序号", "项目名称", "主要内容", "区政府分管领导", "牵头单位", "配合单位"],
    ["序号", "民生实事", "责任单位", "完成时限"],
    [
        "序号",
        "项目名称",
        "建设内容",
        "总投资（万元）",
        "包抓领导",
        "责任单位",
        "计划完成时间",
        "工作进展",
        "项目状态",
    ],
    [
        "序号",
        "重点任务",
        "责任领导",
        "责任单位",
        "完成时限",
        *(f"{m}月" for m in range(1, 13)),
        "备注",
    ],
    ["", "工作目标\n任务", "牵头领导", "责任单位", "完成时限", "进展情况", ""],
    [
        "序号",
        "项目名称",
        "责任领导",
        "责任单位",
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况",
    ],
]


@pytest.mark.parametrize("cells", HEADERS, ids=lambda cells: "、".join(c for c in cells if c)[:24])
def test_real_headers_are_headers(cells: list[str]) -> None:
    assert looks_like_header(cells)


def _seed_task_rows() -> list[list[str]]:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    return [
        [
            str(task["number"]),
            task["goal"],
            "、".join(task["leaders"]),
            "、".join(unit["name"] for unit in task["units"]),
            task["deadline_text"],
            task["progress"],
            task.get("status_label", ""),
        ]
        for category in expected["categories"]
        for task in category["tasks"]
    ]


@pytest.mark.parametrize("with_number", [True, False], ids=["numbered", "unnumbered"])
def test_no_task_row_of_the_seed_is_a_header(with_number: bool) -> None:
    for row in _seed_task_rows():
        assert not looks_like_header(row if with_number else ["", *row[1:]])


@pytest.mark.parametrize(
    "cells",
    [
        ["1", "重点任务推进", "张三", "交通局", "年底前", "进展顺利", ""],
        ["", "重点任务推进", "张三", "交通局", "年底前", "进展顺利", ""],
        ["", "推进重点项目建设进展", "分管领导", "县发改委", "6月底", "工作进展正常", "已完成"],
        ["3-1", "项目名称变更", "李四", "责任单位", "完成时间", "推进情况", ""],
        ["（1）", "工作任务", "领导", "单位", "时间节点", "进展", ""],
        ["①", "工作任务", "领导", "单位", "时间节点", "进展", ""],
        ["一", "重点工作任务推进", "", "", "", "", ""],
        ["一、重点项目建设", "", "", "", "", "", ""],
        ["二", "工作任务", "领导", "责任单位", "完成时限", "进展情况", ""],
        ["2021年重点工作任务推进情况台账", "", "", "", "", "", ""],
        ["注：√为已完成，○为正在推进，△为推进缓慢", "", "", "", "", "", ""],
        ["", "", "", "", "", "", ""],
    ],
)
def test_task_category_title_and_legend_rows_are_no_headers(cells: list[str]) -> None:
    assert not looks_like_header(cells)


_GOAL_WORDS = st.sampled_from(
    ["任务", "进展", "工作", "项目", "目标", "完成情况", "责任单位", "时间节点"]
)


@given(
    st.lists(_GOAL_WORDS, min_size=1, max_size=4).map("".join),
    st.text(alphabet="推进建设完成全市重点民生实事改造提升", min_size=12, max_size=40),
    st.sampled_from(["", "1", "2", "12", "3-1", "（2）"]),
)
def test_a_goal_sentence_with_title_words_never_makes_a_header(
    words: str, sentence: str, number: str
) -> None:
    row = [number, sentence + words, "王五", "县住建局", "2021年底前", sentence + "进展顺利", ""]
    assert not looks_like_header(row)


# --- two-row headers ------------------------------------------------------------------------

TOP = ["序号", "项目名称", "责任单位", "时间节点", "", "进展情况", "", "备注"]


def test_a_span_over_sub_titles_is_combined() -> None:
    bottom = ["", "", "", "开工时间", "完工时间", "本月进展", "累计进展", ""]
    titles = combine_header(TOP, bottom)
    assert titles == [
        "序号",
        "项目名称",
        "责任单位",
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况/本月进展",
        "进展情况/累计进展",
        "备注",
    ]
    assert [column_key(t) for t in titles] == [
        "number",
        "goal",
        "units",
        "start",
        "deadline",
        "progress_month",
        "progress",
        "remarks",
    ]


def test_vertical_merges_given_as_repeated_text_and_spans_as_repeated_text() -> None:
    top = ["序号", "项目名称", "时间节点", "时间节点", "进展情况"]
    bottom = ["序号", "项目名称", "开工时间", "完工时间", "进展情况"]
    assert combine_header(top, bottom) == [
        "序号",
        "项目名称",
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况",
    ]


def test_month_sub_titles_under_a_progress_span() -> None:
    top = ["序号", "重点任务", "责任单位", "完成时限", "进展情况", "", ""]
    bottom = ["", "", "", "", "1月", "2月", "3月"]
    titles = combine_header(top, bottom)
    assert titles is not None and titles[4:] == ["进展情况/1月", "进展情况/2月", "进展情况/3月"]
    assert [month_of(t) for t in titles[4:]] == [1, 2, 3]
    assert _keys(titles)[4:] == ["month", "month", "month"]


def test_unit_sub_titles_under_a_units_span() -> None:
    top = ["序号", "重点工作", "牵头领导", "责任单位", "", "完成时限", "落实情况"]
    bottom = ["", "", "", "牵头单位", "配合单位", "", ""]
    titles = combine_header(top, bottom)
    assert titles is not None
    assert _keys(titles)[3:5] == ["units", "co_units"]


def test_rows_with_fewer_cells_are_padded() -> None:
    assert combine_header(
        ["序号", "工作任务", "时间节点", ""], ["", "", "开工时间", "完工时间"]
    ) == [
        "序号",
        "工作任务",
        "时间节点/开工时间",
        "时间节点/完工时间",
    ]
    assert combine_header(["序号", "工作任务", "时间节点"], ["", "", "开工时间", "完工时间"]) == [
        "序号",
        "工作任务",
        "时间节点/开工时间",
        "时间节点/完工时间",
    ]


def test_a_top_row_without_its_span_cells_is_widened_under_the_sub_titles() -> None:
    # Text taken from a Word table has one cell per merged cell: the top row is shorter.
    top = ["序号", "项目名称", "责任领导", "责任单位", "时间节点", "进展情况", "项目状态"]
    bottom = ["", "", "", "", "开工时间", "完工时间", "", ""]
    titles = combine_header(top, bottom)
    assert titles is not None and titles[4:] == [
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况",
        "项目状态",
    ]


def test_one_run_of_sub_titles_of_two_kinds_stands_under_two_top_cells() -> None:
    top = ["序号", "项目名称", "县级领导", "责任单位", "时间节点", "进展情况", "项目状态"]
    bottom = ["", "", "", "", "开工时间", "完工时间", "本月进展", "累计进展", ""]
    titles = combine_header(top, bottom)
    assert titles is not None
    assert titles[4:] == [
        "时间节点/开工时间",
        "时间节点/完工时间",
        "进展情况/本月进展",
        "进展情况/累计进展",
        "项目状态",
    ]


def test_twelve_months_under_one_top_cell_left_out_of_a_short_row() -> None:
    top = ["序号", "重点任务", "责任单位", "完成时限", "进展情况", "备注"]
    bottom = ["", "", "", "", *(f"{m}月" for m in range(1, 13)), ""]
    titles = combine_header(top, bottom)
    assert titles is not None and titles[4] == "进展情况/1月" and titles[15] == "进展情况/12月"
    assert titles[-1] == "备注"


def test_a_short_top_row_that_fits_no_span_gives_none() -> None:
    top = ["序号", "项目名称", "时间节点", "进展情况"]
    sub_titles = ["开工时间", "完工时间", "本月进展", "累计进展"]
    assert combine_header(top, ["", "", *sub_titles, "", "备注"]) is None
    assert combine_header(top, ["1", "东环路", "3月", "10月", "已开工"]) is None


@pytest.mark.parametrize(
    "bottom",
    [
        ["1", "东环路改造", "交通局", "3月", "10月", "已开工", "路基完成", ""],
        ["", "东环路改造", "交通局", "3月", "10月", "已开工", "路基完成", ""],
        ["", "", "", "2021年3月", "2021年10月", "正在施工，已完成路基工程的百分之六十以上", "", ""],
        ["一", "交通建设", "", "", "", "", "", ""],
        ["一、交通建设", "", "", "", "", "", "", ""],
        TOP,
        ["", "", "", "", "", "", "", ""],
        ["", "", "", "甲", "乙", "", "", ""],
        ["", "", "", "", "", "", "", "见附件"],
    ],
    ids=[
        "task",
        "task-no-number",
        "task-under-spans",
        "category",
        "category-named",
        "header-repeated",
        "blank",
        "unknown-sub-titles",
        "text-under-no-span",
    ],
)
def test_a_row_that_is_no_sub_header_gives_none(bottom: list[str]) -> None:
    assert combine_header(TOP, bottom) is None


def test_a_header_without_spans_has_no_sub_header() -> None:
    top = ["序号", "重点工作", "责任单位", "完成时限", "进展情况"]
    assert combine_header(top, ["", "修路", "交通局", "年底前", ""]) is None
    assert combine_header(top, ["", "", "", "", ""]) is None


def test_a_task_row_is_no_top_of_a_header() -> None:
    assert combine_header(["1", "修路", "", "交通局"], ["", "", "开工时间", "完工时间"]) is None
    assert (
        combine_header(
            ["2021年重点项目推进台账", "", "", ""], ["序号", "项目名称", "责任单位", "进展"]
        )
        is None
    )


# --- the office's own choices ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["progress", "进展情况", "工作进展", " 进展 情况 "])
def test_an_override_may_name_the_key_its_name_or_a_title(value: str) -> None:
    titles = ["序号", "重点工作", "责任单位", "时间安排", "工作成果"]
    assert _keys(titles, 工作成果=value)[-1] == "progress"


def test_an_override_beats_the_vocabulary_and_a_guess_gives_way() -> None:
    titles = ["序号", "重点工作", "责任单位", "时间安排", "推进情况", "落实情况"]
    assert _keys(titles)[-2:] == ["progress", "extra"]
    assert _keys(titles, 落实情况="progress")[-2:] == ["extra", "progress"]
    assert _keys(titles, 推进情况="其他（原样保留）", 落实情况="进展情况")[-2:] == [
        "extra",
        "progress",
    ]


def test_a_combined_title_is_overridden_by_its_bottom_title() -> None:
    titles = ["序号", "项目名称", "责任单位", "时间节点/开工时间", "时间节点/完工时间", "进展情况"]
    assert _keys(titles)[3:5] == ["start", "deadline"]
    assert _keys(titles, 开工时间="extra")[3:5] == ["extra", "deadline"]
    assert _keys(titles, **{"时间节点/完工时间": "remarks"})[3:5] == ["start", "remarks"]


def test_an_override_naming_no_key_is_refused() -> None:
    with pytest.raises(LedgerReadError, match="“不知道”不是台账的列"):
        _keys(["序号", "重点工作", "责任单位", "时间安排", "落实情况"], 落实情况="不知道")


@pytest.mark.parametrize(
    ("option", "parsed"),
    [
        ("落实情况=progress", ("落实情况", "progress")),
        ("落实情况=进展情况", ("落实情况", "progress")),
        ("落实 情况 = 进展情况", ("落实情况", "progress")),
        ("落实情况＝status", ("落实情况", "status")),
        ("督导组=其他（原样保留）", ("督导组", "extra")),
        ("督导组=其他", ("督导组", "extra")),
        ("各月=月份", ("各月", "month")),
        ("责任人=牵头领导", ("责任人", "leaders")),
    ],
)
def test_column_options_are_parsed(option: str, parsed: tuple[str, str]) -> None:
    assert parse_column_option(option) == parsed


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("落实情况", "应写作 列名=含义"),
        ("=progress", "应写作 列名=含义"),
        ("落实情况=", "应写作 列名=含义"),
        ("落实情况=progres", "“progres”不是台账的列；可选：number（序号）"),
    ],
)
def test_malformed_column_options_are_refused_in_chinese(option: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_column_option(option)


def test_the_choices_are_every_key_with_a_chinese_name_ending_with_extra() -> None:
    assert [key for key, _ in COLUMN_CHOICES] == [*COLUMN_KEYS, *MORE_COLUMN_KEYS]
    assert COLUMN_CHOICES[-1] == ("extra", "其他（原样保留）")
    for key, name in COLUMN_CHOICES:
        assert parse_column_option(f"某列={name}") == ("某列", key)
        assert parse_column_option(f"某列={key}") == ("某列", key)


# --- what a header must have ----------------------------------------------------------------


def test_a_ledger_without_progress_is_read_with_a_warning_naming_the_titles_and_option() -> None:
    # A year-start 任务分解表 has no progress yet: read, not refused.
    columns = header_columns(
        ["序号", "重点工作", "责任单位", "时间安排", "工作成果"], source="a.docx", line=None, row=3
    )
    assert header_warnings(columns)[-1] == (
        "台账表头没有进展情况列，各任务进展为空。"
        "表头各列为：序号、重点工作、责任单位、时间安排、工作成果；"
        "如“工作成果”即进展情况，可用 --column 工作成果=progress 指定（网页导入预览中可逐列选择）"
    )


def test_the_suggested_title_is_an_unknown_one_first() -> None:
    columns = header_columns(
        ["序号", "重点工作", "存在问题", "督导组", "责任单位", "完成时限"],
        source="a",
        line=2,
        row=None,
    )
    assert "如“督导组”即进展情况，可用 --column 督导组=progress" in header_warnings(columns)[-1]


def test_a_missing_goal_is_named_first() -> None:
    with pytest.raises(LedgerReadError, match=r"缺少必需的列：工作目标任务。.*--column 批示=goal"):
        header_columns(
            ["序号", "批示", "牵头领导", "责任单位", "完成时限", "进展情况"],
            source="a",
            line=1,
            row=1,
        )


def test_fewer_than_two_usual_columns_are_refused() -> None:
    with pytest.raises(
        LedgerReadError, match="序号、牵头领导、责任单位、完成时限中至少两列"
    ) as caught:
        header_columns(
            ["工作名称", "责任人", "开始时间", "完成时间", "工作内容", "完成情况", "备注"],
            source="a",
            line=1,
            row=1,
        )
    assert str(caught.value).endswith(
        "如某列即序号（number）、牵头领导（leaders）、责任单位（units）之一，"
        "可用 --column 列名=键 指定（网页导入预览中可逐列选择）"
    )
    assert "\n" not in str(caught.value)


def test_a_header_without_any_usual_column_but_two_is_read_naming_what_is_missing() -> None:
    columns = header_columns(
        ["重点任务", "完成时间", "责任人", "责任部门", "进展情况"], source="a", line=1, row=1
    )
    assert [c.key for c in columns] == ["goal", "deadline", "contact", "units", "progress"]
    assert header_warnings(columns) == [
        "台账表头没有序号列（如某列即序号，可用 --column 列名=number 指定）",
        "台账表头没有牵头领导列（如某列即牵头领导，可用 --column 列名=leaders 指定）",
    ]


def test_a_monthly_ledger_without_a_progress_column_is_complete() -> None:
    titles = [
        "序号",
        "重点任务",
        "责任领导",
        "责任单位",
        "完成时限",
        *(f"{m}月" for m in range(1, 13)),
        "备注",
    ]
    columns = header_columns(titles, source="a", line=1, row=1)
    assert [c.key for c in columns].count("month") == 12
    assert header_warnings(columns) == []


def test_a_status_column_is_enough_for_the_progress() -> None:
    keys = _keys(["序号", "督办事项", "责任单位", "办结时限", "办结情况"])
    assert keys == ["number", "goal", "units", "deadline", "status"]


def test_the_official_layout_reads_without_a_word() -> None:
    titles = [
        "序号",
        "工作目标任务",
        "牵头领导",
        "责任单位",
        "完成时限及有关要求",
        "进展情况",
        "备注",
    ]
    columns = header_columns(titles, source="a", line=1, row=1)
    assert [c.key for c in columns] == [*COLUMN_KEYS[:4], "deadline", "progress", "remarks"]
    assert header_warnings(columns) == []
