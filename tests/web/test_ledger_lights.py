"""Lights where people look: the ledger page and 我的任务 show each row's light and first
reason, filter by light as the dashboard's "全部N项" links ask (the rows the filter gives are
the tasks the dashboard counts), in a fixed number of queries; the task page shows the task's
light at each closed round."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.accounts import access
from taizhang.ledger.models import Ledger, Person, Task, TaskLeader, Unit
from taizhang.reporting import services
from taizhang.reporting.models import RoundStatus
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.history import round_lights_fill
from taizhang.supervision.models import TaskState
from taizhang.supervision.rows import STORED_FIELDS, RowLights
from tests.factories import World, client_for
from tests.web.subitems import split_task_3
from tests.web.test_dashboard import big_ledger

pytestmark = pytest.mark.django_db

DAY = datetime.date(2021, 11, 20)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def on(day: datetime.date) -> Any:
    moment = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


def page(client: Client, ledger: Ledger, **query: Any) -> str:
    response = client.get(reverse("web:ledger_detail", args=[ledger.pk]), query)
    assert response.status_code == 200
    return str(response.content.decode())


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr ")[1:] if 'class="category"' not in row]


def matched_tasks(html: str) -> dict[int, str]:
    """{task id: light} of the rows that are tasks (not sub-items) and matched the filter."""
    found = {}
    for row in rows(html):
        head = row.split(">", 1)[0]
        if "subitem" in head or "context" in head:
            continue
        pk = int(re.search(r'href="/tasks/(\d+)/"', row).group(1))  # type: ignore[union-attr]
        light = re.search(r'class="row-light badge-(\w+)"', row)
        found[pk] = light.group(1) if light else ""
    return found


def dashboard(world: World, user: str, ledger: Ledger) -> dict[str, Any]:
    someone = getattr(world, user)
    return dashboard_data(
        ledger,
        access.visible_tasks(someone),
        DAY,
        whole=access.sees_all_tasks(someone),
        limit=1000,
    )


def with_open_round(world: World, ledger: Ledger) -> None:
    """An open round in which 水利局 reported one task (the others are not reported)."""
    services.round_open(
        ledger=ledger, name="2021年11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    tasks = ledger.tasks.filter(
        unit_links__unit__name="水利局", parent__isnull=True, subitems__isnull=True
    )
    first = tasks.order_by("order").first()
    assert first is not None
    services.report_submit(
        task=first,
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="已完成投资100万元。",
        status="in_progress",
    )


@pytest.mark.parametrize("user", ["office", "water", "leader"])
@pytest.mark.parametrize("size", [0, 60])
def test_the_filter_gives_the_tasks_the_dashboard_counts(
    world: World, user: str, size: int
) -> None:
    with on(DAY):
        ledger = big_ledger(size) if size else world.ledger
        if size == 0:
            split_task_3(world)  # a split task and its sub-items among the rows
        with_open_round(world, ledger)
        data = dashboard(world, user, ledger)
        client = client_for(world, user)
        for colour in ("red", "yellow"):
            shown = matched_tasks(page(client, ledger, light=colour))
            assert set(shown.values()) <= {colour}, shown
            assert len(shown) == data[f"{colour}_total"], (colour, shown)
            assert set(shown) == {task["id"] for task in data[colour]}
        everything = matched_tasks(page(client, ledger))
    if user == "office":  # the check is not of empty lists
        assert data["red_total"] and data["yellow_total"]
    for colour, total in data["lights"].items():
        assert list(everything.values()).count(colour) == total, colour


def test_the_dashboards_all_link_fills_the_filter(world: World) -> None:
    with on(DAY):
        html = page(client_for(world, "office"), world.ledger, light="red")
    assert '<option value="red" selected>' in html


def test_an_unknown_light_is_refused_as_no_filter(world: World) -> None:
    with on(DAY):
        client = client_for(world, "office")
        assert matched_tasks(page(client, world.ledger, light="purple")) == matched_tasks(
            page(client, world.ledger)
        )


def row_of(html: str, task: Task) -> str:
    (row,) = [r for r in rows(html) if f'href="/tasks/{task.pk}/"' in r]
    return row


def test_each_row_says_its_first_reason(world: World) -> None:
    with on(DAY):
        with_open_round(world, world.ledger)
        html = page(client_for(world, "office"), world.ledger)
    assert "已超过完成时限（2021-10-31）20天，尚未完成" in row_of(html, world.task(9))
    assert "<strong>红灯</strong> 推进缓慢" in row_of(html, world.task(8))
    assert "尚未报送进展" in html
    assert "<strong>已完成</strong> 已完成" in html


def test_a_split_tasks_reason_names_its_sub_item(world: World) -> None:
    with on(DAY):
        split = split_task_3(world)  # 3-1 is due 2021-06-30
        html = page(client_for(world, "office"), world.ledger)
    row = row_of(html, split.task)
    assert "badge-red" in row
    assert f"子项{split.first.label}：已超过完成时限（2021-06-30）143天，尚未完成" in row


def test_my_tasks_show_lights_and_filter_by_them(world: World) -> None:
    with on(DAY):
        client = client_for(world, "water")
        url = reverse("web:my_tasks", args=[world.ledger.pk])
        html = client.get(url).content.decode()
        red = client.get(url, {"light": "red"}).content.decode()
        data = dashboard(world, "water", world.ledger)
    assert "已超过完成时限（2021-10-31）20天，尚未完成" in html  # task 9
    cards = re.findall(r'<div class="card task-card[^"]*" id="task-([\d-]+)"', red)
    assert cards == [str(task["number"]) for task in data["red"]]
    assert 'class="task-light badge-red"' in red
    assert "badge-green" not in red


def test_the_page_costs_the_same_queries_for_a_ledger_ten_times_larger(world: World) -> None:
    tasks = Task.objects.filter(ledger=world.ledger, parent__isnull=True).count()
    with on(DAY):
        large = big_ledger(10 * tasks)
        for ledger in (world.ledger, large):
            with_open_round(world, ledger)
        counts: dict[tuple[str, str], list[int]] = {}
        for user in ("office", "water"):
            client = client_for(world, user)
            for ledger in (world.ledger, large):
                for colour in ("", "red", "yellow"):
                    with CaptureQueriesContext(connection) as queries:
                        page(client, ledger, **({"light": colour} if colour else {}))
                    counts.setdefault((user, colour), []).append(len(queries))
    assert all(small == big for small, big in counts.values()), counts


# --- the task page: lights over past rounds -------------------------------------------------


def test_the_task_page_shows_its_light_at_each_closed_round(world: World) -> None:
    ninth = world.task(9)  # deadline 2021-10-31, 水利局
    for name, opened, closed in (
        ("2021年9月", datetime.date(2021, 9, 1), datetime.date(2021, 9, 10)),
        ("2021年11月", datetime.date(2021, 11, 1), datetime.date(2021, 11, 20)),
    ):
        with on(opened):
            round_ = services.round_open(
                ledger=world.ledger, name=name, due_date=closed, actor=world.office
            )
        with on(closed):
            services.round_close(round_=round_, actor=world.office)
    lights = dict(RoundStatus.objects.filter(task=ninth).values_list("round__name", "light"))
    assert lights == {"2021年9月": "yellow", "2021年11月": "red"}  # not reported; overdue
    with on(DAY):
        html = client_for(world, "water").get(reverse("web:task_detail", args=[ninth.pk]))
    history = html.content.decode().split('id="light-history">', 1)[1].split("</ul>", 1)[0]
    assert history.index("2021年9月") < history.index("2021年11月")
    assert re.search(r'light-yellow".*?2021年9月</a> 黄灯', history)
    assert re.search(r'light-red".*?2021年11月</a> 红灯', history)


def test_rounds_closed_before_lights_were_kept_are_lit_from_their_snapshots(
    world: World,
) -> None:
    with on(datetime.date(2021, 9, 1)):
        round_ = services.round_open(
            ledger=world.ledger,
            name="2021年8月",
            due_date=datetime.date(2021, 9, 5),
            actor=world.office,
        )
    with on(datetime.date(2021, 11, 5)):
        services.round_close(round_=round_, actor=world.office)
    RoundStatus.objects.filter(round=round_).update(light="")  # as before 0009
    ninth = world.task(9)
    page = client_for(world, "office").get(reverse("web:task_detail", args=[ninth.pk]))
    assert "2021年8月" not in page.content.decode().split('id="light-history"')[-1]
    assert RoundStatus.objects.filter(round=round_, light="").exists()  # a page writes none
    assert round_lights_fill() == 1  # the queue's job, every ten minutes
    assert round_lights_fill(ledger=world.ledger) == 0
    lights = dict(RoundStatus.objects.filter(round=round_).values_list("task__number", "light"))
    assert lights[9] == "red"  # 2021-10-31 passed by the close
    assert lights[8] == "red"  # lagging
    assert "" not in lights.values()


def test_the_pages_lights_worked_out_in_python_are_the_dashboards(world: World) -> None:
    """`RowLights.page_lights` (the ledger page's rows, from the stored state) gives each row
    the colour `light_case` (`RowLights.lit`) gives it: tasks, a split task, its sub-items
    (one naming no unit), reported and unreported in an open round, a task with no state."""
    with on(DAY):
        split_task_3(world, inheriting=True)
        with_open_round(world, world.ledger)
        TaskState.objects.filter(task=world.task(5)).delete()  # left green by both
        lights = RowLights(world.ledger, DAY)
        tasks = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True)
        expected = dict(lights.lit(tasks).values_list("pk", "light"))
        rows = list(lights.stored(tasks).values_list("pk", "parent_id", *STORED_FIELDS))
        found = lights.page_lights(rows)
    assert {pk: light.colour for pk, light in found.items() if light} == expected
    assert set(expected.values()) == {"red", "yellow", "green", "completed"}
    assert expected[world.task(5).pk] == "green"


def test_the_page_shows_each_write_at_once(world: World) -> None:
    """The page's prepared queries (`taizhang.prepared`: filter choices, the rows' leaders and
    units, the reports of the rows awaiting one) keep only SQL, no data: a report, a renamed
    unit and a new leader show on the next request."""
    with on(DAY):
        services.round_open(
            ledger=world.ledger,
            name="2021年11月",
            due_date=datetime.date(2021, 11, 25),
            actor=world.office,
        )
        client = client_for(world, "office")
        html = page(client, world.ledger)
        waiting = [
            task
            for task in Task.objects.filter(ledger=world.ledger, parent=None).order_by("order")
            if "尚未报送进展" in row_of(html, task)
        ]
        reporters = {"水利局": world.water, "卫健委": world.health}
        task, unit = next(
            (task, link.unit)
            for task in waiting
            for link in task.unit_links.select_related("unit")
            if link.unit.name in reporters
        )
        services.report_submit(
            task=task,
            unit=unit,
            actor=reporters[unit.name],
            progress="已完成投资100万元。",
            status="in_progress",
        )
        Unit.objects.filter(pk=unit.pk).update(name="某新单位")
        person = Person.objects.create(name="新领导")
        TaskLeader.objects.create(task=task, person=person, order=99)
        html = page(client, world.ledger)
    row = row_of(html, task)
    assert "尚未报送进展" not in row
    assert "某新单位" in row
    assert f'<option value="{unit.pk}">{unit.name}</option>' not in html
    assert "新领导" in row
    assert f'<option value="{person.pk}">新领导</option>' in html
    assert f'<option value="{unit.pk}">某新单位</option>' in html


def test_rows_with_the_same_light_share_one_light(world: World) -> None:
    from taizhang.supervision.lights import GREEN, YELLOW
    from taizhang.supervision.models import LightSettings

    ledger = Ledger.objects.get(pk=world.ledger.pk)
    day = datetime.date(ledger.year, 3, 1)
    deadline = datetime.date(ledger.year, 3, 20)  # 19 days away
    lights = RowLights(ledger, day)
    light = lights.reason(YELLOW, "in_progress", deadline, None)
    assert light is not None and light.reason is not None
    assert lights.reason(YELLOW, "in_progress", deadline, None) is light
    # Two rows' facts that give the same light give the one object (words found by identity).
    green = lights.reason(GREEN, "in_progress", deadline, None)
    assert green is lights.reason(GREEN, "in_progress", deadline + datetime.timedelta(9), None)
    assert green is not None and green != light
    # Other thresholds: worked out to what they give.
    LightSettings.objects.update_or_create(ledger=ledger, defaults={"warn_days": 10})
    fewer = RowLights(Ledger.objects.get(pk=ledger.pk), day)
    assert fewer.settings.warn_days == 10
    assert fewer.reason(YELLOW, "in_progress", deadline, None) != light


def test_a_light_worked_out_once_for_facts_that_give_it_is_each_rows_own(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `RowLights.reason` keys a light by what its colour's reasons read (a red one not by
    # its percent, a green one by nothing): each row's light is still the one its own facts
    # give, whatever rows came before it.
    from decimal import Decimal

    from taizhang.supervision.lights import COMPLETED, GREEN, RED, YELLOW

    ledger = Ledger.objects.get(pk=world.ledger.pk)
    day = datetime.date(ledger.year, 9, 1)
    lights = RowLights(ledger, day)
    facts = [
        (colour, status, deadline, lowest, split)
        for colour in (None, GREEN, YELLOW, RED, COMPLETED)
        for status in ("", "in_progress", "lagging", "not_started", "completed")
        for deadline in (None, datetime.date(ledger.year, 6, 30), datetime.date(ledger.year, 9, 20))
        for lowest in (None, Decimal("10"), Decimal("90"))
        for split in (False, True)
    ]
    worked_out = []
    real = lights._reason
    monkeypatch.setattr(lights, "_reason", lambda *a, **k: worked_out.append(a) or real(*a, **k))
    for colour, status, deadline, lowest, split in facts:
        expected = real(colour, status, deadline, lowest, split=split)
        assert lights.reason(colour, status, deadline, lowest, split=split) == expected
    assert len(worked_out) < len(facts) / 2  # most facts found a light worked out before
