"""Every read of the ledger tables that a command, view or API needs. `ledger_document` is the
one door from the database back to a `LedgerDoc`."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils.translation import gettext as _

from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.ledger.editions import EditionPlan, MatchError, edition_preview, stored_tasks
from taizhang.ledger.models import (
    Category,
    Ledger,
    Milestone,
    Person,
    Task,
    TaskLeader,
    TaskUnit,
    Unit,
)
from taizhang.prepared import Prepared


def ledger_list(tasks: QuerySet[Task] | None = None) -> QuerySet[Ledger]:
    """All ledgers with their number of current tasks, sub-items not counted (only those in
    `tasks`, e.g. the ones a user may see, when given), newest year first."""
    current = Q(tasks__removed_at__isnull=True, tasks__parent__isnull=True)
    if tasks is not None:
        current &= Q(tasks__in=tasks)
    return Ledger.objects.annotate(task_count=Count("tasks", filter=current)).order_by(
        "-year", "title", "id"
    )


def saved_column_overrides(doc: LedgerDoc) -> dict[str, str]:
    """The office's reading of the columns saved with the stored edition of this ledger (same
    title and year), to read the next edition the same way; {} when there is none."""
    found = Ledger.objects.filter(title=doc.title, year=doc.year).values_list(
        "column_overrides", flat=True
    )
    return dict(found.first() or {})


def recent_column_overrides(limit: int) -> list[dict[str, str]]:
    """The distinct column mappings saved with the most recently imported ledgers, newest
    first, at most `limit`: to try on a file that cannot be read without one."""
    recent = (
        Ledger.objects.exclude(column_overrides={})
        .order_by("-imported_at")
        .values_list("column_overrides", flat=True)[: limit * 4]
    )
    mappings: list[dict[str, str]] = []
    for mapping in recent:
        if mapping not in mappings:
            mappings.append(dict(mapping))
    return mappings[:limit]


def ledger_get(ledger_id: int) -> Ledger | None:
    """One ledger by id, or None."""
    return Ledger.objects.filter(pk=ledger_id).first()


def ledger_document(
    ledger: Ledger,
    *,
    only: Collection[int] | None = None,
    warnings: Mapping[int, str] | None = None,
) -> LedgerDoc:
    """The stored ledger as a `LedgerDoc` (current tasks only), each task's current sub-items
    under it in document order, in a fixed number of queries whatever its size. With `only`
    (task ids: a selection, which holds the task of each sub-item it holds), those tasks
    and sub-items alone, and only the categories that keep a task; `warnings` gives tasks
    their 预警 text by id.

    Built from plain rows (`values_list`, read in chunks), never from model instances: at
    50,000 tasks that is a tenth of the time and a quarter of the memory. The links (leaders,
    units, milestones) are read first into lists by task id, then each task row becomes its
    `TaskDoc` as it is read."""
    leaders, units, milestones = _task_links(ledger)
    doc = LedgerDoc(
        title=ledger.title,
        year=ledger.year,
        as_of=ledger.as_of,
        columns=[Column(key=c["key"], title=c["title"]) for c in ledger.columns],
        source_name=ledger.source_name,
    )
    categories = {
        pk: CategoryDoc(number=number, name=name)
        for pk, number, name in Category.objects.filter(ledger=ledger)
        .order_by("order", "pk")
        .values_list("pk", "number", "name")
    }
    stored: Counter[int] = Counter()  # tasks stored in each category, removed ones too
    tops: dict[int, tuple[int, TaskDoc]] = {}  # current tasks: id -> (category id, document)
    subitems: list[tuple[int, int, TaskDoc]] = []  # (category id, task id, document)
    rows = Task.objects.filter(ledger=ledger).order_by("order", "pk").values_list(*_TASK_FIELDS)
    for pk, category_id, parent_id, removed_at, *values in rows.iterator(chunk_size=2000):
        stored[category_id] += 1
        if removed_at is not None or category_id not in categories:
            continue
        if only is not None and pk not in only:
            continue
        task = _task_doc(values, leaders.pop(pk, []), units.pop(pk, []), milestones.pop(pk, []))
        if warnings is not None:
            task.warning = warnings.get(pk, "")
        if parent_id is None:
            tops[pk] = (category_id, task)
            categories[category_id].tasks.append(task)
        else:
            subitems.append((category_id, parent_id, task))
    # Tasks first, then their sub-items: a sub-item never depends on coming after its task. A
    # sub-item whose task is removed (or in another category) is left out with it.
    for category_id, parent_id, task in subitems:
        parent = tops.get(parent_id)
        if parent is not None and parent[0] == category_id:
            parent[1].subitems.append(task)
    # A category whose tasks were all removed by a later edition is no longer shown.
    # A selection shows the categories of its tasks only.
    doc.categories = [
        c for pk, c in categories.items() if c.tasks or (only is None and not stored[pk])
    ]
    return doc


_TASK_FIELDS = (
    "pk",
    "category_id",
    "parent_id",
    "removed_at",
    "number",
    "goal",
    "deadline_text",
    "deadline",
    "progress",
    "status",
    "status_label",
    "remarks",
    "extra",
    "label",
    "entries",
)


def _task_doc(
    values: list[Any], leaders: list[str], units: list[UnitRef], milestones: list[MilestoneDoc]
) -> TaskDoc:
    """A task row (the values of `_TASK_FIELDS` after `removed_at`) as a document."""
    number, goal, deadline_text, deadline, progress, status, status_label = values[:7]
    remarks, extra, label, entries = values[7:]
    return TaskDoc(
        number=number,
        goal=goal,
        leaders=leaders,
        units=units,
        deadline_text=deadline_text,
        deadline=deadline,
        milestones=milestones,
        progress=progress,
        status=status or None,
        status_label=status_label,
        remarks=remarks,
        extra=dict(extra),
        label=label,
        entries=[EntryDoc(title=e["title"], text=e["text"], month=e.get("month")) for e in entries],
    )


def _task_links(
    ledger: Ledger,
) -> tuple[dict[int, list[str]], dict[int, list[UnitRef]], dict[int, list[MilestoneDoc]]]:
    """The leaders' names, the units and the milestones of every task of the ledger, in their
    order, by task id, in three queries. Names and units repeat across tasks: each is kept
    once (a ledger names a few hundred, its tasks tens of thousands of times)."""
    leaders: defaultdict[int, list[str]] = defaultdict(list)
    units: defaultdict[int, list[UnitRef]] = defaultdict(list)
    milestones: defaultdict[int, list[MilestoneDoc]] = defaultdict(list)
    names: dict[str, str] = {}
    refs: dict[tuple[str, str], UnitRef] = {}
    of_ledger = {"task__ledger": ledger}
    people = TaskLeader.objects.filter(**of_ledger).order_by("task", "order", "pk")
    for task_id, name in people.values_list("task_id", "person__name").iterator(chunk_size=5000):
        leaders[task_id].append(names.setdefault(name, name))
    serving = TaskUnit.objects.filter(**of_ledger).order_by("task", "order", "pk")
    for task_id, name, role in serving.values_list("task_id", "unit__name", "role").iterator(
        chunk_size=5000
    ):
        ref = refs.get((name, role))
        if ref is None:
            ref = refs[name, role] = UnitRef(name=name, role=role)
        units[task_id].append(ref)
    steps = Milestone.objects.filter(**of_ledger).order_by("task", "order", "pk")
    for task_id, text, date in steps.values_list("task_id", "text", "date").iterator(
        chunk_size=5000
    ):
        milestones[task_id].append(MilestoneDoc(text=text, date=date))
    return leaders, units, milestones


@dataclass(frozen=True)
class TaskFilters:
    """Filters of the ledger page and the task list API."""

    status: str = ""
    unit: int | None = None
    leader: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    q: str = ""


def task_conditions(filters: TaskFilters) -> Q:
    """The filters as one condition on a task (empty for none): `task_list`'s, which the
    ledger page also asks of each row to say whether it matched (`selection.with_context`)."""
    matching = Q()
    if filters.status == "none":
        matching &= Q(status="")
    elif filters.status:
        matching &= Q(status=filters.status)
    if filters.unit:
        matching &= Q(pk__in=TaskUnit.objects.filter(unit_id=filters.unit).values("task_id"))
    if filters.leader:
        matching &= Q(pk__in=TaskLeader.objects.filter(person_id=filters.leader).values("task_id"))
    if filters.due_from:
        matching &= Q(deadline__gte=filters.due_from)
    if filters.due_to:
        matching &= Q(deadline__lte=filters.due_to)
    for word in filters.q.split():
        matching &= (
            Q(goal__contains=word) | Q(progress__contains=word) | Q(deadline_text__contains=word)
        )
    return matching


def task_list(tasks: QuerySet[Task], ledger_id: int, filters: TaskFilters) -> QuerySet[Task]:
    """The tasks of a ledger (already scoped to the user by accounts.access), filtered, in
    document order, with what a list shows loaded in a fixed number of queries."""
    tasks = tasks.filter(ledger_id=ledger_id)
    matching = task_conditions(filters)
    if matching:
        tasks = tasks.filter(matching)
    return (
        tasks.select_related("category")
        .prefetch_related(
            Prefetch("leader_links", TaskLeader.objects.select_related("person")),
            Prefetch("unit_links", TaskUnit.objects.select_related("unit")),
        )
        .order_by("order", "pk")
    )


def ledger_people_and_units(ledger_id: int) -> tuple[QuerySet[Person], QuerySet[Unit]]:
    """The leaders and units of a ledger, for filter choices (EXISTS rather than DISTINCT over
    the link rows: under 1 ms instead of 21 at 10,000 tasks on PostgreSQL)."""
    leads = TaskLeader.objects.filter(person=OuterRef("pk"), task__ledger_id=ledger_id)
    serves = TaskUnit.objects.filter(unit=OuterRef("pk"), task__ledger_id=ledger_id)
    people = Person.objects.filter(Exists(leads))
    units = Unit.objects.filter(Exists(serves))
    return people.order_by("name"), units.order_by("name")


def _choices_query(ledger_id: int) -> QuerySet[Any]:
    people, units = ledger_people_and_units(ledger_id)
    fields = ("kind", "pk", "name")
    return (
        people.order_by()
        .annotate(kind=Value(0))
        .values_list(*fields)
        .union(units.order_by().annotate(kind=Value(1)).values_list(*fields), all=True)
        .order_by("kind", "name")
    )


_CHOICES = Prepared(_choices_query)


def ledger_choices(ledger_id: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The (id, name) of the leaders and of the units of a ledger, each by name, as the
    ledger page's filter offers them: `ledger_people_and_units` in one query of plain values,
    compiled once (two queries of model instances cost the page more than its rows' query)."""
    found: tuple[list[tuple[int, str]], list[tuple[int, str]]] = ([], [])
    for kind, pk, name in _CHOICES.rows(ledger_id):
        found[kind].append((pk, name))
    return found


