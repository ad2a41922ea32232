"""The lights of the rows of a list (the ledger page, 我的任务, the home pages): each row's
colour counted by the database from its stored state (`dashboard.light_case`, the dashboard's
own expression, so a list filtered by light holds exactly the tasks the dashboard counts),
and its first reason (`lights.first_reason`) from the same stored state, in a fixed number
of queries whatever the rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet, Value

from taizhang.chinese.statuses import StatusCode
from taizhang.ledger.models import Ledger, Task
from taizhang.reporting.models import Round
from taizhang.supervision.dashboard import (
    ensure_states,
    light_case,
    light_conditions,
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


@dataclass(frozen=True)
class RowLight:
    """A row's light: its colour, and its first reason (None for a split task until
    `RowLights.reason` has looked at its sub-items)."""

    colour: str
    reason: Reason | None

    @property
    def label(self) -> str:
        return LABELS[self.colour]


class RowLights:
    """The lights of a ledger's rows on a day: `lit` annotates a query of tasks (one query
    to set up: the open rounds (`open_round`: the first, as `reporting.selectors.round_current`
    gives it); plus the stored states' check and the thresholds)."""

    def __init__(self, ledger: Ledger, as_of: datetime.date) -> None:
        ensure_states(ledger)
        self.ledger = ledger
        self.as_of = as_of
        # The open rounds read whole (the page names the open one), not only their ids.
        found = list(Round.objects.filter(ledger=ledger, closed_at__isnull=True))
        self.rounds = [round_.pk for round_ in found]
        self.open_round: Round | None = found[0] if found else None
        self.settings: LightSettings = light_settings(ledger)
        # A row's light from its stored facts, worked out once per distinct facts (`reason`).
        self._known: dict[tuple[Any, ...], RowLight | None] = {}

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
        conditions = light_conditions(self.ledger, self.as_of, self.rounds, _P)
        return tasks.filter(conditions[colour])

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
        key = (colour, status, deadline, lowest, split)
        if key not in self._known:
            self._known[key] = self._reason(colour, status, deadline, lowest, split=split)
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

    def subitem_reasons(self, lights: dict[int, RowLight | None]) -> None:
        """Give each split task among `lights` (by task id; its reason None) the first reason
        of its first sub-item of its colour ("子项3-1：…"): one query whether any is split or
        not, none for no rows."""
        if not lights:
            return
        # A sub-item's colour as `light_case` gives it (for a row that is not a task, that is
        # `lights.colour_on` of its stored dates), worked out here from the stored dates and
        # whether it was reported: building the expression cost more than the query.
        sent = Exists(row_reported(self.rounds, OuterRef("task_id"))) if self.rounds else None
        subs = (
            TaskState.objects.filter(top_id__in=list(lights), is_top=False)
            .annotate(sent=sent if sent is not None else Value(True))
            .order_by("position", "task_id")
            .values_list(
                "top_id", "completed", "red_from", "yellow_from", "reports_due", "sent",
                "status", "deadline", "lowest_percent", "task__label", "task__number",
                "top__number",
            )
        )  # fmt: skip
        for (
            top, completed, red_from, yellow_from, due, reported,
            status, deadline, lowest, label, number, top_number,
        ) in subs:  # fmt: skip
            colour = colour_on(
                Thresholds(bool(completed), red_from, yellow_from),
                self.as_of,
                unreported=bool(due) and not reported,
            )
            row = lights.get(top)
            if row is None or row.reason is not None or colour != row.colour:
                continue
            sub = self.reason(colour, status, deadline, lowest)
            if sub is not None and sub.reason is not None:
                shown = label or f"{top_number}-{number}"
                lights[top] = RowLight(colour, replace(sub.reason, subitem=shown))


def warning_text(light: RowLight | None) -> str:
    """A row's 预警 as an export writes it, the one wording of it: the light and its first
    reason ("红灯：已超过完成时限（2021-10-31）5天，尚未完成"), the light alone when it has
    no reason to give, nothing for a row without a stored state."""
    if light is None:
        return ""
    if light.reason is None:
        return light.label
    return f"{light.label}：{reason_text(light.reason)}"
