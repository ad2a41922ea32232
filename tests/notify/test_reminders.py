"""The office's 催办: every unit that has not reported, or one with a message; refused for a
closed round or a unit with nothing left to report, with nothing written; the round page's
list of units with their contacts and the 催办 so far; the 催办单 (.docx) of a unit; the
queries of a 催办 of every unit, the same for few units or many."""

from __future__ import annotations

import datetime
import io
import re
import zoneinfo
from collections import Counter
from typing import Any

import docx
import pytest
import time_machine
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from taizhang.accounts.models import Profile, Role
from taizhang.ledger.models import AuditEvent, Task, TaskUnit, Unit
from taizhang.notify.models import Delivery, Event, Notification, Reminder
from taizhang.notify.services import ReminderError, reminders_send
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import missing_units
from taizhang.reporting.services import round_close
from tests.factories import World, client_for
from tests.notify.conftest import (
    Deliveries,
    notified,
    open_round,
    outsider,
    report,
    report_all_of_health,
    units_with,
)

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2021, 11, 10)


@pytest.fixture
def round_(world: World) -> Round:
    found = open_round(world, DUE)
    Notification.objects.all().delete()
    return found


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def test_reminding_all_reminds_every_unit_that_has_not_reported(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    outsider()
    report_all_of_health(world)
    waiting = missing_units(round_)
    assert "水利局" in {u.name for u in waiting} and "卫健委" not in {u.name for u in waiting}
    sent = reminders_send(round_=round_, actor=world.office)
    assert sorted(r.unit.name for r in sent) == sorted(u.name for u in waiting)
    assert all(r.kind == Reminder.Kind.MANUAL and r.actor == world.office for r in sent)
    assert notified(Event.REMINDER) == {"slj": 1}
    assert len(deliveries.calls) == 1
    notes, reminders = deliveries.calls[0]
    assert [n.user_id for n in notes] == [world.water.pk]
    assert {r.pk for r in reminders} == {r.pk for r in sent}
    audit = AuditEvent.objects.filter(action="round.remind").get()
    assert audit.actor == world.office and audit.data["round"] == round_.pk


def test_reminding_one_unit_with_a_message(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    sent = reminders_send(
        round_=round_, units=[unit("水利局")], message="请今天下班前报送", actor=world.office
    )
    assert [(r.unit.name, r.message) for r in sent] == [("水利局", "请今天下班前报送")]
    assert notified() == {"slj": 1}
    assert "请今天下班前报送" in Notification.objects.get().body
    assert Notification.objects.get().link == reverse("web:my_tasks", args=[world.ledger.pk])


def assert_refused(refusal: str, **kwargs: Any) -> None:
    before = (Reminder.objects.count(), Notification.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ReminderError, match=refusal):
        reminders_send(**kwargs)
    after = (Reminder.objects.count(), Notification.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_a_closed_round_is_refused(world: World, round_: Round, deliveries: Deliveries) -> None:
    round_close(round_=round_, actor=world.office)
    assert_refused("已关闭", round_=round_, actor=world.office)
    assert deliveries.calls == []


def test_a_unit_with_nothing_left_to_report_is_refused(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    report_all_of_health(world)
    units = [unit("水利局"), unit("卫健委")]
    assert_refused("卫健委 本轮没有待报送的任务", round_=round_, units=units, actor=world.office)
    # A unit that reported one of its tasks still has the others to report.
    report(world, world.water, 3, "水利局")
    assert reminders_send(round_=round_, units=[unit("水利局")], actor=world.office)


def test_an_empty_choice_and_a_long_message_are_refused(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    assert_refused("请选择", round_=round_, units=[], actor=world.office)
    assert_refused("过长", round_=round_, message="催" * 501, actor=world.office)


def test_reminding_all_when_all_reported_is_refused(
    world: World, round_: Round, deliveries: Deliveries, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("taizhang.notify.services.missing_units", lambda round_: [])
    assert_refused("均已报送", round_=round_, actor=world.office)


def test_a_unit_is_not_reminded_twice_within_minutes(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    water = unit("水利局")
    first = datetime.datetime(2021, 11, 8, 10, tzinfo=TZ)
    with time_machine.travel(first, tick=False):
        reminders_send(round_=round_, units=[water], message="请抓紧", actor=world.office)
    # A double click, a form sent again: refused, nothing written, nothing sent.
    calls = len(deliveries.calls)
    with time_machine.travel(first + datetime.timedelta(minutes=3), tick=False):
        assert_refused(
            "水利局 10分钟内已催办过，请勿重复催办（如需补充要求，请填写新的催办内容）",
            round_=round_, units=[water], actor=world.office,
        )  # fmt: skip
    assert len(deliveries.calls) == calls
    with time_machine.travel(first + datetime.timedelta(minutes=11), tick=False):
        assert reminders_send(round_=round_, units=[water], actor=world.office)
    assert Reminder.objects.filter(unit=water).count() == 2


def test_reminding_all_twice_reminds_each_unit_once(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    waiting = missing_units(round_)
    first = datetime.datetime(2021, 11, 8, 10, tzinfo=TZ)
    with time_machine.travel(first, tick=False):
        reminders_send(round_=round_, units=[unit("水利局")], actor=world.office)
    with time_machine.travel(first + datetime.timedelta(minutes=1), tick=False):
        sent = reminders_send(round_=round_, actor=world.office)  # the others only
        assert_refused("请勿重复催办", round_=round_, actor=world.office)  # the double click
    assert sorted(r.unit.name for r in sent) == sorted(
        u.name for u in waiting if u.name != "水利局"
    )
    assert Reminder.objects.filter(round=round_).count() == len(waiting)
    assert notified(Event.REMINDER) == {"slj": 1, "wjw": 1}  # each reporter once


def test_the_page_says_why_a_second_click_reminds_no_one(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    office = client_for(world, "office")
    url = reverse("web:round_remind", args=[round_.pk])
    assert office.post(url, {}).status_code == 302
    response = office.post(url, {}, follow=True)
    assert "已催办过各未报送单位，请勿重复催办" in response.content.decode()
    assert Reminder.objects.filter(unit=unit("水利局")).count() == 1


# --- the round page -------------------------------------------------------------------------


def test_the_office_reminds_from_the_round_page(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    office = client_for(world, "office")
    url = reverse("web:round_remind", args=[round_.pk])
    water = unit("水利局")
    with time_machine.travel(datetime.datetime(2021, 11, 8, 10, tzinfo=TZ), tick=False):
        assert office.post(url, {"unit": water.pk, "message": "请抓紧"}).status_code == 302
    with time_machine.travel(datetime.datetime(2021, 11, 10, 10, tzinfo=TZ), tick=False):
        office.post(url, {})
    assert Reminder.objects.filter(unit=water).count() == 2
    page = office.get(reverse("web:rounds", args=[world.ledger.pk])).content.decode()
    assert "已催办2次（11月8日、11月10日）" in page
    water.contact_name, water.phone = "王科长", "0391-6612345"
    water.save()
    page = office.get(reverse("web:rounds", args=[world.ledger.pk])).content.decode()
    assert "王科长" in page and "0391-6612345" in page
    assert reverse("web:reminder_sheet", args=[round_.pk, water.pk]) in page


def test_a_refused_reminder_says_why_on_the_page(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    report_all_of_health(world)
    office = client_for(world, "office")
    url = reverse("web:round_remind", args=[round_.pk])
    response = office.post(url, {"unit": unit("卫健委").pk}, follow=True)
    assert "本轮没有待报送的任务" in response.content.decode()
    assert not Reminder.objects.exists()


@pytest.mark.parametrize("role", ["water", "leader", "viewer"])
def test_only_the_office_reminds_and_prints(
    world: World, round_: Round, deliveries: Deliveries, role: str
) -> None:
    client = client_for(world, role)
    remind = reverse("web:round_remind", args=[round_.pk])
    assert client.post(remind, {}).status_code == 404
    sheet = reverse("web:reminder_sheet", args=[round_.pk, unit("水利局").pk])
    assert client.get(sheet).status_code == 404
    assert not Reminder.objects.exists()


def test_the_reminder_sheet_names_the_unit_and_its_tasks_not_reported(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    water = unit("水利局")
    report(world, world.water, 3, "水利局")
    reminders_send(round_=round_, units=[water], message="请于11月9日前报送", actor=world.office)
    office = client_for(world, "office")
    response = office.get(reverse("web:reminder_sheet", args=[round_.pk, water.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert text.startswith("催办单")
    assert "水利局：" in text and round_.name in text and "2021年11月10日" in text
    assert f"任务9：{world.task(9).goal}" in text
    assert "任务3：" not in text  # reported
    assert "请于11月9日前报送" in text and "市政府督查室" in text


def round_page_queries(world: World, round_: Round, times: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = Reminder.objects.values("sent_on").distinct().count()
    for day in range(start, start + times):  # on different days: within minutes is refused
        moment = datetime.datetime(2021, 11, 1 + day, 10, tzinfo=TZ)
        with time_machine.travel(moment, tick=False):
            reminders_send(round_=round_, actor=world.office)
    office = client_for(world, "office")
    url = reverse("web:rounds", args=[world.ledger.pk])
    office.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = office.get(url).content.decode()
    done = Reminder.objects.filter(round=round_, unit__name="水利局").count()
    assert f"已催办{done}次" in page
    return len(queries.captured_queries)


def test_the_round_page_costs_the_same_however_often_units_were_reminded(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    assert round_page_queries(world, round_, 1) == round_page_queries(world, round_, 4)


def batches(model: type[Model], rows: int, most: int | None = None) -> int:
    """The INSERT statements Django's bulk_create writes `rows` rows of `model` in: on SQLite
    it keeps to 999 parameters a statement; `most` is the caller's batch_size."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [model()] * rows) or rows
    return -(-rows // min(size, most or size))


def remind_all_queries(world: World, round_: Round, count: int, at: datetime.datetime) -> Counter:
    """Add `count` units that have a task to report on, an e-mail address, a group robot and
    a reporter with an e-mail address; remind every unit at `at`. The queries of the 催办:
    INSERTs by table, and all the others."""
    category = world.task(1).category
    start = Unit.objects.count()
    units = units_with(
        count,
        f"查询单位{start}-",
        email="u{i}@example.gov.cn",
        webhook_kind="wecom",
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={i}",
    )
    tasks = Task.objects.bulk_create(
        Task(
            ledger=world.ledger,
            category=category,
            number=900 + start + i,
            key=f"q{start}-{i}",
            order=900 + start + i,
            goal="查询任务",
        )
        for i in range(count)
    )
    TaskUnit.objects.bulk_create(
        TaskUnit(task=task, unit=unit, role="lead") for task, unit in zip(tasks, units, strict=True)
    )
    users = User.objects.bulk_create(
        User(username=f"q{start}-{i}", email=f"r{start}-{i}@example.gov.cn") for i in range(count)
    )
    profiles = Profile.objects.bulk_create(Profile(user=u, role=Role.REPORTER) for u in users)
    Profile.units.through.objects.bulk_create(
        Profile.units.through(profile=p, unit=u) for p, u in zip(profiles, units, strict=True)
    )
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as captured:
        reminders_send(round_=round_, actor=world.office)
    found: Counter = Counter()
    for query in captured.captured_queries:
        table = re.match(r'INSERT INTO "(\w+)"', query["sql"])
        found[table[1] if table else "other"] += 1
    return found


def test_reminding_every_unit_reads_the_same_for_5_or_50_units(
    world: World, round_: Round, queued: list[list[int]]
) -> None:
    at = timezone.now()
    few = remind_all_queries(world, round_, 5, at)
    # 45 more units, 11 minutes on: every unit is reminded again.
    many = remind_all_queries(world, round_, 45, at + datetime.timedelta(minutes=11))
    assert few["other"] == many["other"]
    reminders = Reminder.objects.filter(
        round=round_, created_at=at + datetime.timedelta(minutes=11)
    )
    notes = Notification.objects.filter(created_at=at + datetime.timedelta(minutes=11))
    made = Delivery.objects.filter(created_at=at + datetime.timedelta(minutes=11))
    assert reminders.filter(unit__name__startswith="查询单位").count() == 50
    assert made.filter(channel="wecom").count() >= 50 and notes.count() >= 50
    assert many["notify_reminder"] == batches(Reminder, reminders.count())
    assert many["notify_notification"] == batches(Notification, notes.count())
    assert many["notify_delivery"] == batches(Delivery, made.count(), most=500)
    assert many["ledger_auditevent"] == few["ledger_auditevent"] == 1


# --- a new message is never dropped as a repeat (new-user walk) -------------------------------


def test_a_message_to_one_unit_minutes_after_reminding_all_is_delivered(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    water = unit("水利局")
    first = datetime.datetime(2021, 11, 8, 10, tzinfo=TZ)
    with time_machine.travel(first, tick=False):
        reminders_send(round_=round_, message="请于今日报送", actor=world.office)
    calls = len(deliveries.calls)
    with time_machine.travel(first + datetime.timedelta(minutes=3), tick=False):
        sent = reminders_send(
            round_=round_, units=[water], message="水利局请补报河道清淤数据", actor=world.office
        )
    assert [r.message for r in sent] == ["水利局请补报河道清淤数据"]
    assert len(deliveries.calls) > calls
    assert Reminder.objects.filter(unit=water, message="水利局请补报河道清淤数据").exists()
    # The same words again minutes later are the double click: refused, said why.
    with time_machine.travel(first + datetime.timedelta(minutes=4), tick=False):
        assert_refused(
            "请勿重复催办",
            round_=round_, units=[water], message="水利局请补报河道清淤数据", actor=world.office,
        )  # fmt: skip


def test_reminding_all_with_a_new_message_reaches_units_reminded_minutes_ago(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    waiting = missing_units(round_)
    first = datetime.datetime(2021, 11, 8, 10, tzinfo=TZ)
    with time_machine.travel(first, tick=False):
        reminders_send(round_=round_, units=[unit("水利局")], message="请抓紧", actor=world.office)
    with time_machine.travel(first + datetime.timedelta(minutes=2), tick=False):
        sent = reminders_send(round_=round_, message="明日上午前报送", actor=world.office)
    assert sorted(r.unit.name for r in sent) == sorted(u.name for u in waiting)


def test_the_page_names_the_units_reminding_all_left_out(
    world: World, round_: Round, deliveries: Deliveries
) -> None:
    office = client_for(world, "office")
    url = reverse("web:round_remind", args=[round_.pk])
    office.post(url, {"unit": unit("水利局").pk})
    response = office.post(url, {}, follow=True)
    assert "水利局 10分钟内已收到同样的催办，未重复发送" in response.content.decode()
