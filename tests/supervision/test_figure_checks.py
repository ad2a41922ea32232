"""The office's checks of an indicator read from a task's text (`services.figure_check`):
confirmed, corrected, not a figure; each holds for the progress text it was made on, is
audited, refreshes the stored state the dashboard counts, and a refused one changes nothing.
And the doubts as the stored state, the dashboard's data and the task's indicators carry them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from taizhang.ledger.models import AuditEvent, Task
from taizhang.ledger.services import task_update
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.models import Figure, TaskState
from taizhang.supervision.services import FigureError, figure_check, figure_set
from taizhang.supervision.state import states_refresh
from tests.factories import World

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2021, 11, 5)
HEATING = "新增供热覆盖面积"  # task 4: 约165 of 285 万平方米, approximate


def stored(task: Task, name: str) -> dict[str, Any]:
    state = TaskState.objects.get(task=task)
    return next(view for view in state.indicators if view["name"] == name)


def shown(world: World, number: int, name: str) -> dict[str, Any]:
    data = dashboard_data(world.ledger, Task.objects.all(), AS_OF, whole=True, limit=100)
    return next(i for i in data["indicators"] if i["task"] == number and i["name"] == name)


def progress_edit(task: Task, world: World, progress: str) -> None:
    task.refresh_from_db()
    task_update(task=task, version=task.version, actor=world.office, values={"progress": progress})


def test_an_approximate_figure_is_stored_and_shown_uncertain_with_its_reason(world: World) -> None:
    task = world.task(4)
    assert stored(task, HEATING)["doubt"] == "approximate"
    item = shown(world, 4, HEATING)
    assert (item["uncertain"], item["doubt"], item["doubt_label"]) == (
        True,
        "approximate",
        "数字为约数",
    )
    assert item["percent"] == 57.9 and item["checked"] is None
    solid = shown(world, 3, "年度完成投资")
    assert (solid["uncertain"], solid["doubt"], solid["doubt_label"]) == (False, None, "")


def test_confirming_clears_the_doubt_keeps_the_figure_and_is_audited(world: World) -> None:
    task = world.task(4)
    figure_check(task=task, name=HEATING, verdict="confirmed", actor=world.office)
    item = shown(world, 4, HEATING)
    assert (item["uncertain"], item["checked"], item["actual"], item["percent"]) == (
        False,
        "confirmed",
        165.0,
        57.9,
    )
    assert item["source"] == "text"
    event = AuditEvent.objects.get(action="figure.check")
    assert event.data["verdict"] == "confirmed" and event.data["name"] == HEATING
    assert event.data["doubt"] == "approximate" and event.actor == world.office


def test_correcting_sets_the_actual_and_the_lowest_percent(world: World) -> None:
    task = world.task(4)
    figure_check(
        task=task, name=HEATING, verdict="corrected", actual=Decimal(57), actor=world.office
    )
    item = shown(world, 4, HEATING)
    assert (item["actual"], item["percent"], item["source"], item["uncertain"]) == (
        57.0,
        20.0,
        "office",
        False,
    )
    assert TaskState.objects.get(task=task).lowest_percent == Decimal("20.0")


def test_not_a_figure_for_the_target_leaves_no_actual(world: World) -> None:
    task = world.task(4)
    figure_check(task=task, name=HEATING, verdict="not_figure", actor=world.office)
    item = shown(world, 4, HEATING)
    assert (item["actual"], item["percent"], item["checked"], item["uncertain"]) == (
        None,
        None,
        "not_figure",
        False,
    )


def test_a_check_survives_a_reread_and_lapses_when_the_progress_changes(world: World) -> None:
    task = world.task(4)
    figure_check(task=task, name=HEATING, verdict="confirmed", actor=world.office)
    TaskState.objects.filter(task=task).delete()  # read again from the same text
    states_refresh(ledger=world.ledger, task_ids=[task.pk])
    assert shown(world, 4, HEATING)["checked"] == "confirmed"
    progress_edit(task, world, task.progress + "另有约10万平方米正在施工。")
    item = shown(world, 4, HEATING)
    assert (item["uncertain"], item["checked"]) == (True, None)
    # and a correction made on the old text no longer moves the figure
    one = Decimal(1)
    figure_check(task=task, name=HEATING, verdict="corrected", actual=one, actor=world.office)
    progress_edit(task, world, "已新增供热覆盖面积约170万平方米。")
    item = shown(world, 4, HEATING)
    assert (item["actual"], item["uncertain"]) == (170.0, True)


def test_a_confirmation_lapses_when_the_same_text_is_read_as_another_figure(
    world: World,
) -> None:
    task = world.task(4)
    figure = figure_check(task=task, name=HEATING, verdict="confirmed", actor=world.office)
    Figure.objects.filter(pk=figure.pk).update(actual=Decimal(160))  # a reader that read 160
    TaskState.objects.filter(task=task).delete()
    states_refresh(ledger=world.ledger, task_ids=[task.pk])
    assert shown(world, 4, HEATING)["uncertain"] is True


@pytest.mark.parametrize(
    ("name", "verdict", "actual", "message"),
    [
        ("没有这项", "confirmed", None, "任务的文字中已没有这项指标"),
        (HEATING, "approved", None, "未知的核实结论"),
        (HEATING, "corrected", None, "请填写更正后的完成数"),
        (HEATING, "corrected", Decimal(-1), "请填写更正后的完成数"),
        (HEATING, "corrected", Decimal("Infinity"), "请填写更正后的完成数"),
    ],
)
def test_a_refused_check_says_why_and_changes_nothing(
    world: World, name: str, verdict: str, actual: Decimal | None, message: str
) -> None:
    task = world.task(4)
    before = list(TaskState.objects.filter(task=task).values_list("indicators", "source"))
    with pytest.raises(FigureError, match=message):
        figure_check(task=task, name=name, verdict=verdict, actual=actual, actor=world.office)
    assert not Figure.objects.exists() and not AuditEvent.objects.filter(action="figure.check")
    assert list(TaskState.objects.filter(task=task).values_list("indicators", "source")) == before


def test_nothing_to_confirm_without_an_actual(world: World) -> None:
    with pytest.raises(FigureError, match="没有识别出完成数"):
        figure_check(task=world.task(9), name="水系治理", verdict="confirmed", actor=world.office)


def test_the_offices_own_figure_replaces_a_check_and_holds_whatever_the_text(
    world: World,
) -> None:
    task = world.task(4)
    figure_check(task=task, name=HEATING, verdict="not_figure", actor=world.office)
    figure_set(
        task=task, name=HEATING, target=Decimal(285), actual=Decimal(200), unit="万平方米",
        actor=world.office,
    )  # fmt: skip
    figure = Figure.objects.get()
    assert (figure.verdict, figure.progress_digest) == ("", "")
    progress_edit(task, world, "已新增供热覆盖面积约170万平方米。")
    assert shown(world, 4, HEATING)["actual"] == 200.0
