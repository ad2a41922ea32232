"""Sub-items in supervision: each has its own light, a task is as red as its reddest open
sub-item with the sub-item named, the dashboard counts tasks (top level) and gives each unit
the sub-items it serves, and the bulletin names a red task's red sub-item. As of 2021-11-05."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.accounts import access
from taizhang.ledger.models import Task
from taizhang.reporting import services as reporting
from taizhang.supervision.bulletin import bulletin_data, compose_bulletin, task_reasons
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.lights import (
    COMPLETED,
    GREEN,
    RED,
    YELLOW,
    Light,
    Reason,
    ReasonKind,
    with_subitems,
)
from taizhang.supervision.selectors import supervise, supervise_tasks
from taizhang.supervision.state import states_refresh
from tests.factories import World
from tests.web.subitems import split_task_3

AS_OF = datetime.date(2021, 11, 5)
OVERDUE_TEXT = "已超过完成时限（2021-06-30）128天，尚未完成"
OVERDUE = Reason(ReasonKind.OVERDUE, deadline=datetime.date(2021, 6, 30), days=128)
ON_PACE, DONE = Reason(ReasonKind.ON_PACE), Reason(ReasonKind.COMPLETED)
NOT_STARTED, LAGGING = Reason(ReasonKind.NOT_STARTED), Reason(ReasonKind.LAGGING)
NOT_REPORTED = Reason(ReasonKind.NOT_REPORTED)


# --- the rule, pure ------------------------------------------------------------------------


def test_a_task_is_as_red_as_its_reddest_open_sub_item_which_is_named() -> None:
    own = Light(GREEN, (ON_PACE,))
    subs = [("3-1", Light(RED, (OVERDUE,))), ("3-2", Light(YELLOW, (NOT_STARTED,)))]
    assert with_subitems(own, subs) == Light(RED, (replace(OVERDUE, subitem="3-1"),))


def test_yellow_beats_green_and_only_the_sub_items_reasons_are_given() -> None:
    own = Light(YELLOW, (NOT_REPORTED,))
    subs = [("（1）", Light(GREEN, (ON_PACE,))), ("（2）", Light(YELLOW, (NOT_STARTED,)))]
    assert with_subitems(own, subs) == Light(YELLOW, (replace(NOT_STARTED, subitem="（2）"),))


def test_a_split_tasks_own_imported_status_no_longer_counts_once_its_sub_items_report() -> None:
    # Its own 推进缓慢 came with the file; only its sub-items are reported from then on.
    own = Light(RED, (LAGGING,))
    subs = [("①", Light(GREEN, (ON_PACE,)))]
    assert with_subitems(own, subs) == Light(GREEN, (ON_PACE,))


def test_completed_sub_items_do_not_count() -> None:
    own = Light(GREEN, (ON_PACE,))
    subs = [("3-1", Light(COMPLETED, (DONE,))), ("3-2", Light(GREEN, (ON_PACE,)))]
    assert with_subitems(own, subs) == own


def test_a_task_whose_sub_items_are_all_completed_is_completed() -> None:
    subs = [("3-1", Light(COMPLETED, (DONE,)))]
    assert with_subitems(Light(RED, (LAGGING,)), subs).colour == COMPLETED


def test_a_task_marked_completed_stays_completed() -> None:
    own = Light(COMPLETED, (DONE,))
    assert with_subitems(own, [("3-1", Light(RED, (OVERDUE,)))]) == own


# --- the selectors ---------------------------------------------------------------------------


def rows_of(world: World) -> dict[int, object]:
    return {row.task.pk: row for row in supervise(world.ledger, Task.objects.all(), AS_OF)}


def test_each_sub_item_has_its_own_light_and_the_task_takes_the_reddest(world: World) -> None:
    split = split_task_3(world)
    rows = rows_of(world)
    assert rows[split.first.pk].light.colour == RED  # type: ignore[attr-defined]
    assert rows[split.second.pk].light.colour == GREEN  # type: ignore[attr-defined]
    task = rows[split.task.pk]
    assert task.light == Light(RED, (replace(OVERDUE, subitem="3-1"),))  # type: ignore[attr-defined]
    assert [s.task for s in task.subitems] == [split.first, split.second]  # type: ignore[attr-defined]


def test_a_sub_item_without_a_deadline_has_its_tasks(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert split.inheriting is not None
    Task.objects.filter(pk=split.task.pk).update(deadline=datetime.date(2021, 11, 30))
    (row,) = supervise_tasks(
        world.ledger, [Task.objects.select_related("parent").get(pk=split.inheriting.pk)], AS_OF
    )
    assert row.light.reason_texts == ["距完成时限（2021-11-30）还有25天"]


def test_a_split_task_is_never_yellow_for_not_reporting_its_sub_items_are(world: World) -> None:
    split = split_task_3(world)
    Task.objects.filter(pk=split.first.pk).update(deadline=datetime.date(2021, 12, 31))
    reporting.round_open(
        ledger=world.ledger, name="11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    task = rows_of(world)[split.task.pk]
    assert task.light == Light(  # type: ignore[attr-defined]
        YELLOW, (replace(NOT_REPORTED, subitem="3-1"), replace(NOT_REPORTED, subitem="3-2"))
    )


# --- the dashboard and the bulletin --------------------------------------------------------


def test_the_dashboard_counts_tasks_with_sub_items_in_their_tasks_light(world: World) -> None:
    split_task_3(world)
    data = dashboard_data(world.ledger, access.visible_tasks(world.office), AS_OF)
    assert data["totals"]["tasks"] == 16
    assert sum(data["lights"].values()) == 16
    (three,) = [brief for brief in data["red"] if brief["number"] == 3]
    assert three["light"]["reasons"] == [f"子项3-1：{OVERDUE_TEXT}"]
    assert three["light"]["reason_details"] == [
        {"kind": "overdue", "deadline": "2021-06-30", "days": 128, "elapsed": None}
        | {"reached": None, "subitem": "3-1"}
    ]
    units = {group["name"]: group for group in data["units"]}
    # 水利局: 3-1 (not task 3 itself, which its sub-items stand for) and task 9.
    assert units["水利局"]["tasks"] == 2 and units["水利局"]["red"] == 2
    assert units["住建局"]["tasks"] == 6  # tasks 4, 8, 9, 10, 11 and sub-item 3-2


def test_a_unit_only_on_the_split_task_counts_the_task_itself(world: World) -> None:
    split = split_task_3(world)
    from taizhang.ledger.models import Unit

    split.task.unit_links.create(unit=Unit.objects.create(name="发改委"), role="co", order=9)
    states_refresh(ledger=world.ledger, task_ids=[split.task.pk])  # as an import would
    data = dashboard_data(world.ledger, access.visible_tasks(world.office), AS_OF)
    units = {group["name"]: group for group in data["units"]}
    assert units["发改委"]["tasks"] == 1 and units["发改委"]["red"] == 1


def test_a_reporter_counts_only_the_sub_items_it_may_see(world: World) -> None:
    split_task_3(world)
    data = dashboard_data(world.ledger, access.visible_tasks(world.water), AS_OF)
    units = {group["name"]: group for group in data["units"]}
    assert data["totals"]["tasks"] == 2  # tasks 3 and 9
    assert units["住建局"]["tasks"] == 1  # task 9 only: 3-2 is not 水利局's to see


@pytest.mark.parametrize("role", ["office", "water"])
def test_the_dashboard_costs_the_same_queries_with_sub_items(world: World, role: str) -> None:
    counts = []
    for split in (False, True):
        if split:
            split_task_3(world, inheriting=True)
        user = User.objects.get(pk=getattr(world, role).pk)  # its units not read yet
        with CaptureQueriesContext(connection) as queries:
            dashboard_data(world.ledger, access.visible_tasks(user), AS_OF)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_bulletin_names_a_red_tasks_red_sub_item(world: World) -> None:
    split_task_3(world)
    text = compose_bulletin(bulletin_data(world.ledger, AS_OF)).body
    assert "第3项" in text
    assert "该项任务子项3-1完成时限为2021年6月30日，目前已逾期128天，尚未完成。" in text


def test_a_sub_items_reason_is_put_in_a_bulletins_words() -> None:
    reasons = [replace(LAGGING, subitem="（2）"), replace(OVERDUE, subitem="3-1")]
    brief = {"deadline": None, "light": {"reason_details": [r.as_dict() for r in reasons]}}
    assert task_reasons(brief, AS_OF) == [
        "子项（2）推进缓慢",
        "子项3-1完成时限为2021年6月30日，目前已逾期128天，尚未完成",
    ]
