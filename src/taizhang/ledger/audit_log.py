"""Reading the audit trail (AuditEvent): the office's page and its export, filtered by date
range, user and action, newest first. Reads only: the trail is written by
`ledger.services.audit.audit_record` and is never changed or deleted from the web or the
admin."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from taizhang.ledger.audit_details import action_label, audit_details, details_text
from taizhang.ledger.audit_kinds import ACTION_LABELS
from taizhang.ledger.models import AuditEvent

__all__ = ["ACTION_LABELS", "AuditFilters", "action_label", "audit_events", "audit_rows"]


@dataclass(frozen=True)
class AuditFilters:
    """Which events: from `since` to `until` (local dates, both included), by the user named
    `user` (user name, or display name; "" anyone), of `action` ("" any)."""

    since: datetime.date | None = None
    until: datetime.date | None = None
    user: str = ""
    action: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events(filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events the filters select, newest first, with their actor and ledger joined (one
    query for any number of rows; indexes on (action, at) and (actor, at))."""
    events = AuditEvent.objects.select_related("actor", "actor__profile", "ledger").only(
        "at",
        "action",
        "data",
        "actor__username",
        "actor__profile__display_name",
        "ledger__title",
    )
    if filters.since is not None:
        events = events.filter(at__gte=_day_start(filters.since))
    if filters.until is not None:
        events = events.filter(at__lt=_day_start(filters.until + datetime.timedelta(days=1)))
    if filters.user:
        events = events.filter(
            Q(actor__username__iexact=filters.user) | Q(actor__profile__display_name=filters.user)
        )
    if filters.action:
        events = events.filter(action=filters.action)
    return events.order_by("-at", "-id")


def audit_actions() -> list[str]:
    """The actions the filter offers: every action Taizhang records (each has its name in
    `ACTION_LABELS`, which a test holds), sorted. Not a DISTINCT over the trail, which reads
    every row on each page view once the trail is long."""
    return sorted(ACTION_LABELS)


def actor_name(event: AuditEvent) -> str:
    """Who did it: the display name and user name, or 系统 for the system's own work."""
    actor = event.actor
    if actor is None:
        return str(_("系统"))
    profile = getattr(actor, "profile", None)
    shown = profile.display_name if profile is not None else ""
    return f"{shown}（{actor.username}）" if shown else actor.username


def audit_rows(filters: AuditFilters, *, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The export's rows, header first, read in chunks (memory does not grow with the trail);
    the details in words as on the page, the objects they name read a chunk at a time."""
    yield [str(_("时间")), str(_("用户")), str(_("操作")), str(_("操作代码")), str(_("台账")),
           str(_("内容"))]  # fmt: skip
    events = audit_events(filters).iterator(chunk_size=chunk_size)
    while chunk := list(islice(events, chunk_size)):
        for event, details in zip(chunk, audit_details(chunk), strict=True):
            yield [
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                actor_name(event),
                action_label(event.action),
                event.action,
                event.ledger.title if event.ledger is not None else "",
                details_text(details),
            ]
