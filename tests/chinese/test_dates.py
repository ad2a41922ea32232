"""Tests for taizhang.chinese.dates: reading 完成时限 cells."""

import calendar
import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.dates import DeadlineParse, Milestone, parse_deadline

LEDGER_YEAR = 2021


def d(text: str) -> datetime.date:
    """Shorthand: "2021-12-31" -> datetime.date(2021, 12, 31)."""
    return datetime.date.fromisoformat(text)


def milestone_dates(text: str, year: int = LEDGER_YEAR) -> list[datetime.date]:
    return [m.date for m in parse_deadline(text, year).milestones]


def single_date(text: str, year: int = LEDGER_YEAR) -> datetime.date | None:
    """The deadline of a text expected to hold at most one dated clause."""
    result = parse_deadline(text, year)
    assert len(result.milestones) <= 1, result
    return result.deadline


# --- the exact examples from real ledgers -------------------------------------------------

LEDGER_EXAMPLES = [
    (
        "二院综合病房楼8月份开工建设；人民医院东院区完成前期手续，年内具备开工条件。",
        ["2021-08-31", "2021-12-31"],
        "2021-12-31",
    ),
    ("2021年12月31日", ["2021-12-31"], "2021-12-31"),
    (
        "北部供水工程10月份开工；玉阳湖工业供水工程年度完成投资9000万元；"
        "邵原镇、南部岭区供水工程年底完成前期。",
        ["2021-10-31", "2021-12-31"],
        "2021-12-31",
    ),
    ("2022年12月31日", ["2022-12-31"], "2022-12-31"),
    ("玉川路小学、天坛路小学扩建8月底前建成。", ["2021-08-31"], "2021-08-31"),
    ("年底前建成。", ["2021-12-31"], "2021-12-31"),
    ("", [], None),
    (
        "2020年23个老旧小区改造项目，应于2021年6月底前完成。\n"
        "2021年24个老旧小区改造项目，应于2021年6月底前开工，年底前完成。",
        ["2021-06-30", "2021-06-30", "2021-12-31"],
        "2021-12-31",
    ),
    ("10月底建成投用。", ["2021-10-31"], "2021-10-31"),
    ("5月底前完成项目选址等工作，年底前建成。", ["2021-05-31", "2021-12-31"], "2021-12-31"),
    (
        "4月底前完成各项准备工作，5月份开始执行。",
        ["2021-04-30", "2021-05-31"],
        "2021-05-31",
    ),
    ("5月底前完成选址，年底前建成", ["2021-05-31", "2021-12-31"], "2021-12-31"),
    ("三季度末", ["2021-09-30"], "2021-09-30"),
    ("上半年", ["2021-06-30"], "2021-06-30"),
    ("长期坚持", [], None),
    ("每季度首月", [], None),
]


@pytest.mark.parametrize(("text", "dates", "deadline"), LEDGER_EXAMPLES)
def test_ledger_examples_give_the_expected_milestones_and_deadline(
    text: str, dates: list[str], deadline: str | None
) -> None:
    result = parse_deadline(text, LEDGER_YEAR)
    assert [m.date for m in result.milestones] == [d(x) for x in dates]
    assert result.deadline == (None if deadline is None else d(deadline))
    assert result.warnings == ()


def test_milestone_text_is_the_clause_without_surrounding_punctuation() -> None:
    result = parse_deadline(
        "二院综合病房楼8月份开工建设；人民医院东院区完成前期手续，年内具备开工条件。", 2021
    )
    assert result.milestones == (
        Milestone("二院综合病房楼8月份开工建设", d("2021-08-31")),
        Milestone("年内具备开工条件", d("2021-12-31")),
    )


def test_milestone_text_keeps_the_clause_wording() -> None:
    result = parse_deadline("5月底前完成项目选址等工作，年底前建成。", 2021)
    assert [m.text for m in result.milestones] == ["5月底前完成项目选址等工作", "年底前建成"]


def test_milestone_text_is_stripped_of_whitespace() -> None:
    result = parse_deadline("  \u3000 10月底建成投用 。 \n", 2021)
    assert [m.text for m in result.milestones] == ["10月底建成投用"]


