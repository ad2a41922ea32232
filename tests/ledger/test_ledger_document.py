"""`ledger_document` builds its `LedgerDoc` from plain rows: the same document as one built
from model instances (the way it was built before, kept here as the reference), in a fixed
number of queries."""

from __future__ import annotations

import copy
import dataclasses
import datetime

import pytest
from django.db.models import Prefetch
from django.utils import timezone

from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.documents.read_text import read_text
from taizhang.ledger.models import Category, Ledger, Task, TaskLeader
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import ledger_import
from tests.conftest import SEED
from tests.ledger.test_import import _with_subitems

pytestmark = pytest.mark.django_db


def reference_document(ledger: Ledger) -> LedgerDoc:
    """The document as built from model instances with prefetched links."""

    def task_doc(task: Task) -> TaskDoc:
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
            entries=[EntryDoc(e["title"], e["text"], e.get("month")) for e in task.entries],
        )

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
    )
    for category in categories:
        stored = list(category.tasks.all())
        current = [t for t in stored if t.removed_at is None]
        docs = {t.pk: task_doc(t) for t in current if t.parent_id is None}
        for t in current:
            if t.parent_id is not None and t.parent_id in docs:
                docs[t.parent_id].subitems.append(task_doc(t))
        if docs or not stored:
            doc.categories.append(CategoryDoc(category.number, category.name, list(docs.values())))
    return doc


@pytest.fixture
def seed_doc() -> LedgerDoc:
    return read_text(SEED.read_bytes(), name=SEED.name)


def test_the_document_is_the_one_model_instances_give(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    ledger = ledger_import(doc=doc).ledger
    built = ledger_document(ledger)
    assert built == reference_document(ledger) == doc
    assert built.source_name == ledger.source_name


def test_removed_tasks_and_sub_items_and_emptied_categories_are_left_out(
    seed_doc: LedgerDoc,
) -> None:
    doc = _with_subitems(seed_doc)
    ledger = ledger_import(doc=doc).ledger
    now = timezone.now()
    Task.objects.filter(ledger=ledger, key="3/2").update(removed_at=now)  # a sub-item
    Task.objects.filter(ledger=ledger, key="1").update(removed_at=now)  # a task
    last = doc.categories[-1]
    Task.objects.filter(ledger=ledger, category__number=last.number).update(removed_at=now)
    built = ledger_document(ledger)
    assert built == reference_document(ledger)
    assert [c.number for c in built.categories] == [c.number for c in doc.categories[:-1]]
    assert [s.label for s in built.tasks[1].subitems] == ["3-1", "3-3"]
    assert "1" not in [str(t.number) for t in built.tasks]


def test_a_sub_item_of_a_removed_task_goes_with_it(seed_doc: LedgerDoc) -> None:
    ledger = ledger_import(doc=_with_subitems(seed_doc)).ledger
    Task.objects.filter(ledger=ledger, key="3").update(removed_at=timezone.now())
    built = ledger_document(ledger)
    assert built == reference_document(ledger)
    assert all(not t.subitems for t in built.tasks)


def test_a_category_stored_without_tasks_is_kept(seed_doc: LedgerDoc) -> None:
    ledger = ledger_import(doc=seed_doc).ledger
    Category.objects.create(ledger=ledger, number=99, name="新增类别", order=999)
    built = ledger_document(ledger)
    assert built == reference_document(ledger)
    assert (built.categories[-1].name, built.categories[-1].tasks) == ("新增类别", [])


def test_leaders_units_and_milestones_keep_their_order(seed_doc: LedgerDoc) -> None:
    doc = copy.deepcopy(seed_doc)
    task = doc.tasks[0]
    task.leaders = ["乙", "甲", "丙"]
    task.units = [UnitRef("卫健委", "lead"), UnitRef("水利局", "support")]
    task.milestones = [
        MilestoneDoc("年底前完工", datetime.date(2021, 12, 31)),
        MilestoneDoc("6月底前开工", datetime.date(2021, 6, 30)),
    ]
    ledger = ledger_import(doc=doc).ledger
    first = ledger_document(ledger).tasks[0]
    assert (first.leaders, first.units, first.milestones) == (
        task.leaders,
        task.units,
        task.milestones,
    )


def test_the_queries_do_not_grow_with_the_tasks(
    seed_doc: LedgerDoc, django_assert_num_queries: object
) -> None:
    small = ledger_import(doc=_with_subitems(seed_doc)).ledger
    bigger = _with_subitems(seed_doc)
    bigger.title = "大台账"
    for task in list(bigger.categories[0].tasks):
        for n in range(100, 130):
            bigger.categories[0].tasks.append(
                dataclasses.replace(task, number=n + task.number * 100)
            )
    big = ledger_import(doc=bigger).ledger
    assert TaskLeader.objects.filter(task__ledger=big).count() > 60
    for ledger in (small, big):
        # leaders, units, milestones, categories, tasks
        with django_assert_num_queries(5):  # type: ignore[operator]
            ledger_document(ledger)
    assert ledger_document(big) == reference_document(big) == bigger


def test_a_sub_item_stored_in_another_category_than_its_task_is_left_out(
    seed_doc: LedgerDoc,
) -> None:
    ledger = ledger_import(doc=_with_subitems(seed_doc)).ledger
    parent = Task.objects.get(ledger=ledger, key="3")
    other = Category.objects.filter(ledger=ledger).exclude(pk=parent.category_id).first()
    Task.objects.filter(ledger=ledger, key="3/1").update(category=other)
    built = ledger_document(ledger)
    assert built == reference_document(ledger)
    assert [s.label for s in built.tasks[2].subitems] == ["3-2", "3-3"]
