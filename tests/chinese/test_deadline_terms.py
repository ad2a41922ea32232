"""Tests for taizhang.chinese.dates: clause numbering and seasonal terms (issue 8)."""

import calendar
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.dates import DeadlineParse, Milestone, parse_deadline
from taizhang.chinese.seasons import SEASONAL_TERMS, SeasonalTerm, spring_festival_eve

LEDGER_YEAR = 2021


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def milestones(text: str, year: int = LEDGER_YEAR) -> list[tuple[str, datetime.date]]:
    return [(m.text, m.date) for m in parse_deadline(text, year).milestones]


# --- clause numbering ------------------------------------------------------------------------


def test_circled_numbers_are_clause_numbering_not_digits_of_a_date() -> None:
    result = parse_deadline("①6月底前；②年底前", LEDGER_YEAR)
    assert result == DeadlineParse(
        (Milestone("6月底前", d("2021-06-30")), Milestone("年底前", d("2021-12-31"))),
        d("2021-12-31"),
        (),
    )


@pytest.mark.parametrize(
    "text",
    [
        "①6月底前完成设计；②年底前建成",
        "①6月底前完成设计②年底前建成",
        "①6月底前完成设计，②年底前建成。",
        "⑴6月底前完成设计⑵年底前建成",
        "⒈6月底前完成设计⒉年底前建成",
        "❶6月底前完成设计❷年底前建成",
        "➀6月底前完成设计➁年底前建成",
        "（1）6月底前完成设计（2）年底前建成",
        "(1)6月底前完成设计(2)年底前建成",
        "（一）6月底前完成设计（二）年底前建成",
        "㈠6月底前完成设计㈡年底前建成",
        "1.6月底前完成设计；2.年底前建成",
        "1．6月底前完成设计；2．年底前建成",
        "1、6月底前完成设计；2、年底前建成",
        "1）6月底前完成设计；2）年底前建成",
        "一是6月底前完成设计；二是年底前建成",
        "一、6月底前完成设计；二、年底前建成",
    ],
)
def test_every_clause_numbering_style_gives_the_same_milestones(text: str) -> None:
    assert milestones(text) == [
        ("6月底前完成设计", d("2021-06-30")),
        ("年底前建成", d("2021-12-31")),
    ]


def test_full_width_numbering_is_numbering_and_the_milestone_keeps_full_width_digits() -> None:
    assert milestones("１．６月底前完成设计\n２．年底前建成") == [
        ("６月底前完成设计", d("2021-06-30")),
        ("年底前建成", d("2021-12-31")),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("⑩12月底前", [("12月底前", "2021-12-31")]),
        ("⑪3月底前；⑫9月底前", [("3月底前", "2021-03-31"), ("9月底前", "2021-09-30")]),
        ("①10月15日前；②11月底前", [("10月15日前", "2021-10-15"), ("11月底前", "2021-11-30")]),
        ("①2022年6月底前", [("2022年6月底前", "2022-06-30")]),
        ("（10）12月31日前", [("12月31日前", "2021-12-31")]),
        ("三是10月底前", [("10月底前", "2021-10-31")]),
    ],
)
def test_numbering_next_to_a_number_never_joins_it(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert milestones(text) == [(t, d(x)) for t, x in expected]
    assert parse_deadline(text, LEDGER_YEAR).warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2021.12.31", "2021-12-31"), ("12月31日", "2021-12-31"), ("一、二季度", "2021-06-30"),
     ("10月底前", "2021-10-31"), ("2021-6-5", "2021-06-05")],
)  # fmt: skip
def test_dates_that_open_like_numbering_are_still_dates(text: str, expected: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR).deadline == d(expected)


ANYWHERE = ["①②③④⑤⑥⑦⑧", "⑴⑵⑶⑷⑸⑹⑺⑻", "❶❷❸❹❺❻❼❽", "㈠㈡㈢㈣㈤㈥㈦㈧"]
BRACKETED = ["（{}）", "({})"]
AT_CLAUSE_START = ["{}.", "{}、", "{}）", "{}．"]
CHINESE = "一二三四五六七八"


