"""A unit merged into another (机构调整: 发改委 into 发展改革委): a service that moves every row
pointing at the unit to the one it joins, its members included (membership is the accounts
app's, so the merge lives here, above ledger and reporting).

What moves: the tasks it serves (`TaskUnit`, in their order; a task both served keeps one
link, the target's, with the stronger role of the two, 牵头 over 责任 over 配合, and the
earlier place, so a task the merged unit led keeps a lead), its sections of joint tasks'
progress, its reports, drafts (the newer of two on one task), held files, its members, and
the rows of any other app that point at a unit (found through the model's relations, so the
notify app's reminders and deliveries and the dashboard's per-unit state move as well,
without this module knowing them). A row whose move would break a unique rule of its table
(a scheduled reminder both units got the same day) stays with the merged unit, as history.
Units merged into this one earlier now point at the target, so one hop always leads to a
current unit.

The merged unit keeps its row (`merged_into`, `merged_at`), so audit rows, revisions and
closed rounds' snapshots that name it still read; it leaves lists and pickers.

The deliveries still to be sent (queued, retrying) move with the rest but carry the merged
unit's e-mail, phone or robot: `signals.unit_merged` tells notify, which sends them to the
target's contacts instead, or fails them saying why (notify.delivery)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.signals import unit_merged
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Task, TaskUnit, Unit, UnitRole
from taizhang.ledger.services import audit_record
from taizhang.ledger.signals import tasks_written
from taizhang.reporting.models import Report, ReportDraft, ReportState


@dataclass
class MergeResult:
    """What a merge moved, by table (`app_label.model`), and what stayed as history."""

    source: Unit
    target: Unit
    moved: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, actor: User | None) -> MergeResult:
    """Merge `source` into `target` (see the module's docstring). Refused, changing nothing,
    when they are one unit, either is already merged, or both have a report waiting for
    review on the same task in the same round (the office reviews one of them first)."""
    locked = Unit.objects.select_for_update().in_bulk(sorted({source.pk, target.pk}))
    source, target = locked[source.pk], locked[target.pk]
    _check(source, target)
    result = MergeResult(source=source, target=target)
    task_ids = set(TaskUnit.objects.filter(unit=source).values_list("task_id", flat=True))
    task_ids |= set(Report.objects.filter(unit=source).values_list("task_id", flat=True))
    result.moved["ledger.taskunit"] = _move_task_links(source, target)
    result.moved["ledger.task.sections"] = _move_sections(source, target, task_ids)
    result.moved["reporting.reportdraft"] = _move_drafts(source, target)
    for model, name in _relations():
        label = model._meta.label_lower
        moved, kept = _move_rows(model, name, source, target)
        result.moved[label] = result.moved.get(label, 0) + moved
        if kept:
            result.kept[label] = kept
    result.moved["ledger.unit.merged"] = Unit.objects.filter(merged_into=source).update(
        merged_into=target
    )
    source.merged_into, source.merged_at = target, timezone.now()
    source.save(update_fields=["merged_into", "merged_at"])
    data = {
        "unit": source.pk,
        "name": source.name,
        "into": target.pk,
        "into_name": target.name,
        "moved": {k: v for k, v in result.moved.items() if v},
        "kept": result.kept,
    }
    audit_record(actor=actor, action="unit.merge", data=data)
    _tell_ledgers(task_ids)
    unit_merged.send(sender=None, source=source, target=target)
    return result


def _check(source: Unit, target: Unit) -> None:
    if source.pk == target.pk:
        raise EditError(_("不能把单位并入它自己"))
    if source.merged_into_id is not None:
        raise EditError(_("“%(name)s”已并入其他单位") % {"name": source.name})
    if target.merged_into_id is not None:
        raise EditError(_("“%(name)s”已并入其他单位，不能再并入") % {"name": target.name})
    waiting = Report.objects.filter(state=ReportState.SUBMITTED)
    both = waiting.filter(unit=source).filter(
        Exists(waiting.filter(unit=target, round=OuterRef("round"), task=OuterRef("task")))
    )
    clash = both.select_related("task").first()
    if clash is not None:
        raise EditError(
            _("两个单位在同一轮次对任务 %(task)s 都有待审核的报送，请先审核其中一份再合并")
            % {"task": clash.task.number}
        )


# The stronger role first: a task served by both keeps the stronger of their two roles.
ROLE_STRENGTH: list[str] = [UnitRole.LEAD, UnitRole.RESPONSIBLE, UnitRole.CO]


def _stronger(role: str, other: str) -> str:
    rank = {name: n for n, name in enumerate(ROLE_STRENGTH)}
    return role if rank.get(role, len(rank)) < rank.get(other, len(rank)) else other


def _move_task_links(source: Unit, target: Unit) -> int:
    """The tasks the source serves now served by the target, each link keeping its place;
    where the target already serves the task its own link stays, with the stronger role
    of the two and the earlier place, and the source's goes."""
    links = TaskUnit.objects.filter(unit=source)
    theirs = TaskUnit.objects.filter(unit=target, task_id__in=links.values("task_id"))
    kept = {link.task_id: link for link in theirs}
    for link in links.filter(task_id__in=list(kept)):
        other = kept[link.task_id]
        other.role = _stronger(link.role, other.role)
        other.order = min(link.order, other.order)
    links.filter(task_id__in=list(kept)).delete()
    TaskUnit.objects.bulk_update(list(kept.values()), ["role", "order"])
    return links.update(unit=target)


def _move_sections(source: Unit, target: Unit, task_ids: set[int]) -> int:
    """Joint tasks' sections of the source's progress become the target's; where both have
    one, the source's text follows the target's in one section."""
    changed = []
    for task in Task.objects.filter(pk__in=task_ids).only("pk", "sections"):
        sections = task.sections if isinstance(task.sections, list) else []
        if not any(isinstance(s, dict) and s.get("unit") == source.pk for s in sections):
            continue
        task.sections = _merged_sections(sections, source.pk, target.pk)
        changed.append(task)
    Task.objects.bulk_update(changed, ["sections"])
    return len(changed)


def _merged_sections(sections: list[Any], source: int, target: int) -> list[Any]:
    theirs = next((s for s in sections if isinstance(s, dict) and s.get("unit") == target), None)
    result = []
    for section in sections:
        if not (isinstance(section, dict) and section.get("unit") == source):
            result.append(section)
        elif theirs is None:
            result.append({**section, "unit": target})
        else:
            theirs["text"] = "\n".join(t for t in (theirs.get("text"), section.get("text")) if t)
    return result


def _move_drafts(source: Unit, target: Unit) -> int:
    """Drafts move; of two on one task (one a unit), the newer stays."""
    moved = 0
    theirs = {d.task_id: d for d in ReportDraft.objects.filter(unit=target)}
    for draft in ReportDraft.objects.filter(unit=source):
        other = theirs.get(draft.task_id)
        if other is not None and other.updated_at >= draft.updated_at:
            draft.delete()
            continue
        if other is not None:
            other.delete()
        draft.unit = target
        draft.save(update_fields=["unit"])
        moved += 1
    return moved


HANDLED = {TaskUnit, ReportDraft}


def _relations() -> list[tuple[type[models.Model], str]]:
    """Every table with a column pointing at a unit (a foreign key, or a many-to-many's
    link table: members), but those moved above and the merge's own column."""
    found: list[tuple[type[models.Model], str]] = []
    for rel in Unit._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        model: Any
        if isinstance(rel, models.ManyToManyRel):
            model, name = rel.through, rel.field.m2m_reverse_field_name()
        elif isinstance(rel, models.ManyToOneRel) and rel.related_model is not Unit:
            model, name = rel.related_model, rel.field.name
            if model._meta.auto_created:
                continue  # a many-to-many's link table, moved through its relation
        else:
            continue
        if model not in HANDLED:
            found.append((model, name))
    return found


def _move_rows(model: type[models.Model], name: str, source: Unit, target: Unit) -> tuple[int, int]:
    """Point the rows of `model` whose `name` is the source at the target, but those that
    would repeat a row of the target under a unique rule: a link table's (membership) are
    deleted, the others stay with the source as history. (moved, kept)"""
    rows = model._default_manager.filter(**{name: source})
    clashing = Q(pk__in=[])
    for fields, condition in _unique_rules(model, name):
        others = [f for f in fields if f != name]
        same = model._default_manager.filter(condition, **{name: target})
        same = same.filter(**{f: OuterRef(f) for f in others})
        clashing |= Q(condition, Exists(same))
    kept = rows.filter(clashing)
    count = kept.count()
    if count and model._meta.auto_created:
        kept.delete()
        count = 0
    moved = rows.exclude(clashing).update(**{name: target})
    return moved, count


def _unique_rules(model: type[models.Model], name: str) -> list[tuple[list[str], Q]]:
    """The unique rules of `model` that involve the column `name`: (fields, condition)."""
    rules: list[tuple[list[str], Q]] = []
    for fields in model._meta.unique_together:
        if name in fields:
            rules.append((list(fields), Q()))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and name in constraint.fields:
            rules.append((list(constraint.fields), constraint.condition or Q()))
    return rules


def _tell_ledgers(task_ids: set[int]) -> None:
    """The ledgers' derived state (lights, the per-unit table) follows the moved links."""
    by_ledger: dict[int, list[int]] = defaultdict(list)
    for pk, ledger_id in Task.objects.filter(pk__in=task_ids).values_list("pk", "ledger_id"):
        by_ledger[ledger_id].append(pk)
    for ledger_id, ids in by_ledger.items():
        tasks_written(ledger_id, ids)
