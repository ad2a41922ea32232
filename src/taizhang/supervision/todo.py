"""What each role has to do now (the home page, 待办): the reads, each scoped by
accounts.access, each list capped (`LIMIT`, with its total for "全部N项"), in a fixed number
of queries whatever the size of the ledgers. What changes with lights is asked of one ledger,
the user's current one (`current_ledger`); the rest covers every ledger the user sees.
"New" (批示, bulletins, reports on a leader's tasks) is the last `NEW_DAYS` days."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from taizhang.accounts import access
from taizhang.ledger.models import Ledger, Task, Unit
from taizhang.reporting import drafts
from taizhang.reporting.models import Comment, Report, ReportState, Round
from taizhang.reporting.selectors import missing_unit_ids, split_tasks
from taizhang.supervision.lights import COMPLETED, GREEN, RED, YELLOW
from taizhang.supervision.models import Bulletin
from taizhang.supervision.naming import bulletins_naming
from taizhang.supervision.rows import RowLight, RowLights
from taizhang.supervision.selectors import default_as_of, display_number, today

LIMIT = 10  # entries a list shows; "全部N项" leads to the page with all of them
RED_SHOWN = 5  # the office's red tasks: the first few
NEW_DAYS = 30
_NOT_COUNTED = [ReportState.RETURNED, ReportState.SUPERSEDED]  # not reported

T = TypeVar("T")


@dataclass
class Capped(Generic[T]):
    """The first entries of a list and how many there are in all."""

    items: list[T] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.items)


def capped(rows: QuerySet[Any], limit: int = LIMIT) -> Capped[Any]:
    """The first `limit` rows and the count: two queries, however many there are."""
    return Capped(list(rows[:limit]), rows.count())


def since() -> datetime.datetime:
    """The start of what counts as new."""
    return timezone.now() - datetime.timedelta(days=NEW_DAYS)


def user_ledgers(user: access.AnyUser) -> QuerySet[Ledger]:
    """The ledgers the user sees, with a task the user sees (all ledgers for the office and
    viewers), newest year first."""
    ledgers = access.visible_ledgers(user, Ledger.objects.all())
    if not access.sees_all_tasks(user):
        ledgers = ledgers.filter(pk__in=access.visible_tasks(user).values("ledger_id"))
    return ledgers.order_by("-year", "-pk")


def current_ledger(user: access.AnyUser, ledger_id: int | None = None) -> Ledger | None:
    """The ledger the home page's lights and rounds are of: the one asked for when the user
    sees it, else the newest with a round open, else the newest."""
    ledgers = user_ledgers(user)
    if ledger_id is not None:
        chosen = ledgers.filter(pk=ledger_id).first()
        if chosen is not None:
            return chosen
    is_open = Exists(Round.objects.filter(ledger=OuterRef("pk"), closed_at__isnull=True))
    return ledgers.annotate(is_open=is_open).order_by("-is_open", "-year", "-pk").first()


# --- countdown ---------------------------------------------------------------------------


def days_left(due: datetime.date, day: datetime.date | None = None) -> int:
    """Days from `day` (today) to a due date: negative once past it."""
    return (due - (day or today())).days


# --- lit task rows --------------------------------------------------------------------------


@dataclass(frozen=True)
class LitTask:
    """A task listed with its light."""

    pk: int
    number: str
    goal: str
    light: RowLight | None


def lit_tasks(lights: RowLights, tasks: QuerySet[Task], colours: tuple[str, ...]) -> Any:
    """The tasks (not sub-items) of `tasks` in these colours, red first, in ledger order:
    their first `LIMIT` with lights and reasons, and the count of each colour, in three
    queries."""
    top = lights.lit(tasks.filter(parent__isnull=True), page=False).filter(Q(light__in=colours))
    counts = dict.fromkeys(colours, 0)
    for colour, n in top.values_list(F("light")).annotate(n=Count("pk")).order_by():
        counts[colour] = n
    ordered = top.order_by("light", "order", "pk")  # "red" < "yellow"
    rows = list(ordered.only("pk", "number", "label", "parent", "goal", "status")[:LIMIT])
    found = {task.pk: lights.of_task(task) for task in rows}
    lights.subitem_reasons(found)
    items = [LitTask(t.pk, display_number(t), t.goal, found[t.pk]) for t in rows]
    return items, counts


def _ledger_tasks(user: access.AnyUser, ledger: Ledger) -> QuerySet[Task]:
    return access.visible_tasks(user).filter(ledger=ledger)


# --- reporter -----------------------------------------------------------------------------


@dataclass
class ToReport:
    """A reporter's tasks with nothing sent yet in a ledger's open round."""

    round: Round
    days: int
    tasks: Capped[Task]


def reporter_todo(user: access.AnyUser, ledger: Ledger | None) -> dict[str, Any]:
    """A reporter's home: returned reports first (with the office's comment), the tasks
    still to report in each open round with the days to its due date, new 批示 on its tasks,
    new bulletins naming one of its units. (`ledger` is not needed: nothing here is lit.)"""
    units = access.unit_ids(user)
    returned = drafts.reports_to_redo(units, access.listed_reports(user))
    return {
        "returned": Capped(returned[:LIMIT], len(returned)),
        "to_report": _to_report(user, units),
        "comments": _new_comments(user),
        "bulletins": _naming_bulletins(user, units),
    }


def _to_report(user: access.AnyUser, units: list[int]) -> list[ToReport]:
    """For each open round of a ledger where the reporter has tasks, soonest due first: three
    queries whatever the number of rounds (a ledger has one open round at most, so a task's
    round is its ledger's)."""
    rounds = Round.objects.filter(closed_at__isnull=True, ledger__in=user_ledgers(user))
    found = list(rounds.select_related("ledger").order_by("due_date", "pk"))
    if not found:
        return []
    sent = Report.objects.filter(
        round__ledger_id=OuterRef("ledger_id"),
        round__closed_at__isnull=True,
        task_id=OuterRef("pk"),
        unit_id__in=units,
    ).exclude(state__in=_NOT_COUNTED)
    tasks = (
        access.visible_tasks(user)
        .filter(ledger_id__in=[round_.ledger_id for round_ in found])
        .exclude(split_tasks())
        .exclude(Exists(sent))
    )
    totals = dict(tasks.values_list("ledger_id").annotate(n=Count("pk")).order_by())
    rank = Window(RowNumber(), partition_by=F("ledger_id"), order_by=[F("order"), F("pk")])
    first = tasks.annotate(rank=rank).filter(rank__lte=LIMIT).select_related("parent")
    shown: dict[int, list[Task]] = defaultdict(list)
    for task in first.order_by("ledger_id", "order", "pk"):
        shown[task.ledger_id].append(task)
    return [
        ToReport(
            round_,
            days_left(round_.due_date),
            Capped(shown[round_.ledger_id], totals.get(round_.ledger_id, 0)),
        )
        for round_ in found
    ]


def _new_comments(user: access.AnyUser) -> Capped[Comment]:
    comments = Comment.objects.filter(
        task__in=access.visible_tasks(user), created_at__gte=since()
    ).select_related("task__parent", "task__ledger", "author__profile")
    return capped(comments.order_by("-created_at", "-pk"))


def _naming_bulletins(user: access.AnyUser, units: list[int]) -> Capped[Bulletin]:
    names = list(Unit.objects.filter(pk__in=units).values_list("name", flat=True))
    if not names:
        return Capped()
    # Those whose text holds one of the names (a few: the last NEW_DAYS days), then the one
    # rule of naming (`supervision.naming`): "市水利局" does not name 水利局.
    holding = reduce(or_, (Q(body__contains=name) | Q(title__contains=name) for name in names))
    bulletins = access.visible_bulletins(user, Bulletin.objects.select_related("ledger"))
    found = bulletins.filter(holding, issued_at__gte=since()).order_by("-issued_at", "-pk")
    naming = bulletins_naming(list(found), units)
    return Capped(naming[:LIMIT], len(naming))


# --- office -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """Reports waiting for review in one round of one ledger."""

    ledger_id: int
    ledger: str
    round: str
    count: int


@dataclass(frozen=True)
class Missing:
    """How many units have not reported in an open round."""

    round: Round
    count: int
    days: int


def office_todo(user: access.AnyUser, ledger: Ledger | None) -> dict[str, Any]:
    """The office's home: reports waiting for review by ledger and round, the units not yet
    reported in each open round, the current ledger's red tasks (first few and count)."""
    waiting = (
        Report.objects.filter(state=ReportState.SUBMITTED, task__removed_at__isnull=True)
        .values_list("task__ledger_id", "task__ledger__title", "round__name")
        .annotate(n=Count("pk"))
        .order_by("task__ledger_id", "round__name")
    )
    rounds = Round.objects.filter(closed_at__isnull=True).order_by("due_date", "pk")
    red: Any = ([], {RED: 0})
    if ledger is not None:
        lights = RowLights(ledger, default_as_of(ledger))
        red = _first_red(lights, _ledger_tasks(user, ledger))
    open_rounds = list(rounds.select_related("ledger"))
    missing = missing_unit_ids(open_rounds)
    return {
        "waiting": [Waiting(*row) for row in waiting],
        "waiting_total": sum(row[3] for row in waiting),
        "missing": [Missing(r, len(missing[r.pk]), days_left(r.due_date)) for r in open_rounds],
        "red": Capped(red[0], red[1][RED]),
    }


def _first_red(lights: RowLights, tasks: QuerySet[Task]) -> Any:
    items, counts = lit_tasks(lights, tasks, (RED,))
    return items[:RED_SHOWN], counts


# --- leader -------------------------------------------------------------------------------


def leader_todo(user: access.AnyUser, ledger: Ledger | None) -> dict[str, Any]:
    """A leader's home: the red and yellow tasks the leader leads in the current ledger, and
    the reports sent or accepted on the leader's tasks lately."""
    lit: Any = ([], {RED: 0, YELLOW: 0})
    if ledger is not None:
        lights = RowLights(ledger, default_as_of(ledger))
        lit = lit_tasks(lights, _ledger_tasks(user, ledger), (RED, YELLOW))
    reports = (
        Report.objects.filter(
            task__in=access.visible_tasks(user),
            state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED],
            submitted_at__gte=since(),
        )
        .select_related("task__parent", "unit")
        .order_by("-submitted_at", "-pk")
    )
    return {
        "lit": Capped(lit[0], lit[1][RED] + lit[1][YELLOW]),
        "red_total": lit[1][RED],
        "yellow_total": lit[1][YELLOW],
        "reports": capped(reports),
    }


# --- viewer -------------------------------------------------------------------------------


def viewer_todo(user: access.AnyUser, ledger: Ledger | None) -> dict[str, Any]:
    """A viewer's home: the current ledger's lights counted (as its dashboard counts the
    tasks), with the dashboards of every ledger listed below."""
    counts = dict.fromkeys((RED, YELLOW, GREEN, COMPLETED), 0)
    if ledger is not None:
        lights = RowLights(ledger, default_as_of(ledger))
        top = lights.lit(_ledger_tasks(user, ledger).filter(parent__isnull=True), page=False)
        for colour, n in top.values_list(F("light")).annotate(n=Count("pk")).order_by():
            if colour in counts:
                counts[colour] = n
    return {"lights": counts}