def test_milestone_text_keeps_original_full_width_characters() -> None:
    result = parse_deadline("１０月底建成", 2021)
    assert result.milestones == (Milestone("１０月底建成", d("2021-10-31")),)


def test_result_is_a_frozen_deadline_parse() -> None:
    result = parse_deadline("年底前建成", 2021)
    assert isinstance(result, DeadlineParse)
    with pytest.raises(AttributeError):
        result.deadline = None  # type: ignore[misc]


# --- full dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年12月31日", "2021-12-31"),
        ("2021年12月31号", "2021-12-31"),
        ("12月31日", "2021-12-31"),
        ("12月31日前", "2021-12-31"),
        ("12月31号前完成", "2021-12-31"),
        ("2021.12.31", "2021-12-31"),
        ("2021-12-31", "2021-12-31"),
        ("2021/12/31", "2021-12-31"),
        ("2021-6-5", "2021-06-05"),
        ("2021.06.05前", "2021-06-05"),
        ("6月5日", "2021-06-05"),
        ("2022年3月1日", "2022-03-01"),
        ("十二月三十一日", "2021-12-31"),
        ("二〇二二年十月一日", "2022-10-01"),
        ("2020年2月29日", "2020-02-29"),
    ],
)
def test_full_dates_give_that_date(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２０２１年１２月３１日", "2021-12-31"),
        ("１２月３１日前", "2021-12-31"),
        ("２０２１－１２－３１", "2021-12-31"),
        ("１０月底建成", "2021-10-31"),
        ("２０２２年６月底前", "2022-06-30"),
    ],
)
def test_full_width_digits_are_read_like_ascii_digits(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


def test_numeric_date_needs_the_same_separator_twice() -> None:
    assert single_date("2021-12/31") is None


# --- months -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6月底", "2021-06-30"),
        ("6月底前", "2021-06-30"),
        ("6月末", "2021-06-30"),
        ("6月份", "2021-06-30"),
        ("10月开工", "2021-10-31"),
        ("2月底", "2021-02-28"),
        ("9月", "2021-09-30"),
        ("6月上旬", "2021-06-10"),
        ("6月中旬", "2021-06-20"),
        ("6月下旬", "2021-06-30"),
        ("6月初", "2021-06-10"),
        ("十月底", "2021-10-31"),
        ("十二月份", "2021-12-31"),
        ("十一月", "2021-11-30"),
        ("三月中旬", "2021-03-20"),
        ("二月底", "2021-02-28"),
        ("07月底", "2021-07-31"),
    ],
)
def test_month_phrases_give_the_expected_day(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


def test_end_of_february_follows_leap_years() -> None:
    assert single_date("2月底", 2020) == d("2020-02-29")
    assert single_date("2月底", 2100) == d("2100-02-28")


@pytest.mark.parametrize(
    "text",
    ["3个月内完成", "12个月", "23个项目", "投资9000万元", "30日内完成", "15个工作日内办结"],
)
def test_counts_of_months_days_and_money_are_not_dates(text: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, ())


@pytest.mark.parametrize("text", ["14季度", "二十四季度", "12021年底", "第一百二十三季度"])
def test_date_phrase_does_not_start_inside_a_larger_number(text: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, ())


def test_list_numbering_before_a_month_is_not_part_of_it() -> None:
    assert milestone_dates("1.6月底前完成选址；2.年底前建成") == [d("2021-06-30"), d("2021-12-31")]


# --- years --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年6月底前", "2021-06-30"),
        ("2022年6月底前", "2022-06-30"),
        ("2022年十月", "2022-10-31"),
        ("2020年上半年", "2020-06-30"),
        ("2022年三季度", "2022-09-30"),
        ("2021年底", "2021-12-31"),
        ("2022年底前", "2022-12-31"),
        ("2022年年底", "2022-12-31"),
        ("2022年末", "2022-12-31"),
        ("2022年内", "2022-12-31"),
        ("2022年全年", "2022-12-31"),
        ("二〇二二年底", "2022-12-31"),
    ],
)
def test_explicit_year_is_used(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022年3月底前完成设计，年底前建成", ["2022-03-31", "2022-12-31"]),
        ("2022年3月底前完成设计，6月份开工", ["2022-03-31", "2022-06-30"]),
        (
            "2022年3月底前完成设计\n上半年开工；三季度末主体完工",
            ["2022-03-31", "2022-06-30", "2022-09-30"],
        ),
        ("2022年12月31日前完成设计，10月开工", ["2022-12-31", "2022-10-31"]),
        ("2023年6月前完成，2022年3月开工，年底前验收", ["2023-06-30", "2022-03-31", "2022-12-31"]),
    ],
)
def test_explicit_year_carries_forward_to_later_phrases(text: str, expected: list[str]) -> None:
    assert milestone_dates(text) == [d(x) for x in expected]


