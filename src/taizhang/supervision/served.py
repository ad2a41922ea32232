"""Each task's light, reasons and indicators as of a day, for a page of tasks, from their
stored state (`supervision.state`) rather than from their texts: what the task list API
gives (`api.ledgers.ledger_tasks`). `selectors.supervise_tasks` computes the same from the
tasks themselves (the task's page, the bulletin); the tests hold the two equal.

The stored state holds what `lights.light` is computed from (the status, the deadline, the
lowest share of a target reached, whether there is any progress, whether a report is
awaited) and every indicator as data (`IndicatorView.facts`), so a page's rows are read as
values in two queries (the open rounds; the states of the rows and of their tasks' sub-items,
each with whether the open round has its report) and the rest is wording, once per distinct
light."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Exists, OuterRef, Q, Value

from taizhang.ledger.models import Ledger, Task
from taizhang.supervision.dashboard import ensure_states, open_round_ids, row_reported
from taizhang.supervision.indicators import shown
from taizhang.supervision.lights import (
    Light,
    LightData,
    LightInput,
    Reason,
    ReasonData,
    light,
    reason_text,
    with_subitems,
)
from taizhang.supervision.models import TaskState
from taizhang.supervision.selectors import display_number, light_settings, supervise_tasks
from taizhang.supervision.state import states_refresh


class _State(NamedTuple):
    """A stored state as the task list reads it (`_FIELDS`), with its sub-item's fields and
    whether the open round has its report (`sent`)."""

    task: int
    top: int
    is_top: bool
    status: str
    deadline: datetime.date | None
    lowest: Decimal | None
    has_progress: bool
    reports_due: bool
    indicators: list[dict[str, Any]]
    number: int
    label: str
    task_status: str
    status_label: str
    goal: str
    top_number: int
    task_deadline: datetime.date | None
    top_deadline: datetime.date | None
    sent: bool

    @property
    def current(self) -> bool:
        """Whether it agrees with its task's own columns: a task written around the services
        (a hand edit, a bulk update) has a state that does not."""
        inherited = self.top_deadline if not self.is_top else None
        return self.status == self.task_status and self.deadline == (
            self.task_deadline or inherited
        )


_FIELDS = (
    "task_id", "top_id", "is_top", "status", "deadline", "lowest_percent", "has_progress",
    "reports_due", "all_indicators", "task__number", "task__label", "task__status",
    "task__status_label", "task__goal", "top__number", "task__deadline", "top__deadline",
)  # fmt: skip


@dataclass(frozen=True)
class Served:
    """A task's or sub-item's light (`LightData`) and indicators (as the API gives them);
    for a task, its current sub-items in document order (`subitems`, all of them: they make
    its light), each a `ServedSubitem`."""

    light: LightData
    indicators: list[dict[str, Any]]
    subitems: list[ServedSubitem]


@dataclass(frozen=True)
class ServedSubitem:
    """A sub-item as the API's `SubitemOut` gives it."""

    id: int
    number: int
    label: str
    status: str
    status_label: str
    goal: str
    light: LightData


def light_data(found: Light, worded: dict[Reason, tuple[str, ReasonData]]) -> LightData:
    """`TaskSupervision.light_dict` of a light, each reason worded once (`worded`: by reason,
    its words and data, filled as it goes)."""
    for reason in found.reasons:
        if reason not in worded:
            worded[reason] = (reason_text(reason), reason.as_dict())
    return {
        "colour": found.colour,
        "label": found.label,
        "reasons": [worded[reason][0] for reason in found.reasons],
        "reason_details": [worded[reason][1] for reason in found.reasons],
    }


class _Lights:
    """`lights.light` of stored facts as of a day, worded once per distinct light (tasks with
    the same deadline or none share one) and reason, and the stored indicators as shown, a
    doubt worded once per distinct doubt."""

    def __init__(self, ledger: Ledger, as_of: datetime.date, round_open: bool) -> None:
        settings = light_settings(ledger)
        self.year = ledger.year
        self.as_of = as_of
        self.round_open = round_open
        self.warn_days = settings.warn_days
        self.pace_margin = settings.pace_margin
        self.worded: dict[Light, LightData] = {}
        self.reasons: dict[Reason, tuple[str, ReasonData]] = {}
        self.doubts: dict[tuple[Any, ...], str] = {}

    def of(self, state: _State) -> tuple[Light, LightData]:
        # Awaited (an open round, not completed, not split, someone to report): reported or
        # not; else None, as `supervise_tasks` asks it.
        reported = state.sent if self.round_open and state.reports_due else None
        facts = LightInput(
            status=state.status or None,
            deadline=state.deadline,
            year=self.year,
            percents=(state.lowest,) if state.lowest is not None else (),
            reported=reported,
            has_progress=state.has_progress,
        )
        lit = light(facts, self.as_of, warn_days=self.warn_days, pace_margin=self.pace_margin)
        return lit, self.data(lit)

    def data(self, lit: Light) -> LightData:
        found = self.worded.get(lit)
        if found is None:
            found = self.worded[lit] = light_data(lit, self.reasons)
        return found

    def shown(self, facts: dict[str, Any]) -> dict[str, Any]:
        """`indicators.shown` of a stored indicator."""
        doubt = facts.get("doubt") or None
        if doubt is None:
            return shown(facts)
        key = (doubt, facts.get("name"), facts.get("actual_name"))
        label = self.doubts.get(key)
        if label is None:
            label = self.doubts[key] = shown(facts)["doubt_label"]
        return {**shown(facts, worded=False), "doubt_label": label}


