"""Every write of the reporting cycle: rounds, reports, review, leaders' comments, direct edits
of a task. Each is atomic and leaves an audit row; a change to a task leaves a revision."""

from __future__ import annotations

import datetime
import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.documents.json_format import ledger_to_dict
from taizhang.ledger import sections as sections_mod
from taizhang.ledger.models import JointStatus, Ledger, Status, Task, TaskRevision, Unit
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import audit_record, task_revise
from taizhang.ledger.services.joint import (
    TaskUnits,
    current_sections,
    sections_values,
    task_units,
    unit_part,
)
from taizhang.ledger.signals import tasks_written
from taizhang.prepared import Prepared
from taizhang.reporting.errors import ConflictError, ReportingError
from taizhang.reporting.models import (
    Attachment,
    Comment,
    HeldFile,
    Report,
    ReportDraft,
    ReportState,
    Round,
    snapshot_deferred,
)
from taizhang.reporting.payloads import FigureData
from taizhang.reporting.selectors import round_current
from taizhang.reporting.signals import comment_added, report_reviewed, round_closed, round_opened
from taizhang.reporting.snapshots import round_statuses_write, snapshot_task_ids
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
    round_opened.send(sender=None, round_=round_)
    return round_


@transaction.atomic
def round_close(*, round_: Round, actor: User) -> Round:
    """Close a round and keep a snapshot of the ledger as it stands, so the ledger as of that
    round can be viewed and exported later."""
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ReportingError(_("该轮次已关闭"))
    doc = ledger_document(round_.ledger)
    round_.snapshot = ledger_to_dict(doc)
    # Each entry's task id: who may see it later goes by id, as keys move between editions.
    round_.snapshot_ids = snapshot_task_ids(round_.ledger_id, doc)
    round_.closed_at = timezone.now()
    round_.closed_by = actor
    round_.save(update_fields=["snapshot", "snapshot_ids", "closed_at", "closed_by"])
    round_statuses_write(round_, doc)
    round_closed.send(sender=None, round_id=round_.pk)
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
    figures: Sequence[Mapping[str, object]] | None = None,
    files: list[UploadedFile] | None = None,
    held_files: Sequence[HeldFile] = (),
) -> Report:
    """A unit's report on a task or sub-item in the ledger's open round. A task split into
    sub-items is refused: each sub-item is reported on instead. The caller has checked that
    the actor may report for `unit` (accounts.access).

    Under a lock on the task, the unit's report still waiting in the round is superseded (it
    can no longer be accepted) and its attachments move to the new one as far as the quotas
    allow. `files` are new uploads, `held_files` files kept from a refused form or a draft:
    both become the report's attachments and count in the quotas. The unit's draft of the
    report is dropped: it has been sent."""
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
    # Submits for one task queue here (same lock order as report_accept: task, then reports).
    # The task's own fields are read again under the lock (an accepted report may have just
    # changed its progress); the ledger and the unit links the caller loaded are kept.
    _task_locked(task)
    held = _held_for(task, unit, actor, held_files)
    waiting: list[Report] = _WAITING_LOCKED.objects(round_.pk, task.pk, unit.pk)
    report = _report_create(task, unit, actor, round_, progress, status, figures or [], waiting)
    added = attachments_create(report=report, uploads=checked, held_files=held)
    # Kept short: on SQLite the whole transaction holds the database's one write lock.
    carried = _carry_over(waiting, report, added) if waiting else []
    ReportDraft.objects.filter(task=task, unit=unit).delete()
    audit_record(
        actor=actor,
        action="report.submit",
        ledger=task.ledger,
        data={
            "report": report.pk,
            "task": task.number,
            "task_id": task.pk,
            "unit": unit.name,
            "superseded": [r.pk for r in waiting],
            "carried_over": carried,
        },
    )
    return report


# The task's fields a submission reads again under its lock: all but its relations (the
# caller's `ledger`, `parent` and prefetched unit links stay loaded).
_TASK_VALUES = [
    f.attname for f in Task._meta.concrete_fields if not f.is_relation and not f.primary_key
]


def _task_values_locked(task_id: int) -> QuerySet[Task, tuple[Any, ...]]:
    return Task.objects.select_for_update().filter(pk=task_id).order_by().values_list(*_TASK_VALUES)


def _waiting_locked(round_id: int, task_id: int, unit_id: int) -> QuerySet[Report]:
    return Report.objects.select_for_update().filter(
        round_id=round_id, task_id=task_id, unit_id=unit_id, state=ReportState.SUBMITTED
    )


# The queries of every report sent, compiled once (`Prepared`): the ORM built and compiled
# each of them each time (0.3-0.7 ms apiece).
_TASK_VALUES_LOCKED = Prepared(_task_values_locked)
_WAITING_LOCKED = Prepared(_waiting_locked)


