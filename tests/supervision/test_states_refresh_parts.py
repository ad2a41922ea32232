"""The stored states of many named tasks are rebuilt from their ids asked in parts (an
import's tasks may pass the 65,535 values a statement bound on PostgreSQL's server takes):
the same states as one rebuild of the whole ledger."""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict

from taizhang.ledger.models import Task
from taizhang.supervision import state
from taizhang.supervision.models import TaskState
from tests.factories import World

pytestmark = pytest.mark.django_db


def stored(world: World) -> dict[int, dict[str, object]]:
    return {
        row.task_id: model_to_dict(row, exclude=["id"])
        for row in TaskState.objects.filter(ledger=world.ledger)
    }


def test_named_tasks_in_parts_give_the_whole_ledgers_states(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    state.states_refresh(ledger=world.ledger)
    whole = stored(world)
    assert len(whole) > 5
    TaskState.objects.filter(ledger=world.ledger).delete()
    monkeypatch.setattr(state, "IDS_A_QUERY", 2)
    ids = list(Task.objects.filter(ledger=world.ledger).values_list("pk", flat=True))
    state.states_refresh(ledger=world.ledger, task_ids=ids[::-1])
    assert stored(world) == whole