def served_tasks(
    ledger: Ledger, rows: list[tuple[int, int | None, str]], as_of: datetime.date
) -> dict[int, Served]:
    """The light and indicators of each of `rows` (task id, parent id, progress text: a task
    or a sub-item of the ledger) as of `as_of`, by task id, with a task's sub-items. Four
    queries (the stored states' check, the open rounds, the thresholds, the states), none
    more for any number of rows. A state that is missing, or that disagrees with its task's
    status, deadline or whether it has progress (the task was written around the services),
    is written again first; a row none can be written for is worked out from its texts."""
    if not rows:
        return {}
    ensure_states(ledger)
    rounds = open_round_ids(ledger)
    lights = _Lights(ledger, as_of, bool(rounds))
    states = _states(rows, rounds)
    if stale := _stale(rows, states):
        states_refresh(ledger=ledger, task_ids=stale)
        states = _states(rows, rounds)
    own = {state.task: state for state in states}
    subs: dict[int, list[_State]] = {}
    for state in states:
        if not state.is_top:
            subs.setdefault(state.top, []).append(state)
    result = _computed(
        ledger, [task for task, _parent, _progress in rows if task not in own], as_of
    )
    for task, parent, _progress in rows:
        if task not in own:
            continue  # no state can be written (a sub-item whose task was removed): computed
        state = own[task]
        indicators = [lights.shown(facts) for facts in state.indicators]
        if parent is not None or task not in subs:
            result[task] = Served(lights.of(state)[1], indicators, [])
            continue
        items = []
        labelled = []
        for sub in subs[task]:
            lit, data = lights.of(sub)
            label = sub.label or f"{sub.top_number}-{sub.number}"
            labelled.append((label, lit))
            items.append(
                ServedSubitem(
                    sub.task, sub.number, label, sub.task_status, sub.status_label, sub.goal, data
                )
            )
        combined = with_subitems(lights.of(state)[0], labelled)
        result[task] = Served(lights.data(combined), indicators, items)
    return result


def _computed(ledger: Ledger, task_ids: list[int], as_of: datetime.date) -> dict[int, Served]:
    """The lights and indicators of these tasks worked out from their texts
    (`selectors.supervise_tasks`), for rows no state is written for: a sub-item whose task
    was removed (`state.states_refresh` writes a task's state with its sub-items')."""
    if not task_ids:
        return {}
    tasks = Task.objects.filter(pk__in=task_ids).select_related("parent").order_by("order", "pk")
    result = {}
    for row in supervise_tasks(ledger, list(tasks), as_of):
        subitems = [
            ServedSubitem(
                sub.task.pk,
                sub.task.number,
                display_number(sub.task),
                sub.task.status,
                sub.task.status_label,
                sub.task.goal,
                sub.light_dict(),
            )
            for sub in row.subitems
        ]
        indicators = [view.as_dict() for view in row.indicators]
        result[row.task.pk] = Served(row.light_dict(), indicators, subitems)
    return result


def _stale(rows: list[tuple[int, int | None, str]], states: list[_State]) -> list[int]:
    """The tasks of `rows` or of `states` whose state is missing or not current."""
    found = {state.task: state for state in states}
    stale = [state.task for state in states if not state.current]
    for task, _parent, progress in rows:
        state = found.get(task)
        if state is None or state.has_progress != bool(progress.strip()):
            stale.append(task)
    return stale


def _states(rows: list[tuple[int, int | None, str]], rounds: list[int]) -> list[_State]:
    """The states of `rows` and of the sub-items of the tasks among them, in document order,
    each with whether the open round has its report (EXISTS through the index of the round,
    the state and the task)."""
    tops = [task for task, parent, _progress in rows if parent is None]
    subs = [task for task, parent, _progress in rows if parent is not None]
    sent = Exists(row_reported(rounds, OuterRef("task_id"))) if rounds else Value(False)
    found = (
        TaskState.objects.filter(Q(top_id__in=tops) | Q(task_id__in=subs))
        .annotate(sent=sent)
        .order_by("position", "task_id")
        .values_list(*_FIELDS, "sent")
    )
    return [_State._make((*facts, bool(sent_))) for *facts, sent_ in found]
