"""Importing a ledger document. `ledger_import` is the one door from a `LedgerDoc` into
the database."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import CharField, Model, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from taizhang.documents.model import LedgerDoc
from taizhang.ledger.editions import (
    LABEL_LENGTH,
    AmbiguousError,
    EditionPlan,
    Stored,
    doc_state,
    document_rows,
    edition_plan,
    stored_tasks,
)
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
from taizhang.ledger.signals import tasks_written

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
    """What an import did; `plan` says what became of each task (`ledger.editions`)."""

    ledger: Ledger
    created: bool
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    tasks_removed: int = 0
    warnings: list[str] = field(default_factory=list)
    plan: EditionPlan = field(default_factory=EditionPlan)


# Tasks whose key is given up (renumbered, or removed while a task of the new edition takes
# their key) hold "~pk" in between: the unique (ledger, key) allows no swap in place.
_PARKED = "~"
_PARK_BATCH = 500


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
    """One import: matches the document's tasks to the stored ones (`ledger.editions`) and
    writes the difference onto the matched rows, so their history stays with them."""

    def __init__(
        self,
        doc: LedgerDoc,
        actor: User | None,
        column_overrides: Mapping[str, str] | None,
        answers: Mapping[str, str | None] | None,
    ) -> None:
        self.doc = doc
        self.column_overrides = column_overrides
        self.answers = answers
        self.actor = actor if actor is not None and actor.pk else None
        self.now = timezone.now()
        # (task, changes) for each TaskRevision to write; plain pairs, written as rows.
        self.revisions: list[tuple[Task, dict[str, Any]]] = []
        self.relink: list[tuple[Task, dict[str, Any], set[str]]] = []
        self.leftover_categories: list[int] = []
        # Stored tasks whose key is given up, and matched sub-items under another task.
        self.parked: list[int] = []
        self.reparented: list[Task] = []

    def run(self) -> ImportResult:
        ledger, created = self.ledger()
        # Read before `categories` renames the stored categories after the new edition's.
        stored = stored_tasks(ledger, lock=True)
        rows = list(document_rows(self.doc))
        states = [
            doc_state(row.task, row.category, order, LABEL_LENGTH) for order, row in enumerate(rows)
        ]
        names = [c.name for c in self.doc.categories]
        plan = edition_plan(rows, states, stored, names, self.answers)
        if plan.ambiguous:
            raise AmbiguousError(plan)
        result = ImportResult(
            ledger=ledger, created=created, warnings=list(self.doc.warnings), plan=plan
        )
        categories = self.categories(ledger)
        self.persons = _ensure_named(Person, {n for r in rows for n in r.task.leaders})
        self.units = _ensure_named(Unit, {u.name for r in rows for u in r.task.units})
        new_tasks: list[tuple[Task, dict[str, Any]]] = []
        changed: list[Task] = []
        pairs = plan.pairs
        # This edition's rows by key: the parent of each sub-item, stored or new.
        current: dict[str, Task] = {}
        for row, state in zip(rows, states, strict=True):
            parent = current[row.parent] if row.parent is not None else None
            found = stored.pop(pairs[row.key]) if row.key in pairs else None
            if found is None:
                task = Task(ledger=ledger, key=row.key, category=categories[row.category])
                task.parent = parent
                self.apply(task, state, categories)
                new_tasks.append((task, state))
            elif self.update(found, row.key, parent, state, categories):
                task = found.task
                changed.append(task)
            else:
                task = found.task
                result.tasks_unchanged += 1
            current[row.key] = task
        removed = [s.task for s in stored.values() if s.task.removed_at is None]
        for task in removed:
            self.remove(task)
        self.park(stored.values(), {row.key for row in rows})
        self.save(new_tasks, changed + removed)
        # Categories beyond this edition: dropped when empty (once this edition's tasks have
        # moved out of them), else kept for their removed tasks.
        Category.objects.filter(pk__in=self.leftover_categories, tasks=None).delete()
        result.tasks_created = len(new_tasks)
        result.tasks_updated = len(changed)
        result.tasks_removed = len(removed)
        self.audit(result)
        return result

    def park(self, unmatched: Iterable[Stored], keys: set[str]) -> None:
        """Stored tasks left out of this edition give up a key it uses (they keep "~pk")."""
        for left in unmatched:
            task = left.task
            if task.key in keys:
                self.parked.append(task.pk)
                task.key = f"{_PARKED}{task.pk}"

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
        found: Stored,
        key: str,
        parent: Task | None,
        state: dict[str, Any],
        categories: dict[int, Category],
    ) -> bool:
        task, old = found.task, found.state
        diff = {k: {"old": old[k], "new": v} for k, v in state.items() if old[k] != v}
        if task.key != key:
            diff["key"] = {"old": task.key, "new": key}
            self.parked.append(task.pk)
            task.key = key
        # Always set, to None for a task: an answer must never leave a task under another.
        moved_under = task.parent_id != (parent.pk if parent is not None else None)
        if moved_under:
            task.parent = parent
            self.reparented.append(task)
        if not diff and not moved_under:
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
        # Keys given up first, so that new and renumbered tasks can take them.
        for start in range(0, len(self.parked), _PARK_BATCH):
            Task.objects.filter(pk__in=self.parked[start : start + _PARK_BATCH]).update(
                key=Concat(Value(_PARKED), Cast("pk", CharField()))
            )
        # Tasks first: their new pks are what their new sub-items point to.
        self.insert_tasks([task for task, _ in new_tasks if task.parent is None])
        subitems = [task for task, _ in new_tasks if task.parent is not None]
        for task in subitems + self.reparented:
            task.parent_id = task.parent.pk if task.parent is not None else None
        self.insert_tasks(subitems)
        fields = ["category", "order", "number", "removed_at", "version", "key", "parent"]
        fields += SCALAR_FIELDS
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
                "decisions": result.plan.counts(),
                "warnings": result.warnings,
            },
        )


@transaction.atomic
def ledger_import(
    *,
    doc: LedgerDoc,
    actor: User | None = None,
    column_overrides: Mapping[str, str] | None = None,
    answers: Mapping[str, str | None] | None = None,
) -> ImportResult:
    """Store a ledger document, all or nothing. A ledger is known by its title and year: the
    first import creates it; a later edition is matched task by task to the stored tasks by
    content (goal, units, category; the number only as a hint: `ledger.editions`), so a
    renumbered or moved task keeps its row and history (its key, number and place change);
    the rows that changed get a `TaskRevision`, tasks the edition no longer has are marked
    removed. Sub-items are stored as tasks with `parent` set, right after their task in
    `order`, keyed `3/1`, and matched under their task. `answers` ({new key: stored key, or
    None for a new task}) are the office's decisions; while a task could be more than one
    stored task, nothing is written and `AmbiguousError` (with the plan) is raised; an answer
    naming a task that is not there raises `MatchError`. Importing the same document again
    changes nothing. `column_overrides` ({title: key}) is saved with the ledger when given,
    for the next edition (`saved_column_overrides`); None keeps what was saved."""
    result = _Importer(doc, actor, column_overrides, answers).run()
    tasks_written(result.ledger.pk, None)
    return result
