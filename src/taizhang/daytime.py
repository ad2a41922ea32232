"""A time of day as operators write it in the settings ("02:30", "2:30"): the one parser of
TAIZHANG_BACKUP_AT and TAIZHANG_REMIND_AT, used when the schedules run and by the system
check that refuses a bad value at start (`jobs/checks.py`). Pure: no Django."""

from __future__ import annotations

import datetime
import re

# Hours 0-23 with or without a leading zero, minutes always two digits; ASCII digits only
# (`\d` would take other scripts' digits too).
TIME_OF_DAY = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", re.ASCII)


def time_of_day(text: str) -> datetime.time:
    """The time of day of "H:MM" or "HH:MM" (00:00 to 23:59); ValueError naming `text` for
    anything else ("24:00", "2:60", "2:5", "abc", "", surrounding spaces)."""
    match = TIME_OF_DAY.fullmatch(text)
    if match is None:
        raise ValueError(f"not a time of day H:MM or HH:MM from 00:00 to 23:59: {text!r}")
    return datetime.time(int(match[1]), int(match[2]))
