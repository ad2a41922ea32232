"""accounts.access with sub-items: a sub-item is served by its own units (or its task's when it
names none) and led likewise; who may see a sub-item may see its task; a task split into
sub-items takes no report."""

from __future__ import annotations

import pytest

from taizhang.accounts import access
from taizhang.ledger.models import Task
from tests.factories import World
from tests.web.subitems import housing_reporter, split_task_3, subitem

pytestmark = pytest.mark.django_db


def visible(user: object, *tasks: Task) -> list[bool]:
    found = set(access.visible_tasks(user).values_list("pk", flat=True))  # type: ignore[arg-type]
    return [task.pk in found for task in tasks]


def loaded(task: Task) -> Task:
    return (
        Task.objects.select_related("parent")
        .prefetch_related(
            "unit_links", "leader_links", "parent__unit_links", "parent__leader_links"
        )
        .get(pk=task.pk)
    )


def test_a_reporter_sees_its_sub_items_and_their_task(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert visible(world.water, split.task, split.first, split.second, split.inheriting) == [
        True,
        True,
        False,
        True,
    ]
    housing = housing_reporter()
    assert visible(housing, split.task, split.first, split.second, split.inheriting) == [
        True,  # the context of 3-2
        False,
        True,
        False,
    ]
    assert visible(world.health, split.task) == [False]


def test_a_removed_sub_item_no_longer_opens_its_task(world: World) -> None:
    split = split_task_3(world)
    Task.objects.filter(pk=split.second.pk).update(removed_at=world.ledger.imported_at)
    assert visible(housing_reporter(), split.task, split.second) == [False, False]


def test_only_sub_items_take_reports_where_a_task_is_split(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert not access.can_report(world.water, loaded(split.task))
    assert access.can_report(world.water, loaded(split.first))
    assert not access.can_report(world.water, loaded(split.second))
    assert access.can_report(world.water, loaded(split.inheriting))  # type: ignore[arg-type]
    assert access.reportable_unit_ids(world.water, loaded(split.inheriting)) == [  # type: ignore[arg-type]
        world.water.profile.units.get().pk  # type: ignore[attr-defined]
    ]
    assert access.is_split(split.task) and not access.is_split(split.first)


def test_a_leader_leads_the_sub_items_naming_no_leader_and_those_naming_him(world: World) -> None:
    task = Task.objects.get(ledger=world.ledger, number=8, parent=None)  # 李拴根's
    own = subitem(task, 1, "改造老旧小区：城区", unit="住建局", leader="谭江")
    inherited = subitem(task, 2, "改造老旧小区：镇区", unit="住建局")
    other = Task.objects.get(ledger=world.ledger, number=3, parent=None)  # 侯波's
    named = subitem(other, 1, "北部供水", unit="水利局", leader="李拴根")
    assert visible(world.leader, own, inherited, named, other) == [False, True, True, True]
    assert access.can_comment(world.leader, loaded(inherited))
    assert access.can_comment(world.leader, loaded(named))
    assert not access.can_comment(world.leader, loaded(other))
    assert not access.can_comment(world.leader, loaded(own))
