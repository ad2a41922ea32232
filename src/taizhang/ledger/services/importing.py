"""Importing a ledger document. `ledger_import` is the one door from a `LedgerDoc` into
the database."""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from taizhang.documents.model import LedgerDoc, TaskDoc, subitem_keys, task_keys
from taizhang.ledger.models import (
    Category,
    Ledger,
    Milestone,
    Person,
    Task,
    TaskLeader,
    TaskRevision,
    TaskUnit,
    Unit,
)
from taizhang.ledger.services.audit import audit_record

# Fields of a task compared between editions; the link lists are compared as lists.
SCALAR_FIELDS = (
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
LINK_FIELDS = ("leaders", "units", "milestones")


@dataclass
class ImportResult:
    """What an import did."""

    ledger: Ledger
    created: bool
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    tasks_removed: int = 0
    warnings: list[str] = field(default_factory=list)


_LABEL_LENGTH = Task._meta.get_field("label").max_length or 20


@dataclass(frozen=True)
class _Row:
    """A task or sub-item of the document, where it stands: its key, its category's place,
    and its task's key (None for a task)."""

    key: str
    task: TaskDoc
    category: int
    parent: str | None


def _document_rows(doc: LedgerDoc) -> Iterator[_Row]:
    """Every task and, right after it, its sub-items, in document order, with their keys
    (`task_keys`, `subitem_keys`)."""
    keys = iter(task_keys(doc))
    for category_order, category in enumerate(doc.categories):
        for task in category.tasks:
            key = next(keys)
            yield _Row(key, task, category_order, None)
            sub_keys = subitem_keys(key, task.subitems)
            for sub_key, subitem in zip(sub_keys, task.subitems, strict=True):
                yield _Row(sub_key, subitem, category_order, key)


def _doc_state(task: TaskDoc, category: int, order: int) -> dict[str, Any]:
    return {
        "category": category,
        "order": order,
        "number": task.number,
        "goal": task.goal,
        "deadline_text": task.deadline_text,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "progress": task.progress,
        "status": task.status,
        "status_label": task.status_label,
        "remarks": task.remarks,
        "extra": dict(task.extra),
        "label": task.label[:_LABEL_LENGTH],
        "entries": [{"title": e.title, "text": e.text, "month": e.month} for e in task.entries],
        "leaders": list(task.leaders),
        "units": [[u.name, u.role] for u in task.units],
        "milestones": [[m.text, m.date.isoformat()] for m in task.milestones],
        "removed": False,
    }


def _stored_states(ledger: Ledger) -> dict[str, tuple[Task, dict[str, Any]]]:
    """Every stored task and sub-item of the ledger with its state in the shape of
    `_doc_state`, in four queries (plain rows grouped here: prefetching model instances costs
    seconds at 5,000 tasks)."""
    # Locked: an edit or an accepted report running at the same time waits, then meets the
    # bumped version and gets a conflict instead of being overwritten.
    tasks = list(
        Task.objects.select_for_update(of=("self",))
        .filter(ledger=ledger)
        .select_related("category")
    )
    leaders: dict[int, list[Any]] = defaultdict(list)
    for task_id, name in TaskLeader.objects.filter(task__ledger=ledger).values_list(
        "task_id", "person__name"
    ):
        leaders[task_id].append(name)
    units: dict[int, list[Any]] = defaultdict(list)
    for task_id, name, role in TaskUnit.objects.filter(task__ledger=ledger).values_list(
        "task_id", "unit__name", "role"
    ):
        units[task_id].append([name, role])
    milestones: dict[int, list[Any]] = defaultdict(list)
    for task_id, text, day in Milestone.objects.filter(task__ledger=ledger).values_list(
        "task_id", "text", "date"
    ):
        milestones[task_id].append([text, day.isoformat()])
    return {
        task.key: (
            task,
            {
                "category": task.category.order,
                "order": task.order,
                "number": task.number,
                "goal": task.goal,
                "deadline_text": task.deadline_text,
                "deadline": task.deadline.isoformat() if task.deadline else None,
                "progress": task.progress,
                "status": task.status or None,
                "status_label": task.status_label,
                "remarks": task.remarks,
                "extra": dict(task.extra),
                "label": task.label,
                "entries": list(task.entries),
                "leaders": leaders[task.pk],
                "units": units[task.pk],
                "milestones": milestones[task.pk],
                "removed": task.removed_at is not None,
            },
        )
        for task in tasks
    }


_Named = TypeVar("_Named", Person, Unit)
# The columns `_Importer.insert_tasks` writes, in its rows' order.
_TASK_COLUMNS = (
    *("ledger", "category", "parent", "number", "label", "key", "order"),
    *("goal", "deadline_text", "deadline", "progress"),
    *("status", "status_label", "remarks", "extra", "entries", "sections"),
    *("removed_at", "version", "updated_at"),
)


def _insert_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Insert plain rows: COPY on PostgreSQL, one prepared statement (`executemany`) on SQLite.
    At tens of thousands of link rows this is several times faster than `bulk_create`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    concrete = {field.name: field.column for field in model._meta.concrete_fields}
    columns = ", ".join(quote(concrete[name]) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _ensure_named(model: type[_Named], names: set[str]) -> dict[str, _Named]:
    """Rows for these names, creating the missing ones (concurrent imports may race; the
    unique constraint and `ignore_conflicts` make that harmless)."""
    found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    missing = [model(name=name) for name in sorted(names - found.keys())]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True)
        found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    return found


class _Importer:
    """One import: compares the document with what is stored and writes the difference."""

    def __init__(
        self, doc: LedgerDoc, actor: User | None, column_overrides: Mapping[str, str] | None
    ) -> None:
        self.doc = doc
        self.column_overrides = column_overrides
        self.actor = actor if actor is not None and actor.pk else None
        self.now = timezone.now()
        # (task, changes) for each TaskRevision to write; plain pairs, written as rows.
        self.revisions: list[tuple[Task, dict[str, Any]]] = []
        self.relink: list[tuple[Task, dict[str, Any], set[str]]] = []
        self.leftover_categories: list[int] = []

    def run(self) -> ImportResult:
        ledger, created = self.ledger()
        result = ImportResult(ledger=ledger, created=created, warnings=list(self.doc.warnings))
        categories = self.categories(ledger)
        stored = _stored_states(ledger)
        rows = list(_document_rows(self.doc))
        self.persons = _ensure_named(Person, {n for r in rows for n in r.task.leaders})
        self.units = _ensure_named(Unit, {u.name for r in rows for u in r.task.units})
        new_tasks: list[tuple[Task, dict[str, Any]]] = []
        changed: list[Task] = []
        # This edition's rows by key: the parent of each sub-item, stored or new.
        current: dict[str, Task] = {}
        for order, row in enumerate(rows):
            state = _doc_state(row.task, row.category, order)
            found = stored.pop(row.key, None)
            if found is None:
                task = Task(ledger=ledger, key=row.key, category=categories[row.category])
                task.parent = current[row.parent] if row.parent is not None else None
                self.apply(task, state, categories)
                new_tasks.append((task, state))
            elif self.update(*found, state, categories):
                task = found[0]
                changed.append(task)
            else:
                task = found[0]
                result.tasks_unchanged += 1
            current[row.key] = task
        removed = [task for task, _ in stored.values() if task.removed_at is None]
        for task in removed:
            self.remove(task)
        self.save(new_tasks, changed + removed)
        # Categories beyond this edition: dropped when empty (once this edition's tasks have
        # moved out of them), else kept for their removed tasks.
        Category.objects.filter(pk__in=self.leftover_categories, tasks=None).delete()
        result.tasks_created = len(new_tasks)
        result.tasks_updated = len(changed)
        result.tasks_removed = len(removed)
        self.audit(result)
        return result

    def ledger(self) -> tuple[Ledger, bool]:
        doc = self.doc
        ledger, created = Ledger.objects.get_or_create(
            title=doc.title, year=doc.year, defaults={"imported_at": self.now}
        )
        ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
        ledger.source_name = doc.source_name[:300]
        ledger.as_of = doc.as_of
        ledger.columns = [{"key": c.key, "title": c.title} for c in doc.columns]
        if self.column_overrides is not None:
            ledger.column_overrides = dict(self.column_overrides)
        ledger.imported_at = self.now
        ledger.save()
        return ledger, created

    def categories(self, ledger: Ledger) -> dict[int, Category]:
        stored = {c.order: c for c in Category.objects.filter(ledger=ledger)}
        result: dict[int, Category] = {}
        new, changed = [], []
        for order, category in enumerate(self.doc.categories):
            row = stored.pop(order, None)
            if row is None:
                row = Category(ledger=ledger, order=order)
                new.append(row)
            elif (row.number, row.name) != (category.number, category.name):
                changed.append(row)
            row.number, row.name = category.number, category.name
            result[order] = row
        Category.objects.bulk_create(new)
        Category.objects.bulk_update(changed, ["number", "name"])
        self.leftover_categories = [c.pk for c in stored.values()]
        return result

    @staticmethod
    def apply(task: Task, state: dict[str, Any], categories: dict[int, Category]) -> None:
        task.category = categories[state["category"]]
        task.order = state["order"]
        task.number = state["number"]
        for name in SCALAR_FIELDS:
            value = state[name]
            if name == "deadline" and value is not None:
                value = datetime.date.fromisoformat(value)
            if name == "status":
                value = value or ""
            setattr(task, name, value)
        task.removed_at = None

    def update(
        self,
        task: Task,
        old: dict[str, Any],
        state: dict[str, Any],
        categories: dict[int, Category],
    ) -> bool:
        diff = {k: {"old": old[k], "new": v} for k, v in state.items() if old[k] != v}
        if not diff:
            return False
        self.apply(task, state, categories)
        task.version += 1
        self.revisions.append((task, diff))
        links = set(diff) & set(LINK_FIELDS)
        if links:
            self.relink.append((task, state, links))
        return True

    def remove(self, task: Task) -> None:
        task.removed_at = self.now
        task.version += 1
        change = {"removed": {"old": False, "new": True}}
        self.revisions.append((task, change))

    def save(self, new_tasks: list[tuple[Task, dict[str, Any]]], changed: list[Task]) -> None:
        # Tasks first: their new pks are what their new sub-items point to.
        self.insert_tasks([task for task, _ in new_tasks if task.parent is None])
        subitems = [task for task, _ in new_tasks if task.parent is not None]
        for task in subitems:
            task.parent_id = task.parent.pk  # type: ignore[union-attr]
        self.insert_tasks(subitems)
        fields = ["category", "order", "number", "removed_at", "version", *SCALAR_FIELDS]
        Task.objects.bulk_update(changed, fields, batch_size=500)
        for task, state in new_tasks:
            self.revisions.append((task, {k: {"old": None, "new": v} for k, v in state.items()}))
            self.relink.append((task, state, set(LINK_FIELDS)))
        self.write_links()
        self.write_revisions()

    def insert_tasks(self, tasks: list[Task]) -> None:
        """Insert new tasks as plain rows (`_insert_rows`: `bulk_create` spends a second on
        preparing 5,000 tasks' values), then give each its pk, read back by key."""
        if not tasks:
            return
        ops = connection.ops
        updated_at = ops.adapt_datetimefield_value(self.now)
        rows = [
            (
                *(t.ledger_id, t.category.pk, t.parent_id, t.number, t.label, t.key, t.order),
                *(t.goal, t.deadline_text, ops.adapt_datefield_value(t.deadline), t.progress),
                *(t.status, t.status_label, t.remarks, json.dumps(t.extra), json.dumps(t.entries)),
                json.dumps(t.sections),
                *(None, t.version, updated_at),
            )
            for t in tasks
        ]
        _insert_rows(Task, _TASK_COLUMNS, rows)
        ledger = tasks[0].ledger_id
        pks = dict(Task.objects.filter(ledger_id=ledger).values_list("key", "pk"))
        for task in tasks:
            task.pk = pks[task.key]
            task._state.adding = False
            task._state.db = connection.alias

    def write_links(self) -> None:
        redo = {
            name: [t.pk for t, _, links in self.relink if name in links] for name in LINK_FIELDS
        }
        TaskLeader.objects.filter(task_id__in=redo["leaders"]).delete()
        TaskUnit.objects.filter(task_id__in=redo["units"]).delete()
        Milestone.objects.filter(task_id__in=redo["milestones"]).delete()
        leaders: list[tuple[Any, ...]] = []
        units: list[tuple[Any, ...]] = []
        milestones: list[tuple[Any, ...]] = []
        for task, state, links in self.relink:
            if "leaders" in links:
                leaders += [
                    (task.pk, self.persons[name].pk, i) for i, name in enumerate(state["leaders"])
                ]
            if "units" in links:
                units += [
                    (task.pk, self.units[name].pk, role, i)
                    for i, (name, role) in enumerate(state["units"])
                ]
            if "milestones" in links:
                milestones += [
                    (task.pk, text, datetime.date.fromisoformat(day), i)
                    for i, (text, day) in enumerate(state["milestones"])
                ]
        _insert_rows(TaskLeader, ("task", "person", "order"), leaders)
        _insert_rows(TaskUnit, ("task", "unit", "role", "order"), units)
        _insert_rows(Milestone, ("task", "text", "date", "order"), milestones)

    def write_revisions(self) -> None:
        actor = self.actor.pk if self.actor is not None else None
        source, note = TaskRevision.Source.IMPORT.value, self.doc.source_name[:300]
        rows = [
            (task.pk, self.now, source, actor, note, json.dumps(changes, ensure_ascii=False))
            for task, changes in self.revisions
        ]
        _insert_rows(TaskRevision, ("task", "at", "source", "actor", "note", "changes"), rows)

    def audit(self, result: ImportResult) -> None:
        audit_record(
            actor=self.actor,
            action="ledger.import",
            ledger=result.ledger,
            data={
                "source": self.doc.source_name,
                "created": result.created,
                "tasks_created": result.tasks_created,
                "tasks_updated": result.tasks_updated,
                "tasks_unchanged": result.tasks_unchanged,
                "tasks_removed": result.tasks_removed,
                "warnings": result.warnings,
            },
        )


@transaction.atomic
def ledger_import(
    *,
    doc: LedgerDoc,
    actor: User | None = None,
    column_overrides: Mapping[str, str] | None = None,
) -> ImportResult:
    """Store a ledger document, all or nothing. A ledger is known by its title and year: the
    first import creates it; a later edition updates the tasks that changed (matched by
    number), marks tasks it no longer has as removed, and writes a `TaskRevision` for every
    changed task. Sub-items are stored as tasks with `parent` set, right after their task in
    `order`, keyed `3/1`, and compared, revised and removed like tasks (the counts in the
    result include them). Importing the same document again changes nothing. `column_overrides`
    ({title: key}, the office's reading of the columns) is saved with the ledger when given,
    for the next edition (`saved_column_overrides`); None keeps what was saved."""
    return _Importer(doc, actor, column_overrides).run()
