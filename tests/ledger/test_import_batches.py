"""A long ledger is imported a batch of rows at a time, and the stored edition read a chunk at a
time as digests (ledger/editions.py), so that memory does not grow with the ledger: what is
stored is the same as when everything fits in one batch. The batches are made small here so
that the seed's 16 tasks and their sub-items span several."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.documents.model import LedgerDoc, TaskDoc
from taizhang.documents.read_text import read_text
from taizhang.ledger import editions
from taizhang.ledger.editions import content_digest, document_items, document_rows, stored_tasks
from taizhang.ledger.models import Task, TaskLeader, TaskRevision
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import importing, ledger_import
from tests.conftest import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "BATCH", 7)
    monkeypatch.setattr(editions, "_CHUNK", 5)


def with_subitems() -> LedgerDoc:
    """The seed, every task with two sub-items: 48 rows."""
    doc = read_text(SEED.read_bytes(), name=SEED.name)
    for task in doc.tasks:
        task.subitems = [
            dataclasses.replace(task, number=n, label=f"{task.number}-{n}", subitems=[])
            for n in (1, 2)
        ]
    return doc


def revisions(task: Task) -> list[dict[str, Any]]:
    return [r.changes for r in TaskRevision.objects.filter(task=task).order_by("id")]


def test_a_ledger_of_many_batches_is_stored_whole_and_its_sub_items_under_their_tasks(
    small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = with_subitems()
    written: list[int] = []
    insert_rows = importing._insert_rows

    def counting(model: type, fields: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        if model is Task:
            written.append(len(rows))
        insert_rows(model, fields, rows)

    monkeypatch.setattr(importing, "_insert_rows", counting)
    result = ledger_import(doc=doc)
    assert sum(written) == 48 and max(written) <= 7  # a batch at a time, never the whole ledger
    assert result.tasks_created == 48
    assert ledger_document(result.ledger) == doc
    for sub in Task.objects.filter(ledger=result.ledger, parent__isnull=False):
        assert sub.key.split("/")[0] == sub.parent.key  # type: ignore[union-attr]
    assert all(len(revisions(task)) == 1 for task in Task.objects.filter(ledger=result.ledger))


def test_new_tasks_take_their_pks_in_the_order_of_their_rows(small_batches: None) -> None:
    """On PostgreSQL the pks come from the table's sequence before the rows are copied in
    (`importing._reserved_pks`), none read back by key: that read scanned the ledger's tasks
    for each batch. On SQLite they are read back by key. Either way, the pks follow the
    rows, sub-items under their task."""
    with CaptureQueriesContext(connection) as queries:
        result = ledger_import(doc=with_subitems())
    rows = list(Task.objects.filter(ledger=result.ledger).order_by("order", "pk"))
    assert len(rows) == 48
    by_key = {task.key: task for task in rows}
    for task in rows:
        if task.parent_id is not None:
            assert by_key[task.key.split("/")[0]].pk == task.parent_id
    tops = [task.pk for task in rows if task.parent_id is None]
    assert tops == sorted(tops)
    read_back = [q["sql"] for q in queries if '"ledger_task"."key" IN' in q["sql"]]
    assert bool(read_back) == (connection.vendor != "postgresql"), read_back


def test_importing_the_same_ledger_again_in_batches_writes_nothing(small_batches: None) -> None:
    doc = with_subitems()
    ledger = ledger_import(doc=doc).ledger
    versions = dict(Task.objects.filter(ledger=ledger).values_list("pk", "version"))
    again = ledger_import(doc=copy.deepcopy(doc))
    assert (again.tasks_unchanged, again.tasks_updated, again.tasks_created) == (48, 0, 0)
    assert dict(Task.objects.filter(ledger=ledger).values_list("pk", "version")) == versions
    assert TaskRevision.objects.count() == 48


def test_a_renumbered_edition_keeps_each_tasks_row_and_writes_only_what_changed(
    small_batches: None,
) -> None:
    doc = with_subitems()
    ledger = ledger_import(doc=doc).ledger
    rows = {t.goal: t.pk for t in Task.objects.filter(ledger=ledger, parent__isnull=True)}
    edition = copy.deepcopy(doc)
    edition.categories[0].tasks.insert(0, TaskDoc(number=0, goal="新增一项全新的工作任务。"))
    for number, task in enumerate(edition.tasks, 1):
        task.number = number
    edition.tasks[5].progress = "已全部完成。"
    edition.tasks[12].leaders = ["新领导"]
    result = ledger_import(doc=edition)
    assert (result.tasks_created, result.tasks_updated, result.tasks_unchanged) == (1, 48, 0)
    assert ledger_document(ledger) == edition
    stored = {t.goal: t for t in Task.objects.filter(ledger=ledger, parent__isnull=True)}
    assert all(stored[goal].pk == pk for goal, pk in rows.items())
    moved, changed, relinked = stored[doc.tasks[0].goal], stored[edition.tasks[5].goal], None
    relinked = stored[edition.tasks[12].goal]
    assert set(revisions(moved)[-1]) == {"number", "order", "key"}
    assert revisions(moved)[-1]["key"] == {"old": "1", "new": "2"}
    assert set(revisions(changed)[-1]) == {"number", "order", "key", "progress"}
    assert revisions(changed)[-1]["progress"]["new"] == "已全部完成。"
    assert revisions(relinked)[-1]["leaders"]["new"] == ["新领导"]
    assert [link.person.name for link in TaskLeader.objects.filter(task=relinked)] == ["新领导"]
    assert all(task.version == 2 for task in stored.values() if task.pk in rows.values())


def test_tasks_an_edition_leaves_out_are_removed_batch_by_batch(small_batches: None) -> None:
    doc = with_subitems()
    ledger = ledger_import(doc=doc).ledger
    shorter = copy.deepcopy(doc)
    for category in shorter.categories:
        category.tasks = category.tasks[: len(category.tasks) // 2]
    result = ledger_import(doc=shorter)
    gone = Task.objects.filter(ledger=ledger, removed_at__isnull=False)
    assert result.tasks_removed == gone.count() == 48 - 3 * len(shorter.tasks)
    assert all(
        t.version == 2 and revisions(t)[-1] == {"removed": {"old": False, "new": True}}
        for t in gone
    )
    # (A category whose tasks are all removed is kept for them, and not shown.)
    assert ledger_document(ledger).tasks == shorter.tasks


def test_the_stored_edition_read_in_chunks_has_the_documents_digests(small_batches: None) -> None:
    doc = with_subitems()
    ledger = ledger_import(doc=doc).ledger
    stored = stored_tasks(ledger, lock=False)
    rows = list(document_rows(doc))
    items = document_items(rows, [c.name for c in doc.categories])
    assert [stored[item.key].item for item in items] == items
    assert {s.item.parent for s in stored.values()} == {None} | {
        r.key for r in rows if "/" not in r.key
    }


def test_a_content_digest_is_the_same_for_the_same_content_only() -> None:
    state: dict[str, Any] = {
        "category": 0,
        "order": 1,
        "number": 2,
        "goal": "修路",
        "removed": False,
    }
    state["extra"] = {"联系人": "张三", "电话": "123"}
    same = {**state, "order": 9, "number": 8, "extra": {"电话": "123", "联系人": "张三"}}
    other = {**state, "goal": "修桥"}
    assert content_digest(state) == content_digest(same)
    assert content_digest(state) != content_digest(other)
    assert content_digest(state) != content_digest({**state, "removed": True})
