"""The office's corrections outside the reporting cycle show in the task's history: a figure
corrected, confirmed, judged not a figure or set from the task page leaves a revision (who,
when, before → after) in the timeline, seen by whoever may see the task (the office, the
unit's reporter, the viewer, the task's leader), not by a unit the task is not its; the task
itself and its version are unchanged; a refused correction leaves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import AuditEvent, Task, TaskRevision
from taizhang.ledger.services import task_update
from taizhang.supervision.services import (
    FigureError,
    figure_check,
    figure_set,
    light_settings_set,
)
from taizhang.supervision.state import states_refresh
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db
INVESTMENT = "年度完成投资"  # task 3 (水利局): 目标 9000 万元, 已完成 7000 万元 read from the text


def timeline(client: Client, world: World, number: int = 3) -> str:
    """The task page's timeline as the client sees it."""
    response = client.get(reverse("web:task_detail", args=[world.task(number).pk]))
    assert response.status_code == 200
    content = response.content.decode()
    return content[content.index('<ul class="timeline">') :]


def correct(client: Client, world: World, **data: str) -> None:
    url = reverse("web:figure_check", args=[world.task(3).pk])
    client.post(url, {"name": INVESTMENT, **data})


def test_a_corrected_figure_is_in_the_history_for_the_office_and_the_units_reporter(
    world: World,
) -> None:
    task = world.task(3)
    with time_machine.travel("2021-11-05 10:00 +0800", tick=False):
        correct(client_for(world, "office"), world, verdict="corrected", actual="7500")
    revision = TaskRevision.objects.get(task=task, changes__has_key="figure")
    assert revision.actor == world.office and revision.source == TaskRevision.Source.EDIT
    assert revision.note == "更正指标完成数"
    assert revision.changes["figure"]["old"]["actual"] == "7000"
    assert revision.changes["figure"]["new"]["actual"] == "7500"
    for role in ("office", "water", "viewer"):
        entries = timeline(client_for(world, role), world)
        assert "2021-11-05 10:00" in entries, role
        assert "更正指标完成数" in entries
        assert "指标“年度完成投资”完成数：7000万元 → 7500万元" in entries
        assert "指标“年度完成投资”核实：— → 督查室已更正" in entries
        assert "督查室" in entries
    assert (
        client_for(world, "health").get(reverse("web:task_detail", args=[task.pk])).status_code
        == 404
    )
    task.refresh_from_db()
    assert task.version == world.task(3).version  # the task's fields and version untouched


def test_the_audit_row_keeps_what_the_office_saw_before(world: World) -> None:
    figure_check(
        task=world.task(3), name=INVESTMENT, verdict="corrected", actual=Decimal(7500),
        actor=world.office,
    )  # fmt: skip
    figure_check(task=world.task(3), name=INVESTMENT, verdict="confirmed", actor=world.office)
    first, second = AuditEvent.objects.filter(action="figure.check").order_by("id")
    assert first.data["before"]["actual"] == "7000" and first.data["task_id"] == world.task(3).pk
    assert second.data["before"] == {
        "name": INVESTMENT,
        "target": "9000",
        "actual": "7500",
        "unit": "万元",
        "verdict": "corrected",
    }
    lines = [
        r.changes["figure"]
        for r in TaskRevision.objects.filter(changes__has_key="figure").order_by("id")
    ]
    assert [(c["old"]["actual"], c["new"]["actual"]) for c in lines] == [
        ("7000", "7500"),
        ("7500", "7000"),
    ]
    assert [c["new"]["verdict"] for c in lines] == ["corrected", "confirmed"]


def test_a_check_that_changes_nothing_shown_adds_no_entry(world: World) -> None:
    for _ in range(2):
        figure_check(task=world.task(3), name=INVESTMENT, verdict="confirmed", actor=world.office)
    assert TaskRevision.objects.filter(changes__has_key="figure").count() == 1
    assert "指标“年度完成投资”核实：— → 督查室已核实" in timeline(client_for(world, "water"), world)


def test_a_refused_correction_leaves_no_entry(world: World) -> None:
    with pytest.raises(FigureError):
        figure_check(
            task=world.task(3), name=INVESTMENT, verdict="corrected", actual=Decimal(-1),
            actor=world.office,
        )  # fmt: skip
    correct(client_for(world, "office"), world, verdict="corrected", actual="abc")
    assert not TaskRevision.objects.filter(changes__has_key="figure").exists()


def test_an_office_figure_set_on_the_task_page_is_in_the_history(world: World) -> None:
    office = client_for(world, "office")
    url = reverse("web:figure_set", args=[world.task(9).pk])
    office.post(url, {"name": "水系治理", "target": "30", "actual": "12", "unit": "公里"})
    entries = timeline(client_for(world, "water"), world, 9)
    assert "修改指标数值" in entries
    assert "指标“水系治理”完成数：— → 12公里" in entries
    assert "指标“水系治理”目标" not in entries  # the target read from the text is the same
    figure_set(
        task=world.task(9), name="新增指标", target=None, actual=Decimal("2.50"), unit="个",
        actor=world.office,
    )  # fmt: skip
    assert "指标“新增指标”完成数：— → 2.5个" in timeline(office, world, 9)
    # Written as the history writes it on the task page's table too.
    page = office.get(reverse("web:task_detail", args=[world.task(9).pk])).content.decode()
    assert "<td>2.5个</td>" in page and "2.50个" not in page


def test_an_edit_of_the_task_shows_before_and_after(world: World) -> None:
    task = world.task(3)
    task_update(
        task=task,
        version=task.version,
        actor=world.office,
        values={"status": "lagging", "remarks": "已核实"},
    )
    entries = timeline(client_for(world, "water"), world)
    assert "状态：" in entries and "→ 推进缓慢" in entries
    assert "备注：— → 已核实" in entries


def test_new_light_thresholds_are_in_the_history_of_the_tasks_whose_light_they_change(
    world: World,
) -> None:
    with time_machine.travel("2021-06-01 10:00 +0800", tick=False):
        states_refresh(ledger=world.ledger)
        before = TaskRevision.objects.count()
        light_settings_set(
            ledger=world.ledger, warn_days=365, pace_margin=Decimal(10), actor=world.office
        )
        changed = TaskRevision.objects.filter(changes__has_key="light")
        assert changed.count() == TaskRevision.objects.count() - before > 0
        lights = {
            r.task_id: (r.changes["light"]["old"], r.changes["light"]["new"]) for r in changed
        }
        assert set(lights.values()) <= {("green", "yellow")}
        revision = changed.filter(task__parent__isnull=True).first()
        assert revision is not None and revision.actor == world.office
        assert revision.note == "修改亮灯规则：临期预警天数 30 → 365"
        number = Task.objects.get(pk=revision.task_id).number
        entries = timeline(client_for(world, "viewer"), world, number)
        assert "修改亮灯规则：临期预警天数 30 → 365" in entries
        assert "亮灯：绿灯 → 黄灯" in entries
        unchanged = Task.objects.filter(ledger=world.ledger, parent__isnull=True).exclude(
            pk__in=lights
        )
        assert "亮灯：" not in timeline(client_for(world, "office"), world, unchanged[0].number)
        # The same thresholds again change no light: no entry.
        light_settings_set(
            ledger=world.ledger, warn_days=365, pace_margin=Decimal(10), actor=world.office
        )
        assert changed.count() == len(lights)
    event = AuditEvent.objects.filter(action="lights.settings").order_by("id").first()
    assert event is not None
    assert event.data["before"] == {"warn_days": 30, "pace_margin": "10.0"}