def test_explicit_year_does_not_change_earlier_phrases() -> None:
    assert milestone_dates("6月底前完成设计，2022年底前建成") == [d("2021-06-30"), d("2022-12-31")]


@pytest.mark.parametrize(
    "text",
    [
        "2020年23个老旧小区改造项目",
        "2021年度计划投资9000万元",
        "年度完成投资9000万元",
        "2021年计划投资9000万元",
        "三年内完成",
        "两年内完成",
        "半年内完成",
        "近年来持续推进",
        "2021年度",
    ],
)
def test_year_that_is_not_a_date_gives_nothing(text: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, ())


def test_year_followed_by_a_count_is_not_a_date() -> None:
    result = parse_deadline("2020年23个老旧小区改造项目，应于2021年6月底前完成。", 2021)
    assert result.milestones == (Milestone("应于2021年6月底前完成", d("2021-06-30")),)


def test_year_followed_by_a_count_does_not_set_the_year_in_force() -> None:
    assert milestone_dates("2020年23个项目，年底前完成") == [d("2021-12-31")]


def test_year_alone_at_the_end_of_a_clause_means_its_last_day() -> None:
    assert milestone_dates("完成时限：2022年") == [d("2022-12-31")]


def test_year_range_takes_the_later_year() -> None:
    assert milestone_dates("2021-2022年") == [d("2022-12-31")]


def test_a_year_before_a_verb_of_completion_means_its_last_day() -> None:
    result = parse_deadline("2021年底前开工建设，2023年建成投用", LEDGER_YEAR)
    assert result.milestones == (
        Milestone("2021年底前开工建设", d("2021-12-31")),
        Milestone("2023年建成投用", d("2023-12-31")),
    )
    assert result.deadline == d("2023-12-31")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023年建成投用", "2023-12-31"),
        ("2022年完成", "2022-12-31"),
        ("2022年竣工验收", "2022-12-31"),
        ("2022年开工", "2022-12-31"),
        ("2022年交付使用", "2022-12-31"),
        ("2023年实现全覆盖", "2023-12-31"),
        ("2023年投用", "2023-12-31"),
        ("2023年全面完成", "2023-12-31"),
        ("确保2023年基本建成", "2023-12-31"),
        ("明年建成", "2022-12-31"),
        ("2022年前完成", "2022-12-31"),
        ("2022年以前完成", "2022-12-31"),
        ("2022年之前建成", "2022-12-31"),
        ("2022年前", "2022-12-31"),
    ],
)
def test_a_year_before_completion_or_before_qian_means_its_last_day(
    text: str, expected: str
) -> None:
    # "2022年前完成" is read as "by the end of 2022", as offices mean it.
    assert single_date(text) == d(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021年前三季度完成", "2021-09-30"), ("2021年前两个季度", None), ("2021年前10个月", None)],
)
def test_a_year_before_a_count_is_no_deadline_of_that_year(text: str, expected: str | None) -> None:
    assert single_date(text) == (None if expected is None else d(expected))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021年11月15", "2021-11-15"),
        ("11月15", "2021-11-15"),
        ("2021年11月15前完成", "2021-11-15"),
        ("十一月十五", "2021-11-15"),
        ("9月30前报送方案", "2021-09-30"),
    ],
)
def test_a_day_without_ri_at_the_end_of_a_clause_or_before_qian_keeps_the_day(
    text: str, expected: str
) -> None:
    assert single_date(text) == d(expected)


