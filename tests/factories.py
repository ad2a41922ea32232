"""Shared test data: the seed ledger stored, one user per role (the office, a reporter of
水利局, a reporter of 卫健委, the leader 李拴根, a viewer), and a client signed in as any of
them."""

from __future__ import annotations

from dataclasses import dataclass, fields
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.models import User
from django.http import HttpRequest
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


class _Client(Client):
    """Django's test client, signing in without the session it first saves empty and then
    deletes: Django's `_login` asks `if self.session`, and a client without a session cookie
    answers by saving a new empty session (a session is always true), which `login` then
    loads, replaces with a new key and deletes. Here `login` gets a new session store, as
    Django's does when it finds none: the same `login` (its signal, the last login,
    django-axes' access log), the same session row and cookie in the end, 11 queries
    instead of 18 (about 900 clients a run, 3.5 -> 2.3 ms of CPU each). A client that has a
    session already signs in as Django's does. It overrides Django's private `_login` and calls
    its `_set_login_cookies`, compared with Django 5.2.19's `django/test/client.py`: check
    them again on a Django upgrade (every test signing in goes through here)."""

    def _login(self, user: User, backend: str | None = None) -> None:
        if self.cookies.get(settings.SESSION_COOKIE_NAME):
            super()._login(user, backend)
            return
        request = HttpRequest()
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        login(request, user, backend)
        request.session.save()
        self._set_login_cookies(request)


def signed_in(user: User | None, **kwargs: Any) -> Client:
    """A test client signed in (by session, no password) as `user`, or as no one for None;
    `kwargs` go to `Client` (e.g. HTTP_AUTHORIZATION, enforce_csrf_checks)."""
    client = _Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def client_for(world: World, role: str, **kwargs: Any) -> Client:
    """A client signed in as the role's user of `world` (`office`, `water`, `health`, `leader`,
    `viewer`); `anonymous` is signed in as no one."""
    return signed_in(None if role == "anonymous" else getattr(world, role), **kwargs)
