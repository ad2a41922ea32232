"""The task list's lights and indicators from the stored state (`supervision.served`) are what
`selectors.supervise_tasks` computes from the tasks themselves, on any day, with or without an
open round; and the migration that added what the list reads (supervision 0007) writes every
state again, so one written under an older rule is right after it."""

from __future__ import annotations

import datetime
import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from taizhang.ledger.models import Task, TaskUnit, Unit
from taizhang.reporting.services import round_open
from taizhang.supervision.dashboard import ensure_states
from taizhang.supervision.indicators import shown
from taizhang.supervision.models import TaskState
from taizhang.supervision.selectors import TaskSupervision, supervise_tasks
from taizhang.supervision.served import Served, served_tasks
from taizhang.supervision.state import states_refresh
from tests.api import client_for, open_cycle
from tests.api.test_task_list_json import a_varied_ledger
from tests.factories import World
from tests.web.subitems import split_task_3

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "taizhang.supervision.migrations.0007_state_progress_all_indicators"
)


def computed(row: TaskSupervision) -> dict[str, Any]:
    return {
        "light": row.light_dict(),
        "indicators": [view.as_dict() for view in row.indicators],
        "subitems": [(sub.task.pk, sub.light_dict()) for sub in row.subitems],
    }


def served(found: Served) -> dict[str, Any]:
    return {
        "light": found.light,
        "indicators": found.indicators,
        "subitems": [(sub.id, sub.light) for sub in found.subitems],
    }


def all_rows(world: World) -> list[Task]:
    """Every current task and sub-item of the ledger, in document order, as a page lists them."""
    tasks = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True)
    return list(tasks.select_related("parent").order_by("order", "pk"))


DAYS = ("2021-03-01", "2021-06-30", "2021-11-05", "2022-01-15")


@pytest.mark.parametrize("round_open_", [True, False])
@pytest.mark.parametrize("as_of", [datetime.date.fromisoformat(day) for day in DAYS])
def test_the_stored_lights_are_the_computed_ones(
    world: World, as_of: datetime.date, round_open_: bool
) -> None:
    a_varied_ledger(world)  # sub-items, reports in an open round, an office figure
    if not round_open_:
        world.ledger.rounds.update(closed_at=datetime.datetime(2021, 11, 30, tzinfo=datetime.UTC))
    rows = all_rows(world)
    assert any(row.parent_id for row in rows)

    found = served_tasks(world.ledger, [(t.pk, t.parent_id, t.progress) for t in rows], as_of)

    expected = supervise_tasks(world.ledger, rows, as_of)
    assert {t.task.pk: computed(t) for t in expected} == {k: served(v) for k, v in found.items()}
    colours = {v.light["colour"] for v in found.values()}
    assert len(colours) > 1  # not all one colour: the comparison means something


def test_a_task_written_around_the_services_is_served_as_it_now_is(world: World) -> None:
    task = world.task(2)
    Task.objects.filter(pk=task.pk).update(status="lagging", progress="")
    rows = all_rows(world)
    day = datetime.date(2021, 11, 5)

    found = served_tasks(world.ledger, [(t.pk, t.parent_id, t.progress) for t in rows], day)

    assert found[task.pk].light["reason_details"][0]["kind"] == "lagging"
    state = TaskState.objects.get(task=task)
    assert (state.status, state.has_progress) == ("lagging", False)


def collective_only(world: World) -> Task:
    """Task 5 served by 各乡镇 alone: a collective phrase, which reports nothing."""
    task = world.task(5)
    TaskUnit.objects.filter(task=task).delete()
    TaskUnit.objects.create(task=task, unit=Unit.objects.get_or_create(name="各乡镇")[0])
    states_refresh(ledger=world.ledger, task_ids=[task.pk])
    return task


def test_the_migration_writes_every_state_again(world: World) -> None:
    task = collective_only(world)
    assert not TaskState.objects.get(task=task).reports_due
    # As a state written before this change was left: the old flag (a collective-unit-only
    # task awaiting a report) and none of what the migration adds.
    TaskState.objects.filter(ledger=world.ledger).update(
        reports_due=True, has_progress=True, all_indicators=[]
    )
    TaskState.objects.filter(task=task).update(reports_due=True)
    ensure_states(world.ledger)  # reading does not write them: the old flag stays
    assert TaskState.objects.get(task=task).reports_due

    MIGRATION.states_rebuild(apps, SimpleNamespace(connection=connection))

    state = TaskState.objects.get(task=task)
    assert not state.reports_due
    rows = all_rows(world)
    expected = supervise_tasks(world.ledger, rows, datetime.date(2021, 11, 5))
    with_indicators = 0
    for row in expected:
        stored = TaskState.objects.get(task=row.task)
        assert stored.all_indicators == [view.facts() for view in row.indicators]
        assert [shown(f) for f in stored.all_indicators] == [v.as_dict() for v in row.indicators]
        assert stored.has_progress == bool(row.task.progress.strip())
        with_indicators += bool(stored.all_indicators)
    assert with_indicators > 0


def test_after_the_migration_a_collective_only_task_is_not_awaiting_a_report(
    world: World,
) -> None:
    task = collective_only(world)
    TaskState.objects.filter(task=task).update(reports_due=True)  # the old flag
    MIGRATION.states_rebuild(apps, SimpleNamespace(connection=connection))
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )

    response = client_for(world, "office").get(
        f"/api/ledgers/{world.ledger.pk}/tasks", {"as_of": "2021-03-01"}
    )

    items = {item["id"]: item for item in response.json()["items"]}
    kinds = [r["kind"] for r in items[task.pk]["light"]["reason_details"]]
    assert "not_reported" not in kinds
    others = [items[world.task(n).pk]["light"]["reason_details"] for n in (1, 2)]
    assert any(r["kind"] == "not_reported" for reasons in others for r in reasons)


def test_a_reported_task_is_not_awaiting_a_report(world: World) -> None:
    cycle = open_cycle(world)  # 水利局 reported on task 3
    rows = all_rows(world)
    found = served_tasks(
        world.ledger, [(t.pk, t.parent_id, t.progress) for t in rows], datetime.date(2021, 3, 1)
    )
    kinds = [r["kind"] for r in found[cycle.water_report.task_id].light["reason_details"]]
    assert "not_reported" not in kinds


def test_a_sub_item_whose_task_was_removed_is_served_from_its_texts(world: World) -> None:
    split = split_task_3(world)
    Task.objects.filter(pk=split.task.pk).update(removed_at=world.ledger.imported_at)
    TaskState.objects.filter(task=split.first).delete()
    rows = [split.first]
    day = datetime.date(2021, 11, 5)

    found = served_tasks(world.ledger, [(t.pk, t.parent_id, t.progress) for t in rows], day)

    (expected,) = supervise_tasks(world.ledger, rows, day)
    assert served(found[split.first.pk]) == computed(expected)
