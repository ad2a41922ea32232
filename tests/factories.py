"""Shared test data: the seed ledger stored, and one user per role (the office, a reporter of
水利局, a reporter of 卫健委, the leader 李拴根, a viewer)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.read_text import read_text
from taizhang.ledger.models import Ledger, Person, Task, Unit
from taizhang.ledger.services import ledger_import
from tests.conftest import SEED

PASSWORD = "correct horse battery"


@dataclass
class World:
    ledger: Ledger
    office: User
    water: User  # reporter of 水利局 (tasks 3 and 9)
    health: User  # reporter of 卫健委 (tasks 1, 2, 16)
    leader: User  # 李拴根 (tasks 4, 8, 9, 10, 11, 12)
    viewer: User

    def task(self, number: int) -> Task:
        return Task.objects.get(ledger=self.ledger, number=number, parent__isnull=True)


def build_world() -> World:
    """Import the seed ledger and create one account per role."""
    ledger = ledger_import(doc=read_text(SEED.read_bytes(), name=SEED.name)).ledger
    return World(
        ledger=ledger,
        office=account_create(username="office", password=PASSWORD, role=Role.OFFICE),
        water=account_create(
            username="slj",
            password=PASSWORD,
            role=Role.REPORTER,
            units=[Unit.objects.get(name="水利局")],
        ),
        health=account_create(
            username="wjw",
            password=PASSWORD,
            role=Role.REPORTER,
            units=[Unit.objects.get(name="卫健委")],
        ),
        leader=account_create(
            username="lishuangen",
            password=PASSWORD,
            role=Role.LEADER,
            person=Person.objects.get(name="李拴根"),
        ),
        viewer=account_create(username="viewer", password=PASSWORD, role=Role.VIEWER),
    )
