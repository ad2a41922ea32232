"""Tests for taizhang.chinese.seasons: the seasonal terms' defaults and the 春节 table."""

import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.dates import parse_deadline
from taizhang.chinese.seasons import (
    SEASONAL_TERMS,
    SPRING_FESTIVAL,
    SPRING_FESTIVAL_YEARS,
    SeasonalTerm,
    spring_festival_eve,
)

RULES = Path(__file__).resolve().parents[2] / "docs" / "chinese-rules.md"


def documented_defaults() -> dict[str, str]:
    """{term: default} from the seasonal terms table of docs/chinese-rules.md."""
    text = RULES.read_text(encoding="utf-8")
    table = text.split("### Seasonal and event terms", 1)[1].split("\n### ", 1)[0]
    rows = [line.split("|")[1:-1] for line in table.splitlines() if line.startswith("| ")]
    return {row[0].strip(): row[2].strip() for row in rows if len(row) == 4}


def default_text(term: SeasonalTerm) -> str:
    if term.name == SPRING_FESTIVAL:
        return "除夕"
    return f"{term.month}月{'末日' if term.day is None else f'{term.day}日'}"


@pytest.mark.parametrize("term", SEASONAL_TERMS, ids=lambda t: t.name)
def test_every_term_and_its_default_is_documented(term: SeasonalTerm) -> None:
    assert documented_defaults().get(term.name) == default_text(term)


def test_every_documented_term_is_a_term_the_reader_knows() -> None:
    names = {term.name for term in SEASONAL_TERMS}
    assert set(documented_defaults()) - {"term", "---"} == names


@pytest.mark.parametrize("term", SEASONAL_TERMS, ids=lambda t: t.name)
def test_every_term_finds_its_own_name(term: SeasonalTerm) -> None:
    result = parse_deadline(term.name, 2021)
    assert len(result.milestones) == 1
    assert result.warnings and term.name in result.warnings[0]


@pytest.mark.parametrize(
    ("year", "day"),
    [(1990, "1990-01-27"), (2000, "2000-02-05"), (2008, "2008-02-07"), (2020, "2020-01-25"),
     (2021, "2021-02-12"), (2022, "2022-02-01"), (2023, "2023-01-22"), (2024, "2024-02-10"),
     (2025, "2025-01-29"), (2026, "2026-02-17"), (2034, "2034-02-19"), (2050, "2050-01-23")],
)  # fmt: skip
def test_spring_festival_eve_is_the_day_before_that_years_spring_festival(
    year: int, day: str
) -> None:
    festival = datetime.date.fromisoformat(day)
    assert spring_festival_eve(year) == festival - datetime.timedelta(days=1)


@given(st.sampled_from(SPRING_FESTIVAL_YEARS))
def test_spring_festival_falls_between_january_21_and_february_20(year: int) -> None:
    eve = spring_festival_eve(year)
    assert eve is not None
    festival = eve + datetime.timedelta(days=1)
    assert datetime.date(year, 1, 21) <= festival <= datetime.date(year, 2, 20)


@given(st.sampled_from(SPRING_FESTIVAL_YEARS[1:]))
def test_spring_festivals_are_a_whole_number_of_lunar_months_apart(year: int) -> None:
    this, last = spring_festival_eve(year), spring_festival_eve(year - 1)
    assert this is not None and last is not None
    days = (this - last).days
    assert days in (353, 354, 355, 383, 384, 385)  # 12 or 13 lunar months


@pytest.mark.parametrize("year", [1, 1989, 2051, 9999])
def test_spring_festival_outside_the_table_is_unknown(year: int) -> None:
    assert spring_festival_eve(year) is None
