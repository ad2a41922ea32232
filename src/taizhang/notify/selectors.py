"""Reads of notify, scoped by accounts.access and in a fixed number of queries: a user's
notifications (the bell), the units a round waits for with their contacts and 催办 so far,
and what a unit's 催办单 says. And the deliveries that failed, for the office."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from taizhang.accounts.access import AnyUser, visible_notifications
from taizhang.documents.write_reminder import ReminderSheet, SheetTask
from taizhang.ledger.models import Task, TaskUnit, Unit
from taizhang.notify import wording
from taizhang.notify.models import Delivery, Notification, Reminder
from taizhang.prepared import Prepared
from taizhang.reporting.models import Report, ReportState, Round, snapshot_deferred
from taizhang.reporting.selectors import missing_units, split_tasks
from taizhang.supervision.bulletin import DEFAULT_ISSUER, chinese_date
from taizhang.supervision.selectors import display_number


def user_notifications(user: AnyUser) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return visible_notifications(user, Notification.objects.all()).order_by("-created_at", "-pk")


def _unread_query(user_id: int) -> QuerySet[Notification, tuple[int]]:
    unread = user_notifications(User(pk=user_id)).filter(read_at__isnull=True)
    return unread.order_by().values("user_id").annotate(unread=Count("pk")).values_list("unread")


# The bell's count on every page, compiled once (`Prepared`).
_UNREAD = Prepared(_unread_query)


def unread_count(user: AnyUser) -> int:
    """How many of the user's notifications are unread (one query; none for no one)."""
    if not user.is_authenticated:
        return 0
    found = _UNREAD.rows(user.pk)
    return int(found[0][0]) if found else 0


@dataclass
class WaitingUnit:
    """A unit with something still to report in a round: its contacts (on `unit`) and the
    days the office reminded it (催办), oldest first."""

    unit: Unit
    reminded_on: list[datetime.datetime] = field(default_factory=list)


def round_waiting_units(round_: Round) -> list[WaitingUnit]:
    """The units that have not reported in the round (`reporting.selectors.missing_units`),
    with the office's reminders of each: two queries whatever the number of units."""
    units = missing_units(round_)
    reminded: dict[int, list[datetime.datetime]] = defaultdict(list)
    rows = Reminder.objects.filter(
        round=round_, kind=Reminder.Kind.MANUAL, unit_id__in=[u.pk for u in units]
    ).order_by("created_at", "pk")
    for unit_id, created_at in rows.values_list("unit_id", "created_at"):
        reminded[unit_id].append(timezone.localtime(created_at))
    return [WaitingUnit(unit, reminded.get(unit.pk, [])) for unit in units]


def unit_missing_tasks(round_: Round, unit: Unit) -> list[Task]:
    """The tasks and sub-items a unit still has to report on in the round, in the ledger's
    order (as `missing_units` counts them: the reportable ones it serves, a sub-item naming
    no unit by its task's, with no report of the unit in the round but returned ones)."""
    reported = Report.objects.filter(round=round_, unit=unit).exclude(
        state__in=[ReportState.RETURNED, ReportState.SUPERSEDED]
    )
    reportable = (
        Task.objects.filter(ledger_id=round_.ledger_id, removed_at__isnull=True)
        .exclude(split_tasks())
        .exclude(Exists(reported.filter(task_id=OuterRef("pk"))))
    )
    own = Exists(TaskUnit.objects.filter(task=OuterRef("pk"), unit=unit))
    named = Exists(TaskUnit.objects.filter(task=OuterRef("pk")))
    inherited = Exists(TaskUnit.objects.filter(task=OuterRef("parent_id"), unit=unit))
    tasks = reportable.filter(Q(own) | Q(~named, inherited, parent__isnull=False))
    return list(tasks.select_related("parent").order_by("order", "pk"))


def reminder_sheet(round_: Round, unit: Unit) -> ReminderSheet:
    """What the unit's 催办单 for the round says, with the message of the office's latest
    催办 of it, if any."""
    latest = (
        Reminder.objects.filter(round=round_, unit=unit, kind=Reminder.Kind.MANUAL)
        .exclude(message="")
        .order_by(F("created_at").desc(), "-pk")
        .first()
    )
    tasks = unit_missing_tasks(round_, unit)
    today = timezone.localdate()
    return ReminderSheet(
        unit=unit.name,
        lead=wording.sheet_lead(round_, len(tasks), today),
        tasks=tuple(SheetTask(display_number(task), task.goal) for task in tasks),
        message=wording.message_line(latest.message) if latest else "",
        issuer=DEFAULT_ISSUER,
        date=chinese_date(today),
    )


TROUBLE = (Delivery.State.RETRYING, Delivery.State.FAILED)
# The office's page shows the most recent ones; the count says how many in all.
PAGE_SIZE = 200


def failed_deliveries() -> QuerySet[Delivery]:
    """Deliveries that failed: retrying (with their next attempt) or given up, the newest
    failures first, with what the page shows loaded in the same query."""
    return (
        Delivery.objects.filter(state__in=TROUBLE)
        .select_related("unit", "notification__user", "reminder__round")
        .defer(*snapshot_deferred("reminder__round__"))
        .order_by("-state", "next_attempt_at", "-pk")
    )


def failed_deliveries_count() -> int:
    """How many deliveries failed (retrying or given up): the office's home page shows it."""
    return Delivery.objects.filter(state__in=TROUBLE).count()
