"""A batch of `states_refresh` reads its tasks and sub-items by their ids alone, and leaves out
the removed ones itself: a condition on the ledger (or on the parent being empty) in the same
statement let PostgreSQL read every task of the ledger for each batch during an import, whose
rows its statistics do not know yet (docs/benchmarks.md, "PostgreSQL import")."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taizhang.ledger.models import Category, Ledger, Task
from taizhang.supervision import state
from taizhang.supervision.models import TaskState
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_the_tasks_named_and_a_batchs_tasks_are_read_by_their_ids_alone(world: World) -> None:
    ids = list(Task.objects.filter(ledger=world.ledger).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        state.states_refresh(ledger=world.ledger, task_ids=ids)
    named = [q["sql"] for q in queries if 'FROM "ledger_task" WHERE' in q["sql"]]
    facts = [sql for sql in named if '"ledger_task"."goal"' in sql]
    assert len(facts) == 2, facts  # the tasks, then their sub-items
    assert len(named) == 4, named  # and the tasks named (one part), their reports' figures
    for sql in named:
        where = sql.split(" WHERE ", 1)[1]
        assert '"ledger_id"' not in where, sql
        assert "IS NULL" not in where, sql
        assert "ledger_ledger" not in sql, sql


def test_removed_tasks_and_sub_items_named_get_no_state(world: World) -> None:
    task = Task.objects.filter(ledger=world.ledger, parent=None).order_by("order")[2]
    subs = [
        Task(ledger=world.ledger, parent=task, category=task.category, key=f"{task.key}/{n}",
             number=n, order=task.order, goal=f"第{n}标段")
        for n in (1, 2)
    ]  # fmt: skip
    Task.objects.bulk_create(subs)
    removed_task = Task.objects.filter(ledger=world.ledger, parent=None).order_by("order")[5]
    Task.objects.filter(pk__in=[subs[1].pk, removed_task.pk]).update(removed_at=timezone.now())
    ids = [task.pk, subs[0].pk, subs[1].pk, removed_task.pk]
    state.states_refresh(ledger=world.ledger, task_ids=ids)
    stored = set(TaskState.objects.filter(ledger=world.ledger).values_list("task_id", flat=True))
    assert {task.pk, subs[0].pk} <= stored
    assert not {subs[1].pk, removed_task.pk} & stored
    assert TaskState.objects.get(task_id=task.pk).split


def test_tasks_of_another_ledger_named_get_no_state_here(world: World) -> None:
    other = Ledger.objects.create(title="另一本台账", year=2021, imported_at=timezone.now())
    category = Category.objects.create(ledger=other, number=1, name="第一类", order=0)
    stranger = Task.objects.create(
        ledger=other, category=category, key="1", number=1, order=0, goal="新建宿舍12套。"
    )
    task = Task.objects.filter(ledger=world.ledger, parent=None).order_by("order").first()
    assert task is not None
    TaskState.objects.all().delete()
    state.states_refresh(ledger=world.ledger, task_ids=[stranger.pk, task.pk])
    assert list(TaskState.objects.values_list("task_id", "ledger_id")) == [
        (task.pk, world.ledger.pk)
    ]
