"""Importing a ledger document. `ledger_import` is the one door from a `LedgerDoc` into
the database."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import CharField, F, Model, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from taizhang.bulk import insert_rows as _insert_rows  # the name tests and benchmarks use
from taizhang.collection import full_collections_paused
from taizhang.documents.model import LedgerDoc
from taizhang.ledger.editions import (
    LABEL_LENGTH,
    AmbiguousError,
    EditionPlan,
    Row,
    Stored,
    doc_state,
    document_items,
    document_rows,
    edition_plan,
    stored_states,
    stored_tasks,
)
from taizhang.ledger.matching import Item
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

# The link lists of a task, compared as lists and written again when they change.
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
# The document's rows are written this many at a time (also the most pks one query names).
BATCH = 500
# Told how far an import is: (rows written, rows to write), after each batch.
Progress = Callable[[int, int], None]


_Named = TypeVar("_Named", Person, Unit)
# The columns of a task an edition writes, in the order of `_Importer.task_values`; those a
# new task is inserted with (`_Importer.insert_tasks`), and those a changed one is updated in.
_EDITION_COLUMNS = (
    *("category", "parent", "number", "label", "key", "order", "goal", "deadline_text"),
    *("deadline", "progress", "status", "status_label", "remarks", "extra", "entries"),
)
_TASK_COLUMNS = ("ledger", *_EDITION_COLUMNS, "sections", "removed_at", "version", "updated_at")
# `json.dumps(changes, ensure_ascii=False)` with its encoder made once, not for each revision.
_changes_json = json.JSONEncoder(ensure_ascii=False).encode
_UPDATE_COLUMNS = (*_EDITION_COLUMNS, "removed_at", "version")


def _reserved_pks(model: type[Model], count: int) -> list[int]:
    """`count` new pks from the table's sequence (PostgreSQL), in the order it gives them,
    for rows inserted with `_insert_rows`, which reads none back: the same pks as the
    sequence would have given the rows in that order. (Read back by key instead, the rows
    of each batch took a scan of the ledger's tasks, growing with it: PostgreSQL's
    statistics, older than an import's own rows, make the ledger look small, and a
    prepared statement's generic plan tests each of them against the batch's keys one by
    one: 80 ms a batch at 20,000 tasks.)"""
    sequence = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
    with connection.cursor() as cursor:
        cursor.execute(sequence, [model._meta.db_table, model._meta.pk.column, count])
        return sorted(pk for (pk,) in cursor.fetchall())


def _update_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Update rows by pk (each row: the values of `fields`, then the pk) with one prepared
    statement (`executemany`). Django's `bulk_update` builds a CASE per field and row: 25 s
    of CPU for 6,000 tasks."""
    if not rows:
        return
    quote = connection.ops.quote_name
    concrete = {field.name: field.column for field in model._meta.concrete_fields}
    sets = ", ".join(f"{quote(concrete[name])} = %s" for name in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)  # noqa: S608


def _ensure_named(model: type[_Named], names: set[str]) -> dict[str, _Named]:
    """Rows for these names, creating the missing ones (concurrent imports may race; the
    unique constraint and `ignore_conflicts` make that harmless)."""
    found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    missing = [model(name=name) for name in sorted(names - found.keys())]
    if missing:
        model.objects.bulk_create(missing, ignore_conflicts=True)
        found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    return found


def _current_units(found: dict[str, Unit]) -> dict[str, Unit]:
    """The units by name, a unit merged into another replaced by that one: a later edition
    that still names 发改委 after the office merged it serves the unit it became."""
    merged = {u.merged_into_id for u in found.values() if u.merged_into_id is not None}
    if not merged:
        return found
    targets = Unit.objects.in_bulk(merged)
    return {
        name: targets[u.merged_into_id] if u.merged_into_id is not None else u
        for name, u in found.items()
    }


@dataclass(slots=True)
class _Change:
    """A stored task this edition changes: its row, its new key, state and task's pk."""

    stored: Stored
    key: str
    state: dict[str, Any]
    parent_pk: int | None


