"""A unit's name decides whether its tasks await a report from it (有关单位 reports nothing):
renaming it writes the stored state of its tasks again, so the task list API (served from the
stored state) gives the same light as the task page (worked out from the texts)."""

from __future__ import annotations

import datetime

import pytest

from taizhang.ledger.models import Task, TaskUnit, Unit
from taizhang.ledger.services.units import UnitContacts, unit_update
from taizhang.reporting.services import round_open
from taizhang.supervision.selectors import supervise_tasks
from taizhang.supervision.served import served_tasks
from taizhang.supervision.state import states_refresh
from tests.factories import World

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 3, 1)


def _lights(world: World, task: Task) -> tuple[object, object]:
    rows = list(Task.objects.filter(pk=task.pk).select_related("parent"))
    (computed,) = supervise_tasks(world.ledger, rows, DAY)
    served = served_tasks(world.ledger, [(t.pk, t.parent_id, t.progress) for t in rows], DAY)
    return computed.light_dict(), served[task.pk].light


RENAMES = [("有关单位", "县水务集团"), ("县水务集团", "有关单位")]


@pytest.mark.parametrize(("before", "after"), RENAMES)
@pytest.mark.parametrize("number", [1, 6])
def test_a_renamed_unit_gives_its_tasks_lights_afresh(
    world: World, number: int, before: str, after: str
) -> None:
    task = world.task(number)
    TaskUnit.objects.filter(task=task).delete()
    unit = Unit.objects.create(name=before)
    TaskUnit.objects.create(task=task, unit=unit)
    states_refresh(ledger=world.ledger, task_ids=[task.pk])
    due = datetime.date(2021, 11, 25)
    round_open(ledger=world.ledger, name="2021年11月", due_date=due, actor=world.office)
    computed, served = _lights(world, task)
    assert computed == served
    unit_update(unit=unit, name=after, contacts=UnitContacts(), actor=world.office)
    computed_after, served_after = _lights(world, task)
    assert computed_after != computed  # the rename changes whether a report is awaited
    assert served_after == computed_after
