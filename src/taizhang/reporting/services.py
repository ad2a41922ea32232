"""Every write of the reporting cycle: rounds, reports, review, leaders' comments, direct edits
of a task. Each is atomic and leaves an audit row; a change to a task leaves a revision."""

from __future__ import annotations

import datetime
import difflib
import math
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.documents.json_format import ledger_to_dict
from taizhang.ledger.models import Ledger, Status, Task, TaskRevision, Unit
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import audit_record, task_revise
from taizhang.reporting.errors import ConflictError, ReportingError
from taizhang.reporting.models import Attachment, Comment, Report, ReportState, Round
from taizhang.reporting.selectors import round_current
from taizhang.reporting.uploads import checked_upload

__all__ = ["ConflictError", "ReportingError"]  # for callers


@transaction.atomic
def round_open(*, ledger: Ledger, name: str, due_date: datetime.date, actor: User) -> Round:
    """Open a reporting round on a ledger; a ledger has at most one open round."""
    name = name.strip()
    if not name:
        raise ReportingError(_("请填写轮次名称，例如 2021年11月"))
    if Round.objects.filter(ledger=ledger, closed_at__isnull=True).exists():
        raise ReportingError(_("该台账已有未关闭的报送轮次，请先关闭"))
    if Round.objects.filter(ledger=ledger, name=name).exists():
        raise ReportingError(_("已有同名的报送轮次：%(name)s") % {"name": name})
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                ledger=ledger,
                name=name,
                due_date=due_date,
                opened_at=timezone.now(),
                opened_by=actor,
            )
    except IntegrityError:
        raise ReportingError(_("该台账已有未关闭的报送轮次，请先关闭")) from None
    audit_record(
        actor=actor, action="round.open", ledger=ledger, data={"round": round_.pk, "name": name}
    )
    return round_


@transaction.atomic
def round_close(*, round_: Round, actor: User) -> Round:
    """Close a round and keep a snapshot of the ledger as it stands, so the ledger as of that
    round can be viewed and exported later."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ReportingError(_("该轮次已关闭"))
    round_.snapshot = ledger_to_dict(ledger_document(round_.ledger))
    round_.closed_at = timezone.now()
    round_.closed_by = actor
    round_.save(update_fields=["snapshot", "closed_at", "closed_by"])
    audit_record(actor=actor, action="round.close", ledger=round_.ledger, data={"round": round_.pk})
    return round_


@transaction.atomic
def report_submit(
    *,
    task: Task,
    unit: Unit,
    actor: User,
    progress: str,
    status: str,
    figures: list[dict[str, Any]] | None = None,
    files: list[UploadedFile] | None = None,
) -> Report:
    """A unit's report on a task or sub-item in the ledger's open round. A task split into
    sub-items is refused: each sub-item is reported on instead. The caller has checked that
    the actor may report for `unit` (accounts.access)."""
    _refuse_split_task(task)
    progress = progress.strip()
    if not progress:
        raise ReportingError(_("请填写进展情况"))
    if status not in Status.values:
        raise ReportingError(_("请选择状态"))
    round_ = round_current(task.ledger_id)
    if round_ is None:
        raise ReportingError(_("当前没有开放的报送轮次"))
    checked = [checked_upload(f) for f in files or []]
    previous, similarity = _previous_round_text(task, unit, round_, progress)
    # A unit's newer report in the round replaces its pending one: accepting the older one
    # afterwards would turn the progress back.
    Report.objects.filter(round=round_, task=task, unit=unit, state=ReportState.SUBMITTED).update(
        state=ReportState.SUPERSEDED
    )
    report = Report.objects.create(
        similar_to=previous,
        similarity=similarity,
        round=round_,
        task=task,
        unit=unit,
        author=actor,
        progress=progress,
        status=status,
        figures=_checked_figures(figures or []),
        previous_progress=task.progress,
        previous_status=task.status,
        submitted_at=timezone.now(),
    )
    for upload, content_type in checked:
        Attachment.objects.create(
            report=report,
            file=upload,
            name=(upload.name or "attachment")[:200],
            content_type=content_type,
            size=upload.size or 0,
        )
    audit_record(
        actor=actor,
        action="report.submit",
        ledger=task.ledger,
        data={"report": report.pk, "task": task.number, "unit": unit.name},
    )
    return report


def _refuse_split_task(task: Task) -> None:
    """A task with sub-items is reported through them, never itself."""
    if task.parent_id is not None:
        return
    subitems = task.subitems.filter(removed_at__isnull=True).order_by("order", "pk")
    labels = [sub.label or f"{task.number}-{sub.number}" for sub in subitems]
    if labels:
        raise ReportingError(
            _("任务%(n)s分为子项（%(labels)s），请按子项分别报送")
            % {"n": task.number, "labels": "、".join(labels)}
        )


def _checked_figures(figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Figures as stored: a name, a finite number, a unit; anything else is refused."""
    return [_checked_figure(figure) for figure in figures]


