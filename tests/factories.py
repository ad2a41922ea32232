"""Shared test data: the seed ledger stored, one user per role (the office, a reporter of
水利局, a reporter of 卫健委, the leader 李拴根, a viewer), and a client signed in as any of
them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

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

    def keys(self) -> WorldKeys:
        """The primary keys of the ledger and the users, to fetch them again later."""
        users = {f.name: getattr(self, f.name).pk for f in fields(self) if f.name != "ledger"}
        return WorldKeys(ledger=self.ledger.pk, users=users)

    @classmethod
    def load(cls, keys: WorldKeys) -> World:
        """The world as the database holds it now: new Python objects, so that what one test
        changed on them (or cached in them) never reaches the next test."""
        users = User.objects.in_bulk(keys.users.values())
        ledger = Ledger.objects.get(pk=keys.ledger)
        return cls(ledger=ledger, **{role: users[pk] for role, pk in keys.users.items()})


@dataclass(frozen=True)
class WorldKeys:
    ledger: int
    users: dict[str, int]  # World field name -> User pk


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


def signed_in(user: User | None, **kwargs: Any) -> Client:
    """A test client signed in (by session, no password) as `user`, or as no one for None;
    `kwargs` go to `Client` (e.g. HTTP_AUTHORIZATION, enforce_csrf_checks)."""
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def client_for(world: World, role: str, **kwargs: Any) -> Client:
    """A client signed in as the role's user of `world` (`office`, `water`, `health`, `leader`,
    `viewer`); `anonymous` is signed in as no one."""
    return signed_in(None if role == "anonymous" else getattr(world, role), **kwargs)
