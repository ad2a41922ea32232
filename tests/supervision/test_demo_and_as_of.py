"""`taizhang demo` loads only into an empty database, so a restart (`make run`) reverts
nothing; a past ledger's dashboard opens at its 截至 date, not today."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import Ledger, Task
from taizhang.notify.management.commands.demo import DEMO_PASSWORD, UNIT_LOGINS
from taizhang.notify.models import Event, Notification, Reminder
from taizhang.reporting import services as reporting
from taizhang.reporting.models import Round
from taizhang.supervision.selectors import default_as_of
from tests.factories import World
from tests.ledger.test_commands import call

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.UTC)
ACCEPTED = "演示之后采纳的进展"


def test_a_second_demo_run_keeps_accepted_progress_and_changed_passwords() -> None:
    assert call("demo")[0] == 0
    ledger = Ledger.objects.get()
    office, water = User.objects.get(username="office"), User.objects.get(username="slj")
    task = Task.objects.filter(ledger=ledger, unit_links__unit__name="水利局").first()
    assert task is not None
    report = reporting.report_submit(
        task=task, unit=task.units.get(), actor=water, progress=ACCEPTED, status="in_progress"
    )
    reporting.report_accept(report=report, actor=office)
    office.set_password("the-office-changed-it")
    office.save()

    code, out, _err = call("demo")
    assert code == 0 and "已有台账" in out
    assert ACCEPTED in Task.objects.get(pk=task.pk).progress
    assert Ledger.objects.count() == 1
    office.refresh_from_db()
    assert office.check_password("the-office-changed-it")
    assert not office.check_password(DEMO_PASSWORD)


@time_machine.travel(NOW)
def test_the_demo_opens_a_round_and_each_reporter_finds_a_reminder_in_the_bell() -> None:
    code, out, _err = call("demo")
    assert code == 0 and "催办提醒" in out
    round_ = Round.objects.get(closed_at__isnull=True)
    days = max(settings.TAIZHANG_REMIND_DAYS_BEFORE, default=0)
    assert round_.due_date == NOW.date() + datetime.timedelta(days=days)
    client = Client()
    water = User.objects.get(username="slj")
    assert water.check_password(DEMO_PASSWORD)
    client.force_login(water)
    bell = client.get(reverse("web:notifications")).content.decode()
    assert f"{round_.name}报送：距截止{days}天" in bell
    reminded = set(Reminder.objects.filter(round=round_).values_list("unit__name", flat=True))
    assert {"水利局", "卫健委"} <= reminded and len(reminded) == len(UNIT_LOGINS)
    assert Notification.objects.filter(user__username="slj", event=Event.ROUND_DUE).count() == 1


def test_the_demo_does_not_load_into_a_database_in_use(world: World) -> None:
    users = User.objects.count()
    code, out, _err = call("demo")
    assert code == 0 and "已有台账" in out
    assert Ledger.objects.count() == 1 and User.objects.count() == users


def ledger(year: int, as_of: datetime.date | None = None) -> Ledger:
    return Ledger(title="台账", year=year, as_of=as_of)


@time_machine.travel(NOW)
def test_the_default_date_is_today_for_this_years_ledger() -> None:
    assert default_as_of(ledger(2026)) == datetime.date(2026, 3, 1)
    assert default_as_of(ledger(2026, datetime.date(2026, 1, 31))) == datetime.date(2026, 3, 1)


@time_machine.travel(NOW)
def test_a_past_ledger_opens_at_its_as_of_date_else_its_years_end() -> None:
    assert default_as_of(ledger(2021, datetime.date(2021, 11, 5))) == datetime.date(2021, 11, 5)
    assert default_as_of(ledger(2021)) == datetime.date(2021, 12, 31)


def dashboard(world: World, **params: str) -> tuple[str, list[str]]:
    client = Client()
    client.force_login(world.office)
    response = client.get(reverse("web:dashboard", args=[world.ledger.pk]), params, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    return response.content.decode(), messages


@time_machine.travel(NOW)
def test_a_past_ledgers_dashboard_opens_at_its_date_with_a_switch(world: World) -> None:
    Ledger.objects.filter(pk=world.ledger.pk).update(as_of=datetime.date(2021, 11, 5))
    html, messages = dashboard(world)
    assert 'value="2021-11-05"' in html and "数据截至 2021年11月5日" in html
    assert "这是往年的台账，默认显示截至 2021年11月5日 的情况" in html
    assert "1794天" not in html and not messages
    # Tasks 8 and 9 red as of then, not every open task.
    assert "已超过完成时限（2021-10-31）5天" in html
    chosen, _messages = dashboard(world, as_of="2021-12-31")
    assert 'value="2021-12-31"' in chosen and "往年的台账" not in chosen


@time_machine.travel(NOW)
def test_an_invalid_date_gives_a_message_and_today(world: World) -> None:
    html, messages = dashboard(world, as_of="2021-13-45")
    assert 'value="2026-03-01"' in html
    assert messages == ["截至日期“2021-13-45”不是有效日期（格式为 2021-11-05），已按今天显示"]
