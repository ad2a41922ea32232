"""The signed-in user comes with its profile, read by one query compiled once
(`web.middleware.ProfileMiddleware`, `accounts.selectors.profile_load`): the same role and
units as the ORM's descriptor gives, none for a user without a profile, and nothing asked again
once read."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.accounts import access
from taizhang.accounts.selectors import profile_load
from taizhang.web import middleware
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def test_the_middleware_comes_right_after_djangos_authentication() -> None:
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[auth + 1] == "taizhang.web.middleware.ProfileMiddleware"


@pytest.mark.parametrize("role", ["office", "water", "leader", "viewer"])
def test_a_pages_user_comes_with_its_profile(
    world: World, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The middleware read it (the ORM's descriptor would cache the profile too, once the page
    # asked for the role: so the call itself is what is checked).
    loaded: list[int] = []
    real = middleware.profile_load

    def recorded(user: User) -> User:
        loaded.append(user.pk)
        return real(user)

    monkeypatch.setattr(middleware, "profile_load", recorded)
    response = client_for(world, role).get(reverse("web:home"))
    assert loaded == [getattr(world, role).pk]
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert User.profile.related.is_cached(user)
    expected = User.objects.select_related("profile").get(pk=getattr(world, role).pk)
    assert user.profile.role == expected.profile.role
    assert access.unit_ids(user) == list(expected.profile.units.values_list("pk", flat=True))
    fresh = profile_load(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        assert access.unit_ids(fresh) == access.unit_ids(user)
    assert len(queries) == (1 if role == "water" else 0)  # a reporter's units, by name


def test_a_user_without_a_profile_has_none_and_no_role(world: World) -> None:
    user = User.objects.create_user(username="noprofile", password="x-long-password-1")
    loaded = profile_load(User.objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries:
        assert getattr(loaded, "profile", None) is None
        assert access.role_of(loaded) is None
    assert len(queries) == 0
    client = Client()
    client.force_login(user)
    assert client.get(reverse("web:ledger_detail", args=[world.ledger.pk])).status_code == 404


def test_a_profile_already_read_is_kept(world: World) -> None:
    user = User.objects.select_related("profile").get(pk=world.water.pk)
    profile = user.profile
    with CaptureQueriesContext(connection) as queries:
        assert profile_load(user).profile is profile
    assert len(queries) == 0
