"""Every read of the ledger tables that a command, view or API needs. `ledger_document` is the
one door from the database back to a `LedgerDoc`."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from taizhang.documents.model import (
    CategoryDoc,
    Column,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.ledger.models import Category, Ledger, Task


def ledger_list() -> QuerySet[Ledger]:
    """All ledgers with their number of (current) tasks, newest year first."""
    return Ledger.objects.annotate(
        task_count=Count("tasks", filter=Q(tasks__removed_at__isnull=True))
    ).order_by("-year", "title", "id")


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
    )


def ledger_document(ledger: Ledger) -> LedgerDoc:
    """The stored ledger as a `LedgerDoc` (current tasks only), in a fixed number of queries
    whatever its size."""
    tasks = Task.objects.prefetch_related("leader_links__person", "unit_links__unit", "milestones")
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
        task_docs = [_task_doc(task) for task in stored if task.removed_at is None]
        # A category whose tasks were all removed by a later edition is no longer shown.
        if task_docs or not stored:
            doc.categories.append(
                CategoryDoc(number=category.number, name=category.name, tasks=task_docs)
            )
    return doc