def _task_locked(task: Task) -> None:
    """Lock the task's row and read its own fields again (`refresh_from_db` of `_TASK_VALUES`
    under `select_for_update`)."""
    found = _TASK_VALUES_LOCKED.values(task.pk)
    if not found:
        raise Task.DoesNotExist
    for name, value in zip(_TASK_VALUES, found[0], strict=True):
        setattr(task, name, value)


def _report_create(
    task: Task,
    unit: Unit,
    actor: User,
    round_: Round,
    progress: str,
    status: str,
    figures: Sequence[Mapping[str, object]],
    waiting: list[Report],
) -> Report:
    """Supersede the unit's waiting report (`waiting`, locked) and store the new one. What it
    is compared with is the unit's own part of the progress (a joint task's other units'
    parts aside)."""
    before = unit_part(task, unit.pk)
    previous, similarity = _previous_round_text(task, unit, round_, progress, before)
    # A unit's newer report in the round replaces its pending one: accepting the older one
    # afterwards would turn the progress back.
    if waiting:
        Report.objects.filter(
            round=round_, task=task, unit=unit, state=ReportState.SUBMITTED
        ).update(state=ReportState.SUPERSEDED)
    try:
        with transaction.atomic():
            return Report.objects.create(
                similar_to=previous,
                similarity=similarity,
                round=round_,
                task=task,
                unit=unit,
                author=actor,
                progress=progress,
                status=status,
                figures=_checked_figures(figures),
                previous_progress=before,
                previous_status=task.status,
                submitted_at=timezone.now(),
            )
    except IntegrityError:
        # Only when the lock above was bypassed; the constraint keeps one waiting report.
        raise ReportingError(_("本单位的另一份报送正在提交，请稍后重试")) from None


def _held_for(
    task: Task, unit: Unit, actor: User, held_files: Sequence[HeldFile]
) -> list[HeldFile]:
    """The held files, locked, if they are all still there, all this task's and unit's, and
    all the actor's own (another reporter's files are theirs to send)."""
    if not held_files:
        return []
    ids = [held.pk for held in held_files]
    rows = list(HeldFile.objects.select_for_update().filter(pk__in=ids, task=task, unit=unit))
    if len(rows) != len(set(ids)):
        raise ReportingError(_("所选的待报送附件已失效或不属于这项报送，请重新选择"))
    if any(row.owner_id != actor.pk for row in rows):
        raise ReportingError(_("所选的待报送附件中有他人上传的文件，只能发送本人上传的附件"))
    return sorted(rows, key=lambda held: ids.index(held.pk))


def _carry_over(waiting: list[Report], report: Report, added: list[Attachment]) -> list[int]:
    """Move the superseded reports' attachments to the new report, oldest first, while the
    per-report quotas allow (the reporter does not upload them again; `added`: the new
    report's own attachments); the ids moved."""
    olds: list[Attachment] = _ATTACHMENTS_OF.objects([report.pk for report in waiting])
    if not olds:
        return []
    limit = Quotas.read()
    count, size = len(added), sum(attachment.size for attachment in added)
    moved = []
    for attachment in olds:
        if count + 1 > limit.count or size + attachment.size > limit.report_bytes:
            continue
        count, size = count + 1, size + attachment.size
        moved.append(attachment.pk)
    Attachment.objects.filter(pk__in=moved).update(report=report)
    return moved


def _attachments_of(report_ids: list[int]) -> QuerySet[Attachment]:
    return Attachment.objects.filter(report_id__in=report_ids).order_by("pk")


def _current_subitems(task_id: int) -> QuerySet[Task, tuple[str, int]]:
    return (
        Task.objects.filter(parent_id=task_id, removed_at__isnull=True)
        .order_by("order", "pk")
        .values_list("label", "number")
    )


_ATTACHMENTS_OF = Prepared(_attachments_of)
_CURRENT_SUBITEMS = Prepared(_current_subitems)


def _refuse_split_task(task: Task) -> None:
    """A task with sub-items is reported through them, never itself."""
    if task.parent_id is not None:
        return
    subitems = _CURRENT_SUBITEMS.values(task.pk)
    labels = [label or f"{task.number}-{number}" for label, number in subitems]
    if labels:
        raise ReportingError(
            _("任务%(n)s分为子项（%(labels)s），请按子项分别报送")
            % {"n": task.number, "labels": "、".join(labels)}
        )


def _checked_figures(figures: Sequence[Mapping[str, object]]) -> list[FigureData]:
    """Figures as stored: a name, a finite number, a unit; anything else is refused."""
    return [_checked_figure(figure) for figure in figures]


