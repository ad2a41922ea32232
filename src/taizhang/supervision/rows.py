"""The lights of the rows of a list (the ledger page, 我的任务, the home pages): each row's
colour counted by the database from its stored state (`dashboard.light_case`, the dashboard's
own expression, so a list filtered by light holds exactly the tasks the dashboard counts),
and its first reason (`lights.first_reason`) from the same stored state, in a fixed number
of queries whatever the rows. The ledger page reads its page of rows' stored states as values
instead (`RowLights.stored`, `page_lights`) and works the colour out in Python with
`lights.colour_on`, what `light_case` computes (the tests hold the two equal): building
that expression for 100 rows cost more than their query."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value

from taizhang.chinese.statuses import StatusCode
from taizhang.ledger.models import Ledger, Task
from taizhang.prepared import Prepared
from taizhang.reporting.models import Round
from taizhang.supervision.dashboard import (
    ensure_states,
    light_case,
    light_conditions,
    reported_among,
    row_reported,
)
from taizhang.supervision.lights import (
    COMPLETED,
    GREEN,
    LABELS,
    RED,
    YELLOW,
    LightInput,
    Reason,
    ReasonKind,
    Thresholds,
    colour_of,
    colour_on,
    first_reason,
    reason_text,
)
from taizhang.supervision.models import LightSettings, TaskState
from taizhang.supervision.selectors import light_settings

LIGHT_FILTERS = (RED, YELLOW, GREEN)
_P = "supervision_state__"
# What `lit` adds to each task: the colour and the stored facts its reason is read from.
LIT_FIELDS = ("light", "state_deadline", "state_lowest", "state_split", "state_status")


# What `stored` adds to each task: the stored state its light is worked out from in Python.
STORED_FIELDS = (
    "state_completed", "state_red_from", "state_yellow_from", "state_deadline", "state_lowest",
    "state_split", "state_status", "state_reports_due",
)  # fmt: skip
_STORED = (
    "completed", "red_from", "yellow_from", "deadline", "lowest_percent", "split", "status",
    "reports_due",
)  # fmt: skip


class _State(NamedTuple):
    """A stored state as `page_lights` reads it (`_STATE_FIELDS`), and whether it awaits a
    report in an open round and has none (`waiting`)."""

    task: int
    top: int
    is_top: bool
    completed: bool
    red_from: datetime.date | None
    yellow_from: datetime.date | None
    status: str
    deadline: datetime.date | None
    lowest: Decimal | None
    label: str
    number: int
    top_number: int
    waiting: bool


_STATE_FIELDS = (
    "task_id", "top_id", "is_top", "completed", "red_from", "yellow_from", "status", "deadline",
    "lowest_percent", "task__label", "task__number", "top__number", "reports_due",
)  # fmt: skip


@dataclass(frozen=True)
class RowLight:
    """A row's light: its colour, and its first reason (None for a split task until
    `RowLights.reason` has looked at its sub-items)."""

    colour: str
    reason: Reason | None

    @property
    def label(self) -> str:
        return LABELS[self.colour]


def _open_rounds_query(ledger_id: int) -> QuerySet[Round]:
    return Round.objects.filter(ledger_id=ledger_id, closed_at__isnull=True)


# Compiled once (`Prepared`): building the query cost more than SQLite took to answer it.
_OPEN_ROUNDS = Prepared(_open_rounds_query)


def _reason_key(
    colour: str | None,
    status: str,
    deadline: datetime.date | None,
    lowest: Decimal | None,
    split: bool,
) -> tuple[Any, ...]:
    """What `RowLights._reason` reads of a row's facts for its colour, and nothing more, so
    that rows whose lights are the same share one key: a green light's reason is always
    on pace and a completed one's depends only on whether it was the sub-items' doing; a
    red one's reasons read the deadline and the status, not the percent; a split task's red
    or yellow comes from its sub-items. A page's ~90 distinct facts are a dozen keys."""
    if colour == GREEN:
        return (GREEN,)
    if colour == COMPLETED:
        return (COMPLETED, split and status != StatusCode.COMPLETED)
    if split and colour in (RED, YELLOW):
        return (colour, True)
    if colour == RED:
        return (RED, status, deadline)
    return (colour, status, deadline, lowest, split)


