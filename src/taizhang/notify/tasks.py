"""The queue's jobs for notifications: sending a batch of deliveries, and the sweep every
minute of the deliveries whose time has come. Each calls a plain function of
`notify.delivery`, tested directly; `taizhang run_huey` finds this module as the app's
`tasks`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from taizhang.notify import schedule  # noqa: F401  (its periodic tasks: the reminders)
from taizhang.notify.delivery import deliveries_send, deliveries_sweep


def _send(ids: list[int]) -> None:
    deliveries_send(ids)


def _sweep() -> None:
    deliveries_sweep()


# huey has no type hints: its tasks are typed here, once.
deliveries_send_task: Any = db_task(name="notify_deliveries_send")(_send)
deliveries_sweep_task: Any = db_periodic_task(crontab(minute="*"), name="notify_deliveries_sweep")(
    _sweep
)


def deliveries_enqueue(ids: Sequence[int]) -> None:
    """Queue the sending of deliveries `ids`, TAIZHANG_NOTIFY_BATCH a message (in immediate
    mode, TAIZHANG_QUEUE_IMMEDIATE=1, they are sent now)."""
    size = max(1, settings.TAIZHANG_NOTIFY_BATCH)
    for start in range(0, len(ids), size):
        deliveries_send_task(list(ids[start : start + size]))
