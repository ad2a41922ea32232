"""The schedule: reminders N days before a round's due date, on the day and daily once
overdue, each exactly once per unit, kind and day however often the job runs, and none to a
unit that has reported; the settings that time it; huey's scheduler on in the worker."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from huey.consumer_options import ConsumerConfig
from huey.contrib.djhuey import HUEY

from taizhang.notify import schedule
from taizhang.notify.models import Event, Notification, Reminder
from taizhang.notify.schedule import reminder_kind, round_reminders_due, round_reminders_now
from taizhang.reporting.services import round_close
from tests.factories import World
from tests.notify.conftest import Deliveries, open_round, report_all_of_health
from tests.settings_reader import settings_in

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
D = datetime.date(2021, 11, 10)


def test_a_round_is_reminded_before_on_and_after_its_due_date_once_each(
    world: World, deliveries: Deliveries
) -> None:
    start = D - datetime.timedelta(days=5)
    with time_machine.travel(datetime.datetime.combine(start, datetime.time(9), tzinfo=TZ)):
        round_ = open_round(world, D)
        report_all_of_health(world)
    deliveries.calls.clear()  # the round's opening
    for offset in range(-5, 3):
        day = D + datetime.timedelta(days=offset)
        for hour in (8, 20):  # twice a day: a retried job, a second worker
            moment = datetime.datetime.combine(day, datetime.time(hour, 30), tzinfo=TZ)
            with time_machine.travel(moment, tick=False):
                round_reminders_due(timezone.localdate())
    water = Reminder.objects.filter(round=round_, unit__name="水利局").order_by("sent_on")
    assert [(r.kind, (r.sent_on - D).days) for r in water] == [
        ("before", -3),
        ("before", -1),
        ("due", 0),
        ("overdue", 1),
        ("overdue", 2),
    ]
    assert not Reminder.objects.filter(unit__name="卫健委").exists()
    # Every unit still to report: the same five, once each.
    per_unit = {}
    for r in Reminder.objects.filter(round=round_):
        per_unit.setdefault(r.unit_id, []).append((r.kind, r.sent_on))
    assert per_unit and all(len(v) == 5 == len(set(v)) for v in per_unit.values())
    # The reporters hear of each, once; the unit that reported, nothing.
    assert Notification.objects.filter(event=Event.ROUND_DUE, user=world.water).count() == 5
    assert not Notification.objects.filter(event=Event.ROUND_DUE, user=world.health).exists()
    titles = list(
        Notification.objects.filter(event=Event.ROUND_DUE, user=world.water)
        .order_by("created_at")
        .values_list("title", flat=True)
    )
    assert titles[0] == f"{round_.name}报送：距截止3天"
    assert "今天截止" in titles[2] and "已逾期2天" in titles[4]
    # Each run that wrote handed its reminders to the channels in one call.
    assert len(deliveries.calls) == 5


def test_a_closed_round_is_not_reminded(world: World, deliveries: Deliveries) -> None:
    round_ = open_round(world, D)
    round_close(round_=round_, actor=world.office)
    deliveries.calls.clear()  # the round's opening
    assert round_reminders_due(D) == []
    assert deliveries.calls == []


def test_reminder_kind_follows_the_days_before_setting(settings: object) -> None:
    assert reminder_kind(D, D - datetime.timedelta(days=3)) == "before"
    assert reminder_kind(D, D - datetime.timedelta(days=2)) is None
    settings.TAIZHANG_REMIND_DAYS_BEFORE = (7,)  # type: ignore[attr-defined]
    assert reminder_kind(D, D - datetime.timedelta(days=3)) is None
    assert reminder_kind(D, D - datetime.timedelta(days=7)) == "before"
    assert reminder_kind(D, D) == "due"
    assert reminder_kind(D, D + datetime.timedelta(days=30)) == "overdue"


def shown(tmp_path: Path, **env: str) -> list[object]:
    """The reminder settings and the worker's options a fresh process reads, as JSON."""
    read = settings_in(tmp_path, drop=["TAIZHANG_REMIND*"], **env)
    found: list[object] = json.loads(
        json.dumps(
            [
                read["TAIZHANG_REMIND_DAYS_BEFORE"],
                read["TAIZHANG_REMIND_AT"],
                read["HUEY"]["consumer"],
            ]
        )
    )
    return found


