"""Nothing a reporter types is lost: drafts (暂存) of a unit's report on a task, and the files
chosen in a report form that was not sent yet (held files). Services write (keyword-only,
atomic, an audit row); selectors read in a fixed number of queries. Sending the report
(reporting.services.report_submit) turns the held files into attachments and removes the
unit's draft. The caller has checked that the actor may report for `unit` (accounts.access)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.ledger.models import Status, Task, TaskUnit, Unit
from taizhang.ledger.services import audit_record
from taizhang.prepared import Prepared
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import (
    HeldFile,
    Report,
    ReportDraft,
    ReportState,
    Round,
    snapshot_deferred,
)
from taizhang.reporting.services import unit_quota_check
from taizhang.reporting.uploads import checked_upload

# Files held for one person, task and unit: enough for any report, not a file store.
MAX_HELD_FILES = 20


@transaction.atomic
def draft_save(
    *, task: Task, unit: Unit, actor: User, progress: str, status: str, figures_text: str
) -> ReportDraft:
    """Keep what a unit's reporter has written so far (暂存), replacing the unit's earlier
    draft of the task: it is there on any device until the report is sent or the draft
    dropped, with the files held for it. Nothing is checked but the status word: a draft may
    be half written."""
    if status and status not in Status.values:
        raise ReportingError(_("请选择状态"))
    now = timezone.now()
    draft, _created = ReportDraft.objects.update_or_create(
        task=task,
        unit=unit,
        defaults={
            "author": actor,
            "progress": progress,
            "status": status,
            "figures_text": figures_text,
            "updated_at": now,
        },
    )
    # The files held for the draft are part of it: saving it again starts their time afresh
    # (`taizhang cleanup` also keeps them while the draft is there).
    HeldFile.objects.filter(task=task, unit=unit).update(created_at=now)
    audit_record(
        actor=actor,
        action="report.draft_save",
        ledger=task.ledger,
        data={"task": task.number, "task_id": task.pk, "unit": unit.name, "draft": draft.pk},
    )
    return draft


@transaction.atomic
def draft_drop(*, task: Task, unit: Unit, actor: User) -> None:
    """Drop the unit's draft of the task and the files the actor held for it."""
    deleted, _rows = ReportDraft.objects.filter(task=task, unit=unit).delete()
    held = HeldFile.objects.filter(task=task, unit=unit, owner=actor)
    names = [item.name for item in held]
    _delete_held(held)
    audit_record(
        actor=actor,
        action="report.draft_drop",
        ledger=task.ledger,
        data={
            "task": task.number,
            "task_id": task.pk,
            "unit": unit.name,
            "draft": bool(deleted),
            "files": names,
        },
    )


@transaction.atomic
def file_hold(*, task: Task, unit: Unit, owner: User, upload: UploadedFile) -> HeldFile:
    """Keep a file chosen in a report form that is not sent yet, checked like an attachment
    (reporting.uploads: photos and PDF by content, bounded in size). Held files count in the
    unit's quota (reporting.services.unit_quota_check) as the attachments they become."""
    checked, content_type = checked_upload(upload)
    if HeldFile.objects.filter(task=task, unit=unit, owner=owner).count() >= MAX_HELD_FILES:
        raise ReportingError(
            _("附件 %(name)s 未保存：最多保留 %(n)s 个待报送附件")
            % {"name": upload.name, "n": MAX_HELD_FILES}
        )
    try:
        unit_quota_check(unit=unit, added=checked.size or 0)
    except ReportingError as error:
        raise ReportingError(
            _("附件 %(name)s 未保存：%(reason)s") % {"name": upload.name, "reason": error}
        ) from None
    held = HeldFile.objects.create(
        task=task,
        unit=unit,
        owner=owner,
        file=checked,
        name=(checked.name or "attachment")[:200],
        content_type=content_type,
        size=checked.size or 0,
        created_at=timezone.now(),
    )
    audit_record(
        actor=owner,
        action="report.file_hold",
        ledger=task.ledger,
        data={
            "task": task.number,
            "task_id": task.pk,
            "unit": unit.name,
            "file": held.pk,
            "name": held.name,
        },
    )
    return held


@transaction.atomic
def held_files_drop(*, task: Task, unit: Unit, owner: User, ids: Iterable[int]) -> int:
    """Drop some of the files the owner holds for the task and unit (others' are untouched);
    returns how many were dropped."""
    held = HeldFile.objects.filter(task=task, unit=unit, owner=owner, pk__in=list(ids))
    names = [item.name for item in held]
    _delete_held(held)
    if names:
        audit_record(
            actor=owner,
            action="report.file_drop",
            ledger=task.ledger,
            data={"task": task.number, "task_id": task.pk, "unit": unit.name, "names": names},
        )
    return len(names)


