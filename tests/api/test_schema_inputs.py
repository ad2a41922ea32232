"""What clients send is bounded before any query: numbers no column holds, NUL bytes, texts
longer than their column are a 422 with the field named and a Chinese message, and change
nothing. And the one rule for which unit a report is for (accounts.access.report_unit_id)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from taizhang.accounts import access
from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Task, Unit
from taizhang.reporting.models import Report, Round
from taizhang.reporting.services import round_open
from tests.api import client_for, open_cycle, send
from tests.factories import PASSWORD, World

TOO_BIG = 2**64


def issue(response: Any) -> dict[str, Any]:
    """The one 422 issue of a response."""
    assert response.status_code == 422, response.content
    (found,) = response.json()["detail"]
    return found


@pytest.mark.parametrize(
    ("url", "loc"),
    [
        ("/api/ledgers/{ledger}/tasks?unit={big}", ["query", "unit"]),
        ("/api/ledgers/{ledger}/tasks?leader={big}", ["query", "leader"]),
        ("/api/ledgers/{ledger}/tasks?offset={big}", ["query", "offset"]),
        ("/api/rounds?ledger={big}", ["query", "ledger"]),
        ("/api/reports?ledger={big}", ["query", "ledger"]),
        ("/api/reports?offset={big}", ["query", "offset"]),
        ("/api/ledgers/{big}/dashboard", ["path", "ledger_id"]),
    ],
)
def test_a_number_too_large_for_the_database_is_a_422_naming_the_field(
    world: World, url: str, loc: list[str]
) -> None:
    office = client_for(world, "office")
    found = issue(office.get(url.format(ledger=world.ledger.pk, big=TOO_BIG)))
    assert found["loc"] == loc
    assert found["msg"] == "不能大于 9223372036854775807"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/api/rounds/{id}/close"),
        ("GET", "/api/rounds/{id}/missing-units"),
        ("POST", "/api/reports/{id}/accept"),
        ("POST", "/api/reports/{id}/return"),
    ],
)
@pytest.mark.parametrize("value", [0, TOO_BIG])
def test_an_id_out_of_range_in_the_path_is_a_422(
    world: World, method: str, url: str, value: int
) -> None:
    office = client_for(world, "office")
    found = issue(send(office, method, url.format(id=value), {"comment": "意见"}))
    assert found["loc"][:2] == ["path", url.split("/")[2][:-1] + "_id"]


def test_a_round_name_with_a_nul_byte_is_refused_and_no_round_opens(world: World) -> None:
    office = client_for(world, "office")
    body = {"ledger": world.ledger.pk, "name": "2021年\x0011月", "due_date": "2021-11-25"}
    found = issue(send(office, "POST", "/api/rounds", body))
    assert found["loc"] == ["body", "payload", "name"]
    assert found["type"] == "nul_character"
    assert found["msg"] == "不能包含空字符（NUL）"
    assert not Round.objects.exists()


def test_a_round_name_longer_than_its_column_is_refused(world: World) -> None:
    office = client_for(world, "office")
    body = {"ledger": world.ledger.pk, "name": "月" * 101, "due_date": "2021-11-25"}
    found = issue(send(office, "POST", "/api/rounds", body))
    assert found["msg"] == "最多 100 个字"
    assert not Round.objects.exists()


def test_a_report_with_a_nul_byte_changes_nothing(world: World) -> None:
    open_cycle(world)
    water = client_for(world, "water")
    url = f"/api/tasks/{world.task(3).pk}/reports"
    body = {"progress": "已开工\x00", "status": "in_progress"}
    assert issue(send(water, "POST", url, body))["loc"] == ["body", "payload", "progress"]
    figure = {"name": "投资\x00", "value": 1, "unit": "万元"}
    body = {"progress": "已开工", "status": "in_progress", "figures": [figure]}
    found = issue(send(water, "POST", url, body))
    assert found["loc"] == ["body", "payload", "figures", 0, "name"]
    assert Report.objects.filter(task=world.task(3)).count() == 1  # the cycle's own


def test_a_task_edit_with_a_nul_byte_or_a_huge_version_changes_nothing(world: World) -> None:
    task = world.task(3)
    office = client_for(world, "office")
    url = f"/api/tasks/{task.pk}"
    nul = issue(send(office, "PATCH", url, {"version": 1, "remarks": "督办\x00"}))
    assert nul["loc"] == ["body", "payload", "remarks"]
    huge = issue(send(office, "PATCH", url, {"version": TOO_BIG, "remarks": "督办"}))
    assert huge["loc"] == ["body", "payload", "version"]
    assert huge["msg"] == "不能大于 2147483647"
    assert Task.objects.get(pk=task.pk).remarks == task.remarks


def test_a_search_with_a_nul_byte_is_a_422(world: World) -> None:
    office = client_for(world, "office")
    found = issue(office.get(f"/api/ledgers/{world.ledger.pk}/tasks", {"q": "供水\x00"}))
    assert found["loc"] == ["query", "q"]


def test_an_unknown_status_filter_is_named_in_chinese(world: World) -> None:
    office = client_for(world, "office")
    found = issue(office.get(f"/api/ledgers/{world.ledger.pk}/tasks", {"status": "done"}))
    assert found["msg"] == "未知的状态"


def test_a_missing_field_is_said_in_chinese(world: World) -> None:
    office = client_for(world, "office")
    found = issue(send(office, "POST", "/api/rounds", {"ledger": world.ledger.pk, "name": "x"}))
    assert found["loc"] == ["body", "payload", "due_date"]
    assert found["msg"] == "必填"


# --- which unit a report is for ----------------------------------------------------------


@pytest.fixture
def two_units(world: World) -> Client:
    """A reporter of 住建局 and 水利局, which both serve task 9 (with 教体局), in an open round."""
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    units = [Unit.objects.get(name="住建局"), Unit.objects.get(name="水利局")]
    user = account_create(username="two", password=PASSWORD, role=Role.REPORTER, units=units)
    client = Client()
    client.force_login(user)
    return client


BODY = {"progress": "蟒河治理完成20公里。", "status": "in_progress"}


def report_on_9(world: World, client: Client, **extra: Any) -> Any:
    return send(client, "POST", f"/api/tasks/{world.task(9).pk}/reports", {**BODY, **extra})


def test_a_reporter_of_two_serving_units_must_name_one(world: World, two_units: Client) -> None:
    response = report_on_9(world, two_units)
    assert response.status_code == 400
    assert response.json()["detail"] == "您属于多个责任单位，请选择报送单位"
    assert not Report.objects.exists()


def test_a_reporter_of_two_serving_units_reports_for_the_one_named(
    world: World, two_units: Client
) -> None:
    water = Unit.objects.get(name="水利局")
    response = report_on_9(world, two_units, unit=water.pk)
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == {"id": water.pk, "name": "水利局"}


def test_a_reporter_cannot_name_another_serving_unit(world: World, two_units: Client) -> None:
    education = Unit.objects.get(name="教体局")  # serves task 9, but is not the reporter's
    response = report_on_9(world, two_units, unit=education.pk)
    assert response.status_code == 400
    assert response.json()["detail"] == "您不能代表该单位报送这项任务"
    assert not Report.objects.exists()


def test_the_api_asks_access_which_unit_a_report_is_for(
    world: World, two_units: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(user: Any, task: Any, requested: int | None) -> int:
        raise access.UnitChoiceError("规则已改")

    monkeypatch.setattr(access, "report_unit_id", refuse)
    water = Unit.objects.get(name="水利局")
    response = report_on_9(world, two_units, unit=water.pk)
    assert response.status_code == 400
    assert response.json()["detail"] == "规则已改"