def _checked_figure(figure: Mapping[str, object]) -> FigureData:
    name, unit, value = figure.get("name"), figure.get("unit", ""), figure.get("value")
    named = isinstance(name, str) and bool(name.strip()) and isinstance(unit, str)
    number = (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    )
    if not named or number is None or not math.isfinite(number):
        raise ReportingError(_("数据应为“名称 数值 单位”：%(figure)s") % {"figure": figure})
    return {"name": str(name).strip(), "value": number, "unit": str(unit).strip()}


def _previous(task_id: int, unit_id: int, round_id: int) -> QuerySet[Report]:
    # `first()`'s query: one row.
    return (
        Report.objects.filter(task_id=task_id, unit_id=unit_id)
        .exclude(round_id=round_id)
        .exclude(state__in=[ReportState.RETURNED, ReportState.SUPERSEDED])
        .order_by("-submitted_at", "-pk")[:1]
    )


_PREVIOUS = Prepared(_previous)


def _previous_round_text(
    task: Task, unit: Unit, round_: Round, progress: str, section: str
) -> tuple[Report | None, float]:
    """The unit's latest report on the task in an earlier round (or, without one, the unit's
    part of the progress, `section`) and how similar the new text is to it (0 to 1)."""
    found = _PREVIOUS.objects(task.pk, unit.pk, round_.pk)
    previous: Report | None = found[0] if found else None
    before = previous.progress if previous is not None else section
    ratio = difflib.SequenceMatcher(a=before, b=progress, autojunk=False).ratio() if before else 0.0
    return previous, round(ratio, 3)


@transaction.atomic
def attachment_add(*, report: Report, actor: User, upload: UploadedFile) -> Attachment:
    """A photo or PDF added to a report still waiting for review, within the quotas. The
    caller has checked that the actor may report for the report's unit (accounts.access)."""
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(_("该报送已审核，不能再添加附件"))
    [attachment] = attachments_create(report=report, uploads=[checked_upload(upload)])
    audit_record(
        actor=actor,
        action="report.attach",
        ledger=report.task.ledger,
        data={"report": report.pk, "attachment": attachment.pk, "name": attachment.name},
    )
    return attachment


@dataclass(frozen=True)
class Quotas:
    """How many attachments a report may have and how large they may be together, and how
    much a unit's attachments may take in all (settings, with defaults)."""

    count: int
    report_bytes: int
    unit_bytes: int

    @classmethod
    def read(cls) -> Quotas:
        return cls(
            count=getattr(settings, "TAIZHANG_MAX_ATTACHMENTS_PER_REPORT", 10),
            report_bytes=getattr(settings, "TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT", 50 * MIB),
            unit_bytes=getattr(settings, "TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT", 2 * 1024 * MIB),
        )


MIB = 2**20


def attachments_create(
    *,
    report: Report,
    uploads: Sequence[tuple[UploadedFile, str]] = (),
    held_files: Sequence[HeldFile] = (),
) -> list[Attachment]:
    """The one way attachments are made: checked uploads (file, content type) and held files
    (their stored file reused, the held row dropped) become the report's, if the report's and
    the unit's quotas allow all of them; otherwise nothing is added."""
    sizes = [upload.size or 0 for upload, _type in uploads] + [held.size for held in held_files]
    _check_quotas(report, sizes, [held.pk for held in held_files])
    made = [
        Attachment.objects.create(
            report=report,
            file=upload,
            name=(upload.name or "attachment")[:200],
            content_type=content_type,
            size=upload.size or 0,
        )
        for upload, content_type in uploads
    ]
    for held in held_files:
        made.append(
            Attachment.objects.create(
                report=report,
                file=held.file.name,
                name=held.name,
                content_type=held.content_type,
                size=held.size,
            )
        )
        held.delete()  # the row only: the file is the attachment's now
    return made


def _check_quotas(report: Report, sizes: list[int], held_ids: Sequence[int]) -> None:
    """Refuse new attachments of these sizes beyond the report's or the unit's quota
    (`held_ids`: the held files among them, already counted in the unit's use)."""
    if not sizes:
        return
    limit = Quotas.read()
    present = report.attachments.all()
    if present.count() + len(sizes) > limit.count:
        raise ReportingError(_("每份报送最多 %(n)s 个附件") % {"n": limit.count})
    if _bytes(present) + sum(sizes) > limit.report_bytes:
        raise ReportingError(
            _("每份报送的附件合计不能超过 %(size)s") % {"size": filesizeformat(limit.report_bytes)}
        )
    unit_quota_check(unit=report.unit, added=sum(sizes), held_excluded=held_ids)


