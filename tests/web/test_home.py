"""The home page (待办) by role: each role sees exactly its items, never another unit's; the
counts agree with the dashboard and the review queue; the countdown's words around the due
date; a fixed number of queries whatever the ledger's size."""

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
from django.utils import timezone

from taizhang.accounts import access
from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.ledger.models import Ledger, Task, TaskUnit, Unit
from taizhang.ledger.services import ledger_import
from taizhang.notify.models import Delivery, Event, Notification
from taizhang.notify.services import reminders_send
from taizhang.reporting import services
from taizhang.reporting.models import Report, Round
from taizhang.reporting.selectors import missing_units
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.models import Bulletin
from taizhang.supervision.naming import bulletin_units
from taizhang.web import home
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

DUE = datetime.date(2021, 11, 25)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def on(day: datetime.date, hour: int = 10) -> Any:
    """Travel to a day (local time), the clock standing still."""
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False
    )


def home_page(client: Client, **query: Any) -> str:
    response = client.get(reverse("web:home"), query)
    assert response.status_code == 200
    return str(response.content.decode())


def block(html: str, block_id: str) -> str:
    """The card of that id."""
    match = re.search(rf'<div class="card[^"]*" id="{block_id}">(.*?)\n</div>', html, re.S)
    assert match is not None, block_id
    return match.group(1)


def open_round(world: World, ledger: Ledger | None = None) -> Round:
    return services.round_open(
        ledger=ledger or world.ledger, name="2021年11月", due_date=DUE, actor=world.office
    )


def report(world: World, number: int, unit: str, user: str) -> Report:
    return services.report_submit(
        task=world.task(number),
        unit=Unit.objects.get(name=unit),
        actor=getattr(world, user),
        progress=f"任务{number}的进展。",
        status="in_progress",
    )


def task_links(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/tasks/(\d+)/"', html)}


def reportable(world: World, unit: str) -> set[int]:
    """The tasks and sub-items of the seed a unit reports on (not split)."""
    served = Task.objects.filter(
        ledger=world.ledger, removed_at__isnull=True, unit_links__unit__name=unit
    )
    return {t.pk for t in served if not t.subitems.filter(removed_at__isnull=True).exists()}


# --- reporter -----------------------------------------------------------------------------


def test_a_reporter_sees_what_it_still_has_to_report_and_not_another_units(world: World) -> None:
    with on(datetime.date(2021, 11, 20)):
        open_round(world)
        report(world, 3, "水利局", "water")
        html = home_page(client_for(world, "water"))
    listed = task_links(block(html, "to-report"))
    assert listed == reportable(world, "水利局") - {world.task(3).pk}
    assert listed, "the seed's 水利局 has a task besides 3"
    assert not listed & reportable(world, "卫健委")
    assert f"全部{len(listed)}项" in block(html, "to-report")


def test_each_open_round_is_listed_with_its_own_countdown(world: World) -> None:
    other = grown_ledger(8)
    with on(datetime.date(2021, 11, 20)):
        open_round(world)
        later = services.round_open(
            ledger=other, name="2021年12月", due_date=datetime.date(2021, 12, 5), actor=world.office
        )
        html = block(home_page(client_for(world, "water")), "to-report")
    assert f'id="countdown-{later.pk}">距截止15天</strong>' in html
    assert "距截止5天" in html
    assert html.index("2021年11月") < html.index("2021年12月")  # soonest due first
    theirs = set(other.tasks.filter(unit_links__unit__name="水利局").values_list("pk", flat=True))
    assert theirs and theirs <= task_links(html)
    assert not task_links(html) & set(
        other.tasks.exclude(unit_links__unit__name="水利局").values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2021, 11, 22), "距截止3天"),
        (datetime.date(2021, 11, 24), "距截止1天"),
        (DUE, "今天截止"),
        (datetime.date(2021, 11, 26), "已逾期1天"),
        (datetime.date(2021, 12, 5), "已逾期10天"),
    ],
)
def test_the_countdown_is_worded_from_the_due_date(
    world: World, day: datetime.date, words: str
) -> None:
    with on(datetime.date(2021, 11, 1)):
        open_round(world)
    with on(day, hour=23):  # late in the local day: still that day
        html = home_page(client_for(world, "water"))
    round_ = Round.objects.get(ledger=world.ledger, closed_at__isnull=True)
    assert f'id="countdown-{round_.pk}">{words}</strong>' in html


