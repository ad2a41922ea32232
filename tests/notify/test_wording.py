"""A reminder reads the same wherever it reaches a unit: the bell's notification, the unit's
e-mail, SMS or robot, the 催办单 and the pages' countdown share one wording
(`notify.wording`), the countdown worded alike in each."""

from __future__ import annotations

import datetime
import io

import docx
import pytest
import time_machine
from django.urls import reverse

from taizhang.ledger.models import Unit
from taizhang.notify.models import Delivery, Event, Notification, Reminder
from taizhang.notify.services import reminders_due_send, reminders_send
from taizhang.notify.wording import countdown
from taizhang.web.templatetags.taizhang import countdown as countdown_filter
from tests.factories import World, client_for
from tests.notify.conftest import open_round

pytestmark = pytest.mark.django_db

DUE = datetime.date(2021, 11, 10)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def on(day: datetime.date) -> time_machine.travel:
    moment = datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
    return time_machine.travel(moment, tick=False)


@pytest.mark.parametrize(
    ("days", "words"), [(3, "距截止3天"), (1, "距截止1天"), (0, "今天截止"), (-2, "已逾期2天")]
)
def test_the_countdown_has_one_wording(days: int, words: str) -> None:
    assert countdown(days) == words
    assert countdown_filter(days) == words


def unit_email(reminder: Reminder) -> Delivery:
    return Delivery.objects.get(reminder=reminder, channel="email")


@pytest.mark.parametrize(
    ("day", "words"),
    [
        (datetime.date(2021, 11, 7), "距截止3天"),
        (DUE, "今天截止"),
        (datetime.date(2021, 11, 12), "已逾期2天"),
    ],
)
def test_a_scheduled_reminder_reads_the_same_in_the_bell_and_the_units_email(
    world: World, queued: list[list[int]], day: datetime.date, words: str
) -> None:
    Unit.objects.filter(name="水利局").update(email="slj@example.gov.cn")
    with on(datetime.date(2021, 11, 1)):
        round_ = open_round(world, DUE)
    with on(day):
        kind = "overdue" if day > DUE else "due" if day == DUE else "before"
        reminders_due_send(round_=round_, kind=kind, today=day)
    note = Notification.objects.get(user=world.water, event=Event.ROUND_DUE)
    email = unit_email(Reminder.objects.get(round=round_, unit__name="水利局"))
    assert note.title == email.subject == f"{round_.name}报送：{words}"
    assert note.body == email.body
    assert f"报送截止日期为2021年11月10日（{words}）" in note.body


def test_the_offices_reminder_reads_the_same_in_the_bell_the_email_and_the_sheet(
    world: World, queued: list[list[int]]
) -> None:
    water = Unit.objects.get(name="水利局")
    Unit.objects.filter(pk=water.pk).update(email="slj@example.gov.cn")
    with on(datetime.date(2021, 11, 1)):
        round_ = open_round(world, DUE)
    with on(datetime.date(2021, 11, 8)):
        (reminder,) = reminders_send(
            round_=round_, units=[water], message="请今天报送", actor=world.office
        )
        sheet = client_for(world, "office").get(
            reverse("web:reminder_sheet", args=[round_.pk, water.pk])
        )
    note = Notification.objects.get(user=world.water, event=Event.REMINDER)
    email = unit_email(reminder)
    assert note.title == email.subject == f"督查室催办：请尽快报送{round_.name}进展"
    assert note.body == email.body
    assert note.body.splitlines()[1] == "督查室留言：请今天报送"
    text = [p.text for p in docx.Document(io.BytesIO(sheet.content)).paragraphs]
    assert any("报送截止日期为2021年11月10日（距截止2天）" in line for line in text)
    assert "督查室留言：请今天报送" in text
