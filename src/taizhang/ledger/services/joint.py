"""Joint tasks (several units serve one task): the stored sections of a task's progress, and
the office's per-ledger choice of how they show and how the task's status follows them.

`Task.sections` holds [{"unit": unit id or null, "text", "status"}] and `Task.progress` is
always their composition (ledger/sections.py). Sections that no longer compose to the progress
(an import or a direct edit changed it) are stale: `current_sections` reads them afresh from
the progress before anyone changes one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from taizhang.ledger import sections as joint
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import JointStatus, Ledger, Task, TaskRevision, TaskUnit, Unit
from taizhang.ledger.services.audit import audit_record
from taizhang.ledger.services.tasks import task_revise
from taizhang.ledger.signals import tasks_written


@dataclass(frozen=True)
class TaskUnits:
    """The units serving a task, in its order, and the names of units its sections name."""

    names: list[str]
    name_of: dict[int, str]

    @property
    def id_of(self) -> dict[str, int]:
        return {name: pk for pk, name in self.name_of.items()}

    @property
    def joint(self) -> bool:
        return len(self.names) > 1


def task_units(task: Task) -> TaskUnits:
    """The units serving a task: its own, or, for a sub-item naming none, its task's (from
    prefetched `unit_links__unit` when the caller loaded them)."""
    links = list(task.unit_links.all())
    if not links and task.parent_id is not None:
        links = list(task.parent.unit_links.all())  # type: ignore[union-attr]
    name_of = {link.unit_id: link.unit.name for link in links}
    stored = {s.get("unit") for s in task.sections or [] if isinstance(s, dict)}
    others = [pk for pk in stored if isinstance(pk, int) and pk not in name_of]
    if others:  # a unit that reported, then stopped serving the task
        name_of.update(Unit.objects.filter(pk__in=others).values_list("pk", "name"))
    return TaskUnits([link.unit.name for link in links], name_of)


def current_sections(task: Task, units: TaskUnits | None = None) -> list[joint.Section]:
    """The task's sections as they stand: the stored ones if they still compose to its
    progress, else read afresh from the progress (`sections.split`)."""
    units = units or task_units(task)
    stored = _from_json(task.sections, units)
    prefix = task.ledger.prefix_unit_names
    if stored is not None and joint.compose(stored, prefix, units.names) == task.progress:
        return stored
    return joint.split(task.progress, units.names)


def edited_sections(task: Task, progress: str) -> list[dict[str, Any]] | None:
    """The sections to store with the office's edit of a joint task's whole progress to
    `progress` (`sections.resplit` of the sections as they stand): the units' parts the edit
    left intact stay theirs, with their statuses, so the next accepted report still replaces
    its unit's part. None for a task one unit serves: all its text is that unit's."""
    units = task_units(task)
    if not units.joint:
        return None
    before = current_sections(task, units)
    found = joint.resplit(progress, before, task.ledger.prefix_unit_names, units.names)
    return _to_json(joint.ordered(found, units.names), units)


def unit_part(task: Task, unit_id: int | None) -> str:
    """What a unit's report form starts from: the whole progress for a task one unit serves;
    for a joint task, the unit's own section (empty before its first report, or when the unit
    is not chosen yet), so a unit never sends the other units' text back as its own."""
    units = task_units(task)
    if not units.joint:
        return task.progress
    if unit_id is None or unit_id not in units.name_of:
        return ""
    name = units.name_of[unit_id]
    found = [s.text for s in current_sections(task, units) if s.unit == name]
    return found[0] if found else ""


def sections_values(
    task: Task, sections: list[joint.Section], units: TaskUnits, prefix: bool | None = None
) -> dict[str, Any]:
    """The fields a change of sections writes: the sections and the progress they compose."""
    prefix = task.ledger.prefix_unit_names if prefix is None else prefix
    ordered = joint.ordered(sections, units.names)
    return {
        "progress": joint.compose(ordered, prefix, units.names),
        "sections": _to_json(ordered, units),
    }


def _from_json(stored: Any, units: TaskUnits) -> list[joint.Section] | None:
    """Stored sections as `Section`s; None when there are none or one names an unknown unit."""
    if not stored or not isinstance(stored, list):
        return None
    result = []
    for item in stored:
        pk = item.get("unit") if isinstance(item, dict) else None
        if pk is not None and pk not in units.name_of:
            return None
        name = units.name_of[pk] if pk is not None else None
        result.append(joint.Section(name, str(item.get("text", "")), str(item.get("status", ""))))
    return result


def _to_json(sections: list[joint.Section], units: TaskUnits) -> list[dict[str, Any]]:
    id_of = units.id_of
    return [
        {
            "unit": id_of[s.unit] if s.unit is not None else None,
            "text": s.text,
            "status": s.status,
        }
        for s in sections
    ]


@transaction.atomic
def ledger_joint_settings_update(
    *, ledger: Ledger, actor: User, prefix_unit_names: bool, joint_status: str
) -> Ledger:
    """The office's choice for a ledger's joint tasks: whether each unit's part of the
    progress starts with the unit's name, and how a joint task's status follows its units'
    ("least": the least advanced unit's; "office": the office sets it). Every task's progress
    is composed afresh (a revision for each that changed), with one audit row."""
    if joint_status not in JointStatus.values:
        raise EditError(_("请选择多单位任务的状态规则"))
    locked = Ledger.objects.select_for_update().get(pk=ledger.pk)
    changed = _recompose_tasks(locked, prefix_unit_names, actor)
    if changed:
        tasks_written(locked.pk, None)
    locked.prefix_unit_names = prefix_unit_names
    locked.joint_status = joint_status
    locked.save(update_fields=["prefix_unit_names", "joint_status"])
    audit_record(
        actor=actor,
        action="ledger.joint_settings",
        ledger=locked,
        data={
            "prefix_unit_names": prefix_unit_names,
            "joint_status": joint_status,
            "tasks": changed,
        },
    )
    return locked


def _recompose_tasks(ledger: Ledger, prefix: bool, actor: User) -> list[str]:
    """Compose every current task of the ledger with the new prefix rule; the keys of those
    whose progress changed. Sections are read under the old rule (`ledger` unsaved yet)."""
    units = Prefetch("unit_links", TaskUnit.objects.select_related("unit"))
    parent_units = Prefetch("parent__unit_links", TaskUnit.objects.select_related("unit"))
    tasks = (
        Task.objects.select_for_update(of=("self",))
        .filter(ledger=ledger, removed_at__isnull=True)
        .select_related("parent")
        .prefetch_related(units, parent_units)
        .order_by("order", "pk")
    )
    changed = []
    for task in tasks:
        task.ledger = ledger
        serving = task_units(task)
        if not serving.joint:
            continue
        values = sections_values(task, current_sections(task, serving), serving, prefix)
        if values["progress"] == task.progress:
            continue  # nothing shows differently; stale sections are read afresh when used
        changed.append(task.key)
        note = _("更改多单位任务的进展显示方式")
        task_revise(task, values, actor=actor, source=TaskRevision.Source.EDIT, note=note)
    return changed
