"""Every read of the ledger tables that a command, view or API needs. `ledger_document` is the
one door from the database back to a `LedgerDoc`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.ledger.editions import EditionPlan, edition_preview, stored_tasks
from taizhang.ledger.models import Category, Ledger, Person, Task, TaskLeader, TaskUnit, Unit


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


def _task_doc(task: Task) -> TaskDoc:
    return TaskDoc(
        number=task.number,
        goal=task.goal,
        leaders=[link.person.name for link in task.leader_links.all()],
        units=[UnitRef(name=link.unit.name, role=link.role) for link in task.unit_links.all()],
        deadline_text=task.deadline_text,
        deadline=task.deadline,
        milestones=[MilestoneDoc(text=m.text, date=m.date) for m in task.milestones.all()],
        progress=task.progress,
        status=task.status or None,
        status_label=task.status_label,
        remarks=task.remarks,
        extra=dict(task.extra),
        label=task.label,
        entries=[
            EntryDoc(title=e["title"], text=e["text"], month=e.get("month")) for e in task.entries
        ],
    )


def ledger_document(ledger: Ledger) -> LedgerDoc:
    """The stored ledger as a `LedgerDoc` (current tasks only), each task's current sub-items
    under it in document order, in a fixed number of queries whatever its size."""
    tasks = Task.objects.order_by("order", "pk").prefetch_related(
        "leader_links__person", "unit_links__unit", "milestones"
    )
    categories = Category.objects.filter(ledger=ledger).prefetch_related(
        Prefetch("tasks", queryset=tasks)
    )
    doc = LedgerDoc(
        title=ledger.title,
        year=ledger.year,
        as_of=ledger.as_of,
        columns=[Column(key=c["key"], title=c["title"]) for c in ledger.columns],
        source_name=ledger.source_name,
    )
    for category in categories:
        stored = list(category.tasks.all())
        task_docs = _with_subitems([task for task in stored if task.removed_at is None])
        # A category whose tasks were all removed by a later edition is no longer shown.
        if task_docs or not stored:
            doc.categories.append(
                CategoryDoc(number=category.number, name=category.name, tasks=task_docs)
            )
    return doc


def _with_subitems(tasks: list[Task]) -> list[TaskDoc]:
    """The tasks (in document order) as documents, each sub-item under its task; a sub-item
    whose task is not among them (removed) is left out with it."""
    docs = {task.pk: _task_doc(task) for task in tasks if task.parent_id is None}
    # Tasks first, then their sub-items: a sub-item never depends on coming after its task.
    for task in tasks:
        if task.parent_id is not None and task.parent_id in docs:
            docs[task.parent_id].subitems.append(_task_doc(task))
    return list(docs.values())


@dataclass(frozen=True)
class TaskFilters:
    """Filters of the ledger page and the task list API."""

    status: str = ""
    unit: int | None = None
    leader: int | None = None
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    q: str = ""


def task_list(tasks: QuerySet[Task], ledger_id: int, filters: TaskFilters) -> QuerySet[Task]:
    """The tasks of a ledger (already scoped to the user by accounts.access), filtered, in
    document order, with what a list shows loaded in a fixed number of queries."""
    tasks = tasks.filter(ledger_id=ledger_id)
    if filters.status == "none":
        tasks = tasks.filter(status="")
    elif filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.unit:
        tasks = tasks.filter(pk__in=TaskUnit.objects.filter(unit_id=filters.unit).values("task_id"))
    if filters.leader:
        tasks = tasks.filter(
            pk__in=TaskLeader.objects.filter(person_id=filters.leader).values("task_id")
        )
    if filters.due_from:
        tasks = tasks.filter(deadline__gte=filters.due_from)
    if filters.due_to:
        tasks = tasks.filter(deadline__lte=filters.due_to)
    for word in filters.q.split():
        tasks = tasks.filter(
            Q(goal__contains=word) | Q(progress__contains=word) | Q(deadline_text__contains=word)
        )
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