@st.composite
def numbered_month_clauses(draw: st.DrawFn) -> tuple[str, list[int]]:
    """Clauses "<marker><month>月底前完成" joined; bare numbering needs a separator before it."""
    months = draw(st.lists(st.integers(min_value=1, max_value=12), min_size=1, max_size=8))
    style = draw(st.sampled_from(["anywhere", "bracketed", "start", "shi"]))
    if style == "anywhere":
        chars = draw(st.sampled_from(ANYWHERE))
        markers = [chars[i] for i in range(len(months))]
    elif style == "bracketed":
        form = draw(st.sampled_from(BRACKETED))
        chinese = draw(st.booleans())
        markers = [form.format(CHINESE[i] if chinese else i + 1) for i in range(len(months))]
    elif style == "start":
        form = draw(st.sampled_from(AT_CLAUSE_START))
        markers = [form.format(i + 1) for i in range(len(months))]
    else:
        markers = [f"{CHINESE[i]}是" for i in range(len(months))]
    separators = ["；", "，", "\n", "。"] + ([""] if style in ("anywhere", "bracketed") else [])
    separator = draw(st.sampled_from(separators))
    text = separator.join(f"{m}{month}月底前完成" for m, month in zip(markers, months, strict=True))
    return text, months


@given(numbered_month_clauses())
def test_numbered_month_clauses_give_one_milestone_each(clauses: tuple[str, list[int]]) -> None:
    text, months = clauses
    expected = [
        datetime.date(LEDGER_YEAR, month, calendar.monthrange(LEDGER_YEAR, month)[1])
        for month in months
    ]
    result = parse_deadline(text, LEDGER_YEAR)
    assert [m.date for m in result.milestones] == expected
    assert [m.text for m in result.milestones] == [f"{month}月底前完成" for month in months]
    assert result.warnings == ()


# --- seasonal and event terms ----------------------------------------------------------------

TERMS = [
    ("汛期前", "2021-05-31"),
    ("汛前", "2021-05-31"),
    ("入汛前", "2021-05-31"),
    ("汛期来临前", "2021-05-31"),
    ("主汛期前", "2021-06-30"),
    ("春节前", "2021-02-11"),
    ("元旦前", "2021-12-31"),
    ("五一前", "2021-04-30"),
    ("七一前", "2021-06-30"),
    ("国庆前", "2021-09-30"),
    ("国庆节前", "2021-09-30"),
    ("开学前", "2021-08-31"),
    ("秋季开学前", "2021-08-31"),
    ("秋季学期开学前", "2021-08-31"),
    ("春季开学前", "2021-02-28"),
    ("供暖季前", "2021-11-14"),
    ("供暖前", "2021-11-14"),
    ("采暖期前", "2021-11-14"),
    ("供热前", "2021-11-14"),
    ("冬季供暖前", "2021-11-14"),
    ("麦收前", "2021-05-31"),
    ("夏收前", "2021-05-31"),
    ("三夏前", "2021-05-31"),
    ("秋收前", "2021-09-30"),
    ("三秋前", "2021-09-30"),
    ("年中", "2021-06-30"),
    ("年中前", "2021-06-30"),
    ("春季", "2021-05-31"),
    ("夏季", "2021-08-31"),
    ("秋季", "2021-11-30"),
    ("冬季", "2021-12-31"),
    ("春季前", "2021-02-28"),
    ("夏季前", "2021-05-31"),
    ("秋季前", "2021-08-31"),
    ("冬季前", "2021-11-30"),
    ("入冬前", "2021-11-30"),
]


@pytest.mark.parametrize(("term", "expected"), TERMS)
def test_a_seasonal_term_takes_its_default_with_a_warning_naming_it(
    term: str, expected: str
) -> None:
    date = d(expected)
    result = parse_deadline(f"{term}完成", LEDGER_YEAR)
    assert result == DeadlineParse(
        (Milestone(f"{term}完成", date),), date, (f"“{term}”按{date.month}月{date.day}日计",)
    )


@pytest.mark.parametrize(
    ("text", "expected", "warning"),
    [
        ("2022年汛期前", "2022-05-31", "“2022年汛期前”按5月31日计"),
        ("明年汛期前完成", "2022-05-31", "“明年汛期前”按5月31日计"),
        ("2022年春节前", "2022-01-31", "“2022年春节前”按1月31日计"),
        ("2021年中", "2021-06-30", "“2021年中”按6月30日计"),
        ("2022年年中前建成", "2022-06-30", "“2022年年中前”按6月30日计"),
        ("今年年中完成", "2021-06-30", "“今年年中”按6月30日计"),
        ("2020年春季开学前", "2020-02-29", "“2020年春季开学前”按2月29日计"),
    ],
)
def test_a_year_before_a_term_is_used(text: str, expected: str, warning: str) -> None:
    result = parse_deadline(text, LEDGER_YEAR)
    assert result.deadline == d(expected)
    assert result.warnings == (warning,)


