"""The API's answers are read from the models (api/schemas.py): the same shapes, every field
present, no query per row, and only what the user may see of a task's relations."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.api.api import api
from taizhang.ledger.models import Unit
from taizhang.reporting.services import report_submit
from tests.api import client_for, open_cycle
from tests.factories import World


def components() -> dict[str, Any]:
    schemas: dict[str, Any] = api.get_openapi_schema()["components"]["schemas"]
    return schemas


@pytest.mark.parametrize(
    ("schema", "fields"),
    [
        ("RoundOut", {"id", "ledger", "name", "due_date", "opened_at", "closed_at", "is_open"}),
        ("LedgerOut", {"id", "title", "as_of", "source_name", "task_count", "open_round"}),
        ("ReportOut", {"id", "task", "state", "reviewed_at", "review_comment", "figures"}),
        ("TaskOut", {"id", "parent", "deadline", "version", "status", "light", "subitems"}),
        ("CommentOut", {"id", "author", "text", "created_at"}),
    ],
)
def test_every_answer_field_is_required_in_the_openapi_document(
    schema: str, fields: set[str]
) -> None:
    assert fields <= set(components()[schema]["required"])


def test_blank_columns_are_strings_not_nulls_in_the_openapi_document() -> None:
    report = components()["ReportOut"]["properties"]
    assert report["review_comment"]["type"] == "string"
    assert report["figures"]["type"] == "array"
    assert components()["LedgerOut"]["properties"]["source_name"]["type"] == "string"
    assert components()["RoundOut"]["properties"]["id"]["type"] == "integer"


def test_a_report_answer_has_the_shape_clients_read(world: World) -> None:
    cycle = open_cycle(world)
    office = client_for(world, "office")
    (item,) = office.get("/api/reports", {"state": "submitted", "ledger": world.ledger.pk}).json()[
        "items"
    ][:1]
    assert item["id"] == cycle.water_report.pk
    assert item["round"] == {"id": cycle.round.pk, "name": "2021年11月"}
    assert item["unit"]["name"] == "水利局"
    assert (item["task_number"], item["task_label"], item["ledger"]) == (3, "3", world.ledger.pk)
    assert (item["status_label"], item["state_label"]) == ("正在推进", "待审核")
    assert item["author"] == "slj"
    assert item["attachments"] == []


def query_count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def more_reports(world: World) -> None:
    """Reports on four more tasks, so a list that queried per row would grow."""
    for number, unit in ((2, "卫健委"), (16, "卫健委"), (9, "水利局")):
        report_submit(
            task=world.task(number),
            unit=Unit.objects.get(name=unit),
            actor=world.health if unit == "卫健委" else world.water,
            progress="按计划推进。",
            status="in_progress",
        )


@pytest.mark.parametrize("url", ["/api/reports", "/api/rounds"])
def test_lists_cost_the_same_whatever_the_number_of_rows(world: World, url: str) -> None:
    open_cycle(world)
    office = client_for(world, "office")
    few = query_count(office, url)
    more_reports(world)
    assert query_count(office, url) == few


def test_a_task_shows_only_the_reports_its_viewer_may_see(world: World) -> None:
    """Task 9 is served by 住建局, 水利局 and 教体局: the task's own `reports` relation holds
    all of them, the answer only what the selector let through for this user."""
    open_cycle(world)
    more_reports(world)
    water = client_for(world, "water")
    body = water.get(f"/api/tasks/{world.task(9).pk}").json()
    assert [report["unit"]["name"] for report in body["reports"]] == ["水利局"]
    assert body["label"] == "9"
    assert body["category"]["name"]
