"""A closed round's snapshot keeps each entry's task id: who may see an entry of an old round
goes by the task it was, not by the key a later edition gives that task (content matching
renumbers tasks; a new task may take a removed task's key)."""

from __future__ import annotations

import copy
import datetime
import importlib

import pytest
from django.apps import apps

from taizhang.documents.model import LedgerDoc, TaskDoc
from taizhang.documents.read_text import read_text
from taizhang.ledger.models import Task
from taizhang.ledger.services import ledger_import
from taizhang.reporting.models import Round
from taizhang.reporting.services import round_close, round_open
from taizhang.supervision.selectors import round_history
from tests.conftest import SEED
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

NEW_FIRST = "全新的一项任务：建设市级体育中心。"
fill_snapshot_ids = importlib.import_module(
    "taizhang.reporting.migrations.0006_round_snapshot_ids"
).fill_snapshot_ids


def closed_round(world: World, name: str = "2021年5月") -> Round:
    round_ = round_open(
        ledger=world.ledger, name=name, due_date=datetime.date(2021, 5, 31), actor=world.office
    )
    return round_close(round_=round_, actor=world.office)


def seed() -> LedgerDoc:
    return read_text(SEED.read_bytes(), name=SEED.name)


def insert_a_task_at_the_front() -> None:
    """A later edition with a new task 1: every task of the seed moves one number down, so
    水利局's tasks 3 and 9 are 4 and 10 now, and keys 3 and 9 belong to other units' tasks."""
    later = seed()
    first = copy.deepcopy(later.tasks[0])
    first.goal = NEW_FIRST
    later.categories[0].tasks.insert(0, first)
    for number, task in enumerate(later.tasks, 1):
        task.number = number
    ledger_import(doc=later)


def page(world: World, role: str, round_: Round) -> str:
    response = client_for(world, role).get(f"/rounds/{round_.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_closing_a_round_keeps_the_task_id_of_every_task_and_sub_item(world: World) -> None:
    doc = seed()
    doc.tasks[2].subitems = [TaskDoc(1, "北部供水工程子项"), TaskDoc(2, "玉阳湖工业供水子项")]
    ledger_import(doc=doc)

    round_ = closed_round(world)

    stored = dict(Task.objects.filter(ledger=world.ledger).values_list("key", "pk"))
    assert round_.snapshot_ids == stored
    assert {"3/1", "3/2", "16"} <= set(round_.snapshot_ids)


def test_an_old_rounds_page_shows_a_reporter_its_own_tasks_after_a_task_is_inserted_in_front(
    world: World,
) -> None:
    round_ = closed_round(world)

    insert_a_task_at_the_front()

    body = page(world, "water", round_)
    assert "北部供水工程" in body and "蟒河西一环" in body  # its tasks 3 and 9 as they stood
    assert "汽改水" not in body and "垃圾分类" not in body  # tasks 4 and 10: 住建局's


def test_an_old_rounds_page_shows_the_office_every_task_as_it_stood(world: World) -> None:
    round_ = closed_round(world)

    insert_a_task_at_the_front()

    body = page(world, "office", round_)
    assert "北部供水工程" in body and "汽改水" in body and "皓齿" in body
    assert NEW_FIRST not in body


def test_a_snapshot_entry_of_no_known_task_is_shown_to_the_office_only(world: World) -> None:
    round_ = closed_round(world)
    ids = dict(round_.snapshot_ids)
    del ids["3"]
    Round.objects.filter(pk=round_.pk).update(snapshot_ids=ids)

    assert "北部供水工程" not in page(world, "water", round_)
    assert "蟒河西一环" in page(world, "water", round_)
    assert "北部供水工程" in page(world, "office", round_)


def test_the_dashboard_history_counts_a_reporters_tasks_by_id_after_renumbering(
    world: World,
) -> None:
    closed_round(world)  # tasks 3 and 9 in progress; 4 and 10 (住建局's) completed

    insert_a_task_at_the_front()

    mine = {world.task(4).pk, world.task(10).pk}  # 水利局's tasks 3 and 9, renumbered
    [history] = round_history(world.ledger, mine)
    assert (history["in_progress"], history["completed"]) == (2, 0)


def test_the_migration_gives_rounds_closed_before_the_ids_of_their_keys_tasks_removed_too(
    world: World,
) -> None:
    round_ = closed_round(world)
    later = seed()
    del later.categories[-1].tasks[-1]  # task 16 is removed by the next edition
    ledger_import(doc=later)
    Round.objects.filter(pk=round_.pk).update(snapshot_ids=None)
    open_round = round_open(
        ledger=world.ledger, name="open", due_date=datetime.date(2021, 6, 30), actor=world.office
    )

    fill_snapshot_ids(apps, None)

    round_.refresh_from_db()
    sixteen = Task.objects.get(ledger=world.ledger, key="16")
    assert sixteen.removed_at is not None
    assert round_.snapshot_ids["16"] == sixteen.pk
    assert round_.snapshot_ids["3"] == world.task(3).pk
    open_round.refresh_from_db()
    assert open_round.snapshot_ids is None


def test_the_migration_follows_key_changes_made_after_a_round_closed(world: World) -> None:
    """A round closed, then an edition renumbered every task, all before the map existed:
    each snapshot key still goes to the task that had it when the round closed."""
    round_ = closed_round(world)
    water_task = world.task(3)  # 水利局's task 3 becomes task 4
    insert_a_task_at_the_front()
    Round.objects.filter(pk=round_.pk).update(snapshot_ids=None)

    fill_snapshot_ids(apps, None)

    round_.refresh_from_db()
    assert Task.objects.get(pk=water_task.pk).key == "4"
    assert round_.snapshot_ids["3"] == water_task.pk
    html = page(world, "water", round_)
    assert "北部供水" in html and "汽改水" not in html
