"""Scoped reads the API needs that the shared selectors do not offer yet. Every decision of who
may see what is still taken by accounts.access (`can_read_ledgers`, `visible_tasks`); these
only compose it with the reporting tables, in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from taizhang.accounts import access
from taizhang.accounts.access import AnyUser
from taizhang.accounts.models import Role
from taizhang.ledger.models import Ledger
from taizhang.ledger.selectors import ledger_list
from taizhang.reporting.models import Report, Round


def readable_ledgers(user: AnyUser) -> QuerySet[Ledger]:
    """The ledgers the user may open, each with `task_count` (the current tasks the user may
    see) and `open_rounds` (a list of at most one round), newest year first."""
    if not access.can_read_ledgers(user):
        return Ledger.objects.none()
    return ledger_list(access.visible_tasks(user)).prefetch_related(
        Prefetch(
            "rounds",
            queryset=Round.objects.filter(closed_at__isnull=True),
            to_attr="open_rounds",
        )
    )


def readable_rounds(user: AnyUser) -> QuerySet[Round]:
    """Rounds of the ledgers the user may open, newest first."""
    if not access.can_read_ledgers(user):
        return Round.objects.none()
    return Round.objects.all()


def visible_reports(user: AnyUser) -> QuerySet[Report]:
    """Reports on the tasks the user may see (as the task page's timeline shows them), with
    what a report shows loaded."""
    return (
        access.visible_reports(user)
        .select_related("task__parent", "round", "unit", "author__profile")
        .prefetch_related("attachments")
    )


def my_reports(user: AnyUser, reports: QuerySet[Report]) -> QuerySet[Report]:
    """A reporter's list is its own units' reports; other roles list all they may see."""
    if access.role_of(user) == Role.REPORTER:
        return reports.filter(unit_id__in=access.unit_ids(user))
    return reports