def ledger_import_preview(
    doc: LedgerDoc, answers: Mapping[str, str | None] | None = None
) -> EditionPlan | None:
    """What importing `doc` would do to the stored edition of the same ledger (title and
    year), task by task (`ledger.editions`), with the office's `answers`; None when there is
    no stored edition. Raises `MatchError` for an answer naming a task that is not there."""
    ledger = Ledger.objects.filter(title=doc.title, year=doc.year).first()
    if ledger is None:
        return None
    return edition_preview(doc, stored_tasks(ledger, lock=False), answers)


def _offered(doc: LedgerDoc, answers: dict[str, str | None]) -> dict[str, set[str | None]]:
    """The choices the previews offer for each task: {new key: its candidates' keys and None
    (新任务)}. A sub-item of an ambiguous task is offered once its task is decided, so the
    plan is made again with each answer that was offered, until no more are."""
    accepted: dict[str, str | None] = {}
    offered: dict[str, set[str | None]] = {}
    while True:
        plan = ledger_import_preview(doc, accepted)
        for d in plan.ambiguous if plan is not None else []:
            offered.setdefault(d.new.key, {None}).update(c.key for c in d.candidates)  # type: ignore[union-attr]
        more = {
            key: old
            for key, old in answers.items()
            if key not in accepted and old in offered.get(key, ())
        }
        if not more:
            return offered
        accepted.update(more)


def import_answers_refusal(doc: LedgerDoc, answers: dict[str, str | None]) -> str | None:
    """Why the office's decisions on ambiguous tasks cannot be imported, or None: one names a
    task that is not there or pairs a task with a sub-item (the matching's message), or was
    not a choice the preview offered (a hand-made form). Shared by the web's confirm step and
    the background import (`ledger.import_jobs`)."""
    try:
        ledger_import_preview(doc, answers)
    except MatchError as error:
        return str(error)
    offered = _offered(doc, answers)
    wrong = [key for key, old in answers.items() if old not in offered.get(key, ())]
    if not wrong:
        return None
    return _("新序号 %(keys)s 的选择不是预览列出的选项，请在预览中重新选择") % {
        "keys": "、".join(wrong)
    }
