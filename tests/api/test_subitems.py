"""Sub-items through the API: a task gives its `parent`, `label`, `subitems` (those the user may
see) and month `entries`; a task split into sub-items takes no report (a clear refusal), its
sub-items do, for the units serving them; the list costs the same queries with sub-items."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from taizhang.reporting.models import Report
from taizhang.reporting.services import round_open
from tests.api import client_for, send
from tests.factories import World
from tests.web.subitems import housing_reporter, split_task_3

pytestmark = pytest.mark.django_db


def open_round(world: World) -> None:
    round_open(
        ledger=world.ledger, name="11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )


def report(client: Client, task_id: int) -> Any:
    return send(
        client,
        "POST",
        f"/api/tasks/{task_id}/reports",
        {"progress": "管网铺设完成。", "status": "completed"},
    )


@time_machine.travel(datetime.datetime(2021, 11, 5, 10, tzinfo=datetime.UTC), tick=False)
def test_a_task_gives_its_sub_items_and_a_sub_item_its_task(world: World) -> None:
    split = split_task_3(world)
    client = client_for(world, "office")
    task = client.get(f"/api/tasks/{split.task.pk}").json()
    assert task["parent"] is None and task["label"] == "3"
    assert [(s["id"], s["label"]) for s in task["subitems"]] == [
        (split.first.pk, "3-1"),
        (split.second.pk, "3-2"),
    ]
    assert task["light"]["colour"] == "red" and task["light"]["reasons"][0].startswith("子项3-1：")
    assert task["subitems"][0]["light"]["colour"] == "red"
    sub = client.get(f"/api/tasks/{split.first.pk}").json()
    assert sub["parent"] == split.task.pk and sub["label"] == "3-1" and sub["subitems"] == []


def test_the_task_list_has_sub_items_in_document_order(world: World) -> None:
    split = split_task_3(world)
    items = client_for(world, "office").get(f"/api/ledgers/{world.ledger.pk}/tasks").json()
    labels = [item["label"] for item in items["items"]]
    assert labels[:6] == ["1", "2", "3", "3-1", "3-2", "4"]
    assert items["items"][3]["parent"] == split.task.pk


def test_a_unit_is_given_only_the_sub_items_it_may_see(world: World) -> None:
    split = split_task_3(world)
    housing = Client()
    housing.force_login(housing_reporter())
    task = housing.get(f"/api/tasks/{split.task.pk}").json()
    assert [s["label"] for s in task["subitems"]] == ["3-2"]
    assert housing.get(f"/api/tasks/{split.first.pk}").status_code == 404


def test_month_entries_are_given(world: World) -> None:
    task = world.task(5)
    task.entries = [{"title": "3月", "text": "主体封顶。", "month": 3}]
    task.save()
    body = client_for(world, "office").get(f"/api/tasks/{task.pk}").json()
    assert body["entries"] == [{"title": "3月", "text": "主体封顶。", "month": 3}]


def test_a_split_task_refuses_a_report_and_names_its_sub_items(world: World) -> None:
    split = split_task_3(world)
    open_round(world)
    response = report(client_for(world, "water"), split.task.pk)
    assert response.status_code == 400
    assert response.json()["detail"] == "任务3分为子项（3-1、3-2），请按子项分别报送"
    assert not Report.objects.exists()


def test_a_unit_reports_on_its_sub_item_and_not_on_another_units(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert split.inheriting is not None
    open_round(world)
    water = client_for(world, "water")
    created = report(water, split.first.pk)
    assert created.status_code == 201 and created.json()["task_label"] == "3-1"
    assert report(water, split.second.pk).status_code == 404  # 住建局's: not even seen
    assert report(water, split.inheriting.pk).status_code == 201  # names no unit: task 3's
    housing = Client()
    housing.force_login(housing_reporter())
    assert report(housing, split.first.pk).status_code == 404
    assert report(housing, split.second.pk).status_code == 201
    accepted = send(
        client_for(world, "office"), "POST", f"/api/reports/{created.json()['id']}/accept", {}
    )
    assert accepted.status_code == 200
    split.first.refresh_from_db()
    assert split.first.progress == "管网铺设完成。" and split.first.status == "completed"


def test_the_task_list_costs_the_same_queries_with_sub_items(world: World) -> None:
    client = client_for(world, "office")
    client.get("/api/ledgers")
    counts = []
    for split in (False, True):
        if split:
            split_task_3(world, inheriting=True)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/ledgers/{world.ledger.pk}/tasks").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_openapi_document_describes_sub_items(world: World) -> None:
    document = client_for(world, "office").get("/api/openapi.json").json()
    task = document["components"]["schemas"]["TaskOut"]["properties"]
    assert {"parent", "label", "subitems", "entries"} <= set(task)
    assert "label" in document["components"]["schemas"]["Indicator"]["properties"]