def _checked_figure(figure: dict[str, Any]) -> dict[str, Any]:
    name, unit, value = figure.get("name"), figure.get("unit", ""), figure.get("value")
    named = isinstance(name, str) and bool(name.strip()) and isinstance(unit, str)
    number = (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    )
    if not named or number is None or not math.isfinite(number):
        raise ReportingError(_("数据应为“名称 数值 单位”：%(figure)s") % {"figure": figure})
    return {"name": str(name).strip(), "value": number, "unit": str(unit).strip()}


def _previous_round_text(
    task: Task, unit: Unit, round_: Round, progress: str
) -> tuple[Report | None, float]:
    """The unit's latest report on the task in an earlier round (or, without one, the task's
    current progress) and how similar the new text is to it (0 to 1)."""
    previous = (
        Report.objects.filter(task=task, unit=unit)
        .exclude(round=round_)
        .exclude(state__in=[ReportState.RETURNED, ReportState.SUPERSEDED])
        .order_by("-submitted_at", "-pk")
        .first()
    )
    before = previous.progress if previous is not None else task.progress
    ratio = difflib.SequenceMatcher(a=before, b=progress, autojunk=False).ratio() if before else 0.0
    return previous, round(ratio, 3)


@transaction.atomic
def attachment_add(*, report: Report, actor: User, upload: UploadedFile) -> Attachment:
    """A photo or PDF added to a report still waiting for review. The caller has checked that
    the actor may report for the report's unit (accounts.access)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(_("该报送已审核，不能再添加附件"))
    checked, content_type = checked_upload(upload)
    attachment = Attachment.objects.create(
        report=report,
        file=checked,
        name=(checked.name or "attachment")[:200],
        content_type=content_type,
        size=checked.size or 0,
    )
    audit_record(
        actor=actor,
        action="report.attach",
        ledger=report.task.ledger,
        data={"report": report.pk, "attachment": attachment.pk, "name": attachment.name},
    )
    return attachment


@transaction.atomic
def report_accept(*, report: Report, actor: User, comment: str = "") -> Report:
    """Accept a submitted report: it becomes the task's current progress and status, with a
    revision of what changed."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(_("该报送已审核过"))
    task = Task.objects.select_for_update().get(pk=report.task_id)
    label = Status(report.status).label
    task_revise(
        task,
        {"progress": report.progress, "status": report.status, "status_label": str(label)},
        actor=actor,
        source=TaskRevision.Source.REPORT,
        note=_("采纳 %(unit)s 的报送（%(round)s）") % {"unit": report.unit, "round": report.round},
    )
    _review(report, actor, ReportState.ACCEPTED, comment)
    return report


@transaction.atomic
def report_return(*, report: Report, actor: User, comment: str) -> Report:
    """Return a submitted report to its unit with a comment; the report is kept."""
    if not comment.strip():
        raise ReportingError(_("退回时请填写意见"))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(_("该报送已审核过"))
    _review(report, actor, ReportState.RETURNED, comment)
    return report


def _review(report: Report, actor: User, state: str, comment: str) -> None:
    report.state = state
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    report.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_comment"])
    audit_record(
        actor=actor,
        action=f"report.{state}",
        ledger=report.task.ledger,
        data={"report": report.pk, "comment": report.review_comment},
    )


@transaction.atomic
def comment_add(*, task: Task, actor: User, text: str) -> Comment:
    """A leader's comment (批示) on a task."""
    text = text.strip()
    if not text:
        raise ReportingError(_("请填写批示内容"))
    comment = Comment.objects.create(task=task, author=actor, text=text, created_at=timezone.now())
    audit_record(actor=actor, action="comment.add", ledger=task.ledger, data={"task": task.number})
    return comment
