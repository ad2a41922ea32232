"""What the API reads and writes, and how stored rows become it. The converters only touch
what the selectors loaded (select_related/prefetch_related), so they add no queries."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from ninja import Field, Schema
from pydantic import field_validator

from taizhang.ledger.models import Ledger, Status, Task
from taizhang.reporting.models import Comment, Report, ReportState, Round
from taizhang.supervision.selectors import TaskSupervision, display_number

MAX_LIMIT = 500


class ErrorOut(Schema):
    detail: str


# --- ledgers and tasks -------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    ledger: int
    name: str
    due_date: datetime.date
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    is_open: bool


class LedgerOut(Schema):
    id: int
    title: str
    year: int
    as_of: datetime.date | None
    source_name: str
    imported_at: datetime.datetime
    task_count: int = Field(description="本人可见的任务数")
    open_round: RoundOut | None


class CategoryOut(Schema):
    number: int
    name: str


class TaskUnitOut(Schema):
    id: int
    name: str
    role: str


class IndicatorOut(Schema):
    name: str
    target: float | None
    actual: float | None
    unit: str
    percent: float | None
    source: str


class LightOut(Schema):
    colour: str
    label: str
    reasons: list[str]


class SubitemOut(Schema):
    id: int
    number: int = Field(description="在所属任务下的顺序（1、2……）")
    label: str = Field(description="序号原文，如 3-1、（1）、①")
    goal: str
    status: str
    status_label: str
    light: LightOut


class EntryOut(Schema):
    title: str = Field(description="如 3月、本月进展")
    text: str
    month: int | None


class TaskOut(Schema):
    id: int
    ledger: int
    number: int
    parent: int | None = Field(description="子项所属任务的 id；任务为 null")
    label: str = Field(description="台账所写的序号：子项如 3-1、（1）、①，任务为其序号")
    category: CategoryOut
    goal: str
    leaders: list[str]
    units: list[TaskUnitOut]
    deadline_text: str
    deadline: datetime.date | None
    progress: str
    status: str
    status_label: str
    remarks: str
    version: int
    indicators: list[IndicatorOut]
    light: LightOut = Field(description="分为子项的任务：与其最红的未完成子项同色")
    subitems: list[SubitemOut] = Field(description="本人可见的子项（按台账顺序）")
    entries: list[EntryOut] = Field(description="月度进展（按月台账的各月、本月进展）")


class TaskPage(Schema):
    count: int
    items: list[TaskOut]


class TaskQuery(Schema):
    """The filters of the ledger page, and a page of the result."""

    status: str = Field("", description="completed, in_progress, lagging, not_started 或 none")
    unit: int | None = Field(None, description="单位 id")
    leader: int | None = Field(None, description="牵头领导 id")
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    q: str = Field("", description="关键词（空格分隔，全部匹配）")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)
    as_of: datetime.date | None = Field(None, description="红黄绿灯的“截至”日期（默认今天）")

    @field_validator("status")
    @classmethod
    def known_status(cls, value: str) -> str:
        if value not in ("", "none", *Status.values):
            raise ValueError("unknown status")
        return value


class NamedOut(Schema):
    id: int
    name: str


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class ReportOut(Schema):
    id: int
    round: NamedOut
    task: int
    task_number: int
    task_label: str = Field(description="台账所写的序号：子项如 3-1")
    ledger: int
    unit: NamedOut
    author: str
    progress: str
    status: str
    status_label: str
    figures: list[Any]
    previous_progress: str
    previous_status: str
    state: str
    state_label: str
    submitted_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    review_comment: str
    attachments: list[AttachmentOut]


class ReportPage(Schema):
    count: int
    items: list[ReportOut]


class ReportQuery(Schema):
    state: str = Field("", description="submitted（待审核）, accepted, returned；空为全部")
    ledger: int | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)

    @field_validator("state")
    @classmethod
    def known_state(cls, value: str) -> str:
        if value not in ("", *ReportState.values):
            raise ValueError("unknown state")
        return value


class CommentOut(Schema):
    id: int
    author: str
    text: str
    created_at: datetime.datetime


class MilestoneOut(Schema):
    text: str
    date: datetime.date


class TaskDetailOut(TaskOut):
    milestones: list[MilestoneOut]
    extra: dict[str, Any]
    updated_at: datetime.datetime
    reports: list[ReportOut]
    comments: list[CommentOut]


# --- what clients send -------------------------------------------------------------------


class TaskPatchIn(Schema):
    """Only the fields sent are changed; `version` is the version the client read."""

    version: int
    goal: str = ""
    deadline_text: str = ""
    progress: str = ""
    status: str = ""
    status_label: str = ""
    remarks: str = ""


class FigureIn(Schema):
    name: str = Field(min_length=1, max_length=100, description="指标名称，如 完成投资")
    value: float = Field(allow_inf_nan=False)
    unit: str = Field("", max_length=20, description="单位，如 万元")


class ReportIn(Schema):
    progress: str
    status: str = Field(description="completed, in_progress, lagging 或 not_started")
    unit: int | None = Field(None, description="报送单位 id（所属单位多于一个时必填）")
    figures: list[FigureIn] = Field(default_factory=list, max_length=50)


class AcceptIn(Schema):
    comment: str = ""


class ReturnIn(Schema):
    comment: str


class RoundIn(Schema):
    ledger: int
    name: str
    due_date: datetime.date


class CommentIn(Schema):
    text: str


# --- rows to payloads --------------------------------------------------------------------


def person_name(user: User | None) -> str:
    """How a user is named to others: the display name, else the user name."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.username


