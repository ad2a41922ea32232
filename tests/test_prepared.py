"""`taizhang.prepared.Prepared`: a query compiled once per shape gives what the ORM gives,
for any values, and refuses a query that does not take its values as parameters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from taizhang.ledger.models import Task
from taizhang.prepared import Prepared
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
