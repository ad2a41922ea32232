"""Reads of supervision: each task's light and indicators, the dashboard (驾驶舱) figures,
in a fixed number of queries whatever the ledger's size."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from django.db.models import JSONField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from taizhang.accounts import access
from taizhang.chinese.statuses import STATUS_CODES
from taizhang.documents.model import task_keys
from taizhang.ledger.models import Ledger, Status, Task, TaskLeader, TaskUnit
from taizhang.prepared import Prepared
from taizhang.reporting.models import Report, ReportState, Round
from taizhang.reporting.selectors import expected_to_report, round_document
from taizhang.supervision.indicators import IndicatorView, task_indicator_views
from taizhang.supervision.lights import (
    COMPLETED,
    GREEN,
    LABELS,
    RED,
    YELLOW,
    Light,
    LightData,
    LightInput,
    light,
    with_subitems,
)
from taizhang.supervision.models import Bulletin, Figure, LightSettings

STATUSES = STATUS_CODES  # the order of the totals and history columns


def today() -> datetime.date:
    """Today in the office's time zone."""
    return timezone.localdate()


@dataclass
class TaskSupervision:
    """A task's light and indicators; for a task split into sub-items, each current sub-item's
    too (`subitems`, in document order: all of them, whoever looks, as they make the task's
    light)."""

    task: Task
    light: Light
    indicators: list[IndicatorView] = field(default_factory=list)
    subitems: list[TaskSupervision] = field(default_factory=list)
    units: list[TaskUnit] = field(default_factory=list)  # of a sub-item in `subitems`

    def light_dict(self) -> LightData:
        return {
            "colour": self.light.colour,
            "label": self.light.label,
            "reasons": self.light.reason_texts,
            "reason_details": self.light.reason_details,
        }


def light_settings(ledger: Ledger) -> LightSettings:
    """The ledger's thresholds (defaults when the office has set none); the query compiled
    once (`Prepared`: it cost more to build than to answer)."""
    found = _SETTINGS.objects(ledger.pk)
    return found[0] if found else LightSettings(ledger=ledger)


def _settings_query(ledger_id: int) -> QuerySet[LightSettings]:
    return LightSettings.objects.filter(ledger_id=ledger_id)  # one at most (one to one)


_SETTINGS = Prepared(_settings_query)


@dataclass(frozen=True)
class Reported:
    """The tasks reported in the ledger's open round (`tasks` is None when no round is open),
    read once and shared by the callers that need it."""

    tasks: set[int] | None

    @classmethod
    def load(cls, ledger: Ledger, task_ids: list[int] | None = None) -> Reported:
        """Read for the whole ledger, or only for these tasks (a page of a list)."""
        return cls(_reported_tasks(ledger, task_ids))


def supervise(
    ledger: Ledger, tasks: QuerySet[Task], as_of: datetime.date, *, reported: Reported | None = None
) -> list[TaskSupervision]:
    """Each task and sub-item (already scoped to the user) with its light and indicators as of
    a date, in document order."""
    rows = list(
        tasks.filter(ledger=ledger)
        .select_related("category", "parent")
        .prefetch_related(
            Prefetch("leader_links", TaskLeader.objects.select_related("person")),
            Prefetch("unit_links", TaskUnit.objects.select_related("unit")),
        )
        .order_by("order", "pk")
    )
    return supervise_tasks(ledger, rows, as_of, whole_ledger=True, reported=reported)


Subitems = dict[int, list[tuple[Task, list[TaskUnit]]]]
# Where a list of tasks keeps its units' links as a plain list (`Prefetch(..., to_attr=)`):
# Django's own prefetch builds a queryset for each task, and another for each `.all()`.
UNIT_LIST = "unit_list"


def unit_links_of(task: Task) -> list[TaskUnit]:
    """A task's units' links as its query loaded them: the plain list at UNIT_LIST, else its
    prefetched (or, not loaded, queried) `unit_links`."""
    listed: list[TaskUnit] | None = getattr(task, UNIT_LIST, None)
    return listed if listed is not None else list(task.unit_links.all())


