"""The seed ledger as of 2021-11-05: the lights, the indicators and the dashboard figures
the issue names."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from taizhang.accounts import access
from taizhang.ledger.models import Task
from taizhang.reporting import services
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.models import Figure
from taizhang.supervision.selectors import supervise
from tests.factories import World

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2021, 11, 5)


def rows(world: World) -> dict[int, Any]:
    return {r.task.number: r for r in supervise(world.ledger, Task.objects.all(), AS_OF)}


def test_tasks_8_and_9_are_red_with_reasons(world: World) -> None:
    found = rows(world)
    assert [n for n, r in found.items() if r.light.colour == "red"] == [8, 9]
    assert found[8].light.reason_texts == ["推进缓慢"]
    assert found[9].light.reason_texts == ["已超过完成时限（2021-10-31）5天，尚未完成"]


def test_the_four_completed_tasks_are_counted_as_completed(world: World) -> None:
    data = dashboard_data(world.ledger, Task.objects.all(), AS_OF)
    assert data["totals"]["completed"] == 4 and data["lights"]["completed"] == 4
    assert data["totals"] == {
        "tasks": 16,
        "completed": 4,
        "in_progress": 11,
        "lagging": 1,
        "not_started": 0,
        "none": 0,
    }
    assert [t["number"] for t in data["red"]] == [8, 9]


def test_task_3_investment_indicator(world: World) -> None:
    first = rows(world)[3].indicators[0]
    assert (first.name, first.target, first.actual, first.unit, first.percent) == (
        "年度完成投资",
        Decimal(9000),
        Decimal(7000),
        "万元",
        Decimal("77.8"),
    )


def test_task_4_heating_indicators(world: World) -> None:
    views = {v.name: v for v in rows(world)[4].indicators}
    heating = views["新增供热覆盖面积"]
    assert (heating.target, heating.actual, heating.unit) == (
        Decimal(285),
        Decimal(165),
        "万平方米",
    )
    quality = next(v for name, v in views.items() if "供热质量" in name)
    assert (quality.target, quality.actual, quality.unit) == (
        Decimal(215),
        Decimal(115),
        "万平方米",
    )


def test_the_offices_correction_overrides_the_text(world: World) -> None:
    from django.utils import timezone

    Figure.objects.create(
        task=world.task(3),
        name="年度完成投资",
        target=Decimal(9000),
        actual=Decimal(8100),
        unit="万元",
        updated_at=timezone.now(),
    )
    first = rows(world)[3].indicators[0]
    assert (first.actual, first.percent, first.source) == (Decimal(8100), Decimal("90.0"), "office")


def test_an_accepted_reports_figures_become_actuals(world: World) -> None:
    round_ = services.round_open(
        ledger=world.ledger, name="11月", due_date=AS_OF, actor=world.office
    )
    task = world.task(3)
    report = services.report_submit(
        task=task,
        unit=task.units.get(),
        actor=world.water,
        progress="投资加快。",
        status="in_progress",
        figures=[{"name": "完成投资", "value": 8500, "unit": "万元"}],
    )
    services.report_accept(report=report, actor=world.office)
    first = rows(world)[3].indicators[0]
    assert (first.actual, first.percent, first.source) == (Decimal(8500), Decimal("94.4"), "report")
    assert round_.is_open


def test_no_report_in_an_open_round_turns_tasks_yellow(world: World) -> None:
    services.round_open(ledger=world.ledger, name="11月", due_date=AS_OF, actor=world.office)
    found = rows(world)
    assert found[1].light.colour == "yellow" and "尚未报送进展" in found[1].light.reason_texts
    data = dashboard_data(world.ledger, Task.objects.all(), AS_OF)
    water = next(u for u in data["units"] if u["name"] == "水利局")
    assert water["not_reported"] == 2 and water["tasks"] == 2


def test_the_dashboard_is_scoped_to_what_the_user_sees(world: World) -> None:
    data = dashboard_data(world.ledger, access.visible_tasks(world.water), AS_OF)
    assert data["totals"]["tasks"] == 2 and [t["number"] for t in data["red"]] == [9]
    nobody = dashboard_data(world.ledger, access.visible_tasks(AnonymousUser()), AS_OF)
    assert nobody["totals"]["tasks"] == 0


def test_history_counts_each_closed_round(world: World) -> None:
    round_ = services.round_open(
        ledger=world.ledger, name="2021年10月", due_date=AS_OF, actor=world.office
    )
    services.round_close(round_=round_, actor=world.office)
    history = dashboard_data(world.ledger, Task.objects.all(), AS_OF)["history"]
    assert [(h["round"], h["completed"], h["lagging"]) for h in history] == [("2021年10月", 4, 1)]


def test_the_dashboard_costs_the_same_queries_for_any_size(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
    from taizhang.ledger.services import ledger_import

    big = LedgerDoc(title="2021年大台账", year=2021, categories=[CategoryDoc(1, "一类")])
    big.categories[0].tasks = [
        TaskDoc(
            number=n,
            goal=f"新建学校{n}所",
            leaders=["谭江"],
            units=[UnitRef("水利局")],
            progress="已建成1所",
            deadline_text="2021年6月底前" if n % 2 else "2021年11月底前",
            deadline=datetime.date(2021, 6, 30) if n % 2 else datetime.date(2021, 11, 30),
        )
        for n in range(1, 201)
    ]
    large = ledger_import(doc=big).ledger
    counts = []
    for ledger in (world.ledger, large):
        with CaptureQueriesContext(connection) as queries:
            dashboard_data(ledger, Task.objects.all(), AS_OF)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_task_page_shows_the_light_and_indicators_and_the_office_corrects_a_figure(
    world: World,
) -> None:
    import time_machine
    from django.test import Client
    from django.urls import reverse

    office = Client()
    office.force_login(world.office)
    url = reverse("web:task_detail", args=[world.task(3).pk])
    with time_machine.travel(datetime.datetime(2021, 11, 5, 10, tzinfo=datetime.UTC), tick=False):
        html = office.get(url).content.decode()
    assert "绿灯" in html and "年度完成投资" in html and "77.8%" in html and "文本识别" in html
    response = office.post(
        reverse("web:figure_set", args=[world.task(3).pk]),
        {"name": "年度完成投资", "target": "9000", "actual": "8200", "unit": "万元"},
    )
    assert response.status_code == 302
    html = office.get(url).content.decode()
    assert "91.1%" in html and "督查室修正" in html
    reporter = Client()
    reporter.force_login(world.water)
    assert (
        reporter.post(reverse("web:figure_set", args=[world.task(3).pk]), {"name": "x"}).status_code
        == 404
    )
    assert "修正或新增指标" not in reporter.get(url).content.decode()


def test_the_office_sets_the_thresholds_and_the_lights_follow(world: World) -> None:
    from django.test import Client
    from django.urls import reverse

    url = reverse("web:light_settings", args=[world.ledger.pk])
    # Task 3 reached 77.8% of its target with 84.6% of the year gone: green at a 10-point
    # margin, yellow at 5.
    assert rows(world)[3].light.colour == "green"
    office = Client()
    office.force_login(world.office)
    assert office.post(url, {"warn_days": "30", "pace_margin": "5"}).status_code == 302
    assert rows(world)[3].light.colour == "yellow"
    assert "落后序时进度" in rows(world)[3].light.reason_texts[0]
    page = office.get(reverse("web:dashboard", args=[world.ledger.pk]) + "?as_of=2021-11-05")
    assert 'name="pace_margin"' in page.content.decode()
    # A refused value: the dashboard again, the error by its field, the input kept.
    refused = office.post(url, {"warn_days": "-1", "pace_margin": "5"})
    assert refused.status_code == 200
    assert "数字过小：最小为0" in refused.content.decode()
    assert 'name="warn_days" value="-1"' in refused.content.decode()
    assert rows(world)[3].light.colour == "yellow"  # the bad value changed nothing
    reporter = Client()
    reporter.force_login(world.water)
    assert reporter.post(url, {"warn_days": "0", "pace_margin": "50"}).status_code == 404
    dashboard = reporter.get(reverse("web:dashboard", args=[world.ledger.pk]))
    assert 'name="pace_margin"' not in dashboard.content.decode()


def test_a_task_with_no_progress_and_no_status_is_yellow_on_every_page(world: World) -> None:
    from taizhang.supervision.state import states_refresh

    task = world.task(1)
    Task.objects.filter(pk=task.pk).update(progress="", status="")
    states_refresh(ledger=world.ledger)
    found = rows(world)
    assert found[1].light.colour == "yellow"
    assert found[1].light.reason_texts == ["尚未报送进展"]
    data = dashboard_data(world.ledger, Task.objects.all(), AS_OF)
    assert data["yellow_total"] >= 1
    assert task.pk in [item["id"] for item in data["yellow"]]