def unit_quota_check(*, unit: Unit, added: int, held_excluded: Sequence[int] = ()) -> None:
    """Refuse `added` bytes more for a unit beyond its quota. A unit's use is its reports'
    attachments and its held files (which become attachments when sent), but those in
    `held_excluded` (counted in `added`). The unit's row is locked so that two uploads at
    once cannot both fit in the last room."""
    limit = Quotas.read().unit_bytes
    Unit.objects.select_for_update().get(pk=unit.pk)
    used = _bytes(Attachment.objects.filter(report__unit_id=unit.pk))
    held = HeldFile.objects.filter(unit_id=unit.pk).exclude(pk__in=list(held_excluded))
    used += int(held.aggregate(total=Sum("size"))["total"] or 0)
    if used + added > limit:
        raise ReportingError(
            _("%(unit)s 的附件已占用 %(used)s，再添加将超过上限 %(limit)s，请精简附件")
            % {"unit": unit, "used": filesizeformat(used), "limit": filesizeformat(limit)}
        )


def _bytes(attachments: QuerySet[Attachment]) -> int:
    return int(attachments.aggregate(total=Sum("size"))["total"] or 0)


@transaction.atomic
def report_accept(*, report: Report, actor: User, comment: str = "") -> Report:
    """Accept a submitted report: it becomes the unit's part of the task's progress (all of
    it for a task with one unit), with a revision of what changed. A superseded report is
    refused: only a unit's newest report in a round can be accepted.

    Status: a task with one unit takes the report's. A joint task follows its ledger's
    `joint_status`: "least", the least advanced of its units' parts (a unit without one
    counting as the task's status before); "office", unchanged (the office sets it): the
    report's status is kept as its unit's part's.

    A report on a task a later edition removed, or of a unit that no longer serves the task,
    is refused (it can still be returned): its text has no place in the ledger any more."""
    task_id = Report.objects.values_list("task_id", flat=True).get(pk=report.pk)
    # Locks in report_submit's order (task, then report), so the two never deadlock.
    task = Task.objects.select_for_update().select_related("ledger").get(pk=task_id)
    report = (
        Report.objects.select_for_update()
        .select_related("unit", "round")
        .defer(*snapshot_deferred("round__"))
        .get(pk=report.pk)
    )
    if report.state == ReportState.SUPERSEDED:
        raise ReportingError(_("该报送已被本单位的新报送取代，不能采纳"))
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(_("该报送已审核过"))
    units = task_units(task)
    _refuse_stale_report(task, report, units)
    task_revise(
        task,
        _accepted_values(task, report, units),
        actor=actor,
        source=TaskRevision.Source.REPORT,
        note=_("采纳 %(unit)s 的报送（%(round)s）") % {"unit": report.unit, "round": report.round},
    )
    _review(report, actor, ReportState.ACCEPTED, comment)
    report_reviewed.send(sender=None, report=report)
    # Its text and its figures: the task's indicators and light change with either.
    tasks_written(task.ledger_id, [task.pk])
    return report


def _refuse_stale_report(task: Task, report: Report, units: TaskUnits) -> None:
    """A report whose task or unit the ledger no longer has a place for cannot be accepted."""
    if task.removed_at is not None:
        raise ReportingError(_("该任务已在新版台账中移除，不能采纳"))
    if report.unit.name not in units.names:
        raise ReportingError(_("该单位已不再负责此任务，不能采纳；可退回"))


def _accepted_values(task: Task, report: Report, units: TaskUnits) -> dict[str, Any]:
    """The task's fields once the report's text replaces its unit's section."""
    sections = sections_mod.with_section(
        current_sections(task, units), report.unit.name, report.progress, report.status
    )
    status = report.status
    if units.joint and task.ledger.joint_status == JointStatus.OFFICE:
        status = task.status
    elif units.joint:
        status = sections_mod.least_status(sections, units.names, task.status)
    same = units.joint and status == task.status
    label = task.status_label if same else str(Status(status).label) if status else ""
    values = sections_values(task, sections, units)
    return {**values, "status": status, "status_label": label}


@transaction.atomic
def report_return(*, report: Report, actor: User, comment: str) -> Report:
    """Return a submitted report to its unit with a comment; the report is kept."""
    if not comment.strip():
        raise ReportingError(_("退回时请填写意见"))
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ReportingError(_("该报送已审核过"))
    _review(report, actor, ReportState.RETURNED, comment)
    report_reviewed.send(sender=None, report=report)
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
    audit_record(
        actor=actor,
        action="comment.add",
        ledger=task.ledger,
        data={"task": task.number, "task_id": task.pk},
    )
    comment_added.send(sender=None, comment=comment)
    return comment