def subitems_of(
    ledger: Ledger, rows: list[Task], *, whole_ledger: bool
) -> tuple[Subitems, dict[int, list[TaskUnit]]]:
    """The current sub-items of the tasks among `rows`, by task id, in document order, each
    with the units serving it (its own, or its task's when it names none); and the units of
    the tasks of the sub-items among `rows` whose task is not (what serves such a sub-item
    when it names none). Two queries whether there are sub-items or not. A sub-item points to
    its task without a query."""
    found = Task.objects.filter(removed_at__isnull=True)
    if whole_ledger:
        found = found.filter(ledger=ledger, parent__isnull=False)
    else:
        # By their tasks alone (a sub-item is of its task's ledger): with the ledger too,
        # SQLite walked the ledger's index over every task (2 ms at 10,000, twice a page).
        found = found.filter(parent_id__in=[t.pk for t in rows if t.parent_id is None])
    tasks = {task.pk: task for task in rows}
    apart = {t.parent_id for t in rows if t.parent_id is not None and t.parent_id not in tasks}
    wanted = Q(task__in=found) | Q(task_id__in=apart) if apart else Q(task__in=found)
    links = TaskUnit.objects.filter(wanted)
    own: dict[int, list[TaskUnit]] = defaultdict(list)
    for link in links.select_related("unit").order_by("order"):
        own[link.task_id].append(link)
    result: Subitems = defaultdict(list)
    for sub in found.order_by("order", "pk"):
        parent = tasks.get(sub.parent_id)  # type: ignore[arg-type]
        if parent is not None:
            sub.parent = parent
        key: int = sub.parent_id  # type: ignore[assignment]
        inherited = own[key] if parent is None else unit_links_of(parent)
        result[key].append((sub, own[sub.pk] or inherited))
    return result, {pk: own[pk] for pk in apart}


