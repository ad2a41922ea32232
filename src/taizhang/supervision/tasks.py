"""The queue's jobs of supervision (`taizhang run_huey` finds this module as the app's
`tasks`): lighting, every ten minutes, the rounds closed before each task's light was kept
at the close (`history.round_lights_fill`), work too long for the task page that shows them."""

from __future__ import annotations

from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from taizhang.supervision.history import round_lights_fill


def _fill() -> None:
    round_lights_fill()


# huey has no type hints: its task is typed here, once.
round_lights_task: Any = db_periodic_task(crontab(minute="*/10"), name="round_lights_fill")(_fill)
