"""Reads of the reporting cycle, scoped and in a fixed number of queries."""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from taizhang.chinese.names import is_collective_unit
from taizhang.documents.json_format import ledger_from_dict
from taizhang.documents.model import LedgerDoc
from taizhang.ledger.models import Task, TaskRevision, TaskUnit, Unit
from taizhang.prepared import Prepared
from taizhang.reporting.models import Comment, Report, ReportState, Round, snapshot_deferred


def round_document(round_: Round) -> LedgerDoc | None:
    """The ledger as it stood when the round closed (its snapshot), named after the round;
    None for a round still open."""
    if round_.snapshot is None:
        return None
    return ledger_from_dict(round_.snapshot, name=round_.name)


def _open_round(ledger_id: int) -> QuerySet[Round]:
    # `first()`'s query: the model's ordering, one row.
    return Round.objects.filter(ledger_id=ledger_id, closed_at__isnull=True)[:1]


# Compiled once (`Prepared`): every report, task page and form asks for it.
_OPEN_ROUND = Prepared(_open_round)


def round_current(ledger_id: int) -> Round | None:
    """The ledger's open round, if any."""
    found = _OPEN_ROUND.objects(ledger_id)
    return found[0] if found else None


def review_queue(ledger_id: int | None = None) -> QuerySet[Report]:
    """Submitted reports waiting for the office, oldest first, with the units serving each
    task (`task.unit_links`, `task.parent.unit_links`). Reports on tasks a later edition
    removed are left out: they cannot be accepted, and their task has no page to link to; if
    an edition brings the task back, they wait here again."""
    reports = Report.objects.filter(state=ReportState.SUBMITTED, task__removed_at__isnull=True)
    if ledger_id is not None:
        reports = reports.filter(task__ledger_id=ledger_id)
    links = TaskUnit.objects.select_related("unit")
    return (
        reports.select_related(
            "task__ledger",
            "task__parent",
            "unit",
            "author__profile",
            "round",
            "similar_to__round",
        )
        .defer(*snapshot_deferred("round__"), *snapshot_deferred("similar_to__round__"))
        .prefetch_related(
            "attachments",
            Prefetch("task__unit_links", queryset=links),
            Prefetch("task__parent__unit_links", queryset=links),
        )
        .order_by("submitted_at", "pk")
    )


def round_reports(round_: Round, unit_ids: list[int]) -> dict[int, Report]:
    """The latest report of these units per task in the round."""
    latest: dict[int, Report] = {}
    reports = (
        Report.objects.filter(round=round_, unit_id__in=unit_ids)
        .select_related("author__profile", "unit")
        .order_by("submitted_at", "pk")
    )
    for report in reports:
        latest[report.task_id] = report
    return latest


def split_tasks() -> Exists:
    """True for a task with current sub-items: it is reported through them, not itself."""
    return Exists(Task.objects.filter(parent=OuterRef("pk"), removed_at__isnull=True))


def expected_to_report(name: str) -> bool:
    """Whether the unit of this name is one that reports: every unit but a collective phrase
    (各乡镇, 市直各单位, 有关单位; `chinese.names.is_collective_unit`), which no account
    reports as. The one rule of every list and count of units expected to report: the units
    missing from a round, its 催办, the per-unit "not reported" counts of the dashboard and
    the bulletin, the accounts to issue (docs/chinese-rules.md)."""
    return not is_collective_unit(name)


