"""Storing a ledger: atomic, idempotent, later editions kept as history, export gives back
exactly what was imported."""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
from typing import Any

import pytest
from django.db import IntegrityError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.documents.json_format import ledger_to_dict, read_json, write_json
from taizhang.documents.model import (
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
    all_task_docs,
)
from taizhang.documents.read_text import read_text
from taizhang.ledger.editions import AmbiguousError
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
from tests.documents.strategies import ledgers, monthly_ledgers

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


def test_a_category_whose_tasks_all_moved_away_is_dropped(seed_doc: LedgerDoc) -> None:
    ledger = ledger_import(doc=seed_doc).ledger
    later = copy.deepcopy(seed_doc)
    last = later.categories.pop()
    later.categories[-1].tasks += last.tasks  # the last category merged into the one before
    ledger_import(doc=later)
    assert ledger_document(ledger) == later
    assert ledger.categories.count() == len(later.categories)


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
    from taizhang.ledger.services import importing

    insert_rows = importing._insert_rows

    def broken(model: type, *args: Any) -> None:
        if model is TaskRevision:  # the last write of an import: everything else is done
            raise IntegrityError("simulated failure half-way")
        insert_rows(model, *args)

    monkeypatch.setattr(importing, "_insert_rows", broken)
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
    with django_assert_num_queries(5):  # type: ignore[operator]
        ledger_document(ledger)
    bigger = copy.deepcopy(seed_doc)
    bigger.title = "大台账"
    for task in list(bigger.categories[0].tasks):
        for n in range(100, 140):
            copy_ = dataclasses.replace(task, number=n + task.number * 100)
            bigger.categories[0].tasks.append(copy_)
    big = ledger_import(doc=bigger).ledger
    with django_assert_num_queries(5):  # type: ignore[operator]
        ledger_document(big)


# Sub-items: stored as tasks under their task, compared, revised and removed like tasks.


def _with_subitems(seed_doc: LedgerDoc) -> LedgerDoc:
    """The seed with task 3's four water projects as its sub-items (one naming its own
    leader, one with month entries), and month entries on task 1."""
    doc = copy.deepcopy(seed_doc)
    task3 = doc.tasks[2]
    for place, (label, goal) in enumerate(
        [("3-1", "北部供水工程"), ("3-2", "玉阳湖工业供水工程"), ("3-3", "邵原镇供水工程")], 1
    ):
        task3.subitems.append(
            TaskDoc(
                number=place,
                goal=goal,
                label=label,
                leaders=list(task3.leaders),
                units=list(task3.units),
                deadline_text="10月份开工",
                deadline=datetime.date(2021, 10, 31),
                milestones=[MilestoneDoc("10月份开工", datetime.date(2021, 10, 31))],
                progress=f"{goal}：正在推进。",
                status="in_progress",
                status_label="正在推进",
            )
        )
    task3.subitems[1].leaders = ["谭江"]
    task3.subitems[2].entries = [EntryDoc("10月", "召开PPP论证会。", 10)]
    doc.tasks[0].entries = [EntryDoc("本月进展", "内部改造结束。")]
    return doc


def _task(ledger: Ledger, key: str) -> Task:
    return Task.objects.get(ledger=ledger, key=key)