def test_returned_reports_come_first_with_the_offices_comment(world: World) -> None:
    with on(datetime.date(2021, 11, 20)):
        open_round(world)
        sent = report(world, 3, "水利局", "water")
        services.report_return(report=sent, actor=world.office, comment="请补充投资完成数")
        html = home_page(client_for(world, "water"))
        other = home_page(client_for(world, "health"))
    returned = block(html, "returned-reports")
    assert "请补充投资完成数" in returned
    assert task_links(returned) == {world.task(3).pk}
    # Above everything, the unread notifications (the return's among them) after it, then
    # the tasks to report with the countdown.
    cards = re.findall(r'<div class="card[^"]*" id="([^"]+)">', html)
    assert cards[:3] == ["returned-reports", "unread", "to-report"]
    assert html.index('id="returned-reports"') < html.index('id="new-means"')
    assert "报送被退回" in block(html, "unread")
    assert world.task(3).pk in task_links(block(html, "to-report"))  # to write again
    assert 'id="returned-reports"' not in other


def test_new_comments_on_its_tasks_only_and_only_new_ones(world: World) -> None:
    ninth, fourth = world.task(9), world.task(4)  # 水利局's (led by 李拴根), not 水利局's
    with on(datetime.date(2021, 9, 1)):
        services.comment_add(task=ninth, actor=world.leader, text="旧批示")
    with on(datetime.date(2021, 11, 20)):
        services.comment_add(task=ninth, actor=world.leader, text="请加快进度")
        services.comment_add(task=fourth, actor=world.leader, text="别的单位的批示")
        html = home_page(client_for(world, "water"))
        health = home_page(client_for(world, "health"))
    comments = block(html, "comments")
    assert "请加快进度" in comments
    assert "旧批示" not in comments
    assert "别的单位的批示" not in comments
    assert "请加快进度" not in block(health, "comments")
    assert "最近30天" in html


def test_bulletins_naming_its_unit(world: World) -> None:
    with on(datetime.date(2021, 11, 20)):
        for title, body in (
            ("点名水利局的通报", "水利局工作滞后。"),
            ("另一份通报", "卫健委进展较好。"),
        ):
            Bulletin.objects.create(
                ledger=world.ledger,
                as_of=datetime.date(2021, 11, 20),
                title=title,
                body=body,
                created_at=timezone.now(),
                issued_at=timezone.now(),
            )
        Bulletin.objects.create(
            ledger=world.ledger,
            as_of=datetime.date(2021, 11, 20),
            title="未印发",
            body="水利局草稿",
            created_at=timezone.now(),
        )
        water = block(home_page(client_for(world, "water")), "bulletins")
        health = block(home_page(client_for(world, "health")), "bulletins")
    assert "点名水利局的通报" in water
    assert "另一份通报" not in water
    assert "未印发" not in water
    assert "另一份通报" in health
    assert "点名水利局的通报" not in health


def test_a_bulletin_naming_a_longer_unit_name_is_not_the_reporters(world: World) -> None:
    """水利局's reporter is not named by a bulletin naming only 市水利局 (another unit of the
    ledger): the home lists what the bulletin's notification would reach, no more."""
    city = Unit.objects.create(name="市水利局")
    TaskUnit.objects.create(task=world.task(1), unit=city, role="co", order=9)
    city_reporter = account_create(
        username="sslj", password="x" * 12, role=Role.REPORTER, units=[city]
    )
    with on(datetime.date(2021, 11, 20)):
        for title, body in (
            ("点名市水利局", "市水利局工作滞后。"),
            ("点名两局", "市水利局、水利局滞后。"),
        ):
            Bulletin.objects.create(
                ledger=world.ledger, as_of=datetime.date(2021, 11, 20), title=title, body=body,
                created_at=timezone.now(), issued_at=timezone.now(),
            )  # fmt: skip
        water = block(home_page(client_for(world, "water")), "bulletins")
        client = Client()
        client.force_login(city_reporter)
        city_home = block(home_page(client), "bulletins")
    assert "点名两局" in water and "点名市水利局" not in water
    assert "点名两局" in city_home and "点名市水利局" in city_home
    for bulletin in Bulletin.objects.all():
        named = {unit.name for unit in bulletin_units(bulletin)}
        assert ("水利局" in named) == (bulletin.title in water)


# --- office -------------------------------------------------------------------------------


def test_the_office_sees_waiting_reports_missing_units_and_red_tasks(world: World) -> None:
    with on(datetime.date(2021, 11, 20)):
        round_ = open_round(world)
        report(world, 3, "水利局", "water")
        report(world, 1, "卫健委", "health")
        html = home_page(client_for(world, "office"))
        data = dashboard_data(
            world.ledger,
            access.visible_tasks(world.office),
            datetime.date(2021, 11, 20),
            whole=True,
        )
    waiting = block(html, "waiting")
    assert "全部2项" in waiting
    assert f"{round_.name}：<strong>2</strong>" in waiting
    missing = block(html, "missing")
    assert f"<strong>{len(missing_units(round_))}</strong>" in missing
    assert reverse("web:rounds", args=[world.ledger.pk]) in missing
    red = block(html, "red-tasks")
    assert f"全部{data['red_total']}项" in red
    assert "?light=red" in red
    shown = task_links(red)
    assert shown == {task["id"] for task in data["red"][: home.todo.RED_SHOWN]}
    assert data["red_total"] > 0