def test_a_day_without_ri_ending_one_clause_of_several() -> None:
    assert milestone_dates("2021年11月15，年底前完成验收") == [d("2021-11-15"), d("2021-12-31")]


def test_a_number_after_a_month_that_is_no_day_leaves_the_month() -> None:
    assert single_date("6月5个项目开工") == d("2021-06-30")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年底", "2021-12-31"),
        ("年底前", "2021-12-31"),
        ("年末", "2021-12-31"),
        ("年内", "2021-12-31"),
        ("年底完成", "2021-12-31"),
        ("全年", "2021-12-31"),
        ("全年完成投资9000万元", "2021-12-31"),
        ("确保年内建成", "2021-12-31"),
        ("今年底", "2021-12-31"),
        ("本年内", "2021-12-31"),
        ("去年底", "2020-12-31"),
    ],
)
def test_end_of_year_phrases_give_december_31(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明年3月底", "2022-03-31"),
        ("明年6月", "2022-06-30"),
        ("次年3月", "2022-03-31"),
        ("明年底", "2022-12-31"),
        ("明年年底前", "2022-12-31"),
        ("明年上半年", "2022-06-30"),
        ("来年一季度", "2022-03-31"),
        ("明年", "2022-12-31"),
    ],
)
def test_next_year_words_add_one_to_the_ledger_year(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


def test_next_year_sets_the_year_in_force() -> None:
    assert milestone_dates("明年3月底前完成设计，6月底前开工") == [d("2022-03-31"), d("2022-06-30")]


def test_following_year_counts_from_the_year_in_force() -> None:
    assert milestone_dates("2022年11月至次年3月", 2021) == [d("2023-03-31")]


# --- halves and quarters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上半年", "2021-06-30"),
        ("下半年", "2021-12-31"),
        ("上半年完成", "2021-06-30"),
        ("一季度", "2021-03-31"),
        ("第一季度", "2021-03-31"),
        ("一季度末", "2021-03-31"),
        ("1季度", "2021-03-31"),
        ("二季度", "2021-06-30"),
        ("第2季度", "2021-06-30"),
        ("三季度末", "2021-09-30"),
        ("三季度底", "2021-09-30"),
        ("前三季度", "2021-09-30"),
        ("四季度", "2021-12-31"),
        ("第四季度", "2021-12-31"),
    ],
)
def test_halves_and_quarters_give_their_last_day(text: str, expected: str) -> None:
    assert single_date(text) == d(expected)


# --- clauses with several dates, ranges ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3月-6月", "2021-06-30"),
        ("3月至6月", "2021-06-30"),
        ("2021年3月至6月", "2021-06-30"),
        ("3-6月", "2021-06-30"),
        ("6月、9月分两批完成", "2021-09-30"),
        ("9月开工6月设计", "2021-09-30"),
        ("3月1日-5月20日", "2021-05-20"),
        ("一季度至三季度", "2021-09-30"),
        ("2021年3月-2022年6月", "2022-06-30"),
    ],
)
def test_clause_with_two_dates_takes_the_latest(text: str, expected: str) -> None:
    result = parse_deadline(text, LEDGER_YEAR)
    assert [m.date for m in result.milestones] == [d(expected)]


def test_milestones_keep_the_order_of_appearance() -> None:
    assert milestone_dates("年底前建成；5月份开工；3月底前完成设计") == [
        d("2021-12-31"),
        d("2021-05-31"),
        d("2021-03-31"),
    ]


@pytest.mark.parametrize("separator", ["。", "；", ";", "，", ",", "\n", "\r\n", "！", "?"])
def test_clauses_are_split_on_sentence_punctuation(separator: str) -> None:
    assert len(parse_deadline(f"5月底前完成选址{separator}年底前建成", 2021).milestones) == 2


def test_enumeration_comma_does_not_split_a_clause() -> None:
    result = parse_deadline("6月底前完成东区、年底前完成西区", 2021)
    assert result.milestones == (Milestone("6月底前完成东区、年底前完成西区", d("2021-12-31")),)


