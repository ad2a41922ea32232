"""Each task's light at the close of each round (`RoundStatus.light`, beside the status the
reporting app keeps), for the task page's history of lights. Written when a round closes
(`reporting.signals.round_closed`) from the stored state as the dashboard counted it that
day; for a round closed before lights were kept, from its snapshot (`round_lights_fill`:
the statuses, deadlines and texts kept then; no figures or reports were kept, so no
"not reported")."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from taizhang.documents.json_format import ledger_from_dict
from taizhang.documents.model import TaskDoc, task_keys
from taizhang.ledger.models import Ledger, Task
from taizhang.reporting.models import Round, RoundStatus
from taizhang.supervision.dashboard import ensure_states, light_case
from taizhang.supervision.indicators import task_indicator_views
from taizhang.supervision.lights import LABELS, Light, LightInput, light, with_subitems
from taizhang.supervision.models import LightSettings, TaskState
from taizhang.supervision.selectors import light_settings

BATCH = 1000


def closed_on(round_: Round) -> datetime.date:
    """The day a round closed, in the local time zone."""
    return timezone.localdate(round_.closed_at or timezone.now())


@transaction.atomic
def round_lights_write(*, round_: Round) -> int:
    """Keep each task's light on the day the round closed in its `RoundStatus`, from the
    stored state (`dashboard.light_case`, the round's reports counting as the open round's),
    in one update; a task without a stored state from the snapshot. Returns the rows lit."""
    ledger = round_.ledger
    ensure_states(ledger)
    lit = (
        TaskState.objects.filter(task_id=OuterRef("task_id"))
        .annotate(light=light_case(ledger, closed_on(round_), [round_.pk]))
        .values("light")[:1]
    )
    written = RoundStatus.objects.filter(round=round_).update(
        light=Coalesce(Subquery(lit), Value(""))
    )
    _from_snapshot(round_, light_settings(ledger))
    return written


def on_round_closed(sender: object, *, round_id: int, **kwargs: Any) -> None:
    """`reporting.signals.round_closed`: keep the round's lights."""
    round_lights_write(round_=Round.objects.select_related("ledger").get(pk=round_id))


def round_lights_fill(*, ledger: Ledger | None = None) -> int:
    """Light the statuses of the rounds (of `ledger`, or all) closed before lights were kept,
    from their snapshots, a round a transaction: work for the queue (`jobs.tasks`, every
    ten minutes), never for a page, which shows a round's light once it is filled. One
    indexed query when none lacks them. Returns the rounds filled."""
    unlit = RoundStatus.objects.filter(light="").values("round_id")
    missing = Round.objects.filter(snapshot__isnull=False, pk__in=unlit)
    if ledger is not None:
        missing = missing.filter(ledger=ledger)
    filled = 0
    for round_ in missing.select_related("ledger").order_by("pk"):
        # Not one transaction: the lights are worked out first, then written BATCH rows a
        # short transaction, so reporters' writes never wait long behind this job.
        _from_snapshot(round_, light_settings(round_.ledger))
        filled += 1
    return filled


def _from_snapshot(round_: Round, settings: LightSettings) -> None:
    """Light the round's unlit statuses from its snapshot, as `lights.light` lights the task
    as it stood then (its sub-items' lights combined; what it reported is not kept)."""
    unlit = dict(RoundStatus.objects.filter(round=round_, light="").values_list("task_id", "pk"))
    if not unlit:
        return
    doc = ledger_from_dict(round_.snapshot, name=round_.name)
    ids = round_.snapshot_ids or {}
    day = closed_on(round_)
    rows = []
    for key, task in zip(task_keys(doc), doc.tasks, strict=True):
        pk = unlit.get(ids.get(key, 0))
        if pk is not None:
            colour = _snapshot_light(task, doc.year, day, settings).colour
            rows.append(RoundStatus(pk=pk, light=colour))
    for start in range(0, len(rows), BATCH):
        RoundStatus.objects.bulk_update(rows[start : start + BATCH], ["light"])
    # Entries no longer matched to a task stay unlit: mark them so they are not read again.
    RoundStatus.objects.filter(round=round_, light="").update(light="none")


def _snapshot_light(task: TaskDoc, year: int, day: datetime.date, settings: LightSettings) -> Light:
    def one(item: TaskDoc, parent: TaskDoc | None) -> Light:
        views = task_indicator_views(
            goal=item.goal, deadline_text=item.deadline_text, progress=item.progress
        )
        facts = LightInput(
            status=item.status or None,
            deadline=item.deadline or (parent.deadline if parent is not None else None),
            year=year,
            percents=tuple(v.percent for v in views if v.percent is not None),
            has_progress=bool(item.progress.strip()),
        )
        return light(facts, day, warn_days=settings.warn_days, pace_margin=settings.pace_margin)

    subs = [(sub.display_number(task), one(sub, task)) for sub in task.subitems]
    return with_subitems(one(task, None), subs)


@dataclass(frozen=True)
class RoundLight:
    """A task's light and status at the close of a round."""

    round_id: int
    name: str
    closed: datetime.date
    colour: str
    status: str

    @property
    def label(self) -> str:
        return LABELS.get(self.colour, "")


def task_light_history(task: Task) -> list[RoundLight]:
    """The task's light and status at each closed round of its ledger that has its lights,
    oldest first, in one query (a round closed before lights were kept shows once the queue
    has lit it: `round_lights_fill`). None for a sub-item: rounds keep their tasks'
    (`RoundStatus`)."""
    if task.parent_id is not None:
        return []
    rows = (
        RoundStatus.objects.filter(task_id=task.pk, round__snapshot__isnull=False)
        .order_by("round__closed_at", "round_id")
        .values_list("round_id", "round__name", "round__closed_at", "light", "status")
    )
    return [
        RoundLight(pk, name, timezone.localdate(closed), colour, status)
        for pk, name, closed, colour, status in rows
        if colour in LABELS
    ]