def test_the_office_sees_how_many_notifications_failed_with_a_link(world: World) -> None:
    assert "没有发送失败的通知" in block(
        home_page(client_for(world, "office")), "failed-deliveries"
    )
    now = timezone.now()
    for state in (Delivery.State.FAILED, Delivery.State.RETRYING, Delivery.State.SENT):
        Delivery.objects.create(
            channel="email", target="a@b.cn", subject="催办", body="请报送", state=state,
            created_at=now,
        )  # fmt: skip
    shown = block(home_page(client_for(world, "office")), "failed-deliveries")
    assert "2 条通知发送失败" in shown and reverse("web:failed_deliveries") in shown
    assert 'id="failed-deliveries"' not in home_page(client_for(world, "water"))


def test_a_reminder_reaches_the_reporters_home_unread_until_opened(world: World) -> None:
    round_ = services.round_open(
        ledger=world.ledger, name="2021年11月", due_date=datetime.date(2021, 11, 10),
        actor=world.office,
    )  # fmt: skip
    water = Unit.objects.get(name="水利局")
    reminders_send(round_=round_, units=[water], message="请于今日报送", actor=world.office)
    client = client_for(world, "water")
    unread = block(home_page(client), "unread")
    assert "请于今日报送" in unread
    note = Notification.objects.get(user=world.water, event=Event.REMINDER)
    assert reverse("web:notification_open", args=[note.pk]) in unread
    assert "请于今日报送" not in home_page(client_for(world, "health"))  # 卫健委 not reminded
    client.get(reverse("web:notification_open", args=[note.pk]))
    assert "请于今日报送" not in home_page(client)


# --- leader and viewer --------------------------------------------------------------------


def test_a_leader_sees_the_red_and_yellow_tasks_it_leads_and_new_reports(world: World) -> None:
    day = datetime.date(2021, 11, 20)
    with on(day):
        open_round(world)
        report(world, 9, "水利局", "water")  # led by 李拴根
        report(world, 1, "卫健委", "health")  # not
        html = home_page(client_for(world, "leader"))
        data = dashboard_data(world.ledger, access.visible_tasks(world.leader), day)
    lit = block(html, "lit-tasks")
    assert f"红灯{data['red_total']}项" in lit
    assert f"黄灯{data['yellow_total']}项" in lit
    expected = [t["id"] for t in data["red"] + data["yellow"]][:10]
    assert task_links(lit) == set(expected)
    marks = re.findall(r'<li class="badge-(\w+)">', lit)
    assert marks == sorted(marks) and marks[0] == "red", marks  # red first
    led = set(access.visible_tasks(world.leader).values_list("pk", flat=True))
    assert task_links(lit) <= led
    recent = block(html, "recent-reports")
    assert task_links(recent) == {world.task(9).pk}


def test_a_viewer_sees_the_dashboards_lights(world: World) -> None:
    day = datetime.date(2021, 11, 20)
    with on(day):
        html = home_page(client_for(world, "viewer"))
        data = dashboard_data(world.ledger, access.visible_tasks(world.viewer), day, whole=True)
    lights = block(html, "viewer-lights")
    for colour, n in data["lights"].items():
        assert re.search(rf'class="light-{colour}">.*?<strong>{n}</strong>', lights), colour
    assert reverse("web:dashboard", args=[world.ledger.pk]) in lights
    assert 'id="to-report"' not in html and 'id="waiting"' not in html


# --- queries ------------------------------------------------------------------------------


def grown_ledger(tasks: int) -> Ledger:
    """A 2021 ledger like the seed, of `tasks` tasks: 水利局 and 卫健委 serve them, 李拴根
    leads every third, with deadlines before and after the day the tests travel to."""
    doc = LedgerDoc(title=f"2021年{tasks}项台账", year=2021)
    doc.categories = [CategoryDoc(number=c, name=f"分类{c}") for c in range(1, 5)]
    statuses = ["in_progress", "completed", "lagging", "not_started"]
    for n in range(1, tasks + 1):
        doc.categories[n % 4].tasks.append(
            TaskDoc(
                number=n,
                goal=f"任务{n}",
                leaders=["李拴根" if n % 3 == 0 else "谭江"],
                units=[UnitRef("水利局" if n % 2 else "卫健委")],
                deadline_text="2021年10月底前" if n % 3 else "2021年12月底前",
                deadline=datetime.date(2021, 10, 31) if n % 3 else datetime.date(2021, 12, 31),
                status=statuses[n % 4],
            )
        )
    return ledger_import(doc=doc).ledger


