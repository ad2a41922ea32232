"""The shared fixtures: the seed world is built once but every test finds it as built, whatever
the test before it changed (in the database or on the Python objects); a test without it finds
an empty database; a transactional test gets a world of its own, committed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from whitenoise.middleware import WhiteNoiseMiddleware

from taizhang.ledger.models import Ledger, Task
from tests.conftest import _wants_shared_world
from tests.factories import World, client_for, signed_in

SEED_TITLE = "2021年济源十件重点民生实事工作台账"


def assert_as_built(world: World) -> None:
    assert world.ledger.title == SEED_TITLE
    assert Ledger.objects.get().title == SEED_TITLE
    assert world.task(3).goal
    assert world.office.is_active and world.water.first_name == ""
    assert User.objects.count() == 5


def change_everything(world: World) -> None:
    world.ledger.title = "改过的台账"
    world.ledger.save()
    Task.objects.filter(ledger=world.ledger, number=3).delete()
    world.office.is_active = False
    world.office.save()
    world.water.first_name = "改过"  # on the Python object only
    User.objects.create_user("extra")


def test_a_test_may_change_the_world(world: World) -> None:
    assert_as_built(world)
    change_everything(world)
    assert Ledger.objects.get().title == "改过的台账"


def test_a_test_without_the_world_finds_an_empty_database(db: None) -> None:
    assert not Ledger.objects.exists() and not User.objects.exists()


@pytest.mark.parametrize("turn", [1, 2])
def test_the_next_test_finds_the_world_as_built(world: World, turn: int) -> None:
    assert_as_built(world)
    change_everything(world)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_gets_a_committed_world_of_its_own(world: World) -> None:
    assert not connection.in_atomic_block  # no shared transaction left open under it
    assert_as_built(world)


def test_the_tests_sharing_the_world_run_first_and_together(request: pytest.FixtureRequest) -> None:
    # conftest's pytest_collection_modifyitems: the world is then built once a process.
    shares = [_wants_shared_world(item) for item in request.session.items]
    assert shares == sorted(shares, reverse=True)


def test_client_for_signs_in_the_roles_user_or_no_one(world: World) -> None:
    assert client_for(world, "water").session["_auth_user_id"] == str(world.water.pk)
    assert "_auth_user_id" not in client_for(world, "anonymous").session
    assert "_auth_user_id" not in signed_in(None).session


def test_static_files_are_listed_once_for_each_set_of_settings(settings: Any) -> None:
    # conftest's _static_files_listed_once: a second middleware gets the same files (the very
    # objects), one under other settings gets them listed again with those settings' headers.
    first, second = WhiteNoiseMiddleware(), WhiteNoiseMiddleware()
    script = "/static/taizhang/dashboard.js"
    assert second.files[script] is first.files[script]
    settings.WHITENOISE_MAX_AGE = 7
    other = WhiteNoiseMiddleware()
    assert other.files.keys() == first.files.keys()
    response = other.files[script].get_response("GET", {})
    response.file.close()
    assert ("Cache-Control", "max-age=7, public") in response.headers
