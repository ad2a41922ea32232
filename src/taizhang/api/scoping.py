"""Scoped reads the API needs that the shared selectors do not offer yet. Every decision of who
may see what is accounts.access's (`visible_ledgers`, `visible_tasks`, `visible_rounds`,
`listed_reports`); these only add what a page of the API loads, in a fixed number of
queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from taizhang.accounts import access
from taizhang.accounts.access import AnyUser
from taizhang.ledger.models import Ledger
from taizhang.ledger.selectors import ledger_list
from taizhang.reporting.models import Report, Round, snapshot_deferred


def readable_ledgers(user: AnyUser) -> QuerySet[Ledger]:
    """The ledgers the user may open, each with `task_count` (the current tasks the user may
    see) and `open_rounds` (a list of at most one round), newest year first."""
    ledgers = ledger_list(access.visible_tasks(user)).prefetch_related(
        Prefetch(
            "rounds",
            queryset=Round.objects.filter(closed_at__isnull=True),
            to_attr="open_rounds",
        )
    )
    return access.visible_ledgers(user, ledgers)


def readable_rounds(user: AnyUser) -> QuerySet[Round]:
    """Rounds of the ledgers the user may open."""
    return access.visible_rounds(user)


def visible_reports(user: AnyUser) -> QuerySet[Report]:
    """Reports on the tasks the user may see (as the task page's timeline shows them), with
    what a report shows loaded."""
    return access.visible_reports(user, loaded_reports())


def my_reports(user: AnyUser, reports: QuerySet[Report]) -> QuerySet[Report]:
    """The reports the user's list shows (accounts.access.listed_reports), from `reports`."""
    return access.listed_reports(user, reports)


def loaded_reports() -> QuerySet[Report]:
    """Reports with what a report shows loaded."""
    return (
        Report.objects.select_related("task__parent", "round", "unit", "author__profile")
        .defer(*snapshot_deferred("round__"))
        .prefetch_related("attachments")
    )