class TaskFacts(Protocol):
    """What a task's light and indicators are computed from: a `Task`, or the same read as
    plain values (`supervision.state`)."""

    @property
    def pk(self) -> Any: ...
    @property
    def parent_id(self) -> int | None: ...
    @property
    def goal(self) -> str: ...
    @property
    def deadline_text(self) -> str: ...
    @property
    def progress(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def deadline(self) -> datetime.date | None: ...


@dataclass
class LightInputs:
    """What the lights of some tasks are computed from, read once: the ledger's thresholds,
    the current sub-items of the tasks (`subitems_of`), the office's figures and the figures
    of each task's latest accepted report."""

    ledger: Ledger
    settings: LightSettings
    subitems: Subitems
    office: dict[int, list[Figure]]
    report_figures: dict[int, list[dict[str, Any]]]
    # The units of the tasks of sub-items read apart from them (`subitems_of`).
    parent_links: dict[int, list[TaskUnit]] = field(default_factory=dict)

    def serving(self, task: Task) -> list[TaskUnit]:
        """The units serving a task read with these inputs (its links loaded:
        `unit_links_of`), or a sub-item: its own, else its task's."""
        for sub, units in self.subitems.get(task.parent_id or 0, ()):
            if sub.pk == task.pk:
                return units
        links = unit_links_of(task)
        if links or task.parent_id is None:
            return links
        if task.parent_id in self.parent_links:
            return self.parent_links[task.parent_id]
        return unit_links_of(task.parent)  # type: ignore[arg-type]

    def views(self, task: TaskFacts) -> list[IndicatorView]:
        """The task's indicators (its texts read, then its figures)."""
        return task_indicator_views(
            goal=task.goal,
            deadline_text=task.deadline_text,
            progress=task.progress,
            report_figures=self.report_figures.get(task.pk, ()),
            office=self.office.get(task.pk, ()),
        )

    def light_input(
        self, task: TaskFacts, views: list[IndicatorView], parent: TaskFacts | None
    ) -> LightInput:
        """The task's light input, without whether it was reported. A sub-item without a
        deadline of its own has its task's (`parent`)."""
        return LightInput(
            status=task.status or None,
            deadline=task.deadline or (parent.deadline if parent is not None else None),
            year=self.ledger.year,
            percents=tuple(v.percent for v in views if v.percent is not None),
            has_progress=bool(task.progress.strip()),
        )


def light_inputs(ledger: Ledger, rows: list[Task], *, whole_ledger: bool) -> LightInputs:
    """The inputs of the lights of `rows` and their sub-items, in five queries. With
    `whole_ledger`, the reads cover the ledger instead of listing task ids."""
    subitems, parent_links = subitems_of(ledger, rows, whole_ledger=whole_ledger)
    ids = [task.pk for task in rows] + [s.pk for subs in subitems.values() for s, _ in subs]
    mine: dict[str, Any] = {"ledger": ledger} if whole_ledger else {"pk__in": ids}
    office, report_figures = task_figures(mine)
    settings = light_settings(ledger)
    return LightInputs(ledger, settings, subitems, office, report_figures, parent_links)


def task_figures(
    mine: dict[str, Any],
) -> tuple[dict[int, list[Figure]], dict[int, list[dict[str, Any]]]]:
    """The office's figures and the figures of the latest accepted report of the tasks
    `mine` selects (a filter on `Task`), by task id, in two queries. Only each task's latest
    report with figures is read (a subquery a task, on the reports' index by task), not all
    of them: a task reported on monthly has dozens."""
    office = defaultdict(list)
    for figure in Figure.objects.filter(**{f"task__{k}": v for k, v in mine.items()}).order_by(
        "pk"
    ):
        office[figure.task_id].append(figure)
    latest = (
        Report.objects.filter(task_id=OuterRef("pk"), state=ReportState.ACCEPTED)
        .exclude(figures=[])
        # The last of (reviewed_at, pk) in the database's own order (NULLs where it puts them).
        .order_by("-reviewed_at", "-pk")
        .values("figures")[:1]
    )
    report_figures: dict[int, list[dict[str, Any]]] = {}
    found = (
        Task.objects.filter(**mine)
        .order_by()
        .annotate(latest_figures=Subquery(latest, output_field=JSONField()))
        .values_list("pk", "latest_figures")
    )
    for task_id, figures in found:
        if figures is not None:  # no accepted report with figures
            report_figures[task_id] = figures
    return office, report_figures


def supervise_tasks(
    ledger: Ledger,
    rows: list[Task],
    as_of: datetime.date,
    *,
    whole_ledger: bool = False,
    reported: Reported | None = None,
) -> list[TaskSupervision]:
    """Lights and indicators of tasks already fetched (e.g. a page of a list), in seven
    queries with or without sub-items. With `whole_ledger`, the reads cover the ledger instead
    of listing task ids. A task split into sub-items takes no report and is as red as its
    reddest open sub-item."""
    inputs = light_inputs(ledger, rows, whole_ledger=whole_ledger)
    settings = inputs.settings
    ids = [task.pk for task in rows] + [s.pk for subs in inputs.subitems.values() for s, _ in subs]
    done = (reported or Reported.load(ledger, None if whole_ledger else ids)).tasks
    found: dict[int, tuple[Light, list[IndicatorView]]] = {}

    def awaited(task: Task, split: bool) -> bool | None:
        """Whether the open round has the task's report (None: none open, or none awaited:
        a split task, or one only collective phrases serve)."""
        if done is None or split:
            return None
        return task.pk in done if anyone_reports(inputs.serving(task)) else None

    def one(task: Task, split: bool = False) -> TaskSupervision:
        if task.pk in found:  # a sub-item that is also one of `rows`
            return TaskSupervision(task, *found[task.pk])
        views = inputs.views(task)
        data = replace(
            inputs.light_input(task, views, task.parent if task.parent_id is not None else None),
            reported=awaited(task, split),
        )
        colour = light(data, as_of, warn_days=settings.warn_days, pace_margin=settings.pace_margin)
        found[task.pk] = (colour, views)
        return TaskSupervision(task, colour, views)

    result = []
    for task in rows:
        subs = [replace(one(sub), units=units) for sub, units in inputs.subitems.get(task.pk, [])]
        row = one(task, split=bool(subs))
        if subs:
            labelled = [(display_number(s.task), s.light) for s in subs]
            row = TaskSupervision(task, with_subitems(row.light, labelled), row.indicators, subs)
        result.append(row)
    return result


def anyone_reports(links: list[TaskUnit]) -> bool:
    """Whether someone reports on a task or sub-item served by these units: one of them is
    not a collective phrase (各乡镇, 有关单位: `reporting.selectors.expected_to_report`), or
    none is named at all (nothing says who reports). A row only collective phrases serve
    awaits no report in an open round: it is never "尚未报送进展"."""
    return not links or any(expected_to_report(link.unit.name) for link in links)


def display_number(task: Task) -> str:
    """A task's number as the ledger page shows it: a sub-item's label as written, else
    "3-1" (its task's number and its place), else the task's number."""
    if task.label:
        return task.label
    if task.parent_id is not None:
        return f"{task.parent.number}-{task.number}"  # type: ignore[union-attr]
    return str(task.number)


# The report states that count as reported (not returned, not superseded).
_COUNTING = [
    s for s in ReportState.values if s not in (ReportState.RETURNED, ReportState.SUPERSEDED)
]


def _reported_tasks(ledger: Ledger, task_ids: list[int] | None = None) -> set[int] | None:
    """Tasks (of `task_ids`, or all) with a report, not returned or superseded, in the
    ledger's open round; None without one. Two queries either way, so a page costs the same
    with or without an open round. The states that count are named (`state IN`): with the
    round and the task, equalities on the index of the three."""
    is_open = Round.objects.filter(ledger=ledger, closed_at__isnull=True).exists()
    reports = Report.objects.filter(round__ledger=ledger, round__closed_at__isnull=True).order_by()
    if task_ids is not None:
        reports = reports.filter(task_id__in=task_ids)
    counted = reports.filter(state__in=_COUNTING)
    reported = set(counted.values_list("task_id", flat=True))
    return reported if is_open else None


def task_brief(
    row: TaskSupervision, *, leaders: list[str] | None = None, units: list[str] | None = None
) -> dict[str, Any]:
    """A task as the dashboard's red and yellow lists give it (page and API): its leaders'
    and units' names those given, else of its (prefetched) links."""
    task = row.task
    if leaders is None:
        leaders = [link.person.name for link in task.leader_links.all()]
    if units is None:
        units = [link.unit.name for link in task.unit_links.all()]
    return {
        "id": task.pk,
        "number": task.number,
        "goal": task.goal,
        "leaders": leaders,
        "units": units,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "status": task.status or None,
        "status_label": task.status_label,
        "light": row.light_dict(),
    }


def ledger_figures(ledger: Ledger, tasks: QuerySet[Task], as_of: datetime.date) -> dict[str, Any]:
    """The dashboard's figures of a ledger as of a date, computed over every task: totals by
    status and light, a table per unit and per leader, every red and yellow task, every
    indicator's progress, and how the counts moved over the closed rounds. For the bulletin,
    which names them all; the dashboard counts the same in the database
    (`supervision.dashboard`).

    Counts are of tasks (top level): a task split into sub-items counts once, with its light
    as red as its reddest open sub-item, and the red and yellow lists name that sub-item in
    the reasons. The per-unit table counts what each unit reports on (`unit_items`)."""
    loaded = Reported.load(ledger)
    reported = loaded.tasks
    rows = supervise(ledger, tasks, as_of, reported=loaded)
    top = [row for row in rows if row.task.parent_id is None]
    statuses = Counter(row.task.status or "none" for row in top)
    lights = Counter(row.light.colour for row in top)
    visible = {row.task.pk for row in rows}
    return {
        "ledger": {"id": ledger.pk, "title": ledger.title, "year": ledger.year},
        "as_of": as_of.isoformat(),
        "round_open": reported is not None,
        "totals": {"tasks": len(top), **{s: statuses.get(s, 0) for s in (*STATUSES, "none")}},
        "lights": {c: lights.get(c, 0) for c in (RED, YELLOW, GREEN, COMPLETED)},
        "light_labels": LABELS,
        "units": _groups(unit_items(top, visible), as_of, reported),
        "leaders": _groups(
            [
                (row, [(link.person_id, link.person.name) for link in row.task.leader_links.all()])
                for row in top
            ],
            as_of,
            reported,
        ),
        "red": [task_brief(r) for r in top if r.light.colour == RED],
        "yellow": [task_brief(r) for r in top if r.light.colour == YELLOW],
        "indicators": [
            {
                "task_id": r.task.pk,
                "task": r.task.parent.number if r.task.parent_id else r.task.number,  # type: ignore[union-attr]
                "label": display_number(r.task),
                **view.as_dict(),
            }
            for r in rows
            for view in r.indicators
            if view.target is not None
        ],
        "history": round_history(ledger, {row.task.pk for row in top}),
    }


Keyed = list[tuple[int, str]]


def unit_items(
    top: list[TaskSupervision], visible: set[int]
) -> list[tuple[TaskSupervision, Keyed]]:
    """What each unit answers for, with the units: a task not split into sub-items, for each
    of its units; each sub-item (that the user may see), for each unit serving it (its own,
    or its task's when it names none); and a split task itself, with its combined light, for
    each of its units that serves none of its sub-items."""
    items: list[tuple[TaskSupervision, Keyed]] = []
    for row in top:
        units = [(link.unit_id, link.unit.name) for link in row.task.unit_links.all()]
        covered: set[int] = set()
        for sub in row.subitems:
            serving = [(link.unit_id, link.unit.name) for link in sub.units]
            covered |= {key for key, _ in serving}
            if sub.task.pk in visible:
                items.append((sub, serving))
        items.append((row, [(key, name) for key, name in units if key not in covered]))
    return items


def _groups(
    items: list[tuple[TaskSupervision, Keyed]], as_of: datetime.date, reported: set[int] | None
) -> list[dict[str, Any]]:
    groups: dict[int, dict[str, Any]] = {}
    for row, keys in items:
        task = row.task
        # A task split into sub-items takes no report: its sub-items are counted for that.
        unreported = reported is not None and not row.subitems and task.pk not in reported
        deadline = task.deadline or (task.parent.deadline if task.parent_id else None)  # type: ignore[union-attr]
        for key, name in keys:
            group = groups.setdefault(
                key,
                {
                    "id": key,
                    "name": name,
                    "tasks": 0,
                    "completed": 0,
                    "lagging": 0,
                    "overdue": 0,
                    "not_reported": 0,
                    "red": 0,
                    "yellow": 0,
                },
            )
            group["tasks"] += 1
            group["completed"] += task.status == Status.COMPLETED
            group["lagging"] += task.status == Status.LAGGING
            group["overdue"] += bool(
                deadline and deadline < as_of and task.status != Status.COMPLETED
            )
            # A collective phrase (各乡镇) reports nothing: it is never "not reported".
            group["not_reported"] += unreported and expected_to_report(name)
            group["red"] += row.light.colour == RED
            group["yellow"] += row.light.colour == YELLOW
    return sorted(groups.values(), key=lambda g: (-g["red"], -g["lagging"], g["name"]))


def round_history(ledger: Ledger, task_ids: set[int]) -> list[dict[str, Any]]:
    """Counts by status at the close of each past round, oldest first, of the tasks with
    these ids (the ones the user may see). A snapshot's tasks are known by the ids kept when
    the round closed (`Round.snapshot_ids`), not by key: a later edition may give a task's
    key to another task."""
    history = []
    closed = Round.objects.filter(ledger=ledger, snapshot__isnull=False).order_by("closed_at", "pk")
    for round_ in closed.only("name", "closed_at", "snapshot", "snapshot_ids"):
        doc = round_document(round_)
        if doc is None:
            continue
        ids = round_.snapshot_ids or {}
        counts: Counter[str] = Counter(
            task.status or "none"
            for task, key in zip(doc.tasks, task_keys(doc), strict=True)
            if ids.get(key) in task_ids
        )
        history.append(
            {
                "round": round_.name,
                "closed_at": round_.closed_at.isoformat() if round_.closed_at else None,
                **{s: counts.get(s, 0) for s in (*STATUSES, "none")},
            }
        )
    return history


def default_as_of(ledger: Ledger) -> datetime.date:
    """The date a ledger's dashboard and lights open at: today for a ledger of this year (or
    a later one); for a past ledger (Dec 31 of its year before today), its 截至 date
    (`Ledger.as_of`), else Dec 31 of its year, so an old ledger is not shown as years late."""
    now = today()
    year_end = datetime.date(ledger.year, 12, 31)
    if year_end >= now:
        return now
    return ledger.as_of or year_end


def parse_as_of(text: str | None, default: datetime.date | None = None) -> datetime.date:
    """An as-of date from a query parameter (YYYY-MM-DD): `default` (today when not given)
    when absent, today when malformed."""
    if not text:
        return default or today()
    return datetime.date.fromisoformat(text) if valid_date(text) else today()


def valid_date(text: str) -> bool:
    """Whether a query parameter is a date as YYYY-MM-DD."""
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def readable_bulletins(user: access.AnyUser) -> QuerySet[Bulletin]:
    """The bulletins a user may read (accounts.access decides), their ledgers selected."""
    return access.visible_bulletins(user, Bulletin.objects.select_related("ledger"))


def next_issue_number(ledger: Ledger) -> int:
    """The 期号 proposed for the ledger's next bulletin: one more than the highest of its
    issued bulletins (a ledger is one year's work, so its bulletins are one series), 1 for
    its first. Drafts do not count: a draft thrown away leaves no gap."""
    issued = Bulletin.objects.filter(ledger=ledger, issued_at__isnull=False)
    highest = issued.aggregate(highest=Max("issue_number"))["highest"]
    return (highest or 0) + 1


def issue_number_used(
    ledger: Ledger, number: int | None, exclude: int | None = None
) -> Bulletin | None:
    """The issued bulletin of the ledger (other than the one of id `exclude`) that already
    carries 期号 `number`, if any: the office is warned, not refused (it may reissue a
    number on purpose, e.g. a corrected bulletin); the earliest issued when several do."""
    if number is None:
        return None
    issued = Bulletin.objects.filter(ledger=ledger, issued_at__isnull=False, issue_number=number)
    if exclude is not None:
        issued = issued.exclude(pk=exclude)
    return issued.order_by("issued_at", "pk").first()
