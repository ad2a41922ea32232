"""The lights: every rule with its reason in words, and the boundaries of each threshold."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.supervision.lights import LightInput, elapsed_percent, light

AS_OF = datetime.date(2021, 11, 5)
D = datetime.date


def colour(**kwargs: object) -> tuple[str, tuple[str, ...]]:
    task = LightInput(
        **{"status": "in_progress", "deadline": D(2021, 12, 31), "year": 2021, **kwargs}
    )  # type: ignore[arg-type]
    result = light(task, AS_OF)
    return result.colour, tuple(result.reason_texts)


def test_a_completed_task_is_apart_even_past_its_deadline() -> None:
    assert colour(status="completed", deadline=D(2021, 5, 31)) == ("completed", ("已完成",))


def test_past_the_deadline_and_not_completed_is_red_with_the_days() -> None:
    assert colour(deadline=D(2021, 10, 31)) == (
        "red",
        ("已超过完成时限（2021-10-31）5天，尚未完成",),
    )


def test_lagging_is_red() -> None:
    assert colour(status="lagging") == ("red", ("推进缓慢",))


def test_lagging_and_overdue_gives_both_reasons() -> None:
    assert colour(status="lagging", deadline=D(2021, 6, 30))[1] == (
        "已超过完成时限（2021-06-30）128天，尚未完成",
        "推进缓慢",
    )


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (D(2021, 11, 5), "yellow"),  # due today
        (D(2021, 12, 5), "yellow"),  # exactly 30 days
        (D(2021, 12, 6), "green"),  # 31 days
        (D(2021, 11, 4), "red"),  # yesterday
    ],
)
def test_the_warning_window_boundaries(deadline: datetime.date, expected: str) -> None:
    assert colour(deadline=deadline)[0] == expected


def test_within_the_window_says_how_many_days_are_left() -> None:
    assert colour(deadline=D(2021, 11, 20)) == ("yellow", ("距完成时限（2021-11-20）还有15天",))


def test_behind_the_pace_is_yellow_with_both_figures() -> None:
    # 2021-11-05 is 84.6% of 2021; 70% of the target reached is 14.6 points behind.
    assert colour(percents=(Decimal("70"),)) == (
        "yellow",
        ("落后序时进度：时间已过84.6%，目标完成70%",),
    )


def test_within_the_pace_margin_is_green() -> None:
    assert colour(percents=(Decimal("77.8"),))[0] == "green"  # 6.8 points behind


def test_the_most_behind_indicator_counts() -> None:
    assert colour(percents=(Decimal("100"), Decimal("50")))[0] == "yellow"


def test_no_report_in_the_open_round_is_yellow_and_no_round_says_nothing() -> None:
    assert colour(reported=False) == ("yellow", ("尚未报送进展",))
    assert colour(reported=True)[0] == "green"
    assert colour(reported=None)[0] == "green"


def test_not_started_is_yellow() -> None:
    assert colour(status="not_started") == ("yellow", ("尚未启动",))


def test_no_deadline_and_no_status_is_green() -> None:
    assert colour(status=None, deadline=None) == ("green", ("按序时推进",))


def test_thresholds_are_settings() -> None:
    task = LightInput(
        status="in_progress", deadline=D(2021, 12, 31), year=2021, percents=(Decimal("70"),)
    )
    assert light(task, AS_OF, pace_margin=Decimal("20")).colour == "green"
    assert light(task, AS_OF, warn_days=60, pace_margin=Decimal("20")).colour == "yellow"


def test_elapsed_percent() -> None:
    assert elapsed_percent(2021, D(2021, 12, 31), D(2021, 1, 1)) == Decimal("0.0")
    assert elapsed_percent(2021, D(2021, 12, 31), D(2021, 11, 5)) == Decimal("84.6")
    assert elapsed_percent(2021, D(2021, 12, 31), D(2022, 3, 1)) == Decimal("100.0")
    assert elapsed_percent(2021, D(2021, 1, 1), D(2021, 1, 1)) == Decimal(100)


@given(
    st.sampled_from([None, "completed", "in_progress", "lagging", "not_started"]),
    st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2023, 12, 31))),
    st.lists(st.decimals(0, 200, places=1), max_size=3),
    st.sampled_from([None, True, False]),
    st.dates(D(2021, 1, 1), D(2022, 12, 31)),
)
def test_every_light_has_a_colour_and_a_reason(
    status: str | None,
    deadline: datetime.date | None,
    percents: list[Decimal],
    reported: bool | None,
    as_of: datetime.date,
) -> None:
    result = light(LightInput(status, deadline, 2021, tuple(percents), reported), as_of)
    assert result.colour in {"red", "yellow", "green", "completed"} and result.reasons
    assert (result.colour == "completed") == (status == "completed")
    if status != "completed" and deadline is not None and deadline < as_of:
        assert result.colour == "red"


# --- nothing ever reported (new-user walk: empty progress showed 绿灯) -------------------------


def test_no_progress_and_no_status_is_yellow_not_reported() -> None:
    assert colour(status=None, has_progress=False) == ("yellow", ("尚未报送进展",))
    assert colour(status=None, deadline=None, has_progress=False)[0] == "yellow"


def test_no_progress_and_no_status_is_said_once_in_an_open_round() -> None:
    assert colour(status=None, has_progress=False, reported=False) == (
        "yellow",
        ("尚未报送进展",),
    )


def test_no_progress_but_a_status_follows_the_status() -> None:
    assert colour(status="in_progress", has_progress=False)[0] == "green"
    assert colour(status="lagging", has_progress=False)[0] == "red"
    assert colour(status="completed", has_progress=False)[0] == "completed"


def test_no_progress_past_the_deadline_is_red() -> None:
    assert colour(status=None, deadline=D(2021, 10, 31), has_progress=False)[0] == "red"


@given(
    st.sampled_from([None, "completed", "in_progress", "lagging", "not_started"]),
    st.one_of(st.none(), st.dates(D(2020, 1, 1), D(2023, 12, 31))),
    st.booleans(),
    st.dates(D(2021, 1, 1), D(2022, 12, 31)),
)
def test_thresholds_agree_with_the_light_when_nothing_was_reported(
    status: str | None, deadline: datetime.date | None, has_progress: bool, as_of: datetime.date
) -> None:
    from taizhang.supervision.lights import colour_on, thresholds

    task = LightInput(status, deadline, 2021, (), None, has_progress)
    found = thresholds(task, warn_days=30, pace_margin=Decimal("10"))
    assert colour_on(found, as_of) == light(task, as_of).colour


@pytest.mark.parametrize("reported", [None, True, False])
@pytest.mark.parametrize("deadline", [None, datetime.date(2026, 3, 10), datetime.date(2026, 12, 1)])
@pytest.mark.parametrize("percents", [(), (Decimal("5"),), (Decimal("95"),)])
def test_a_yellow_lights_first_reason_is_that_of_the_task_not_reported(
    reported: bool | None, deadline: datetime.date | None, percents: tuple[Decimal, ...]
) -> None:
    from dataclasses import replace

    from taizhang.supervision.lights import YELLOW, first_reason

    task = LightInput("in_progress", deadline, 2026, percents, reported=reported)
    as_of = datetime.date(2026, 2, 20)
    unreported = replace(task, reported=False)
    assert first_reason(YELLOW, task, as_of) == first_reason(YELLOW, unreported, as_of)
    assert first_reason(YELLOW, unreported, as_of) == light(unreported, as_of).reasons[0]
