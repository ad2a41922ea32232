"""`taizhang check` (and every command that runs the system checks: `serve`, `migrate`,
`run_huey`) refuses a schedule's time of day that cannot be read, in Chinese."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.checks import Error, run_checks

from taizhang.jobs.checks import BAD_TIME_OF_DAY


def refused(settings: Any, **values: str) -> list[Error]:
    for name, value in values.items():
        setattr(settings, name, value)
    return [m for m in run_checks() if m.id == BAD_TIME_OF_DAY and isinstance(m, Error)]


@pytest.mark.parametrize("name", ["TAIZHANG_BACKUP_AT", "TAIZHANG_REMIND_AT"])
@pytest.mark.parametrize("value", ["24:00", "2:60", "abc", ""])
def test_a_time_of_day_that_cannot_be_read_is_an_error_naming_the_setting(
    settings: Any, name: str, value: str
) -> None:
    (error,) = refused(settings, **{name: value})
    assert name in error.msg and repr(value) in error.msg
    assert "不是有效的时刻" in error.msg and "00:00 到 23:59" in str(error.hint)


def test_good_times_of_day_pass(settings: Any) -> None:
    assert refused(settings, TAIZHANG_BACKUP_AT="2:30", TAIZHANG_REMIND_AT="08:30") == []


def test_both_bad_are_both_reported(settings: Any) -> None:
    errors = refused(settings, TAIZHANG_BACKUP_AT="25:00", TAIZHANG_REMIND_AT="8.30")
    assert ["TAIZHANG_BACKUP_AT" in e.msg for e in errors] == [True, False]
