"""Reads of the reporting cycle, scoped and in a fixed number of queries."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from taizhang.ledger.models import Task, TaskRevision, TaskUnit, Unit
from taizhang.reporting.models import Comment, Report, ReportState, Round


def review_queue(ledger_id: int | None = None) -> QuerySet[Report]:
    """Submitted reports waiting for the office, oldest first."""
    reports = Report.objects.filter(state=ReportState.SUBMITTED)
    if ledger_id is not None:
        reports = reports.filter(task__ledger_id=ledger_id)
    return (
        reports.select_related(
            "task", "task__ledger", "unit", "author", "round", "similar_to__round"
        )
        .prefetch_related("attachments")
        .order_by("submitted_at", "pk")
    )


def round_reports(round_: Round, unit_ids: list[int]) -> dict[int, Report]:
    """The latest report of these units per task in the round."""
    latest: dict[int, Report] = {}
    reports = Report.objects.filter(round=round_, unit_id__in=unit_ids).order_by(
        "submitted_at", "pk"
    )
    for report in reports:
        latest[report.task_id] = report
    return latest


def missing_units(round_: Round) -> list[Unit]:
    """Units with tasks in the round's ledger that have not reported in it (a returned report
    does not count)."""
    reported = Report.objects.filter(round=round_).exclude(
        state__in=[ReportState.RETURNED, ReportState.SUPERSEDED]
    )
    return list(
        Unit.objects.filter(
            task_links__task__ledger_id=round_.ledger_id, task_links__task__removed_at__isnull=True
        )
        .exclude(pk__in=reported.values("unit_id"))
        .distinct()
        .order_by("name")
    )


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
    kind: str  # "report", "revision", "comment"
    at: Any
    item: Any
    diff: list[tuple[str, str]] | None = None


def task_timeline(task: Task) -> list[TimelineEntry]:
    """Everything that happened to a task, newest first: reports (with what they changed),
    revisions (imports, accepted reports, edits) and leaders' comments."""
    reports = (
        Report.objects.filter(task=task)
        .select_related("unit", "author__profile", "reviewed_by", "round")
        .prefetch_related("attachments")
    )
    revisions = TaskRevision.objects.filter(task=task).select_related("actor")
    comments = Comment.objects.filter(task=task).select_related("author__profile")
    entries = [
        TimelineEntry("report", r.submitted_at, r, text_diff(r.previous_progress, r.progress))
        for r in reports
    ]
    entries += [TimelineEntry("revision", r.at, r) for r in revisions]
    entries += [TimelineEntry("comment", c.created_at, c) for c in comments]
    return sorted(entries, key=lambda e: (e.at, e.kind), reverse=True)


def my_tasks(tasks: QuerySet[Task], round_: Round | None, unit_ids: list[int]) -> list[Task]:
    """A reporter's tasks (already scoped), each with `latest_report` in the open round."""
    rows = list(
        tasks.select_related("category")
        .prefetch_related(Prefetch("unit_links", queryset=TaskUnit.objects.select_related("unit")))
        .order_by("order", "pk")
    )
    latest = round_reports(round_, unit_ids) if round_ is not None else {}
    for task in rows:
        task.latest_report = latest.get(task.pk)  # type: ignore[attr-defined]
    return rows
