"""Shared fixtures of notify's tests: a round of the seed ledger, units with contacts, their
催办, the queue's messages recorded instead of sent (`queued`), the outside channels recorded
instead of used (`deliveries`), and the seed world's helpers (a round open, reports of a unit,
an extra reporter)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Status, Unit
from taizhang.notify import tasks
from taizhang.notify.models import Notification, Reminder
from taizhang.reporting.models import Report, Round
from taizhang.reporting.services import report_submit, round_open
from tests.factories import PASSWORD, World

DUE = datetime.date(2021, 11, 10)


@pytest.fixture
def round_(world: World) -> Round:
    return Round.objects.create(
        ledger=world.ledger,
        name="2021年11月",
        due_date=DUE,
        opened_at=timezone.now(),
        opened_by=world.office,
    )


def units_with(count: int, prefix: str = "测试单位", **contacts: Any) -> list[Unit]:
    """`count` new units, each with these contacts (`{i}` in a value is its number)."""
    return Unit.objects.bulk_create(
        Unit(name=f"{prefix}{i}", **{k: str(v).format(i=i) for k, v in contacts.items()})
        for i in range(count)
    )


def reminders_for(
    round_: Round, units: Sequence[Unit], sent_on: datetime.date = DUE, message: str = ""
) -> list[Reminder]:
    return Reminder.objects.bulk_create(
        Reminder(
            round=round_,
            unit=unit,
            kind=Reminder.Kind.MANUAL,
            message=message,
            sent_on=sent_on,
            created_at=timezone.now(),
        )
        for unit in units
    )


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The batches of delivery ids handed to the queue (nothing is sent)."""
    batches: list[list[int]] = []
    monkeypatch.setattr(tasks, "deliveries_enqueue", lambda ids: batches.append(list(ids)))
    return batches


@dataclass
class Deliveries:
    """What `deliveries_create` was called with, call by call."""

    calls: list[tuple[list[Notification], list[Reminder]]] = field(default_factory=list)

    def __call__(
        self, *, notifications: Sequence[Notification] = (), reminders: Sequence[Reminder] = ()
    ) -> list[Any]:
        self.calls.append((list(notifications), list(reminders)))
        return []


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    recorder = Deliveries()
    monkeypatch.setattr("taizhang.notify.services.deliveries_create", recorder)
    return recorder


def notified(event: str | None = None) -> dict[str, int]:
    """{username: notifications of this event (or any)}."""
    found: dict[str, int] = {}
    rows = Notification.objects.all() if event is None else Notification.objects.filter(event=event)
    for name in rows.values_list("user__username", flat=True):
        found[name] = found.get(name, 0) + 1
    return found


def open_round(world: World, due: datetime.date, name: str = "2021年11月") -> Round:
    return round_open(ledger=world.ledger, name=name, due_date=due, actor=world.office)


def report(world: World, user: User, number: int, unit: str) -> Report:
    return report_submit(
        task=world.task(number),
        unit=Unit.objects.get(name=unit),
        actor=user,
        progress=f"任务{number}的进展",
        status=Status.IN_PROGRESS,
    )


def report_all_of_health(world: World) -> None:
    """卫健委 reports on each of its tasks (1, 2, 16): it has nothing left to report."""
    for number in (1, 2, 16):
        report(world, world.health, number, "卫健委")


def outsider() -> User:
    """A reporter of a unit that serves no task of the ledger."""
    unit = Unit.objects.create(name="统计局")
    return account_create(username="tjj", password=PASSWORD, role=Role.REPORTER, units=[unit])


@pytest.fixture
def local_robots(settings: Any) -> None:
    """The tests' robots answer on 127.0.0.1, which a robot's address may not point at
    unless allowed (ledger.robot_addresses): allowed here, as a relay on the intranet is."""
    settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