def _delete_held(held: Iterable[HeldFile]) -> None:
    """Delete the rows, and their stored files once the transaction has committed."""
    for item in list(held):
        name, storage = item.file.name, item.file.storage
        item.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))


# --- selectors -----------------------------------------------------------------------------


def draft_of(task: Task, unit_id: int) -> ReportDraft | None:
    """The unit's draft of the task, if any."""
    return ReportDraft.objects.filter(task=task, unit_id=unit_id).first()


def _held_files(task_id: int, unit_id: int, owner_id: int) -> QuerySet[HeldFile]:
    return HeldFile.objects.filter(task_id=task_id, unit_id=unit_id, owner_id=owner_id).order_by(
        "created_at", "pk"
    )


# Compiled once (`Prepared`): asked on every report sent.
_HELD_FILES = Prepared(_held_files)


def held_files_of(task: Task, unit_id: int, owner: User) -> list[HeldFile]:
    """The files the owner holds for the task and unit, oldest first."""
    files: list[HeldFile] = _HELD_FILES.objects(task.pk, unit_id, owner.pk)
    return files


def drafts_by_task(tasks: Sequence[Task], unit_ids: Sequence[int]) -> dict[int, ReportDraft]:
    """The latest draft of these units on each of these tasks, in one query."""
    drafts = ReportDraft.objects.filter(
        task_id__in=[t.pk for t in tasks], unit_id__in=unit_ids
    ).order_by("updated_at", "pk")
    return {draft.task_id: draft for draft in drafts}


def held_files_by_task(
    tasks: Sequence[Task], unit_ids: Sequence[int], owner: User
) -> dict[tuple[int, int], list[HeldFile]]:
    """The owner's held files on these tasks, by (task id, unit id), in one query."""
    held: dict[tuple[int, int], list[HeldFile]] = defaultdict(list)
    rows = HeldFile.objects.filter(
        task_id__in=[t.pk for t in tasks], unit_id__in=unit_ids, owner=owner
    ).order_by("created_at", "pk")
    for item in rows:
        held[(item.task_id, item.unit_id)].append(item)
    return dict(held)


def latest_report(task: Task, round_: Round | None, unit_ids: Sequence[int]) -> Report | None:
    """The units' latest report on the task in the round (None without a round)."""
    if round_ is None:
        return None
    return (
        Report.objects.filter(round=round_, task=task, unit_id__in=unit_ids)
        .select_related("author__profile", "unit")
        .order_by("-submitted_at", "-pk")
        .first()
    )


def returned_report(task: Task, round_: Round | None, unit_ids: Sequence[int]) -> Report | None:
    """The units' latest report on the task in the round when the office returned it (the
    one the reporter writes again), else None."""
    latest = latest_report(task, round_, unit_ids)
    return latest if latest is not None and latest.state == ReportState.RETURNED else None


def reports_to_redo(
    unit_ids: Sequence[int], reports: QuerySet[Report] | None = None
) -> list[Report]:
    """Reports of these units (of `reports`, the caller's scope from accounts.access, or
    all) that the office returned in a round still open, with nothing sent after them on the
    same task (the reporter's to write again), newest first. Left out: reports on a task a
    later edition removed, or whose unit no longer serves the task (nothing to write again)."""
    reports = Report.objects.all() if reports is None else reports
    later = Report.objects.filter(
        round_id=OuterRef("round_id"),
        task_id=OuterRef("task_id"),
        unit_id=OuterRef("unit_id"),
        submitted_at__gt=OuterRef("submitted_at"),
    )
    return list(
        reports.filter(
            unit_id__in=unit_ids, state=ReportState.RETURNED, round__closed_at__isnull=True
        )
        .filter(_still_served())
        .exclude(Exists(later))
        .select_related("task__parent", "task__ledger", "unit", "round")
        .defer(*snapshot_deferred("round__"))
        .order_by("-reviewed_at", "-pk")
    )


def _still_served() -> Q:
    """A report on a current task that its unit still serves (a sub-item naming no unit is
    served by its task's units)."""
    links = TaskUnit.objects.filter(unit_id=OuterRef("unit_id"))
    own = Exists(links.filter(task_id=OuterRef("task_id")))
    has_own = Exists(TaskUnit.objects.filter(task_id=OuterRef("task_id")))
    inherited = ~has_own & Exists(links.filter(task_id=OuterRef("task__parent_id")))
    return Q(task__removed_at__isnull=True) & (Q(own) | Q(inherited))
