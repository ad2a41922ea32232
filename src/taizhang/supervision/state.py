"""The stored supervision state the dashboard counts in the database (`TaskState`,
`StateUnit`; a closed round's statuses are the reporting app's, `snapshots`): writes only.
A task's state is derived from the task, its sub-items, the figures of its latest accepted
report, the office's figures and the ledger's thresholds; the services that change any of
those rebuild it (`states_refresh`: through `ledger.signals.tasks_changed` from the ledger
and reporting services, directly from the supervision services). What changes with the day
asked for is not stored: the light is kept as the dates it turns red and yellow
(`lights.Thresholds`)."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from taizhang.bulk import insert_rows
from taizhang.ledger.models import Ledger, Task, TaskUnit
from taizhang.prepared import Prepared, id_list
from taizhang.reporting.selectors import expected_to_report
from taizhang.supervision.lights import Thresholds, combined, thresholds
from taizhang.supervision.models import LightSettings, StateUnit, TaskState
from taizhang.supervision.selectors import LightInputs, light_settings, task_figures
from taizhang.supervision.signals import tasks_turned_red

# Ids in one `IN` list at most.
IDS_A_QUERY = 20_000
BATCH = 500  # tasks rebuilt at a time: memory stays flat on a ledger of any size
# The stored fields compared to decide whether a state changed.
STATE_FIELDS = (
    "task_id", "top_id", "is_top", "status", "position", "split", "deadline", "completed",
    "red_from", "yellow_from", "reports_due", "has_progress", "lowest_percent", "indicators",
    "all_indicators", "source",
)  # fmt: skip
_FACTS = ("pk", "parent_id", "goal", "deadline_text", "progress", "status", "deadline", "order")
_LARGEST = Decimal("9999999999.9")  # what `TaskState.lowest_percent` holds


@dataclass(frozen=True)
class _Facts:
    """A task as its state is computed from it (`selectors.TaskFacts`), read as values."""

    pk: int
    parent_id: int | None
    goal: str
    deadline_text: str
    progress: str
    status: str
    deadline: datetime.date | None
    order: int


State = tuple[Any, ...]  # STATE_FIELDS' values


@transaction.atomic
def states_refresh(*, ledger: Ledger, task_ids: Collection[int] | None = None) -> int:
    """Rebuild the stored state of these tasks or sub-items (each with its task and all its
    sub-items, as a sub-item's light is part of its task's), or of the whole ledger when
    `task_ids` is None; tasks removed since lose theirs. Only the states that changed are
    written, and a task's texts are read again only when they or its figures changed
    (`TaskState.source`). Returns the states written.

    Tasks and sub-items taking reports whose light turns red today with this write (they had
    a state, not red or red from another date) are sent to `signals.tasks_turned_red`; a light that
    turns red as a date passes, with nothing written, is found by the daily schedule
    (`notify.schedule.red_tasks_check`)."""
    current = Task.objects.filter(ledger=ledger, removed_at__isnull=True)
    if task_ids is None:
        TaskState.objects.filter(ledger=ledger).exclude(task__in=current).delete()
        tops = list(current.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True))
    else:
        # In parts: an import's tasks may pass the 65,535 values of a statement bound on
        # PostgreSQL's server (taizhang.postgresql_backend). By the ids alone, the ledger
        # checked here (as in `_refresh`): a prepared plan reading by the ledger tested each
        # of its tasks against the 20,000 ids one by one, 8 s a part at 30,000 tasks.
        ids, found = list(task_ids), set[int]()
        for start in range(0, len(ids), IDS_A_QUERY):
            rows = Task.objects.filter(pk__in=ids[start : start + IDS_A_QUERY]).order_by()
            found.update(
                parent or pk
                for pk, parent, ledger_id in rows.values_list("pk", "parent_id", "ledger_id")
                if ledger_id == ledger.pk
            )
        tops = sorted(found)
    settings = light_settings(ledger)
    # A ledger with no state yet (its first import) has none to read or replace: each batch
    # writes the states of its own tasks only. (On PostgreSQL those reads took 0.2 s of a
    # 5,000-task import, on tables whose statistics still think them empty.)
    none_stored = not TaskState.objects.filter(ledger=ledger).exists()
    written = 0
    red: list[tuple[int, datetime.date]] = []
    for start in range(0, len(tops), BATCH):
        written += _refresh(ledger, settings, tops[start : start + BATCH], red, none_stored)
    if red:
        tasks_turned_red.send(sender=None, ledger_id=ledger.pk, red=red)
    return written


def _refresh(
    ledger: Ledger,
    settings: LightSettings,
    top_ids: list[int],
    red: list[tuple[int, datetime.date]],
    none_stored: bool = False,
) -> int:
    # By the ids alone (they are the ledger's tasks and their sub-items), the rest of the
    # filter and the order in Python: any other condition PostgreSQL may choose to read by
    # (the ledger, parent IS NULL), as its statistics, older than an import's own rows, make
    # those look few; once the statement is prepared (its fifth run), its generic plan then
    # tests each row read against the batch's ids one by one: 70-140 ms a batch at 20,000
    # tasks instead of 2 ms, the time of an import growing as its square. Each list of ids
    # is one parameter (`prepared.id_list`): Django prepares each value of a list given to
    # `__in` apart, seven lists of 500-600 ids a batch.
    tops: list[_Facts] = []
    subs: dict[int, list[_Facts]] = defaultdict(list)
    for row in _current(Task.objects.filter(pk__in=id_list(top_ids))):
        if row.parent_id is None:
            tops.append(row)
    for row in _current(Task.objects.filter(parent_id__in=id_list(top_ids))):
        if row.parent_id is not None:
            subs[row.parent_id].append(row)
    ids = [task.pk for task in tops] + [s.pk for found in subs.values() for s in found]
    units: dict[int, list[int]] = defaultdict(list)
    reporting: set[int] = set()  # units expected to report (not a collective phrase)
    links = TaskUnit.objects.filter(task_id__in=id_list(ids)).order_by("order", "pk")
    for task_id, unit_id, name in links.values_list("task_id", "unit_id", "unit__name"):
        units[task_id].append(unit_id)
        if expected_to_report(name):
            reporting.add(unit_id)
    office, report_figures = task_figures({"pk__in": id_list(ids)})
    inputs = LightInputs(ledger, settings, {}, office, report_figures)
    stored = {} if none_stored else _stored(top_ids)
    fresh: dict[int, tuple[State, frozenset[int]]] = {}
    served = _Served(units, reporting)
    for task in tops:
        _task_states(task, subs.get(task.pk, []), served, inputs, stored, fresh)
    changed = [pk for pk, value in fresh.items() if stored.get(pk) != value]
    today = timezone.localdate()
    for pk in changed:
        now_red = _red_on(fresh[pk][0], today)
        kept = stored.get(pk)
        # A task's first state is where its light starts, not a change: a ledger imported
        # with red tasks tells no one of them (the daily check tells of those turning red
        # as a date passes, `notify.schedule.red_tasks_check`).
        if now_red is not None and kept is not None and _red_on(kept[0], today) != now_red:
            red.append((pk, now_red))
    gone = [pk for pk in stored if pk not in fresh]
    if not none_stored:
        TaskState.objects.filter(task_id__in=id_list(changed + gone)).delete()
    # As plain rows (COPY on PostgreSQL): `bulk_create` took 0.4-0.5 s of a 5,000-task
    # import building, preparing and (on PostgreSQL) dumping as arrays the states' values.
    insert_rows(
        TaskState,
        ("ledger", *STATE_FIELDS),
        [(ledger.pk, *fresh[pk][0]) for pk in changed],
        prepare=True,
    )
    insert_rows(
        StateUnit, ("state", "unit"), [(pk, unit) for pk in changed for unit in fresh[pk][1]]
    )
    return len(changed)


def _stored(top_ids: list[int]) -> dict[int, tuple[State, frozenset[int]]]:
    """The stored states of these tasks and their sub-items, each with its units."""
    stored_units: dict[int, set[int]] = defaultdict(set)
    for state_id, unit_id in StateUnit.objects.filter(
        state__top_id__in=id_list(top_ids)
    ).values_list("state_id", "unit_id"):
        stored_units[state_id].add(unit_id)
    return {
        row[0]: (row, frozenset(stored_units[row[0]]))
        for row in TaskState.objects.filter(top_id__in=id_list(top_ids)).values_list(*STATE_FIELDS)
    }


def _current(tasks: QuerySet[Task]) -> list[_Facts]:
    """The facts of these tasks not removed, in their order."""
    rows = tasks.order_by().values_list(*_FACTS, "removed_at")
    return sorted(
        (_Facts(*row[:-1]) for row in rows if row[-1] is None), key=lambda t: (t.order, t.pk)
    )


@dataclass(frozen=True)
class _Served:
    """The units serving each task (ids, in order) and which of them report: a collective
    phrase (各乡镇, 有关单位) does not (`reporting.selectors.expected_to_report`)."""

    units: dict[int, list[int]]
    reporting: set[int]

    def anyone_reports(self, serving: list[int]) -> bool:
        """Whether someone reports for a row served by these units: a unit that reports
        among them, or no unit named at all (as before: nothing says who reports)."""
        return not serving or any(unit in self.reporting for unit in serving)


def _task_states(
    task: _Facts,
    subs: list[_Facts],
    served: _Served,
    inputs: LightInputs,
    stored: dict[int, tuple[State, frozenset[int]]],
    fresh: dict[int, tuple[State, frozenset[int]]],
) -> None:
    """The states of a task and of its sub-items, each with the units it answers for on the
    dashboard (as `selectors.unit_items` counts: a sub-item's own units or its task's; a
    split task's units that serve none of its sub-items). A row served only by collective
    phrases awaits no report (`reports_due` False): no one can send one."""
    own_units = served.units.get(task.pk, [])
    covered: set[int] = set()
    found: list[Thresholds] = []
    for sub in subs:
        serving = served.units.get(sub.pk) or own_units
        covered |= set(serving)
        state, thresholds_ = _state(sub, task, inputs, stored, split=False)
        if not served.anyone_reports(serving):
            state = _with(state, thresholds_, reports_due=False)
        fresh[sub.pk] = (state, frozenset(serving))
        found.append(thresholds_)
    state, own = _state(task, None, inputs, stored, split=bool(subs))
    if not subs and not served.anyone_reports(own_units):
        state = _with(state, own, reports_due=False)
    if subs:
        both = combined(own, found)
        state = _with(state, both, reports_due=False)
    fresh[task.pk] = (state, frozenset(u for u in own_units if u not in covered))


def _state(
    task: _Facts,
    parent: _Facts | None,
    inputs: LightInputs,
    stored: dict[int, tuple[State, frozenset[int]]],
    *,
    split: bool,
) -> tuple[State, Thresholds]:
    source = _source(task, inputs)
    kept = stored.get(task.pk)
    if kept is not None and kept[0][_SOURCE] == source:
        lowest, indicators, every = (kept[0][k] for k in (_LOWEST, _INDICATORS, _ALL))
    else:
        views = inputs.views(task)
        percents = [view.percent for view in views if view.percent is not None]
        every = [view.facts() for view in views]
        indicators = [
            facts for view, facts in zip(views, every, strict=True) if view.target is not None
        ]
        lowest = min(percents, default=None)
        if lowest is not None:
            lowest = max(-_LARGEST, min(lowest, _LARGEST))
    light_input = replace(
        inputs.light_input(task, [], parent), percents=(lowest,) if lowest is not None else ()
    )
    found = thresholds(
        light_input, warn_days=inputs.settings.warn_days, pace_margin=inputs.settings.pace_margin
    )
    top = parent.pk if parent is not None else task.pk
    state = (
        task.pk, top, parent is None, task.status, task.order, split, light_input.deadline,
        found.completed, found.red_from, found.yellow_from, not found.completed,
        light_input.has_progress, lowest, indicators, every, source,
    )  # fmt: skip
    return state, found


_RED_FROM, _COMPLETED, _SPLIT = (STATE_FIELDS.index(f) for f in ("red_from", "completed", "split"))
_SOURCE, _LOWEST, _INDICATORS, _ALL = (
    STATE_FIELDS.index(f) for f in ("source", "lowest_percent", "indicators", "all_indicators")
)


def _red_on(state: State, today: datetime.date) -> datetime.date | None:
    """The date a state's light turned red, if it is red on `today` and takes reports (a
    split task's light is its sub-items'); None otherwise."""
    if state[_COMPLETED] or state[_SPLIT]:
        return None
    red_from: datetime.date | None = state[_RED_FROM]
    return red_from if red_from is not None and red_from <= today else None


def _with(state: State, found: Thresholds, *, reports_due: bool) -> State:
    """A state with this light and `reports_due` (a split task's: its sub-items' combined
    light)."""
    values = dict(zip(STATE_FIELDS, state, strict=True))
    values.update(
        completed=found.completed,
        red_from=found.red_from,
        yellow_from=found.yellow_from,
        reports_due=reports_due,
    )
    return tuple(values[name] for name in STATE_FIELDS)


def _source(task: _Facts, inputs: LightInputs) -> str:
    """A digest of what a task's indicators are read from."""
    office = [
        (f.name, str(f.target), str(f.actual), f.unit, f.verdict, f.progress_digest)
        for f in inputs.office.get(task.pk, ())
    ]
    read_from = [
        task.goal,
        task.deadline_text,
        task.progress,
        inputs.report_figures.get(task.pk, []),
        office,
    ]
    return hashlib.sha256(_source_json(read_from).encode()).hexdigest()


