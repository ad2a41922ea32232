"""The sessions (settings.SESSION_ENGINE, `web.sessions`): Django's database sessions read by
a query compiled once; the same sessions as Django's own store, an expired or unknown one
refused."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from taizhang.web.sessions import SessionStore
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def test_a_session_reads_as_djangos_own_store_reads_it() -> None:
    ours = SessionStore()
    ours["answer"] = 42
    ours.create()
    key = ours.session_key
    assert key is not None
    assert SessionStore(key).load() == db.SessionStore(key).load() == {"answer": 42}
    theirs = db.SessionStore()
    theirs["question"] = "?"
    theirs.create()
    assert SessionStore(theirs.session_key).load() == {"question": "?"}


def test_an_unknown_or_expired_session_is_refused() -> None:
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None
    store = SessionStore()
    store["answer"] = 42
    store.create()
    key = store.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {} == db.SessionStore(key).load()
    assert expired.session_key is None


def test_a_signed_in_user_stays_signed_in_until_the_session_expires(world: World) -> None:
    client = client_for(world, "office")
    page = reverse("web:ledger_detail", args=[world.ledger.pk])
    assert client.get(page).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(page)
    assert response.status_code == 302
    assert reverse("web:login") in response["Location"]
