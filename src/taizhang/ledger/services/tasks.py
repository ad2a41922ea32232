"""Changes to a stored task outside an import: the office's direct edit and the revision every
change leaves (an accepted report's change comes through `task_revise` too)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.chinese.dates import parse_deadline
from taizhang.ledger.errors import ConflictError, EditError
from taizhang.ledger.models import Milestone, Status, Task, TaskRevision
from taizhang.ledger.services.audit import audit_record
from taizhang.ledger.signals import tasks_written

EDITABLE_FIELDS = ("goal", "deadline_text", "progress", "status", "status_label", "remarks")


def task_revise(
    task: Task, values: dict[str, Any], *, actor: User, source: str, note: str = ""
) -> dict[str, Any]:
    """Apply `values` to a locked task, bump its version, keep a revision: the one writer of
    task revisions after an import (an accepted report, an edit)."""
    changes = {
        name: {"old": _plain(getattr(task, name)), "new": _plain(value)}
        for name, value in values.items()
        if getattr(task, name) != value
    }
    if not changes:
        return changes
    for name, value in values.items():
        setattr(task, name, value)
    task.version += 1
    task.save(update_fields=[*values, "version", "updated_at"])
    TaskRevision.objects.create(
        task=task, at=timezone.now(), source=source, actor=actor, note=note[:300], changes=changes
    )
    return changes


def task_correction_record(
    *, task: Task, what: str, old: Any, new: Any, actor: User, note: str
) -> TaskRevision | None:
    """Keep in a task's history a correction the office made to what is shown of the task
    outside its own fields (a figure of it, `supervision.services`): a revision of the edit
    source holding {what: {"old": old, "new": new}} and `note` (what was done), so the task
    page's timeline shows who, when, and before → after. The task and its version are left
    as they are (no edit of its fields is overtaken); nothing is written when old == new."""
    if old == new:
        return None
    return TaskRevision.objects.create(
        **_correction(task.pk, what, old, new, actor=actor, note=note)
    )


def tasks_correction_record(
    *, changes: Mapping[int, tuple[Any, Any]], what: str, actor: User, note: str
) -> int:
    """`task_correction_record` for many tasks at once, {task id: (old, new)}: a correction
    made to a whole ledger (its light thresholds) kept in the history of each task whose
    shown `what` it changed, in one insert. Returns the revisions written."""
    rows = [
        TaskRevision(**_correction(pk, what, old, new, actor=actor, note=note))
        for pk, (old, new) in sorted(changes.items())
        if old != new
    ]
    TaskRevision.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _correction(
    task_id: int, what: str, old: Any, new: Any, *, actor: User, note: str
) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "at": timezone.now(),
        "source": TaskRevision.Source.EDIT,
        "actor": actor,
        "note": note[:300],
        "changes": {what: {"old": old, "new": new}},
    }


@transaction.atomic
def task_update(*, task: Task, version: int, actor: User, values: dict[str, Any]) -> Task:
    """The office edits a task. `version` is the version the editor read: if someone changed
    the task since, nothing is written and `ConflictError` says so (their work is kept). An
    edit of a joint task's progress gives it its sections again in the same revision, so the
    units' parts the edit left intact stay theirs (`joint.edited_sections`)."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise EditError(_("不能修改这些字段：%(f)s") % {"f": "、".join(sorted(unknown))})
    if "status" in values and values["status"] not in ("", *Status.values):
        raise EditError(_("未知状态"))
    if "goal" in values and not str(values["goal"]).strip():
        raise EditError(_("工作目标任务不能为空"))
    locked = Task.objects.select_for_update().select_related("ledger").get(pk=task.pk)
    if "status" in values and "status_label" not in values:
        # The label follows a changed status, as when a report is accepted.
        status = values["status"]
        same = status == locked.status
        values = {**values, "status_label": locked.status_label if same else _status_label(status)}
    if locked.version != version:
        raise ConflictError(
            _(
                "这项任务已被他人修改（当前版本 %(now)s，您编辑的是版本 %(yours)s）。"
                "您的修改没有保存，请刷新后重新编辑。"
            )
            % {"now": locked.version, "yours": version}
        )
    parsed = None
    if "deadline_text" in values and values["deadline_text"] != locked.deadline_text:
        # The date and milestones follow the text, so the lights use the new deadline.
        parsed = parse_deadline(values["deadline_text"], locked.ledger.year)
        values = {**values, "deadline": parsed.deadline}
    if "progress" in values and values["progress"] != locked.progress:
        values = {**values, **_sections_with(locked, values["progress"])}
    changes = task_revise(locked, values, actor=actor, source=TaskRevision.Source.EDIT)
    if parsed is not None:
        locked.milestones.all().delete()
        Milestone.objects.bulk_create(
            Milestone(task=locked, text=m.text, date=m.date, order=i)
            for i, m in enumerate(parsed.milestones)
        )
    if changes:
        tasks_written(locked.ledger_id, [locked.pk])
    audit_record(
        actor=actor,
        action="task.edit",
        ledger=locked.ledger,
        data={"task": locked.number, "task_id": locked.pk, "fields": sorted(changes)},
    )
    return locked


def _sections_with(task: Task, progress: str) -> dict[str, Any]:
    """{"sections": ...} for a joint task whose progress is edited (`joint.edited_sections`),
    written in the same revision; nothing for a task one unit serves."""
    # joint.py builds on task_revise above: imported here, not at the top, to avoid a cycle.
    from taizhang.ledger.services.joint import edited_sections

    found = edited_sections(task, progress)
    return {} if found is None else {"sections": found}


def _plain(value: Any) -> Any:
    """A field value as the revision's JSON keeps it: dates as ISO text, empty as null."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value or None


def _status_label(status: str) -> str:
    return str(Status(status).label) if status else ""