def test_clause_with_several_paragraphs() -> None:
    text = "一、5月底前完成选址。\n\n二、9月份开工。\n三、年底前建成。"
    assert milestone_dates(text) == [d("2021-05-31"), d("2021-09-30"), d("2021-12-31")]


# --- no date ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "。；，",
        "长期坚持",
        "持续推进",
        "常态化",
        "常态化开展",
        "每季度首月",
        "每月10日前报送",
        "每年12月底前报送",
        "每半年报送一次",
        "每周五报送",
        "按序时推进",
        "本月",
    ],
)
def test_text_without_a_deadline_gives_no_milestone(text: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, ())


def test_recurring_clause_is_skipped_but_others_count() -> None:
    text = "每月10日前报送进度，年底前完成"
    result = parse_deadline(text, LEDGER_YEAR)
    assert result.milestones == (Milestone("年底前完成", d("2021-12-31")),)


def test_undated_clauses_are_ignored_among_dated_ones() -> None:
    assert milestone_dates("长期坚持，6月底前出台方案，持续推进") == [d("2021-06-30")]


# --- invalid dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("2月30日", "无效日期：2月30日"),
        ("2月30日前完成", "无效日期：2月30日"),
        ("13月", "无效日期：13月"),
        ("13月底", "无效日期：13月底"),
        ("十三月", "无效日期：十三月"),
        ("0月", "无效日期：0月"),
        ("4月31日", "无效日期：4月31日"),
        ("6月0日", "无效日期：6月0日"),
        ("2021年2月29日", "无效日期：2021年2月29日"),
        ("2021-02-30", "无效日期：2021-02-30"),
        ("2021-13-01", "无效日期：2021-13-01"),
    ],
)
def test_invalid_date_gives_a_warning_and_no_milestone(text: str, warning: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, (warning,))


def test_invalid_date_does_not_hide_valid_ones() -> None:
    result = parse_deadline("2月30日前完成设计，6月底前开工", LEDGER_YEAR)
    assert result.milestones == (Milestone("6月底前开工", d("2021-06-30")),)
    assert result.warnings == ("无效日期：2月30日",)


def test_invalid_date_in_a_clause_with_a_valid_one_keeps_the_valid_one() -> None:
    result = parse_deadline("2月30日至6月底", LEDGER_YEAR)
    assert [m.date for m in result.milestones] == [d("2021-06-30")]
    assert result.warnings == ("无效日期：2月30日",)


def test_invalid_explicit_year_does_not_set_the_year_in_force() -> None:
    result = parse_deadline("2022年2月30日前完成设计，年底前建成", LEDGER_YEAR)
    assert [m.date for m in result.milestones] == [d("2021-12-31")]


def test_year_beyond_the_calendar_gives_a_warning_not_an_error() -> None:
    assert parse_deadline("明年3月", 9999).warnings == ("无效日期：明年3月",)
    assert parse_deadline("去年底", 1).warnings == ("无效日期：去年底",)


# --- properties ---------------------------------------------------------------------------

valid_dates = st.dates(min_value=datetime.date(1000, 1, 1), max_value=datetime.date(9999, 12, 31))
ledger_years = st.integers(min_value=1, max_value=9999)
months = st.integers(min_value=1, max_value=12)


@given(valid_dates, ledger_years)
def test_any_full_chinese_date_parses_to_itself(date: datetime.date, year: int) -> None:
    text = f"{date.year}年{date.month}月{date.day}日"
    assert parse_deadline(text, year) == DeadlineParse((Milestone(text, date),), date, ())


@given(valid_dates, ledger_years, st.sampled_from(["-", ".", "/"]))
def test_any_numeric_date_parses_to_itself(date: datetime.date, year: int, sep: str) -> None:
    text = f"{date.year}{sep}{date.month:02d}{sep}{date.day:02d}"
    assert parse_deadline(text, year).deadline == date


@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_any_month_and_day_parse_in_the_ledger_year(date: datetime.date) -> None:
    assert parse_deadline(f"{date.month}月{date.day}日前完成", date.year).deadline == date