def test_the_home_costs_the_same_queries_for_a_ledger_ten_times_larger(world: World) -> None:
    large = grown_ledger(10 * Task.objects.filter(ledger=world.ledger, parent__isnull=True).count())
    counts: dict[str, list[int]] = {}
    with on(datetime.date(2021, 11, 20)):
        for ledger in (world.ledger, large):
            open_round(world, ledger)
        for role in ("water", "office", "leader", "viewer"):
            client = client_for(world, role)
            for ledger in (world.ledger, large):
                with CaptureQueriesContext(connection) as queries:
                    html = home_page(client, ledger=ledger.pk)
                assert f"· {ledger.title}</h1>" in html
                counts.setdefault(role, []).append(len(queries))
    assert all(small == big for small, big in counts.values()), counts


def test_the_home_costs_the_same_queries_however_many_rounds_are_open(world: World) -> None:
    others = [grown_ledger(n) for n in (8, 9, 10)]

    def measure() -> dict[str, tuple[int, str]]:
        found = {}
        for role in ("water", "office"):
            client = client_for(world, role)
            with CaptureQueriesContext(connection) as queries:
                html = home_page(client, ledger=world.ledger.pk)
            found[role] = (len(queries), html)
        return found

    with on(datetime.date(2021, 11, 20)):
        open_round(world)
        one = measure()
        rounds = [
            services.round_open(
                ledger=ledger,
                name=f"2021年12月{n}",
                due_date=datetime.date(2021, 12, n),
                actor=world.office,
            )
            for n, ledger in enumerate(others, start=1)
        ]
        report(world, 3, "水利局", "water")
        four = measure()
    assert {role: n for role, (n, _html) in one.items()} == {
        role: n for role, (n, _html) in four.items()
    }
    # Each round still shows its own figures.
    missing = block(four["office"][1], "missing")
    to_report = block(four["water"][1], "to-report")
    for round_ in [Round.objects.get(ledger=world.ledger), *rounds]:
        shown = f"{round_.name}（"
        assert shown in missing
        line = missing[missing.index(shown) :].split("</li>")[0]
        assert f"<strong>{len(missing_units(round_))}</strong>" in line
        theirs = (
            reportable(world, "水利局")
            if round_.ledger == world.ledger
            else set(
                round_.ledger.tasks.filter(unit_links__unit__name="水利局").values_list(
                    "pk", flat=True
                )
            )
        )
        if round_.ledger == world.ledger:
            theirs -= {world.task(3).pk}
        assert f"全部{len(theirs)}项" in to_report


# --- backups ------------------------------------------------------------------------------


def test_the_office_sees_the_last_backup_and_a_warning_once_it_is_two_days_old(
    world: World, settings: Any, tmp_path: Any
) -> None:
    from taizhang.jobs.backups.record import BackupRecord, record_write

    settings.TAIZHANG_BACKUP_DIR = tmp_path
    client = client_for(world, "office")
    none_yet = block(home_page(client), "backup-status")
    assert "还没有成功的备份" in none_yet
    taken = datetime.datetime(2026, 3, 1, 2, 30, tzinfo=datetime.UTC)
    record_write(BackupRecord(at=taken, path="/srv/b.tar", size=2048))
    with time_machine.travel(taken + datetime.timedelta(days=1), tick=False):
        fresh = block(home_page(client), "backup-status")
    assert "最近一次成功备份：2026-03-01 10:30" in fresh
    assert "没有成功备份" not in fresh
    with time_machine.travel(taken + datetime.timedelta(days=2, minutes=1), tick=False):
        stale = block(home_page(client), "backup-status")
    assert "已超过2天没有成功备份" in stale
    # Only the office is told.
    assert 'id="backup-status"' not in home_page(client_for(world, "water"))


def test_the_gate_decides_who_sees_the_backup_and_the_failed_deliveries(
    world: World, settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TAIZHANG_BACKUP_DIR = tmp_path
    viewer = client_for(world, "viewer")
    page = home_page(viewer)
    assert 'id="backup-status"' not in page and 'id="failed-deliveries"' not in page
    monkeypatch.setattr(access, "can_see_backups", lambda user: True)
    page = home_page(viewer)
    assert 'id="backup-status"' in page and 'id="failed-deliveries"' not in page
    monkeypatch.setattr(access, "can_see_failed_deliveries", lambda user: True)
    assert "没有发送失败的通知" in block(home_page(viewer), "failed-deliveries")