def round_out(round_: Round) -> dict[str, Any]:
    return {
        "id": round_.pk,
        "ledger": round_.ledger_id,
        "name": round_.name,
        "due_date": round_.due_date,
        "opened_at": round_.opened_at,
        "closed_at": round_.closed_at,
        "is_open": round_.is_open,
    }


def ledger_out(ledger: Ledger) -> dict[str, Any]:
    open_rounds = getattr(ledger, "open_rounds", [])
    return {
        "id": ledger.pk,
        "title": ledger.title,
        "year": ledger.year,
        "as_of": ledger.as_of,
        "source_name": ledger.source_name,
        "imported_at": ledger.imported_at,
        "task_count": getattr(ledger, "task_count", 0),
        "open_round": round_out(open_rounds[0]) if open_rounds else None,
    }


def subitem_out(row: TaskSupervision) -> dict[str, Any]:
    task = row.task
    return {
        "id": task.pk,
        "number": task.number,
        "label": display_number(task),
        "goal": task.goal,
        "status": task.status,
        "status_label": task.status_label,
        "light": row.light_dict(),
    }


def entries_out(task: Task) -> list[dict[str, Any]]:
    return [
        {"title": str(e.get("title", "")), "text": str(e.get("text", "")), "month": e.get("month")}
        for e in task.entries or []
        if isinstance(e, dict)
    ]


def task_out(
    task: Task, supervision: TaskSupervision, shown: set[int] | None = None
) -> dict[str, Any]:
    """A task as the API gives it; `shown` are the sub-items the user may see (all when
    None). Its task (`parent`) is selected with a sub-item."""
    return {
        "indicators": [view.as_dict() for view in supervision.indicators],
        "light": supervision.light_dict(),
        "subitems": [
            subitem_out(row)
            for row in supervision.subitems
            if shown is None or row.task.pk in shown
        ],
        "entries": entries_out(task),
        "id": task.pk,
        "ledger": task.ledger_id,
        "number": task.number,
        "parent": task.parent_id,
        "label": display_number(task),
        "category": {"number": task.category.number, "name": task.category.name},
        "goal": task.goal,
        "leaders": [link.person.name for link in task.leader_links.all()],
        "units": [
            {"id": link.unit_id, "name": link.unit.name, "role": link.role}
            for link in task.unit_links.all()
        ],
        "deadline_text": task.deadline_text,
        "deadline": task.deadline,
        "progress": task.progress,
        "status": task.status,
        "status_label": task.status_label,
        "remarks": task.remarks,
        "version": task.version,
    }


def report_out(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "round": {"id": report.round_id, "name": report.round.name},
        "task": report.task_id,
        "task_number": report.task.number,
        "task_label": display_number(report.task),
        "ledger": report.task.ledger_id,
        "unit": {"id": report.unit_id, "name": report.unit.name},
        "author": person_name(report.author),
        "progress": report.progress,
        "status": report.status,
        "status_label": str(Status(report.status).label),
        "figures": report.figures,
        "previous_progress": report.previous_progress,
        "previous_status": report.previous_status,
        "state": report.state,
        "state_label": str(ReportState(report.state).label),
        "submitted_at": report.submitted_at,
        "reviewed_at": report.reviewed_at,
        "review_comment": report.review_comment,
        "attachments": [
            {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
            for a in report.attachments.all()
        ],
    }


def comment_out(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "author": person_name(comment.author),
        "text": comment.text,
        "created_at": comment.created_at,
    }


def task_detail_out(
    task: Task,
    supervision: TaskSupervision,
    reports: list[Report],
    comments: list[Comment],
    shown: set[int] | None = None,
) -> dict[str, Any]:
    return {
        **task_out(task, supervision, shown),
        "milestones": [{"text": m.text, "date": m.date} for m in task.milestones.all()],
        "extra": dict(task.extra),
        "updated_at": task.updated_at,
        "reports": [report_out(r) for r in reports],
        "comments": [comment_out(c) for c in comments],
    }
