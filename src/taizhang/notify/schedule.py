"""The daily schedule, run by the queue's worker (huey's scheduler, `periodic` on in
settings.HUEY; no cron entry): reminders of rounds near or past their due date, and tasks
whose light turned red as a date passed. Plain functions of the day do the work, so that a
test runs them for any day; the periodic tasks below call them for today, at
settings.TAIZHANG_REMIND_AT (local time)."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

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


def remind_crontab(at: str, zone: str) -> dict[str, int]:
    """The UTC hour and minute (huey's scheduler keeps UTC) of a local time "HH:MM" in the
    time zone `zone` (its offset today; China keeps no summer time)."""
    hour, minute = (int(part) for part in at.split(":"))
    tz = zoneinfo.ZoneInfo(zone)
    local = datetime.datetime.combine(
        datetime.datetime.now(tz).date(), datetime.time(hour, minute), tzinfo=tz
    )
    utc = local.astimezone(datetime.UTC)
    return {"hour": utc.hour, "minute": utc.minute}


def round_reminders_today() -> None:
    """The rounds' reminders of today (the periodic task's work)."""
    round_reminders_due(timezone.localdate())


def red_tasks_today() -> None:
    """Tasks turned red today as a date passed (the periodic task's work)."""
    red_tasks_check(timezone.localdate())


_AT = {
    name: str(value)
    for name, value in remind_crontab(settings.TAIZHANG_REMIND_AT, settings.TIME_ZONE).items()
}
# huey has no type hints: its periodic tasks are typed here, once. Daily at
# TAIZHANG_REMIND_AT; the worker's scheduler enqueues them (settings.HUEY's `periodic`).
round_reminders_task: Any = db_periodic_task(crontab(**_AT), name="round_reminders_due")(
    round_reminders_today
)
red_tasks_task: Any = db_periodic_task(crontab(**_AT), name="red_tasks_check")(red_tasks_today)
