"""Storing a ledger: atomic, idempotent, later editions kept as history, export gives back
exactly what was imported."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from django.db import IntegrityError

from taizhang.documents.json_format import ledger_to_dict, read_json, write_json
from taizhang.documents.model import LedgerDoc, UnitRef
from taizhang.documents.read_text import read_text
from taizhang.ledger.models import (
    AuditEvent,
    Ledger,
    Milestone,
    Person,
    Task,
    TaskRevision,
    Unit,
)
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import ledger_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_doc(seed_bytes: bytes) -> LedgerDoc:
    return read_text(seed_bytes, name="jiyuan-2021-ledger.txt")


def test_import_then_export_gives_the_same_ledger(seed_doc: LedgerDoc) -> None:
    result = ledger_import(doc=seed_doc)
    assert ledger_to_dict(ledger_document(result.ledger)) == ledger_to_dict(seed_doc)


def test_export_json_import_again_is_identical_and_changes_nothing(seed_doc: LedgerDoc) -> None:
    ledger = ledger_import(doc=seed_doc).ledger
    exported = write_json(ledger_document(ledger))
    again = ledger_import(doc=read_json(exported, name="export.json"))
    assert again.ledger == ledger and not again.created
    assert (again.tasks_created, again.tasks_updated, again.tasks_unchanged) == (0, 0, 16)
    assert write_json(ledger_document(ledger)) == exported


def test_importing_twice_makes_no_duplicate(seed_doc: LedgerDoc) -> None:
    ledger_import(doc=seed_doc)
    revisions = TaskRevision.objects.count()
    ledger_import(doc=seed_doc)
    assert Ledger.objects.count() == 1
    assert Task.objects.count() == 16
    assert TaskRevision.objects.count() == revisions == 16
    assert Milestone.objects.count() == sum(len(t.milestones) for t in seed_doc.tasks)


def test_people_and_units_keep_one_row_however_written(seed_doc: LedgerDoc) -> None:
    ledger_import(doc=seed_doc)
    assert sorted(Person.objects.values_list("name", flat=True)) == sorted(
        ["谭江", "侯波", "李拴根", "张宏义"]
    )
    assert sorted(Unit.objects.values_list("name", flat=True)) == sorted(
        ["卫健委", "水利局", "住建局", "教体局", "交投集团", "农业农村局", "文广旅局", "民政局"]
    )
    assert Task.objects.get(number=9).units.count() == 3


def test_a_later_edition_updates_tasks_and_keeps_what_changed(seed_doc: LedgerDoc) -> None:
    ledger_import(doc=seed_doc)
    later = copy.deepcopy(seed_doc)
    task8 = later.categories[4].tasks[0]
    task8.progress = "47个老旧小区改造已全部完工。"
    task8.status, task8.status_label = "completed", "已完成"
    task8.units = [*task8.units, UnitRef("财政局")]
    result = ledger_import(doc=later)
    assert (result.tasks_updated, result.tasks_unchanged) == (1, 15)
    task = Task.objects.get(number=8)
    assert (task.status, task.progress, task.version) == ("completed", task8.progress, 2)
    change = task.revisions.order_by("id").last()
    assert change is not None
    assert change.changes["status"] == {"old": "lagging", "new": "completed"}
    assert change.changes["progress"]["old"].startswith("2020年23个老旧小区")
    assert change.changes["units"]["new"] == [["住建局", "responsible"], ["财政局", "responsible"]]
    assert set(change.changes) == {"status", "status_label", "progress", "units"}


def test_a_task_dropped_by_a_later_edition_is_marked_removed_not_deleted(
    seed_doc: LedgerDoc,
) -> None:
    ledger = ledger_import(doc=seed_doc).ledger
    later = copy.deepcopy(seed_doc)
    later.categories[9].tasks.pop()
    result = ledger_import(doc=later)
    assert result.tasks_removed == 1
    task = Task.objects.get(number=16)
    assert task.removed_at is not None
    assert task.revisions.last().changes == {"removed": {"old": False, "new": True}}  # type: ignore[union-attr]
    assert [t.number for t in ledger_document(ledger).tasks] == list(range(1, 16))
    ledger_import(doc=seed_doc)
    assert Task.objects.get(number=16).removed_at is None


def test_tasks_numbered_afresh_in_each_category_are_told_apart(seed_doc: LedgerDoc) -> None:
    doc = copy.deepcopy(seed_doc)
    for category in doc.categories:
        for i, task in enumerate(category.tasks, 1):
            task.number = i
    ledger = ledger_import(doc=doc).ledger
    assert Task.objects.filter(ledger=ledger).count() == 16
    assert ledger_to_dict(ledger_document(ledger)) == ledger_to_dict(doc)


def test_a_failing_import_writes_nothing(
    seed_doc: LedgerDoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taizhang.ledger import services

    insert_rows = services._insert_rows

    def broken(model: type, *args: Any) -> None:
        if model is TaskRevision:  # the last write of an import: everything else is done
            raise IntegrityError("simulated failure half-way")
        insert_rows(model, *args)

    monkeypatch.setattr(services, "_insert_rows", broken)
    with pytest.raises(IntegrityError):
        ledger_import(doc=seed_doc)
    assert (Ledger.objects.count(), Task.objects.count(), Person.objects.count()) == (0, 0, 0)


def test_every_import_leaves_an_audit_row(seed_doc: LedgerDoc) -> None:
    ledger_import(doc=seed_doc)
    ledger_import(doc=seed_doc)
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["ledger.import", "ledger.import"]
    assert events[0].data["tasks_created"] == 16 and events[1].data["tasks_unchanged"] == 16


def test_two_ledgers_with_another_year_are_kept_apart(seed_doc: LedgerDoc) -> None:
    ledger_import(doc=seed_doc)
    ledger_import(doc=dataclasses.replace(seed_doc, year=2022))
    assert Ledger.objects.count() == 2 and Task.objects.count() == 32


def test_ledger_document_costs_the_same_queries_for_any_size(
    seed_doc: LedgerDoc, django_assert_num_queries: object
) -> None:
    ledger = ledger_import(doc=seed_doc).ledger
    with django_assert_num_queries(7):  # type: ignore[operator]
        ledger_document(ledger)
    bigger = copy.deepcopy(seed_doc)
    bigger.title = "大台账"
    for task in list(bigger.categories[0].tasks):
        for n in range(100, 140):
            copy_ = dataclasses.replace(task, number=n + task.number * 100)
            bigger.categories[0].tasks.append(copy_)
    big = ledger_import(doc=bigger).ledger
    with django_assert_num_queries(7):  # type: ignore[operator]
        ledger_document(big)