@dataclass
class _Batch:
    """What one batch of the document's rows writes besides its new tasks: the stored tasks it
    changes, the tasks whose link rows are (re)written, revisions."""

    changed: list[_Change] = field(default_factory=list)
    # (task pk, state, the link fields to write) for new and changed tasks.
    relink: list[tuple[int, dict[str, Any], frozenset[str]]] = field(default_factory=list)
    revisions: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


_ALL_LINKS = frozenset(LINK_FIELDS)


class _Importer:
    """One import: matches the document's tasks to the stored ones (`ledger.editions`) and
    writes the difference onto the matched rows, so their history stays with them. The rows
    are written `BATCH` at a time (their tasks, links and revisions), so memory does not grow
    with the ledger beyond the matching's digests (`editions.Stored`)."""

    def __init__(
        self,
        doc: LedgerDoc,
        actor: User | None,
        column_overrides: Mapping[str, str] | None,
        answers: Mapping[str, str | None] | None,
        progress: Progress | None = None,
    ) -> None:
        self.doc = doc
        self.progress = progress
        self.column_overrides = column_overrides
        self.answers = answers
        self.actor = actor if actor is not None and actor.pk else None
        self.now = timezone.now()
        # The pks of this edition's tasks (not sub-items) by key: their sub-items' parents.
        self.task_pks: dict[str, int] = {}
        # The tasks this import wrote (created, changed, removed: each has a revision), for
        # what is derived from them (`ledger.signals.tasks_written`).
        self.written: list[int] = []
        # The connection's operations, asked once: `connection` looks the connection up in
        # its thread's storage at each use, twice a row.
        self.ops = connections[DEFAULT_DB_ALIAS].ops

    def run(self) -> ImportResult:
        ledger, created = self.ledger()
        # Read before `categories` renames the stored categories after the new edition's.
        stored = stored_tasks(ledger, lock=True)
        rows = list(document_rows(self.doc))
        items = document_items(rows, [c.name for c in self.doc.categories])
        plan = edition_plan(items, stored, self.answers)
        if plan.ambiguous:
            raise AmbiguousError(plan)
        result = ImportResult(
            ledger=ledger, created=created, warnings=list(self.doc.warnings), plan=plan
        )
        self.ledger_id = ledger.pk
        self.category_rows = self.categories(ledger)
        self.persons = _ensure_named(Person, {n for r in rows for n in r.task.leaders})
        self.units = _current_units(
            _ensure_named(Unit, {u.name for r in rows for u in r.task.units})
        )
        pairs = plan.pairs
        matched = set(pairs.values())
        removed = [s for s in stored.values() if s.key not in matched and not s.item.removed]
        total = len(rows) + len(removed)
        self.report(0, total)
        self.park(stored, pairs, {row.key for row in rows})
        for start in range(0, len(rows), BATCH):
            end = start + BATCH
            self.write_batch(rows[start:end], items[start:end], start, stored, pairs, result)
            self.report(min(end, len(rows)), total)
        for start in range(0, len(removed), BATCH):
            self.remove(removed[start : start + BATCH])
            self.report(len(rows) + min(start + BATCH, len(removed)), total)
        # Categories beyond this edition: dropped when empty (once this edition's tasks have
        # moved out of them), else kept for their removed tasks.
        Category.objects.filter(pk__in=self.leftover_categories, tasks=None).delete()
        result.tasks_removed = len(removed)
        self.audit(result)
        return result

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def park(self, stored: Mapping[str, Stored], pairs: Mapping[str, str], keys: set[str]) -> None:
        """Stored tasks give up their key first, so that new and renumbered tasks can take
        it: those this edition renumbers, and those it leaves out whose key it uses (they keep
        "~pk")."""
        matched = set(pairs.values())
        parked = [stored[old].pk for new, old in pairs.items() if new != old]
        parked += [s.pk for key, s in stored.items() if key not in matched and key in keys]
        for start in range(0, len(parked), _PARK_BATCH):
            Task.objects.filter(pk__in=parked[start : start + _PARK_BATCH]).update(
                key=Concat(Value(_PARKED), Cast("pk", CharField()))
            )

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

    def write_batch(
        self,
        rows: list[Row],
        items: list[Item],
        offset: int,
        stored: Mapping[str, Stored],
        pairs: Mapping[str, str],
        result: ImportResult,
    ) -> None:
        """Write a batch of the document's rows: tasks (then sub-items, which need their
        task's pk), then the changes to stored ones, links and revisions."""
        batch = _Batch()
        placed = list(enumerate(zip(rows, items, strict=True), offset))
        for level in (False, True):
            new: list[tuple[Row, dict[str, Any]]] = []
            for order, (row, item) in placed:
                if (row.parent is not None) != level:
                    continue
                parent_pk = self.parent_pk(row)
                found = stored[pairs[row.key]] if row.key in pairs else None
                place = (row.category, order, row.task.number)
                if found is None:
                    new.append((row, doc_state(row.task, row.category, order, LABEL_LENGTH)))
                elif (found.key, found.place, found.parent_pk) != (row.key, place, parent_pk) or (
                    found.item.content != item.content
                ):
                    state = doc_state(row.task, row.category, order, LABEL_LENGTH)
                    batch.changed.append(_Change(found, row.key, state, parent_pk))
                else:
                    result.tasks_unchanged += 1
                if found is not None and row.parent is None:
                    self.task_pks[row.key] = found.pk
            self.insert_tasks(new, batch)
            result.tasks_created += len(new)
        self.update_tasks(batch)
        result.tasks_updated += len(batch.changed)
        self.write_links(batch)
        self.write_revisions(batch.revisions)

    def parent_pk(self, row: Row) -> int | None:
        return self.task_pks[row.parent] if row.parent is not None else None

    def insert_tasks(self, new: list[tuple[Row, dict[str, Any]]], batch: _Batch) -> None:
        """Insert new tasks as plain rows (`_insert_rows`: `bulk_create` spends a second on
        preparing 5,000 tasks' values), with pks taken from the sequence first on PostgreSQL
        (`_reserved_pks`), read back by key on SQLite (its unique index on the ledger and
        key answers)."""
        if not new:
            return
        updated_at = connection.ops.adapt_datetimefield_value(self.now)
        rows = [
            (
                self.ledger_id,
                *self.task_values(row.key, self.parent_pk(row), state, json.dumps),
                *("[]", None, 1, updated_at),
            )
            for row, state in new
        ]
        if connection.vendor == "postgresql":
            pks = _reserved_pks(Task, len(rows))
            numbered = [(pk, *row) for pk, row in zip(pks, rows, strict=True)]
            _insert_rows(Task, ("id", *_TASK_COLUMNS), numbered)
        else:
            _insert_rows(Task, _TASK_COLUMNS, rows)
            keys = [row.key for row, _ in new]
            found = Task.objects.filter(ledger_id=self.ledger_id, key__in=keys).order_by()
            by_key = dict(found.values_list("key", "pk"))
            pks = [by_key[row.key] for row, _ in new]
        for (row, state), pk in zip(new, pks, strict=True):
            if row.parent is None:
                self.task_pks[row.key] = pk
            batch.relink.append((pk, state, _ALL_LINKS))
            batch.revisions.append((pk, {k: {"old": None, "new": v} for k, v in state.items()}))

    def update_tasks(self, batch: _Batch) -> None:
        """Write the changes to stored tasks, with a revision naming each field changed (from
        the stored state, read again for these tasks only)."""
        if not batch.changed:
            return
        olds = stored_states([change.stored.pk for change in batch.changed])
        # A sub-item moved to another task changes the task it leaves as well.
        self.written += [c.stored.parent_pk for c in batch.changed if c.stored.parent_pk]
        rows = []
        for change in batch.changed:
            found, state = change.stored, change.state
            old = olds[found.pk]
            diff = {k: {"old": old[k], "new": v} for k, v in state.items() if old[k] != v}
            if found.key != change.key:
                diff["key"] = {"old": found.key, "new": change.key}
            values = self.task_values(change.key, change.parent_pk, state, self.json_value)
            rows.append((*values, None, found.version + 1, found.pk))
            batch.revisions.append((found.pk, diff))
            links = frozenset(diff) & _ALL_LINKS
            if links:
                batch.relink.append((found.pk, state, links))
        _update_rows(Task, _UPDATE_COLUMNS, rows)

    def task_values(
        self,
        key: str,
        parent_pk: int | None,
        state: dict[str, Any],
        json_value: Callable[[Any], Any],
    ) -> tuple[Any, ...]:
        """The values of `_EDITION_COLUMNS` for a task in this state."""
        deadline = self.ops.adapt_datefield_value(_date(state["deadline"]))
        return (
            *(self.category_rows[state["category"]].pk, parent_pk, state["number"]),
            *(state["label"], key, state["order"], state["goal"], state["deadline_text"]),
            *(deadline, state["progress"], state["status"] or "", state["status_label"]),
            *(state["remarks"], json_value(state["extra"]), json_value(state["entries"])),
        )

    def json_value(self, value: Any) -> Any:
        return self.ops.adapt_json_value(value, None)

    def remove(self, removed: list[Stored]) -> None:
        """Mark stored tasks this edition no longer has as removed, each with a revision."""
        Task.objects.filter(pk__in=[s.pk for s in removed]).update(
            removed_at=self.now, version=F("version") + 1
        )
        change = {"removed": {"old": False, "new": True}}
        self.write_revisions([(s.pk, change) for s in removed])

    def write_links(self, batch: _Batch) -> None:
        """Write the link rows of new tasks, and again those of stored tasks that changed."""
        relink = batch.relink
        stored = {change.stored.pk for change in batch.changed}
        redo = {
            name: [pk for pk, _, links in relink if name in links and pk in stored]
            for name in LINK_FIELDS
        }
        TaskLeader.objects.filter(task_id__in=redo["leaders"]).delete()
        TaskUnit.objects.filter(task_id__in=redo["units"]).delete()
        Milestone.objects.filter(task_id__in=redo["milestones"]).delete()
        leaders: list[tuple[Any, ...]] = []
        units: list[tuple[Any, ...]] = []
        milestones: list[tuple[Any, ...]] = []
        for pk, state, links in relink:
            if "leaders" in links:
                leaders += [
                    (pk, self.persons[name].pk, i) for i, name in enumerate(state["leaders"])
                ]
            if "units" in links:
                # A merged unit and the one it became may both be named: linked once.
                seen: set[int] = set()
                for i, (name, role) in enumerate(state["units"]):
                    unit_pk = self.units[name].pk
                    if unit_pk not in seen:
                        seen.add(unit_pk)
                        units.append((pk, unit_pk, role, i))
            if "milestones" in links:
                milestones += [
                    (pk, text, datetime.date.fromisoformat(day), i)
                    for i, (text, day) in enumerate(state["milestones"])
                ]
        _insert_rows(TaskLeader, ("task", "person", "order"), leaders)
        _insert_rows(TaskUnit, ("task", "unit", "role", "order"), units)
        _insert_rows(Milestone, ("task", "text", "date", "order"), milestones)

    def write_revisions(self, revisions: list[tuple[int, dict[str, Any]]]) -> None:
        self.written += [pk for pk, _ in revisions]
        actor = self.actor.pk if self.actor is not None else None
        source, note = TaskRevision.Source.IMPORT.value, self.doc.source_name[:300]
        rows = [
            (pk, self.now, source, actor, note, _changes_json(changes)) for pk, changes in revisions
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


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value is not None else None


@transaction.atomic
def ledger_import(
    *,
    doc: LedgerDoc,
    actor: User | None = None,
    column_overrides: Mapping[str, str] | None = None,
    answers: Mapping[str, str | None] | None = None,
    progress: Progress | None = None,
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
    for the next edition (`saved_column_overrides`); None keeps what was saved.
    `progress(done, total)`, when given, is told how far the writing is: once the edition is
    matched (0) and after each batch of rows (the document's rows, then the stored tasks it
    removes); it is called inside the import's transaction, so what it writes to this
    database is seen only if the import commits."""
    importer = _Importer(doc, actor, column_overrides, answers, progress)
    with full_collections_paused():  # 0.25 s of a 5,000-task import (taizhang.collection)
        result = importer.run()
        tasks_written(result.ledger.pk, importer.written)
    return result