def missing_units(round_: Round) -> list[Unit]:
    """Units with something still to report in the round: a task or sub-item they serve with
    no report of theirs in it (a returned or superseded report does not count). What a unit
    reports on: the tasks it serves that are not split into sub-items, and the sub-items it
    serves (a sub-item naming no unit is served by its task's units). A unit that reported on
    one of its four items is still missing the other three. Only units `expected_to_report`:
    a collective phrase is never missing."""
    reported = Report.objects.filter(round=round_).exclude(
        state__in=[ReportState.RETURNED, ReportState.SUPERSEDED]
    )
    rows = Task.objects.filter(ledger_id=round_.ledger_id, removed_at__isnull=True)
    reportable = rows.exclude(split_tasks())
    own = TaskUnit.objects.filter(task__in=reportable).exclude(
        Exists(reported.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id")))
    )
    inherited = (
        reportable.filter(parent__isnull=False, unit_links__isnull=True)
        .annotate(unit=F("parent__unit_links__unit_id"))
        .exclude(Exists(reported.filter(task_id=OuterRef("pk"), unit_id=OuterRef("unit"))))
    )
    units = (
        Unit.objects.filter(Q(pk__in=own.values("unit_id")) | Q(pk__in=inherited.values("unit")))
        .distinct()
        .order_by("name")
    )
    return [unit for unit in units if expected_to_report(unit.name)]


def missing_unit_ids(rounds: Sequence[Round]) -> dict[int, set[int]]:
    """For each of these rounds (by id), the ids of the units `missing_units` would list
    (collective phrases left out, `expected_to_report`), in
    three queries whatever the number of rounds: what each unit reports on in the rounds'
    ledgers, and the reports that count in the rounds."""
    if not rounds:
        return {}
    ledgers = {round_.ledger_id for round_ in rounds}
    reportable = Task.objects.filter(ledger_id__in=ledgers, removed_at__isnull=True).exclude(
        split_tasks()
    )
    served: dict[int, set[tuple[int, int]]] = defaultdict(set)
    own = TaskUnit.objects.filter(task__in=reportable).values_list(
        "task__ledger_id", "task_id", "unit_id", "unit__name"
    )
    inherited = reportable.filter(parent__isnull=False, unit_links__isnull=True).values_list(
        "ledger_id", "pk", "parent__unit_links__unit_id", "parent__unit_links__unit__name"
    )
    for ledger_id, task_id, unit_id, name in [*own, *inherited]:
        if unit_id is not None and expected_to_report(name):
            served[ledger_id].add((task_id, unit_id))
    counted = Report.objects.filter(round__in=[r.pk for r in rounds]).exclude(
        state__in=[ReportState.RETURNED, ReportState.SUPERSEDED]
    )
    reported = set(counted.values_list("round_id", "task_id", "unit_id"))
    return {
        round_.pk: {
            unit
            for task, unit in served[round_.ledger_id]
            if (round_.pk, task, unit) not in reported
        }
        for round_ in rounds
    }


_CLAUSE = re.compile(r"[^，。；;,、！？!?\n]+[，。；;,、！？!?\n]*|[，。；;,、！？!?\n]+")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """What changed from `old` to `new`, clause by clause (a reviewer reads whole clauses, not
    scattered characters), as (op, text) pieces: op is "", "ins" or "del"."""
    a, b = _CLAUSE.findall(old), _CLAUSE.findall(new)
    pieces: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(("", "".join(a[a1:a2])))
            continue
        if a2 > a1:
            pieces.append(("del", "".join(a[a1:a2])))
        if b2 > b1:
            pieces.append(("ins", "".join(b[b1:b2])))
    return pieces


@dataclass
class TimelineEntry:
    kind: str  # "report", "revision", "comment", "entry" (a month's text in the ledger)
    at: Any
    item: Any
    diff: list[tuple[str, str]] | None = None


def _entry_time(task: Task, month: int | None) -> datetime.datetime:
    """Where a ledger's month entry stands on the timeline: the end of that month of the
    ledger's year; without a month, when the ledger was imported."""
    if month is None or not 1 <= month <= 12:
        return task.ledger.imported_at
    year = task.ledger.year
    end = datetime.datetime(year, month, calendar.monthrange(year, month)[1], 23, 59)  # noqa: DTZ001
    return timezone.make_aware(end)


def task_timeline(task: Task) -> list[TimelineEntry]:
    """Everything that happened to a task, newest first: reports (with what they changed),
    revisions (imports, accepted reports, edits), leaders' comments, and the month entries
    of a monthly ledger ("3月：…", each at the end of its month)."""
    reports = (
        Report.objects.filter(task=task)
        .select_related("unit", "author__profile", "reviewed_by", "round")
        .defer(*snapshot_deferred("round__"))
        .prefetch_related("attachments")
    )
    revisions = TaskRevision.objects.filter(task=task).select_related("actor__profile")
    comments = Comment.objects.filter(task=task).select_related("author__profile")
    entries = [
        TimelineEntry("report", r.submitted_at, r, text_diff(r.previous_progress, r.progress))
        for r in reports
    ]
    entries += [TimelineEntry("revision", r.at, r) for r in revisions]
    entries += [TimelineEntry("comment", c.created_at, c) for c in comments]
    entries += [
        TimelineEntry("entry", _entry_time(task, e.get("month")), e)
        for e in task.entries or []
        if isinstance(e, dict) and e.get("text")
    ]
    return sorted(entries, key=lambda e: (e.at, e.kind), reverse=True)


def my_tasks(tasks: QuerySet[Task], round_: Round | None, unit_ids: list[int]) -> list[Task]:
    """What a reporter reports on (tasks already scoped): its tasks that are not split into
    sub-items and its sub-items, in document order, each with `latest_report` in the open
    round. A task split into sub-items is left out: its sub-items carry its reports."""
    units = Prefetch("unit_links", queryset=TaskUnit.objects.select_related("unit"))
    rows = list(
        tasks.exclude(split_tasks())
        .select_related("category", "parent", "ledger")
        .prefetch_related(
            units,
            Prefetch("parent__unit_links", queryset=TaskUnit.objects.select_related("unit")),
        )
        .order_by("order", "pk")
    )
    latest = round_reports(round_, unit_ids) if round_ is not None else {}
    for task in rows:
        task.latest_report = latest.get(task.pk)  # type: ignore[attr-defined]
    return rows
