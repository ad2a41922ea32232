"""`taizhang.daytime.time_of_day`: the times of day of TAIZHANG_BACKUP_AT and TAIZHANG_REMIND_AT."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.daytime import time_of_day

minutes_of_day = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@given(minutes_of_day)
def test_every_minute_of_the_day_reads_back_written_with_or_without_the_leading_zero(
    moment: datetime.time,
) -> None:
    assert time_of_day(moment.strftime("%H:%M")) == moment
    assert time_of_day(f"{moment.hour}:{moment.minute:02d}") == moment


@given(st.integers(24, 99), st.integers(0, 59))
def test_hours_past_23_are_refused(hour: int, minute: int) -> None:
    with pytest.raises(ValueError, match=f"'{hour}:{minute:02d}'"):
        time_of_day(f"{hour}:{minute:02d}")


@given(st.integers(0, 23), st.integers(60, 99))
def test_minutes_past_59_are_refused(hour: int, minute: int) -> None:
    with pytest.raises(ValueError, match=f"'{hour}:{minute}'"):
        time_of_day(f"{hour}:{minute}")


@pytest.mark.parametrize(
    "text",
    [
        "24:00",
        "2:60",
        "abc",
        "",
        "2:5",
        "02:30:00",
        "0230",
        " 02:30",
        "02:30\n",
        "２:３０",
        "-1:30",
    ],
)
def test_what_is_not_a_time_of_day_is_refused_naming_it(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        time_of_day(text)
    assert repr(text) in str(refused.value)


@given(st.text(max_size=8))
def test_any_text_is_a_time_of_day_or_refused_with_a_value_error(text: str) -> None:
    try:
        moment = time_of_day(text)
    except ValueError:
        return
    assert time_of_day(moment.strftime("%H:%M")) == moment
    assert text in (moment.strftime("%H:%M"), f"{moment.hour}:{moment.minute:02d}")