@given(ledger_years, months, st.sampled_from(["底", "底前", "末", "份", "", "下旬"]))
def test_end_of_month_phrases_give_the_last_day(year: int, month: int, suffix: str) -> None:
    last_day = calendar.monthrange(year, month)[1]
    expected = datetime.date(year, month, last_day)
    assert parse_deadline(f"{month}月{suffix}完成", year).deadline == expected


@given(ledger_years, months, st.sampled_from(["底", "份", "上旬", "中旬", "下旬"]))
def test_chinese_month_numerals_read_like_arabic_ones(year: int, month: int, part: str) -> None:
    chinese = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    in_chinese = parse_deadline(f"{chinese[month - 1]}月{part}", year).deadline
    assert in_chinese is not None
    assert in_chinese == parse_deadline(f"{month}月{part}", year).deadline


@given(st.integers(min_value=1000, max_value=9998), months)
def test_explicit_year_carries_forward_to_year_end(year: int, month: int) -> None:
    text = f"{year}年{month}月底前完成设计，年底前建成"
    last_day = calendar.monthrange(year, month)[1]
    assert milestone_dates(text, LEDGER_YEAR) == [
        datetime.date(year, month, last_day),
        datetime.date(year, 12, 31),
    ]


FRAGMENTS = [
    "年", "月", "日", "号", "底", "末", "内", "前", "份", "上旬", "中旬", "下旬", "季度", "第",
    "上半年", "下半年", "全年", "明年", "次年", "去年", "每", "个", "度", "。", "，", "；", "\n",
    "、", "-", ".", "/", "至", "0", "1", "2", "9", "12", "31", "2021", "9999", "0000", "十",
    "一", "二", "三", "四", "〇", "两", "百", "２", "（", "）",
    "①", "②", "⑴", "是", "汛期前", "春节前", "年中", "开学前", "冬季", "供暖季前", "完成",
]  # fmt: skip
tricky_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=25).map("".join)


@given(st.text() | tricky_text, ledger_years)
def test_parse_never_raises_and_deadline_is_the_latest_milestone(text: str, year: int) -> None:
    result = parse_deadline(text, year)
    dates = [m.date for m in result.milestones]
    assert result.deadline == (max(dates) if dates else None)


@given(st.text() | tricky_text, ledger_years)
def test_milestone_texts_are_non_empty_parts_of_the_input(text: str, year: int) -> None:
    for milestone in parse_deadline(text, year).milestones:
        assert milestone.text
        assert milestone.text in text
        assert milestone.text == milestone.text.strip()


ASSUMED_DATE = re.compile(r"“.+”(?:按[0-9]{1,2}月[0-9]{1,2}日计|：[0-9]+年春节日期未知，未计日期)")


@given(tricky_text, ledger_years)
def test_warnings_name_an_invalid_date_or_the_date_assumed_for_a_term(text: str, year: int) -> None:
    # Issue 8 added the second kind: "“汛期前”按5月31日计".
    for warning in parse_deadline(text, year).warnings:
        assert ASSUMED_DATE.fullmatch(warning) or (
            warning.startswith("无效日期：") and len(warning) > len("无效日期：")
        )


@given(tricky_text, ledger_years)
def test_undated_clauses_do_not_change_the_result(text: str, year: int) -> None:
    assert parse_deadline(f"长期坚持。{text}\n持续推进", year) == parse_deadline(text, year)


# --- year and month written as figures, short years, Q1..Q4 (new-user walk) ----------------