# `json.dumps(..., ensure_ascii=False, default=str)`, its encoder made once, not for each task.
_source_json = json.JSONEncoder(ensure_ascii=False, default=str).encode


def states_missing(ledger: Ledger) -> bool:
    """Whether the ledger has a current task newer than its newest stored state: a ledger
    whose states were never written (kept before states were) or were deleted, or tasks
    added by a path that did not rebuild them. Every service that writes tasks rebuilds
    their states in its own transaction, so this is the check of what could escape them,
    asked on every read of the lights: the newest current task against the newest state,
    each the first entry of an index read backwards, the same cost at 100 tasks or 100,000.
    (Asked as "a current task after the newest state", PostgreSQL plans the comparison
    before it knows the newest state and reads every task: 3 ms a request at 10,000.) It
    no longer looks for a state missing among older tasks (an anti-join over every task,
    3-4 ms a request at 10,000 tasks): only a hand edit of the database leaves one, and
    `states_refresh(ledger=...)` writes it again."""
    return bool(_MISSING.rows(ledger.pk))


def _missing_query(ledger_id: int) -> QuerySet[Ledger, tuple[int]]:
    newest_state = TaskState.objects.filter(ledger_id=ledger_id).order_by("-task_id")
    newest_task = Task.objects.filter(ledger_id=ledger_id, removed_at__isnull=True)
    return (
        Ledger.objects.filter(pk=ledger_id)
        .alias(newest_task=Subquery(newest_task.order_by("-pk").values("pk")[:1]))
        .filter(newest_task__gt=Coalesce(Subquery(newest_state.values("task_id")[:1]), Value(0)))
        .order_by()
        .values_list("pk")
    )


_MISSING = Prepared(_missing_query)


def on_tasks_changed(
    sender: object, *, ledger_id: int, task_ids: Collection[int] | None, **kwargs: Any
) -> None:
    """`ledger.signals.tasks_changed`: rebuild the state of the tasks written."""
    states_refresh(ledger=Ledger.objects.get(pk=ledger_id), task_ids=task_ids)
