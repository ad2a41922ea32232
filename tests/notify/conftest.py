"""Notification test data: a round of the seed ledger, units with contacts, their 催办, and
the queue's messages recorded instead of sent (`queued`)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import pytest
from django.utils import timezone

from taizhang.ledger.models import Unit
from taizhang.notify import tasks
from taizhang.notify.models import Reminder
from taizhang.reporting.models import Round
from tests.factories import World

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