# (cell, deadline) read in a 2023 ledger, so that a year written in the cell is visibly used.
YEAR_MONTH_FORMS = [
    ("2024.10", "2024-10-31"),
    ("2024.10.31", "2024-10-31"),
    ("2024年10月底", "2024-10-31"),
    ("2024.10月", "2024-10-31"),
    ("2024.10月底前", "2024-10-31"),
    ("2024.10底前", "2024-10-31"),
    ("2024.10前完成", "2024-10-31"),
    ("2024.10上旬", "2024-10-10"),
    ("2024.10中旬前", "2024-10-20"),
    ("2024.1", "2024-01-31"),
    ("2024.02", "2024-02-29"),
    ("2024. 10", "2024-10-31"),
    ("２０２４．１０", "2024-10-31"),
    ("24年10月", "2024-10-31"),
    ("24年10月底前", "2024-10-31"),
    ("24年底", "2024-12-31"),
    ("2024-10", "2024-10-31"),
    ("2024/10", "2024-10-31"),
    ("10月底前", "2023-10-31"),
    ("Q3", "2023-09-30"),
    ("q1", "2023-03-31"),
    ("Q4前", "2023-12-31"),
    ("Q2末", "2023-06-30"),
    ("2024Q3", "2024-09-30"),
    ("2024年Q3", "2024-09-30"),
    ("三季度末", "2023-09-30"),
    ("2024年三季度末", "2024-09-30"),
    ("2024.10—2024.12", "2024-12-31"),
    ("2024.10-2024.12", "2024-12-31"),
    ("2024.10~2024.12", "2024-12-31"),
    ("2024.10至2024.12", "2024-12-31"),
    ("2024.10-12", "2024-12-31"),
    ("2024/10-12月", "2024-12-31"),
    ("2024.10—12月", "2024-12-31"),
    ("2024年10月—12月", "2024-12-31"),
    ("2024.10.31—2024.12.31", "2024-12-31"),
    ("持续推进，2024.12前完成", "2024-12-31"),
    ("2024.3启动，2024.6完成", "2024-06-30"),
]


@pytest.mark.parametrize(("text", "expected"), YEAR_MONTH_FORMS)
def test_year_month_forms_give_the_end_of_the_month_or_range(text: str, expected: str) -> None:
    assert parse_deadline(text, 2023).deadline == d(expected)
    assert parse_deadline(text, 2023).warnings == ()


# (cell, ledger year, deadline): a two-figure year is the nearest year ending in its figures.
TWO_FIGURE_YEARS = [
    ("25年底", 2021, "2025-12-31"),
    ("99年底", 2021, "1999-12-31"),
    ("99年10月", 2021, "1999-10-31"),
    ("05年底", 2098, "2105-12-31"),
    ("71年底", 2021, "1971-12-31"),  # 50 years either way: the earlier
    ("70年底", 2021, "2070-12-31"),
    ("21年底", 1990, "2021-12-31"),
    ("00年底", 1, "0100-12-31"),
]


@pytest.mark.parametrize(("text", "year", "expected"), TWO_FIGURE_YEARS)
def test_a_two_figure_year_takes_the_century_nearest_the_ledger_year(
    text: str, year: int, expected: str
) -> None:
    assert parse_deadline(text, year).deadline == d(expected)


def test_a_two_figure_year_sets_the_year_in_force() -> None:
    assert [m.date for m in parse_deadline("99年10月开工；12月底完工", 2021).milestones] == [
        d("1999-10-31"),
        d("1999-12-31"),
    ]


# Figures that look like a year and a month but are amounts, decimals or counts.
NOT_YEAR_MONTH = [
    "完成投资2024.5万元",
    "2024.15",
    "2024.10亿元",
    "增长2020.5%",
    "2021.3个百分点",
    "24.10",
    "24年前完成",
    "3024.10",
    "2024.100",
    "12024.10",
    "HQ3",
    "Q5",
    "Q34",
]


@pytest.mark.parametrize("text", NOT_YEAR_MONTH)
def test_figures_that_are_no_year_and_month_give_no_deadline(text: str) -> None:
    result = parse_deadline(text, 2023)
    assert result.deadline is None
    assert result.warnings == ()


@given(
    st.integers(min_value=1990, max_value=2099),
    st.integers(min_value=1, max_value=12),
    st.sampled_from([".", "-", "/", "．"]),
    st.sampled_from(["", "月", "月底", "底前", "前", "月底前完成"]),
)
def test_any_year_and_month_written_as_figures_is_the_last_day(
    year: int, month: int, sep: str, tail: str
) -> None:
    last = calendar.monthrange(year, month)[1]
    text = f"{year}{sep}{month}{tail}"
    assert parse_deadline(text, 2023).deadline == datetime.date(year, month, last)
