"""A light as dates (`thresholds`, `combined`, `colour_on`) gives the colour `light` and
`with_subitems` give, on every day: the dashboard counts lights in the database from them."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from taizhang.supervision.lights import (
    ALWAYS,
    COMPLETED,
    GREEN,
    RED,
    YELLOW,
    LightInput,
    Thresholds,
    colour_on,
    combined,
    first_reason,
    light,
    pace_from,
    thresholds,
    with_subitems,
)

YEAR = 2021
days = st.dates(datetime.date(2019, 6, 1), datetime.date(2023, 6, 1))
statuses = st.sampled_from([None, "completed", "in_progress", "lagging", "not_started"])
percents = st.lists(
    st.decimals(Decimal(0), Decimal(150), places=1, allow_nan=False), max_size=3
).map(tuple)
inputs = st.builds(
    LightInput,
    status=statuses,
    deadline=st.none() | days,
    year=st.just(YEAR),
    percents=percents,
    reported=st.sampled_from([None, True, False]),
)
margins = st.decimals(Decimal(0), Decimal(100), places=1, allow_nan=False)
warn = st.integers(0, 400)


@given(inputs, days, warn, margins)
def test_the_dates_give_the_colour_of_light_on_any_day(
    task: LightInput, day: datetime.date, warn_days: int, margin: Decimal
) -> None:
    expected = light(task, day, warn_days=warn_days, pace_margin=margin).colour
    found = thresholds(task, warn_days=warn_days, pace_margin=margin)
    assert colour_on(found, day, unreported=task.reported is False) == expected


@given(inputs, st.lists(inputs, min_size=1, max_size=4), days, warn, margins)
def test_a_split_task_combines_its_subitems_as_with_subitems_does(
    own: LightInput, subs: list[LightInput], day: datetime.date, warn_days: int, margin: Decimal
) -> None:
    own = LightInput(own.status, own.deadline, YEAR)  # a split task takes no report
    lit = [light(sub, day, warn_days=warn_days, pace_margin=margin) for sub in subs]
    expected = with_subitems(
        light(own, day, warn_days=warn_days, pace_margin=margin),
        [(str(k), one) for k, one in enumerate(lit)],
    ).colour
    found = combined(
        thresholds(own, warn_days=warn_days, pace_margin=margin),
        [thresholds(sub, warn_days=warn_days, pace_margin=margin) for sub in subs],
    )
    open_unreported = any(
        sub.reported is False and one.colour != COMPLETED
        for sub, one in zip(subs, lit, strict=True)
    )
    assert colour_on(found, day, unreported=open_unreported) == expected


def test_behind_the_pace_from_the_first_day_the_time_gone_passes_the_margin() -> None:
    # Deadline Dec 31: 10% reached with a 10-point margin is behind once over 20% has gone.
    first = pace_from(YEAR, datetime.date(YEAR, 12, 31), Decimal(10), Decimal(10))
    assert first == datetime.date(YEAR, 3, 15)  # 73 of 364 days: 20.1%
    lit = LightInput("in_progress", datetime.date(YEAR, 12, 31), YEAR, (Decimal(10),))
    assert light(lit, first - datetime.timedelta(days=1), warn_days=0).colour == GREEN
    assert light(lit, first, warn_days=0).colour == YELLOW


def test_never_behind_the_pace_when_the_target_is_met_or_the_deadline_is_new_year() -> None:
    assert pace_from(YEAR, datetime.date(YEAR, 12, 31), Decimal(95), Decimal(10)) is None
    assert pace_from(YEAR, datetime.date(YEAR, 1, 1), Decimal(0), Decimal(10)) == ALWAYS
    assert pace_from(YEAR, datetime.date(YEAR, 1, 1), Decimal(95), Decimal(10)) is None


def test_marked_statuses_hold_on_every_day() -> None:
    assert thresholds(
        LightInput("completed", None, YEAR), warn_days=30, pace_margin=Decimal(10)
    ) == (Thresholds(completed=True))
    lagging = thresholds(LightInput("lagging", None, YEAR), warn_days=30, pace_margin=Decimal(10))
    assert colour_on(lagging, datetime.date(1990, 1, 1)) == RED
    late = thresholds(
        LightInput(None, datetime.date(YEAR, 6, 30), YEAR), warn_days=30, pace_margin=Decimal(10)
    )
    assert late == Thresholds(False, datetime.date(YEAR, 7, 1), datetime.date(YEAR, 5, 31))
    assert colour_on(late, datetime.date(YEAR, 5, 30)) == GREEN
    assert colour_on(late, datetime.date(YEAR, 5, 30), unreported=True) == YELLOW


def test_a_deadline_at_the_end_of_time_never_turns_red() -> None:
    found = thresholds(
        LightInput(None, datetime.date.max, YEAR), warn_days=30, pace_margin=Decimal(10)
    )
    assert found.red_from is None
    assert colour_on(found, datetime.date(9999, 12, 31)) == YELLOW


@given(inputs, days, warn, margins)
def test_the_first_reason_from_the_stored_state_is_the_lights_first_reason(
    task: LightInput, day: datetime.date, warn_days: int, pace_margin: Decimal
) -> None:
    """What a list row shows (`first_reason`, from the colour the database counted and the
    stored facts: the lowest percentage only, no report) is what `light` gives first."""
    found = light(task, day, warn_days=warn_days, pace_margin=pace_margin)
    stored = replace(task, percents=(min(task.percents),) if task.percents else (), reported=None)
    first = first_reason(found.colour, stored, day, warn_days=warn_days, pace_margin=pace_margin)
    assert first == found.reasons[0]
