"""The daily schedule, run by the queue's worker (huey's scheduler, `periodic` on in
settings.HUEY; no cron entry): reminders of rounds near or past their due date, and tasks
whose light turned red as a date passed. Plain functions of the day do the work, so that a
test runs them for any day.

The periodic tasks below run every `EVERY_MINUTES` and do the day's work once the local time
is past settings.TAIZHANG_REMIND_AT: not only in that minute, which huey does not catch up
(a worker down at 08:30, or started at 09:00, would lose the day's reminders). Running again
the same day writes nothing twice: each unit gets each kind of reminder once a day, and each
red episode is told once."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from taizhang.daytime import time_of_day
from taizhang.notify.events import BATCH, tasks_red_notify
from taizhang.notify.models import Notification, Reminder
from taizhang.notify.services import reminders_due_send
from taizhang.reporting.models import Round
from taizhang.supervision.models import TaskState

# A light that turned red on a day the schedule did not run (the worker was down) is still
# told within this many days; older ones are left, as no longer news.
RED_LOOKBACK_DAYS = 7


def reminder_kind(due: datetime.date, today: datetime.date) -> str | None:
    """The kind of scheduled reminder a round due on `due` takes on `today`: before (on each
    of settings.TAIZHANG_REMIND_DAYS_BEFORE), due (on the day), overdue (every day after);
    None on other days."""
    days = (due - today).days
    if days < 0:
        return Reminder.Kind.OVERDUE
    if days == 0:
        return Reminder.Kind.DUE
    if days in settings.TAIZHANG_REMIND_DAYS_BEFORE:
        return Reminder.Kind.BEFORE
    return None


def round_reminders_due(today: datetime.date) -> list[Reminder]:
    """Remind, for every open round, the units that have not reported, if `today` is a day
    to (`reminder_kind`); each unit once per kind and day however often this runs. Returns
    the reminders written."""
    written: list[Reminder] = []
    for round_ in Round.objects.filter(closed_at__isnull=True).order_by("pk"):
        kind = reminder_kind(round_.due_date, today)
        if kind is not None:
            written += reminders_due_send(round_=round_, kind=kind, today=today)
    return written


def red_tasks_check(today: datetime.date) -> list[Notification]:
    """Notify the tasks and sub-items (taking reports) whose light is red on `today` and
    turned red within RED_LOOKBACK_DAYS: those turned red as a date passed, with no write
    that would have told (`supervision.state.states_refresh` tells those). Once per red
    episode, like the services' (the same key). Returns the notifications written."""
    states = TaskState.objects.filter(
        completed=False,
        split=False,
        red_from__lte=today,
        red_from__gt=today - datetime.timedelta(days=RED_LOOKBACK_DAYS),
        task__removed_at__isnull=True,
    ).order_by("task_id")
    red = [(task, day) for task, day in states.values_list("task_id", "red_from") if day]
    written: list[Notification] = []
    for start in range(0, len(red), BATCH):
        written += tasks_red_notify(red[start : start + BATCH])
    return written


EVERY_MINUTES = 10


def day_due(now: datetime.datetime) -> datetime.date | None:
    """The local day whose schedule is due at the moment `now`: today once the local time is
    at or past TAIZHANG_REMIND_AT, else None (not yet)."""
    local = timezone.localtime(now)
    if local.time() < time_of_day(settings.TAIZHANG_REMIND_AT):
        return None
    return local.date()


def round_reminders_now(now: datetime.datetime | None = None) -> list[Reminder]:
    """The rounds' reminders of today, once past TAIZHANG_REMIND_AT (the periodic task's
    work): those not written yet."""
    day = day_due(now or timezone.now())
    return round_reminders_due(day) if day is not None else []


def red_tasks_now(now: datetime.datetime | None = None) -> list[Notification]:
    """Tasks turned red as a date passed, once past TAIZHANG_REMIND_AT (the periodic task's
    work): those not told yet."""
    day = day_due(now or timezone.now())
    return red_tasks_check(day) if day is not None else []


def _round_reminders() -> None:
    round_reminders_now()


def _red_tasks() -> None:
    red_tasks_now()


# huey has no type hints: its periodic tasks are typed here, once. Every EVERY_MINUTES; the
# worker's scheduler enqueues them (settings.HUEY's `periodic`).
_EVERY = crontab(minute=f"*/{EVERY_MINUTES}")
round_reminders_task: Any = db_periodic_task(_EVERY, name="round_reminders_due")(_round_reminders)
red_tasks_task: Any = db_periodic_task(_EVERY, name="red_tasks_check")(_red_tasks)
