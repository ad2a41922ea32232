"""The check, before every read of the lights, that the stored states cover the ledger
(`state.states_missing`, `dashboard.ensure_states`): what it finds, and that it costs one
query through the indexes whatever the ledger's size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.ledger.models import Task
from taizhang.supervision.dashboard import ensure_states
from taizhang.supervision.models import TaskState
from taizhang.supervision.state import states_missing
from tests.factories import World
from tests.web.subitems import subitem

pytestmark = pytest.mark.django_db


def test_a_ledger_with_every_state_misses_none(world: World) -> None:
    assert not states_missing(world.ledger)
    with CaptureQueriesContext(connection) as queries:
        ensure_states(world.ledger)
    assert len(queries) == 1


def test_a_ledger_whose_states_were_dropped_is_written_again(world: World) -> None:
    TaskState.objects.filter(ledger=world.ledger).delete()
    assert states_missing(world.ledger)
    ensure_states(world.ledger)
    current = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True)
    assert TaskState.objects.filter(ledger=world.ledger).count() == current.count()
    assert not states_missing(world.ledger)


def test_a_task_added_without_its_state_is_found(world: World) -> None:
    sub = subitem(world.task(3), 1, "新建泵站一座")  # written past the services
    assert not TaskState.objects.filter(task=sub).exists()
    assert states_missing(world.ledger)
    ensure_states(world.ledger)
    assert TaskState.objects.filter(task=sub).exists()


def test_a_removed_task_without_a_state_is_not_missing(world: World) -> None:
    sub = subitem(world.task(3), 1, "新建泵站一座")
    Task.objects.filter(pk=sub.pk).update(removed_at=world.ledger.imported_at)
    assert not states_missing(world.ledger)
