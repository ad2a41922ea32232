"""`taizhang.prepared.Prepared`: a query compiled once per shape gives what the ORM gives,
for any values, and refuses a query that does not take its values as parameters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from taizhang.ledger.models import Task, TaskUnit
from taizhang.prepared import Ids, Prepared, id_list, keep_prefetched
from tests.factories import World


def numbers_of(ledger_id: int, ids: list[int]) -> QuerySet[Any]:
    tasks = Task.objects.filter(ledger_id=ledger_id, pk__in=ids)
    return tasks.order_by("order", "pk").values_list("pk", "number")


def test_a_prepared_query_gives_the_orms_rows_for_any_values(world: World) -> None:
    prepared = Prepared(numbers_of)
    ids = list(Task.objects.filter(ledger=world.ledger).values_list("pk", flat=True))
    for chosen in (ids[:3], ids[2:5], ids[:1], ids[4:5], ids, [ids[3], ids[0]]):
        with CaptureQueriesContext(connection) as queries:
            found = prepared.rows(world.ledger.pk, chosen)
        assert found == list(numbers_of(world.ledger.pk, chosen))
        assert len(queries) == 1
    assert prepared.rows(world.ledger.pk + 1000, ids[:3]) == []
    # Compiled once for each length of the list (1, 3, len(ids); 2 shares none).
    assert len(prepared._compiled) == len({3, 1, len(ids), 2})


def test_a_query_that_does_not_take_a_value_as_a_parameter_is_refused(world: World) -> None:
    prepared = Prepared(lambda ledger_id: Task.objects.filter(ledger_id=1).values_list("pk"))
    with pytest.raises(ValueError, match="not a parameter"):
        prepared.rows(world.ledger.pk)


def tasks_of(ledger_id: int) -> QuerySet[Task]:
    return Task.objects.filter(ledger_id=ledger_id).order_by("order", "pk")


def test_prepared_instances_are_the_orms_with_its_converters(world: World) -> None:
    task = Task.objects.filter(ledger=world.ledger).first()
    assert task is not None
    task.deadline = datetime.date(2021, 6, 30)  # a date: SQLite gives text, the ORM a date
    task.save(update_fields=["deadline"])
    prepared = Prepared(tasks_of)
    with CaptureQueriesContext(connection) as queries:
        found = prepared.objects(world.ledger.pk)
    assert len(queries) == 1
    expected = list(tasks_of(world.ledger.pk))
    assert [t.pk for t in found] == [t.pk for t in expected]
    fields = [f.attname for f in Task._meta.concrete_fields]
    assert [[getattr(t, f) for f in fields] for t in found] == [
        [getattr(t, f) for f in fields] for t in expected
    ]
    assert datetime.date(2021, 6, 30) in [t.deadline for t in found]
    assert all(not t._state.adding and t._state.db == "default" for t in found)
    assert prepared.objects(world.ledger.pk + 1000) == []


def test_instances_are_refused_for_a_query_of_values(world: World) -> None:
    prepared = Prepared(lambda ledger_id: tasks_of(ledger_id).values_list("pk"))
    assert prepared.rows(world.ledger.pk)
    with pytest.raises(ValueError, match="one model's fields"):
        prepared.objects(world.ledger.pk)


def rows_of(ids: list[int]) -> QuerySet[Any]:
    return Task.objects.filter(pk__in=id_list(ids)).order_by("order", "pk").values_list("pk")


def test_ids_as_one_parameter_compile_once_for_any_number(world: World) -> None:
    prepared = Prepared(rows_of)
    ids = list(Task.objects.filter(ledger=world.ledger).values_list("pk", flat=True))
    for chosen in (ids[:3], ids[:1], ids, [ids[3], ids[0]], []):
        with CaptureQueriesContext(connection) as queries:
            found = prepared.rows(Ids(chosen))
        assert found == list(rows_of(chosen))
        assert len(queries) == 1
        assert len(queries[0]["sql"]) < 2000  # the ids are not written into it
    assert len(prepared._compiled) == 1


def dated(ledger_id: int) -> QuerySet[Any]:
    tasks = Task.objects.filter(ledger_id=ledger_id).order_by("order", "pk")
    return tasks.values_list("pk", "deadline", "parent__number", "category__name")


def test_values_are_the_orms_with_its_converters_a_page_at_a_time(world: World) -> None:
    Task.objects.filter(ledger=world.ledger, number=2).update(deadline=datetime.date(2021, 6, 30))
    prepared = Prepared(dated, paged=True)
    expected = list(dated(world.ledger.pk))
    assert datetime.date(2021, 6, 30) in [row[1] for row in expected]
    for start, end in ((0, 3), (2, 5), (0, len(expected) + 5), (len(expected), len(expected) + 1)):
        with CaptureQueriesContext(connection) as queries:
            found = prepared.values(world.ledger.pk, start=start, end=end)
        assert found == expected[start:end]
        assert len(queries) == 1
    assert len(prepared._compiled) == 1
    with pytest.raises(ValueError, match="start to end"):
        prepared.values(world.ledger.pk)
    with pytest.raises(ValueError, match="start to end"):
        prepared.values(world.ledger.pk, start=3, end=2)
    with pytest.raises(ValueError, match="not paged"):
        Prepared(dated).values(world.ledger.pk, start=0, end=3)


def test_a_paged_query_built_with_a_slice_is_refused(world: World) -> None:
    prepared = Prepared(lambda ledger_id: dated(ledger_id)[:3], paged=True)
    with pytest.raises(ValueError, match="without its slice"):
        prepared.values(world.ledger.pk, start=0, end=3)


def test_values_of_a_query_selecting_more_than_its_columns_are_refused(world: World) -> None:
    # DISTINCT ordered by a column not asked for: Django selects the column too.
    prepared = Prepared(
        lambda ledger_id: (
            Task.objects.filter(ledger_id=ledger_id)
            .order_by("order")
            .values_list("number")
            .distinct()
        )
    )
    with pytest.raises(ValueError, match="more than its columns"):
        prepared.values(world.ledger.pk)


def test_prepared_instances_carry_their_select_related_objects(world: World) -> None:
    task = Task.objects.filter(ledger=world.ledger, parent__isnull=True).first()
    assert task is not None
    sub = Task.objects.create(
        ledger=world.ledger, category=task.category, parent=task, number=1, goal="子项", order=999
    )
    prepared = Prepared(
        lambda pk: Task.objects.select_related("category", "parent", "ledger").filter(pk=pk)
    )
    for pk in (sub.pk, task.pk):
        with CaptureQueriesContext(connection) as queries:
            (found,) = prepared.objects(pk)
            expected = Task.objects.select_related("category", "parent", "ledger").get(pk=pk)
            assert found.category.name == expected.category.name
            assert found.ledger.title == expected.ledger.title
            assert (found.parent.pk if found.parent else None) == expected.parent_id
        assert len(queries) == 2  # each one query: nothing asked for the related objects


def test_a_text_value_is_a_parameter(world: World) -> None:
    prepared = Prepared(lambda goal: Task.objects.filter(goal=goal).values_list("pk"))
    task = Task.objects.filter(ledger=world.ledger).first()
    assert task is not None
    for goal in (task.goal, "没有这个任务", "", "%", "a'b"):
        assert prepared.rows(goal) == list(Task.objects.filter(goal=goal).values_list("pk"))
    assert len(prepared._compiled) == 1


def test_objects_kept_as_prefetched_are_the_relations_own(world: World) -> None:
    """`keep_prefetched`: `task.unit_links.all()` gives the objects kept, each knowing its
    task, without a query; a further filter is still a query of this task's links only."""
    task, other = Task.objects.filter(ledger=world.ledger, unit_links__isnull=False).distinct()[:2]
    links = list(TaskUnit.objects.filter(task=task).order_by("order", "pk"))
    keep_prefetched(task, "unit_links", links)
    with CaptureQueriesContext(connection) as queries:
        assert list(task.unit_links.all()) == links
        assert all(link.task is task for link in task.unit_links.all())
    assert len(queries) == 0
    assert set(task.unit_links.filter(order__gte=0)) == set(links)
    assert not set(task.unit_links.filter(order__gte=0)) & set(other.unit_links.all())