def test_the_reminder_settings_default_and_follow_the_environment(tmp_path: Path) -> None:
    days, at, consumer = shown(tmp_path)
    assert (days, at) == ([3, 1], "08:30")
    assert consumer["periodic"] is True  # type: ignore[index]
    days, at, _consumer = shown(
        tmp_path, TAIZHANG_REMIND_DAYS_BEFORE="1, 5,2", TAIZHANG_REMIND_AT="07:45"
    )
    assert (days, at) == ([5, 2, 1], "07:45")


def test_the_worker_runs_the_scheduler() -> None:
    # `taizhang run_huey` (which `taizhang serve` starts) builds its consumer so.
    config = ConsumerConfig(**settings.HUEY["consumer"])
    config.validate()
    consumer = HUEY.create_consumer(**config.values)
    assert consumer.periodic is True


def test_the_periodic_tasks_run_all_day_not_only_in_the_minute_set() -> None:
    # huey's scheduler asks with naive UTC times, and does not catch up a minute missed: a
    # worker down at 08:30 (00:30 UTC), or started at 09:00, still reminds that day.
    names = {"round_reminders_due", "red_tasks_check"}
    for hour, minute in ((0, 30), (1, 0), (1, 10), (9, 40)):
        utc = datetime.datetime(2021, 11, 8, hour, minute, tzinfo=datetime.UTC).replace(tzinfo=None)
        assert names <= {task.name for task in HUEY.read_periodic(utc)}, (hour, minute)
    assert schedule.round_reminders_task.name == "round_reminders_due"


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def test_the_days_reminders_wait_for_the_time_set_then_are_sent_once(
    world: World, deliveries: Deliveries, settings: Any
) -> None:
    settings.TAIZHANG_REMIND_AT = "08:30"
    with time_machine.travel(at(D, 7), tick=False):
        round_ = open_round(world, D)
    assert round_reminders_now(at(D, 8, 20)) == []  # not yet
    assert not Reminder.objects.exists()
    # The worker was down at 08:30: the first run after it sends the day's reminders.
    with time_machine.travel(at(D, 9, 40), tick=False):
        sent = round_reminders_now()
    assert sent and {r.kind for r in sent} == {"due"} and {r.sent_on for r in sent} == {D}
    assert round_reminders_now(at(D, 9, 50)) == []  # later runs: nothing twice
    assert round_reminders_now(at(D, 23, 50)) == []
    # Local time: 00:10 in Shanghai is the next day, before 08:30.
    assert round_reminders_now(at(D + datetime.timedelta(days=1), 0, 10)) == []
    assert Reminder.objects.filter(round=round_).count() == len(sent)


def test_tasks_turned_red_are_told_after_the_time_set(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TAIZHANG_REMIND_AT = "08:30"
    days: list[datetime.date] = []
    monkeypatch.setattr(schedule, "red_tasks_check", lambda day: days.append(day) or [])
    schedule.red_tasks_now(at(D, 8, 29))
    schedule.red_tasks_now(at(D, 11))
    assert days == [D]


def test_the_database_holds_a_scheduled_reminder_to_once_a_day(world: World) -> None:
    from django.db import IntegrityError, transaction

    from taizhang.ledger.models import Unit

    round_ = open_round(world, D)
    water = Unit.objects.get(name="水利局")
    fields = {"round": round_, "unit": water, "sent_on": D, "created_at": timezone.now()}
    Reminder.objects.create(kind="due", **fields)
    Reminder.objects.create(kind="manual", **fields)
    Reminder.objects.create(kind="manual", **fields)  # the office may remind as often as it likes
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(kind="due", **fields)


def test_the_worker_finds_every_periodic_task(tmp_path: Path) -> None:
    """`taizhang run_huey` registers the jobs of each app's `tasks` module: the reminders and
    the red check (notify.schedule) must be reached from there, in a fresh interpreter."""
    program = (
        "import django; django.setup()\n"
        "from django.utils.module_loading import autodiscover_modules\n"
        "from huey.contrib.djhuey import HUEY\n"
        "autodiscover_modules('tasks')\n"
        "print(' '.join(sorted(t.name for t in HUEY._registry.periodic_tasks)))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "taizhang.settings"}
    env["TAIZHANG_DATA_DIR"] = str(tmp_path)
    found = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    expected = {"round_reminders_due", "red_tasks_check", "notify_deliveries_sweep"}
    assert expected | {"round_lights_fill"} <= set(found)
