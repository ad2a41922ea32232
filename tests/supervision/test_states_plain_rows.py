"""The stored states are written as plain rows (`taizhang.bulk.insert_rows`: COPY on
PostgreSQL, one prepared statement on SQLite) instead of `bulk_create`: the rows the database
holds are the same, to each value as the driver reads it back (JSON text on SQLite)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from taizhang.supervision import state
from taizhang.supervision.models import StateUnit, TaskState
from tests.factories import World

pytestmark = pytest.mark.django_db


def held(world: World) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The ledger's state rows and their units as the database holds them (every column)."""
    states = connection.ops.quote_name(TaskState._meta.db_table)
    units = connection.ops.quote_name(StateUnit._meta.db_table)
    with connection.cursor() as cursor:
        query = f"SELECT * FROM {states} WHERE ledger_id = %s ORDER BY task_id"  # noqa: S608
        cursor.execute(query, [world.ledger.pk])
        state_rows = cursor.fetchall()
        cursor.execute(
            f"SELECT u.state_id, u.unit_id FROM {units} u JOIN {states} s ON s.task_id = u.state_id"  # noqa: S608
            " WHERE s.ledger_id = %s ORDER BY u.state_id, u.unit_id",
            [world.ledger.pk],
        )
        return state_rows, cursor.fetchall()


def by_bulk_create(
    model: type[Model],
    fields: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    prepare: bool = False,
) -> None:
    """What `states_refresh` wrote with before: model instances and `bulk_create`."""
    names = [model._meta.get_field(name).attname for name in fields]
    model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows])


def test_states_written_as_plain_rows_are_the_rows_bulk_create_wrote(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    TaskState.objects.filter(ledger=world.ledger).delete()
    state.states_refresh(ledger=world.ledger)
    plain = held(world)
    written = TaskState.objects.filter(ledger=world.ledger)
    # The seed ledger holds every kind of value a state has: dates, a decimal, JSON with
    # Chinese text, a split task's state, states with and without units.
    assert written.count() >= 16
    assert written.exclude(lowest_percent=None).exists()
    assert written.exclude(indicators=[]).exists()
    assert written.exclude(deadline=None).exists() and written.exclude(red_from=None).exists()
    assert len(plain[1]) >= 16

    TaskState.objects.filter(ledger=world.ledger).delete()
    monkeypatch.setattr(state, "insert_rows", by_bulk_create)
    state.states_refresh(ledger=world.ledger)
    assert held(world) == plain


def test_a_state_changed_is_written_again_as_a_plain_row(world: World) -> None:
    """A rebuild after a change deletes the old row and inserts the new one (no duplicate
    key), its units with it."""
    state.states_refresh(ledger=world.ledger)
    task = world.ledger.tasks.filter(parent=None).order_by("order").first()
    assert task is not None
    task.progress = "已完成投资12万元。"
    task.save()
    state.states_refresh(ledger=world.ledger, task_ids=[task.pk])
    row = TaskState.objects.get(task=task)
    assert row.source == state._source(
        state._Facts(
            task.pk, None, task.goal, task.deadline_text, task.progress, task.status,
            task.deadline, task.order,
        ),
        state.LightInputs(world.ledger, state.light_settings(world.ledger), {}, {}, {}),
    )  # fmt: skip
    assert StateUnit.objects.filter(state=row).count() == task.units.count()


def test_a_ledger_without_states_gets_without_reading_any_the_states_it_would_get_with_them(
    world: World,
) -> None:
    """Its first import: no stored state to read, compare or delete for each batch."""
    TaskState.objects.filter(ledger=world.ledger).delete()
    ids = list(world.ledger.tasks.values_list("pk", flat=True))  # as an import names them
    with CaptureQueriesContext(connection) as queries:
        state.states_refresh(ledger=world.ledger, task_ids=ids)
    first = held(world)
    assert len(first[0]) >= 16
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [s for s in sql if "supervision_stateunit" in s and "INSERT INTO" not in s]
    assert not [s for s in sql if '"supervision_taskstate"."top_id" IN' in s]
    assert not [s for s in sql if '"supervision_taskstate"."task_id" IN' in s]
    # With one state kept, the others are read, compared and written as before: the same.
    kept = TaskState.objects.filter(ledger=world.ledger).order_by("task_id").first()
    assert kept is not None
    TaskState.objects.filter(ledger=world.ledger).exclude(pk=kept.pk).delete()
    with CaptureQueriesContext(connection) as queries:
        state.states_refresh(ledger=world.ledger, task_ids=ids)
    assert [
        q for q in queries.captured_queries if '"supervision_taskstate"."top_id" IN' in q["sql"]
    ]
    assert held(world) == first