def test_sub_items_are_stored_under_their_task_right_after_it(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    result = ledger_import(doc=doc)
    ledger = result.ledger
    assert result.tasks_created == 16 + 3
    parent = _task(ledger, "3")
    subitems = list(parent.subitems.order_by("order"))
    assert [(s.key, s.label, s.number) for s in subitems] == [
        ("3/1", "3-1", 1),
        ("3/2", "3-2", 2),
        ("3/3", "3-3", 3),
    ]
    assert [s.order for s in subitems] == [parent.order + 1, parent.order + 2, parent.order + 3]
    assert _task(ledger, "4").order == parent.order + 4
    assert {s.category_id for s in subitems} == {parent.category_id}
    assert [p.name for p in subitems[1].leaders.all()] == ["谭江"]
    assert [u.name for u in subitems[0].units.all()] == ["水利局"]
    assert subitems[0].milestones.get().date == datetime.date(2021, 10, 31)
    assert subitems[2].entries == [{"title": "10月", "text": "召开PPP论证会。", "month": 10}]
    assert _task(ledger, "1").entries == [
        {"title": "本月进展", "text": "内部改造结束。", "month": None}
    ]


def test_a_ledger_with_sub_items_and_entries_comes_back_the_same(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    ledger = ledger_import(doc=doc).ledger
    assert ledger_to_dict(ledger_document(ledger)) == ledger_to_dict(doc)
    assert ledger_document(ledger) == doc


def test_importing_sub_items_again_changes_nothing(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    ledger_import(doc=doc)
    revisions = TaskRevision.objects.count()
    again = ledger_import(doc=copy.deepcopy(doc))
    assert (again.tasks_created, again.tasks_updated, again.tasks_unchanged) == (0, 0, 19)
    assert TaskRevision.objects.count() == revisions == 19
    assert Task.objects.count() == 19


def test_the_json_export_of_sub_items_is_version_2_and_importing_it_changes_nothing(
    seed_doc: LedgerDoc,
) -> None:
    ledger = ledger_import(doc=_with_subitems(seed_doc)).ledger
    exported = write_json(ledger_document(ledger))
    assert json.loads(exported)["format"] == "taizhang/ledger@2"
    again = ledger_import(doc=read_json(exported, name="export.json"))
    assert (again.tasks_created, again.tasks_updated, again.tasks_unchanged) == (0, 0, 19)
    assert write_json(ledger_document(ledger)) == exported


def test_a_changed_sub_item_gets_a_revision_and_nothing_else_does(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    ledger = ledger_import(doc=doc).ledger
    later = copy.deepcopy(doc)
    sub = later.tasks[2].subitems[1]
    sub.progress, sub.status, sub.status_label = "已完工。", "completed", "已完成"
    sub.entries = [EntryDoc("11月", "完成验收。", 11)]
    result = ledger_import(doc=later)
    assert (result.tasks_updated, result.tasks_unchanged) == (1, 18)
    stored = _task(ledger, "3/2")
    assert (stored.status, stored.version) == ("completed", 2)
    change = stored.revisions.order_by("id").last()
    assert change is not None
    assert set(change.changes) == {"progress", "status", "status_label", "entries"}
    assert change.changes["entries"]["new"] == [
        {"title": "11月", "text": "完成验收。", "month": 11}
    ]
    assert _task(ledger, "3").version == 1


def test_a_sub_item_dropped_by_a_later_edition_is_marked_removed(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    ledger = ledger_import(doc=doc).ledger
    later = copy.deepcopy(doc)
    later.tasks[2].subitems.pop()
    result = ledger_import(doc=later)
    assert result.tasks_removed == 1
    dropped = _task(ledger, "3/3")
    assert dropped.removed_at is not None
    assert dropped.revisions.order_by("id").last().changes == {  # type: ignore[union-attr]
        "removed": {"old": False, "new": True}
    }
    assert ledger_document(ledger) == later
    ledger_import(doc=doc)
    assert _task(ledger, "3/3").removed_at is None
    assert ledger_document(ledger) == doc


def test_a_task_dropped_with_its_sub_items_removes_them_all(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    ledger = ledger_import(doc=doc).ledger
    later = copy.deepcopy(doc)
    later.categories[1].tasks.remove(later.tasks[2])
    assert ledger_import(doc=later).tasks_removed == 4
    assert ledger_document(ledger).tasks == later.tasks


def test_sub_items_added_by_a_later_edition_point_to_the_stored_task(seed_doc: LedgerDoc) -> None:
    ledger = ledger_import(doc=seed_doc).ledger
    result = ledger_import(doc=_with_subitems(seed_doc))
    assert result.tasks_created == 3
    parent = _task(ledger, "3")
    assert list(parent.subitems.values_list("key", flat=True).order_by("order")) == [
        "3/1",
        "3/2",
        "3/3",
    ]
    assert ledger_document(ledger) == _with_subitems(seed_doc)


def test_sub_items_numbered_alike_are_told_apart(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    for sub in doc.tasks[2].subitems:
        sub.number = 1  # possible in a JSON file, never from a table
    ledger = ledger_import(doc=doc).ledger
    keys = _task(ledger, "3").subitems.order_by("order").values_list("key", flat=True)
    assert list(keys) == ["3/1", "3/1-2", "3/1-3"]
    assert ledger_document(ledger) == doc


def test_a_label_longer_than_the_column_is_cut(seed_doc: LedgerDoc) -> None:
    doc = _with_subitems(seed_doc)
    doc.tasks[2].subitems[0].label = "（" + "一" * 30 + "）"
    ledger = ledger_import(doc=doc).ledger
    assert len(_task(ledger, "3/1").label) == 20
    assert ledger_import(doc=doc).tasks_unchanged == 19


def test_ledger_document_with_sub_items_costs_the_same_queries(
    seed_doc: LedgerDoc, django_assert_num_queries: object
) -> None:
    small = ledger_import(doc=_with_subitems(seed_doc)).ledger
    bigger = _with_subitems(seed_doc)
    bigger.title = "大台账"
    for task in bigger.tasks:
        task.subitems = [
            dataclasses.replace(task, number=n, label=f"（{n}）", subitems=[]) for n in range(1, 9)
        ]
    big = ledger_import(doc=bigger).ledger
    assert Task.objects.filter(ledger=big).count() == 16 * 9
    for ledger in (small, big):
        with django_assert_num_queries(5):  # type: ignore[operator]
            ledger_document(ledger)
    assert ledger_document(big) == bigger


def _import_queries(doc: LedgerDoc) -> tuple[int, int]:
    """Queries of importing the ledger, then of importing it with every row changed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as created:
        ledger_import(doc=doc)
    for _, task, _ in all_task_docs(doc):
        task.progress += "又有进展。"
    with CaptureQueriesContext(connection) as changed:
        assert ledger_import(doc=doc).tasks_updated == len(all_task_docs(doc))
    return len(created), len(changed)


def test_importing_costs_the_same_queries_with_many_sub_items(seed_doc: LedgerDoc) -> None:
    """16 tasks with 8 sub-items each cost what 16 tasks do, but for the sub-items' own
    insert (after their tasks', whose keys they need) and the batches SQLite cuts a long
    update or insert into (and the stored supervision state of the 144 changed rows)."""
    plain = _import_queries(copy.deepcopy(seed_doc))
    bigger = copy.deepcopy(seed_doc)
    bigger.title = "大台账"
    for task in bigger.tasks:
        task.subitems = [
            dataclasses.replace(task, number=n, label="", subitems=[]) for n in range(1, 9)
        ]
    created, changed = _import_queries(bigger)
    assert created <= plain[0] + 1
    assert changed <= plain[1] + 5


def _import_deciding(doc: LedgerDoc) -> Any:
    """Import; when some tasks are ambiguous, decide each (a candidate not yet given, else
    a new task) as the office would, and import again, as often as it is asked: once tasks
    are decided, their sub-items may be asked about in turn ("5/2", "6/1")."""
    answers: dict[str, str | None] = {}
    for _round in range(5):
        try:
            return ledger_import(doc=doc, answers=answers or None)
        except AmbiguousError as error:
            asked = [d for d in error.plan.ambiguous if d.new.key not in answers]  # type: ignore[union-attr]
            assert asked, f"asked again about what was answered: {error}"
            for decision in asked:
                free = [c.key for c in decision.candidates if c.key not in answers.values()]
                answers[decision.new.key] = free[0] if free else None  # type: ignore[union-attr]
    raise AssertionError(f"still ambiguous after five rounds of answers: {answers}")


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(editions=st.lists(st.one_of(ledgers(), monthly_ledgers()), min_size=1, max_size=3))
def test_any_sequence_of_editions_comes_back_as_the_last(editions: list[LedgerDoc]) -> None:
    """Each generated edition (same title and year: a later edition of one ledger, with
    tasks and sub-items added, changed and dropped) is stored and read back exactly."""
    Ledger.objects.all().delete()  # the examples share the test's transaction
    for doc in editions:
        ledger = _import_deciding(doc).ledger
        assert ledger_document(ledger) == doc
        assert ledger_import(doc=doc).tasks_unchanged == len(all_task_docs(doc))


@pytest.mark.django_db
def test_an_import_runs_without_full_collections_and_leaves_the_collector_as_it_was(
    seed_doc: LedgerDoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows of each batch reach the collector's oldest generation; full collections of
    the whole process wait until the import ends (`taizhang.collection`)."""
    import gc

    from taizhang.ledger.services import importing

    thresholds = gc.get_threshold()
    seen: list[int] = []
    run = importing._Importer.run

    def watched(self: Any) -> Any:
        seen.append(gc.get_threshold()[2])
        return run(self)

    monkeypatch.setattr(importing._Importer, "run", watched)
    ledger_import(doc=seed_doc)
    assert seen and seen[0] >= 2**31 - 1
    assert gc.get_threshold() == thresholds