def test_a_year_before_a_term_carries_forward() -> None:
    assert [date for _, date in milestones("2022年汛期前完成清淤，年底前完工")] == [
        d("2022-05-31"),
        d("2022-12-31"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("汛期前（5月20日前）完成", "2021-05-20"),
        ("5月20日汛期前完成", "2021-05-20"),
        ("春节前（2月5日）发放到位", "2021-02-05"),
        ("冬季清洁取暖改造10月底前完成", "2021-10-31"),
        ("秋季开学前即8月25日前完工", "2021-08-25"),
    ],
)
def test_an_explicit_date_in_the_clause_wins_over_the_term_without_warning(
    text: str, expected: str
) -> None:
    result = parse_deadline(text, LEDGER_YEAR)
    assert result.deadline == d(expected)
    assert result.warnings == ()


def test_terms_in_separate_clauses_each_give_a_milestone() -> None:
    result = parse_deadline("①汛期前完成河道清淤；②年底前完成堤防加固", LEDGER_YEAR)
    assert result.milestones == (
        Milestone("汛期前完成河道清淤", d("2021-05-31")),
        Milestone("年底前完成堤防加固", d("2021-12-31")),
    )
    assert result.warnings == ("“汛期前”按5月31日计",)


def test_the_same_term_twice_in_a_cell_warns_once() -> None:
    result = parse_deadline("汛期前完成清淤；汛期前完成加固", LEDGER_YEAR)
    assert len(result.milestones) == 2
    assert result.warnings == ("“汛期前”按5月31日计",)


@pytest.mark.parametrize(
    "text",
    ["一年中", "三年中完成", "年中考核", "今年中央资金", "年中旬", "主汛期", "汛期"],
)
def test_words_that_only_look_like_a_term_give_nothing(text: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, ())


@pytest.mark.parametrize(("year", "eve"), [(2021, "2021-02-11"), (2022, "2022-01-31"),
                                           (2023, "2023-01-21"), (2024, "2024-02-09"),
                                           (2034, "2034-02-18")])  # fmt: skip
def test_spring_festival_is_the_eve_of_that_years_spring_festival(year: int, eve: str) -> None:
    assert parse_deadline("春节前", year).deadline == d(eve)


def test_spring_festival_outside_the_table_gives_no_date_but_says_why() -> None:
    assert parse_deadline("春节前完成", 1980) == DeadlineParse(
        (), None, ("“春节前”：1980年春节日期未知，未计日期",)
    )


def test_a_term_in_a_year_beyond_the_calendar_is_an_invalid_date() -> None:
    assert parse_deadline("明年汛期前", 9999).warnings == ("无效日期：明年汛期前",)


@pytest.mark.parametrize(
    "text", ["每月", "每月底前报送", "持续推进", "长期坚持", "常态化", "常态化推进"]
)
def test_recurring_and_open_ended_phrases_give_no_date_and_no_warning(text: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse((), None, ())


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2022年6月底前", "2022-06-30"), ("2022年底前", "2022-12-31"), ("明年3月底前", "2022-03-31"),
     ("2022年汛期前", "2022-05-31"), ("次年6月", "2022-06-30")],
)  # fmt: skip
def test_a_date_in_the_next_year_is_kept_as_written(text: str, expected: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR).deadline == d(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("第一季度", "2021-03-31"), ("第二季度末", "2021-06-30"), ("一季度末", "2021-03-31"),
     ("第三季度", "2021-09-30"), ("第四季度", "2021-12-31"), ("6月上旬", "2021-06-10"),
     ("6月中旬", "2021-06-20"), ("2月下旬", "2021-02-28"), ("上半年", "2021-06-30"),
     ("下半年", "2021-12-31")],
)  # fmt: skip
def test_quarters_halves_and_parts_of_a_month_need_no_warning(text: str, expected: str) -> None:
    assert parse_deadline(text, LEDGER_YEAR) == DeadlineParse(
        (Milestone(text, d(expected)),), d(expected), ()
    )


@given(
    st.sampled_from(SEASONAL_TERMS),
    st.integers(min_value=1990, max_value=2050),
    st.sampled_from(["", "完成", "全面完成", "建成"]),
)
def test_any_term_in_any_year_takes_its_documented_default(
    term: SeasonalTerm, year: int, tail: str
) -> None:
    text = f"{term.name}{tail}"
    result = parse_deadline(text, year)
    if term.name == "春节前":
        expected = spring_festival_eve(year)
    else:
        day = term.day or calendar.monthrange(year, term.month)[1]
        expected = datetime.date(year, term.month, day)
    assert expected is not None
    assert result.milestones == (Milestone(text, expected),)
    assert result.warnings == (f"“{term.name}”按{expected.month}月{expected.day}日计",)
