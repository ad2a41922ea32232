"""Helpers of the API tests: a client signed in as each role, JSON requests, and a reporting
round with one report of 水利局 (task 3) and one of 卫健委 (task 1) waiting for review."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.test import Client

from taizhang.ledger.models import Unit
from taizhang.reporting.models import Report, Round
from taizhang.reporting.services import report_submit, round_open
from tests.factories import World
from tests.factories import client_for as client_for  # the API tests import it from here

ROLES = ("office", "water", "health", "leader", "viewer", "anonymous")


def send(client: Client, method: str, url: str, data: Any = None, **extra: Any) -> Any:
    """A request with a JSON body."""
    call = getattr(client, method.lower())
    if method.upper() in ("GET", "DELETE"):
        return call(url, data or {}, **extra)
    return call(url, data if data is not None else {}, content_type="application/json", **extra)


def numbers(response: Any) -> list[int]:
    """The task numbers of a task-list response."""
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


@dataclass
class Cycle:
    round: Round
    water_report: Report  # 水利局 on task 3
    health_report: Report  # 卫健委 on task 1


def open_cycle(world: World) -> Cycle:
    """An open round on the seed ledger with two reports waiting for review."""
    round_ = round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    water = report_submit(
        task=world.task(3),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已开工建设。",
        status="in_progress",
    )
    health = report_submit(
        task=world.task(1),
        unit=Unit.objects.get(name="卫健委"),
        actor=world.health,
        progress="妇女儿童医院已启用。",
        status="completed",
    )
    return Cycle(round=round_, water_report=water, health_report=health)