class RowLights:
    """The lights of a ledger's rows on a day: `lit` annotates a query of tasks (one query
    to set up: the open rounds (`open_round`: the first, as `reporting.selectors.round_current`
    gives it); plus the stored states' check and the thresholds)."""

    def __init__(self, ledger: Ledger, as_of: datetime.date) -> None:
        ensure_states(ledger)
        self.ledger = ledger
        self.as_of = as_of
        # The open rounds read whole (the page names the open one), not only their ids.
        found: list[Round] = _OPEN_ROUNDS.objects(ledger.pk)
        self.rounds = [round_.pk for round_ in found]
        self.open_round: Round | None = found[0] if found else None
        self.settings: LightSettings = light_settings(ledger)
        # A row's light from its stored facts, worked out once per distinct facts (`reason`),
        # and one object for each distinct light (`_same`).
        self._known: dict[tuple[Any, ...], RowLight | None] = {}
        self._same: dict[RowLight, RowLight] = {}

    def lit(self, tasks: QuerySet[Task], *, page: bool = True) -> QuerySet[Task]:
        """`tasks` with LIT_FIELDS annotated (the colour as the dashboard counts it); `page`:
        a page of rows is read (the reports asked row by row), not all of them counted."""
        return tasks.annotate(
            light=light_case(self.ledger, self.as_of, self.rounds, _P, per_row=page),
            state_deadline=F(f"{_P}deadline"),
            state_lowest=F(f"{_P}lowest_percent"),
            state_split=F(f"{_P}split"),
            state_status=F(f"{_P}status"),
        )

    def only(self, tasks: QuerySet[Task], colour: str) -> QuerySet[Task]:
        """Those of `tasks` whose colour is `colour` (a split task by its combined light, a
        sub-item by its own)."""
        return tasks.filter(self.condition(colour))

    def condition(self, colour: str) -> Q:
        """`only` as a condition on a task. Red and yellow: among the ledger's stored states
        of that colour, read from the states' index of the lights alone rather than each
        task joined to its state (SQLite read each task's state by its id, 10,000 times for
        each time the page's queries named the light). Green through the join: a task
        without a stored state is green, and has none to be found among."""
        if colour == GREEN:
            return light_conditions(self.ledger, self.as_of, self.rounds, _P)[GREEN]
        conditions = light_conditions(self.ledger, self.as_of, self.rounds)
        states = TaskState.objects.filter(conditions[colour], ledger_id=self.ledger.pk)
        return Q(pk__in=states.values("task_id"))

    def reason(
        self,
        colour: str | None,
        status: str,
        deadline: datetime.date | None,
        lowest: Decimal | None,
        *,
        split: bool = False,
    ) -> RowLight | None:
        """A row's light from the values `lit` annotated; None for a task with no state. A
        split task's red or yellow comes from its sub-items (`subitem_reasons`). Rows with
        the same facts share one `RowLight`, worked out once."""
        key = _reason_key(colour, status, deadline, lowest, split)
        if key not in self._known:
            light = self._reason(colour, status, deadline, lowest, split=split)
            # One object for each distinct light (~90 rows' facts give a few): a page words
            # each once, found by identity (`ledger_page.row_cells`).
            self._known[key] = None if light is None else self._same.setdefault(light, light)
        return self._known[key]

    def _reason(
        self,
        colour: str | None,
        status: str,
        deadline: datetime.date | None,
        lowest: Decimal | None,
        *,
        split: bool,
    ) -> RowLight | None:
        if colour is None:
            return None
        if split and colour in (RED, YELLOW):
            return RowLight(colour, None)
        if split and colour == COMPLETED and status != StatusCode.COMPLETED:
            return RowLight(colour, Reason(ReasonKind.SUBITEMS_COMPLETED))
        facts = LightInput(
            status=status or None,
            deadline=deadline,
            year=self.ledger.year,
            percents=(lowest,) if lowest is not None else (),
            # A yellow light's reasons are asked as of a task not reported (`first_reason`).
            reported=False if colour == YELLOW else None,
        )
        found = first_reason(
            colour,
            facts,
            self.as_of,
            warn_days=self.settings.warn_days,
            pace_margin=self.settings.pace_margin,
        )
        return RowLight(colour, found)

    def of_task(self, task: Any) -> RowLight | None:
        """The light of a task instance read through `lit`."""
        return self.reason(
            task.light,
            task.state_status,
            task.state_deadline,
            task.state_lowest,
            split=bool(task.state_split),
        )

    @staticmethod
    def stored(tasks: QuerySet[Task]) -> QuerySet[Task]:
        """`tasks` with STORED_FIELDS annotated: the stored state a page's rows' lights are
        worked out from in Python (`page_lights`), without building `light_case`."""
        return tasks.annotate(
            **{name: F(f"{_P}{field}") for name, field in zip(STORED_FIELDS, _STORED, strict=True)}
        )

    def page_lights(self, rows: list[tuple[Any, ...]]) -> dict[int, RowLight | None]:
        """The lights of a page of rows, each (task id, parent id, STORED_FIELDS' values): the
        colour `light_case` gives (`lights.colour_on` of the stored dates; not reported in
        an open round: a row whose state awaits a report and has none, or for a split task
        one of its sub-items'), then the first reason, a split task's from its first sub-item
        of that colour ("子项3-1：…"). At most two queries whatever the rows: the reports of
        the rows that await one (none without an open round), and the states of the split
        tasks' sub-items (none when no row is split), each through its index."""
        if not rows:
            return {}
        at = 2 + STORED_FIELDS.index("state_split")
        due = [row[0] for row in rows if row[-1]]  # state_reports_due, the last
        sent = reported_among(self.rounds, due)
        split = [row[0] for row in rows if row[1] is None and row[at]]
        subs = (
            self._states(TaskState.objects.filter(top_id__in=split, is_top=False)) if split else []
        )
        # A row awaits a report when its state does and has none (only in an open round); a
        # split task, when one of its sub-items does.
        waiting = set(due) - sent if self.rounds else set()
        waiting.update(sub.top for sub in subs if sub.waiting)
        lights: dict[int, RowLight | None] = {}
        for task, _parent, completed, red_from, yellow_from, *facts in rows:
            deadline, lowest, is_split, status, _due = facts
            # No stored state (a left join of nothing): green, as `light_case` gives it.
            colour = colour_of(
                bool(completed),
                red_from,
                yellow_from,
                self.as_of,
                completed is not None and task in waiting,
            )
            lights[task] = self.reason(colour, status, deadline, lowest, split=bool(is_split))
        self._name_subitems(lights, subs)
        return lights

    def _states(self, states: QuerySet[TaskState]) -> list[_State]:
        """These stored states as `_State`, in document order, the reports asked for each
        (EXISTS, through the index of the round, the state and the task)."""
        sent = Exists(row_reported(self.rounds, OuterRef("task_id"))) if self.rounds else None
        found = (
            states.annotate(sent=sent if sent is not None else Value(True))
            .order_by("position", "task_id")
            .values_list(*_STATE_FIELDS, "sent")
        )
        result = []
        for *facts, due, sent_ in found:
            result.append(_State._make((*facts, bool(due) and not sent_)))
        return result

    def subitem_reasons(self, lights: dict[int, RowLight | None]) -> None:
        """Give each split task among `lights` (by task id; its reason None) the first reason
        of its first sub-item of its colour ("子项3-1：…"): one query whether any is split or
        not, none for no rows."""
        if not lights:
            return
        # A sub-item's colour as `light_case` gives it (for a row that is not a task, that is
        # `lights.colour_on` of its stored dates), worked out here from the stored dates and
        # whether it was reported: building the expression cost more than the query.
        subs = self._states(TaskState.objects.filter(top_id__in=list(lights), is_top=False))
        self._name_subitems(lights, subs)

    def _name_subitems(self, lights: dict[int, RowLight | None], subs: list[_State]) -> None:
        """Give each split task among `lights` whose reason is None the first reason of its
        first sub-item (of `subs`, in order) of its colour."""
        for sub in subs:
            row = lights.get(sub.top)
            if row is None or row.reason is not None:
                continue
            colour = colour_on(
                Thresholds(bool(sub.completed), sub.red_from, sub.yellow_from),
                self.as_of,
                unreported=sub.waiting,
            )
            if colour != row.colour:
                continue
            found = self.reason(colour, sub.status, sub.deadline, sub.lowest)
            if found is not None and found.reason is not None:
                shown = sub.label or f"{sub.top_number}-{sub.number}"
                lights[sub.top] = RowLight(colour, replace(found.reason, subitem=shown))


def warning_text(light: RowLight | None) -> str:
    """A row's 预警 as an export writes it, the one wording of it: the light and its first
    reason ("红灯：已超过完成时限（2021-10-31）5天，尚未完成"), the light alone when it has
    no reason to give, nothing for a row without a stored state."""
    if light is None:
        return ""
    if light.reason is None:
        return light.label
    return f"{light.label}：{reason_text(light.reason)}"
