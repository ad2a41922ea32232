"""A selection of a ledger's rows, the ledger page's and every export's: the filters (unit,
leader, status, deadline window, text) and the light. The page and the exports both read
their rows through `selected_tasks`, so an export holds exactly the rows the page shows;
`selection_document` turns a selection into the `LedgerDoc` the writers take, with each
row's 预警 (`rows.warning_text`) when asked."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.db.models import BooleanField, Case, ExpressionWrapper, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from taizhang.chinese.statuses import STATUS_CODES, status_label_text
from taizhang.documents.model import LedgerDoc
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.selectors import TaskFilters, ledger_document, task_conditions, task_list
from taizhang.supervision.lights import LABELS as LIGHT_LABELS
from taizhang.supervision.lights import RED, YELLOW
from taizhang.supervision.rows import (
    LIGHT_FILTERS,
    LIT_FIELDS,
    RowLight,
    RowLights,
    warning_text,
)


@dataclass(frozen=True)
class Selection:
    """The ledger page's filters and light (one of `rows.LIGHT_FILTERS`, or "" for any)."""

    filters: TaskFilters = field(default_factory=TaskFilters)
    light: str = ""

    @property
    def filtered(self) -> bool:
        return self.filters != TaskFilters() or bool(self.light)

    def as_data(self) -> dict[str, Any]:
        """The selection as JSON data (stored with a background export)."""
        data = {key: value for key, value in asdict(self.filters).items() if value}
        for key in ("due_from", "due_to"):
            if key in data:
                data[key] = data[key].isoformat()
        if self.light:
            data["light"] = self.light
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Selection:
        """The selection `as_data` stored; what it does not know is left out."""
        values = dict(data)
        light = values.pop("light", "")
        for key in ("due_from", "due_to"):
            if values.get(key):
                values[key] = datetime.date.fromisoformat(values[key])
        known = {k: v for k, v in values.items() if k in TaskFilters.__dataclass_fields__}
        return cls(TaskFilters(**known), light if light in LIGHT_FILTERS else "")


def selection_note(selection: Selection) -> str:
    """What an export's file name says of the selection it holds, after the title: nothing
    for the whole ledger (the name as before), the light or status chosen when the selection
    is no more than those ("（红灯）", "（推进缓慢）", "（红灯、推进缓慢）"), else "（筛选）"."""
    if not selection.filtered:
        return ""
    filters = selection.filters
    words = [LIGHT_LABELS[selection.light]] if selection.light in LIGHT_FILTERS else []
    if filters.status == "none":
        words.append(_("未标状态"))
    elif filters.status in STATUS_CODES:
        words.append(_(status_label_text(filters.status)))
    if not words or replace(filters, status="") != TaskFilters():
        words = [_("筛选")]
    return "（" + "、".join(words) + "）"


def with_context(visible: QuerySet[Task], matching: Q) -> QuerySet[Task]:
    """The rows of `visible` that match (`matching`, the filters and the light), and the task
    of each sub-item among them, shown as its context (`matched` is False for such a task
    when it did not match itself). The condition is asked of each row itself, not as a
    subquery of the rows that match: SQLite then read each row twice (`?light=red` at
    10,000 tasks: its count 14 -> 10 ms); a row it leaves unknown (NULL) did not match."""
    parents = visible.filter(matching, parent__isnull=False).values("parent_id")
    matched = Case(When(matching, then=Value(True)), default=Value(False))
    return visible.filter(matching | Q(pk__in=parents)).annotate(
        matched=ExpressionWrapper(matched, output_field=BooleanField())
    )


def selected_tasks(
    visible: QuerySet[Task], ledger: Ledger, selection: Selection, lights: RowLights
) -> QuerySet[Task]:
    """The rows of `ledger` the selection shows, of those in `visible` (the user's, from
    accounts.access), in document order: every row, task or sub-item, that matches, and the
    task of each matching sub-item (with `matched` annotated when filtered). The light is
    the one on `lights.as_of`."""
    if not selection.filtered:
        return task_list(visible, ledger.pk, selection.filters)
    matching = task_conditions(selection.filters)
    if selection.light:
        matching &= lights.condition(selection.light)
    scope = visible.filter(ledger_id=ledger.pk)
    return task_list(with_context(scope, matching), ledger.pk, TaskFilters())


def selection_document(
    ledger: Ledger,
    visible: QuerySet[Task],
    selection: Selection,
    *,
    as_of: datetime.date,
    warnings: bool = False,
    everything: bool = False,
) -> LedgerDoc:
    """The selected rows as a `LedgerDoc`, lights as of `as_of`, each row's 预警 written when
    `warnings`. `everything`: `visible` is every task (the office's), so an unfiltered
    selection reads the ledger as a whole, as an export always did. A fixed number of
    queries whatever the rows."""
    lights = RowLights(ledger, as_of) if warnings or selection.light else None
    if not selection.filtered and everything and lights is None:
        return ledger_document(ledger)
    tasks = selected_tasks(visible, ledger, selection, lights or RowLights(ledger, as_of))
    if lights is None:
        return ledger_document(ledger, only=set(tasks.values_list("pk", flat=True)))
    found = lights.lit(tasks, page=False).values_list("pk", *LIT_FIELDS)
    by_id: dict[int, RowLight | None] = {}
    for pk, colour, deadline, lowest, split, status in found.iterator(chunk_size=5000):
        by_id[pk] = lights.reason(colour, status, deadline, lowest, split=bool(split))
    _split_reasons(lights, by_id)
    texts = {pk: warning_text(light) for pk, light in by_id.items()} if warnings else None
    return ledger_document(ledger, only=by_id.keys(), warnings=texts)


_SPLIT_BATCH = 2000


def _split_reasons(lights: RowLights, by_id: dict[int, RowLight | None]) -> None:
    """Give each split red or yellow task its first sub-item's reason, asked in batches (a
    query per 2,000 split tasks: the database's limit on parameters)."""
    waiting = [
        pk
        for pk, light in by_id.items()
        if light is not None and light.reason is None and light.colour in (RED, YELLOW)
    ]
    for start in range(0, len(waiting), _SPLIT_BATCH):
        batch = {pk: by_id[pk] for pk in waiting[start : start + _SPLIT_BATCH]}
        lights.subitem_reasons(batch)
        by_id.update(batch)
