"""Each event notifies exactly the people concerned, in one batch handed to the outside
channels: a round opened, a report returned or accepted, a 批示, a bulletin issued, a task
turning red (once per red episode, found by a service's write or by the daily check)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from taizhang.ledger.models import Status
from taizhang.ledger.services import task_update
from taizhang.notify.models import Event, Notification
from taizhang.notify.schedule import red_tasks_check
from taizhang.reporting.services import comment_add, report_accept, report_return
from taizhang.supervision.naming import bulletin_units
from taizhang.supervision.services import bulletin_create, bulletin_issue
from tests.factories import World
from tests.notify.conftest import Deliveries, notified, open_round, outsider, report

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
EVERYONE = ("office", "slj", "wjw", "lishuangen", "viewer", "tjj")


def at(day: str, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ
    )


def test_a_round_opened_reaches_the_reporters_of_units_that_must_report_only(
    world: World, deliveries: Deliveries
) -> None:
    outsider()
    round_ = open_round(world, datetime.date(2021, 11, 10))
    assert notified(Event.ROUND_OPENED) == {"slj": 1, "wjw": 1}
    note = Notification.objects.get(user=world.water)
    assert round_.name in note.title
    assert note.link == reverse("web:my_tasks", args=[world.ledger.pk])
    assert "2021年11月10日" in note.body
    # One batch for the event, not one per recipient.
    assert len(deliveries.calls) == 1
    assert {n.user_id for n in deliveries.calls[0][0]} == {world.water.pk, world.health.pk}


def test_a_returned_report_reaches_its_reporter_only(world: World, deliveries: Deliveries) -> None:
    open_round(world, datetime.date(2021, 11, 10))
    Notification.objects.all().delete()
    sent = report(world, world.water, 9, "水利局")
    report_return(report=sent, actor=world.office, comment="数据不全")
    assert notified() == {"slj": 1}
    note = Notification.objects.get()
    assert note.event == Event.REPORT_RETURNED
    assert "数据不全" in note.body
    assert note.link == reverse("web:task_detail", args=[sent.task_id])


def test_an_accepted_report_reaches_its_reporter_only(world: World, deliveries: Deliveries) -> None:
    open_round(world, datetime.date(2021, 11, 10))
    Notification.objects.all().delete()
    report_accept(report=report(world, world.health, 1, "卫健委"), actor=world.office)
    assert notified(Event.REPORT_ACCEPTED) == {"wjw": 1}


def test_a_comment_reaches_the_reporters_of_the_tasks_units(
    world: World, deliveries: Deliveries
) -> None:
    outsider()
    comment_add(task=world.task(9), actor=world.leader, text="加快进度")  # 住建局、水利局、教体局
    assert notified() == {"slj": 1}
    note = Notification.objects.get()
    assert note.event == Event.COMMENTED
    assert "加快进度" in note.body
    comment_add(task=world.task(1), actor=world.leader, text="抓紧")  # 卫健委
    assert notified() == {"slj": 1, "wjw": 1}


def test_a_bulletin_reaches_the_reporters_of_the_units_it_names(
    world: World, deliveries: Deliveries
) -> None:
    outsider()
    bulletin = bulletin_create(ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=None)
    body = "各责任单位：\n水利局、住建局报送滞后，统计局另行通知。\n市政府督查室\n2021年11月5日"
    bulletin_issue(bulletin=bulletin, actor=world.office, body=body)
    # 统计局 serves no task of the ledger: its name in the text does not make it addressed.
    assert notified(Event.BULLETIN_ISSUED) == {"slj": 1}
    assert Notification.objects.get().link == reverse("web:bulletin_detail", args=[bulletin.pk])


def test_bulletin_units_are_the_ledgers_units_named_in_its_text(world: World) -> None:
    bulletin = bulletin_create(ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=None)
    names = {unit.name for unit in bulletin_units(bulletin)}
    for name in names:
        assert name in bulletin.body
    bulletin.body = "卫健委"
    assert [unit.name for unit in bulletin_units(bulletin)] == ["卫健委"]


def test_a_task_turning_red_by_an_edit_reaches_its_leaders_and_units_once(
    world: World, deliveries: Deliveries
) -> None:
    outsider()
    with time_machine.travel(at("2021-10-15"), tick=False):
        task = world.task(9)  # 李拴根 among its leaders; 水利局 among its units; due 10-31
        task = task_update(
            task=task, version=task.version, actor=world.office, values={"status": Status.LAGGING}
        )
        assert notified(Event.TASK_RED) == {"slj": 1, "lishuangen": 1}
        note = Notification.objects.filter(event=Event.TASK_RED).first()
        assert note is not None and note.link == reverse("web:task_detail", args=[task.pk])
        # Written again, still red: the same episode, told once.
        task_update(
            task=task, version=task.version, actor=world.office, values={"progress": "仍滞后"}
        )
        assert notified(Event.TASK_RED) == {"slj": 1, "lishuangen": 1}


def test_an_edit_that_leaves_a_task_green_tells_no_one(
    world: World, deliveries: Deliveries
) -> None:
    with time_machine.travel(at("2021-10-15"), tick=False):
        task = world.task(9)
        task_update(
            task=task, version=task.version, actor=world.office, values={"progress": "顺利"}
        )
    assert notified(Event.TASK_RED) == {}
    assert deliveries.calls == []


def test_the_daily_check_finds_a_task_red_as_its_deadline_passes_once(
    world: World, deliveries: Deliveries
) -> None:
    outsider()
    # Task 9 is due 2021-10-31: red from 11-01. Tasks 1, 2, 16 (卫健委) are due 12-31.
    assert red_tasks_check(datetime.date(2021, 10, 31)) == []
    written = red_tasks_check(datetime.date(2021, 11, 1))
    assert {n.user.username for n in written} >= {"slj", "lishuangen"}
    assert notified(Event.TASK_RED)["slj"] >= 1
    assert "wjw" not in notified(Event.TASK_RED)
    assert "viewer" not in notified(Event.TASK_RED)
    assert "tjj" not in notified(Event.TASK_RED)
    task9 = Notification.objects.filter(dedup_key=f"red:{world.task(9).pk}:2021-11-01")
    assert set(task9.values_list("user__username", flat=True)) == {"slj", "lishuangen"}
    before = Notification.objects.count()
    # The same day again, and the next days: the same episodes, nothing new.
    assert red_tasks_check(datetime.date(2021, 11, 1)) == []
    assert red_tasks_check(datetime.date(2021, 11, 2)) == []
    assert Notification.objects.count() == before
    assert len(deliveries.calls) == 1


@pytest.mark.parametrize("username", ["slj", "lishuangen"])
def test_an_inactive_account_is_not_notified(
    world: World, deliveries: Deliveries, username: str
) -> None:
    user = world.water if username == "slj" else world.leader
    user.is_active = False
    user.save()
    red_tasks_check(datetime.date(2021, 11, 1))
    assert username not in notified()


def test_a_task_red_again_after_a_green_spell_is_a_new_episode(
    world: World, deliveries: Deliveries
) -> None:
    def set_status(status: str) -> None:
        task = world.task(9)
        task_update(task=task, version=task.version, actor=world.office, values={"status": status})

    with time_machine.travel(at("2021-10-10"), tick=False):
        set_status(Status.LAGGING)
        set_status(Status.IN_PROGRESS)
    with time_machine.travel(at("2021-10-12"), tick=False):
        set_status(Status.LAGGING)
    assert notified(Event.TASK_RED) == {"slj": 2, "lishuangen": 2}


def test_a_ledger_imported_with_red_tasks_tells_no_one(
    world: World, deliveries: Deliveries
) -> None:
    from taizhang.documents.read_text import read_text
    from taizhang.ledger.services import ledger_import
    from tests.conftest import SEED

    doc = read_text(SEED.read_bytes(), name=SEED.name)
    doc.title = "另一本台账"
    with time_machine.travel(at("2022-03-01"), tick=False):  # every 2021 task is red by now
        ledger_import(doc=doc)
    assert notified(Event.TASK_RED) == {}


def test_a_key_stored_meanwhile_by_another_process_is_left_out(
    world: World, deliveries: Deliveries, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import timezone

    from taizhang.notify.services import notifications_insert

    now = timezone.now()

    def note(user: object, key: str) -> Notification:
        return Notification(
            user=user, event=Event.TASK_RED, title="红灯", created_at=now, dedup_key=key
        )

    real = Notification.objects.filter
    raced: list[bool] = []

    def blind_filter(*args: object, **kwargs: object) -> object:
        # The first read of stored keys misses the row another process wrote since.
        if "dedup_key__in" in kwargs and not raced:
            raced.append(True)
            return real(pk__in=[])
        return real(*args, **kwargs)

    Notification.objects.create(
        user=world.water, event=Event.TASK_RED, title="红灯", created_at=now, dedup_key="red:1"
    )
    monkeypatch.setattr(Notification.objects, "filter", blind_filter)
    stored = notifications_insert([note(world.water, "red:1"), note(world.leader, "red:1")])
    assert [n.user_id for n in stored] == [world.leader.pk]
    assert raced == [True]
