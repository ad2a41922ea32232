"""GET /api/ledgers/{id}/dashboard: the dashboard's figures as JSON, the same data the page
draws, scoped to the tasks each role may see; 404 for a missing ledger, 401 for no one."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from taizhang.accounts.services import token_create
from taizhang.ledger.models import Task
from taizhang.reporting import services
from taizhang.supervision.dashboard import dashboard_data
from tests.api import client_for
from tests.factories import World

pytestmark = pytest.mark.django_db
AS_OF = "2021-11-05"


def url(world: World, ledger_id: int | None = None) -> str:
    return f"/api/ledgers/{ledger_id or world.ledger.pk}/dashboard"


def get(world: World, role: str, as_of: str | None = AS_OF, **extra: Any) -> Any:
    return client_for(world, role).get(url(world), {"as_of": as_of} if as_of else {}, **extra)


def test_the_seed_ledger_as_of_2021_11_05(world: World) -> None:
    response = get(world, "office")
    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == AS_OF and data["round_open"] is False
    assert data["ledger"] == {
        "id": world.ledger.pk,
        "title": "2021年济源十件重点民生实事工作台账",
        "year": 2021,
    }
    assert data["totals"] == {
        "tasks": 16,
        "completed": 4,
        "in_progress": 11,
        "lagging": 1,
        "not_started": 0,
        "none": 0,
    }
    assert data["lights"] == {"red": 2, "yellow": 0, "green": 10, "completed": 4}
    assert [task["number"] for task in data["red"]] == [8, 9]
    assert data["red"][1]["light"]["reasons"] == ["已超过完成时限（2021-10-31）5天，尚未完成"]
    assert data["red"][1]["deadline"] == "2021-10-31"
    assert data["yellow"] == [] and data["history"] == []
    investment = next(i for i in data["indicators"] if i["task"] == 3)
    assert (investment["name"], investment["percent"]) == ("年度完成投资", 77.8)


def test_the_json_is_what_the_page_draws(world: World) -> None:
    data = get(world, "office").json()
    expected = dashboard_data(world.ledger, Task.objects.all(), datetime.date(2021, 11, 5))
    assert data["totals"] == expected["totals"] and data["units"] == expected["units"]
    assert data["leaders"] == expected["leaders"] and data["lights"] == expected["lights"]


@pytest.mark.parametrize(
    ("role", "tasks", "red"),
    [("water", 2, [9]), ("health", 3, []), ("leader", 6, [8, 9]), ("viewer", 16, [8, 9])],
)
def test_each_role_gets_only_the_tasks_it_may_see(
    world: World, role: str, tasks: int, red: list[int]
) -> None:
    data = get(world, role).json()
    assert data["totals"]["tasks"] == tasks
    assert [task["number"] for task in data["red"]] == red


def test_a_reporter_sees_no_other_units_tasks(world: World) -> None:
    data = get(world, "water").json()
    assert {unit["name"] for unit in data["units"]} == {"水利局", "住建局", "教体局"}
    water = next(unit for unit in data["units"] if unit["name"] == "水利局")
    assert (water["tasks"], water["overdue"], water["red"]) == (2, 1, 1)
    assert {i["task"] for i in data["indicators"]} <= {3, 9}


def test_a_token_authenticates_and_carries_its_role(world: World) -> None:
    token = token_create(user=world.water)
    response = Client().get(url(world), {"as_of": AS_OF}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["totals"]["tasks"] == 2


def test_not_reported_counts_while_a_round_is_open(world: World) -> None:
    services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    data = get(world, "office").json()
    assert data["round_open"] is True
    assert next(u for u in data["units"] if u["name"] == "卫健委")["not_reported"] == 3


def test_a_missing_ledger_is_404(world: World) -> None:
    response = client_for(world, "office").get(url(world, 999_999))
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到，或您无权查看"


def test_a_user_without_a_role_gets_404_like_a_missing_ledger(world: World) -> None:
    client = Client()
    client.force_login(User.objects.create_user("nobody", password="x"))
    assert client.get(url(world)).status_code == 404


def test_anonymous_is_401(world: World) -> None:
    response = Client().get(url(world))
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_without_a_date_it_is_as_of_today(world: World) -> None:
    with time_machine.travel(datetime.datetime(2021, 11, 5, 10, 0, tzinfo=datetime.UTC)):
        data = get(world, "office", as_of=None).json()
    assert data["as_of"] == AS_OF and [t["number"] for t in data["red"]] == [8, 9]


def test_a_malformed_date_is_refused(world: World) -> None:
    assert get(world, "office", as_of="2021-13-45").status_code == 422


def test_the_endpoint_is_in_the_openapi_document(world: World) -> None:
    document = client_for(world, "office").get("/api/openapi.json").json()
    assert "/api/ledgers/{ledger_id}/dashboard" in document["paths"]


def test_a_lights_reasons_come_as_words_and_as_data(world: World) -> None:
    """`reasons` keeps its words; `reason_details` gives the facts they are made from, one for
    one, in the task list, a task and the dashboard."""
    client = client_for(world, "office")
    as_of = "2021-12-31"
    tasks = client.get(f"/api/ledgers/{world.ledger.pk}/tasks", {"as_of": as_of}).json()["items"]
    late = [t for t in tasks if t["light"]["colour"] == "red"]
    assert late
    for task in late:
        light = task["light"]
        assert len(light["reasons"]) == len(light["reason_details"])
        kinds = {detail["kind"] for detail in light["reason_details"]}
        assert kinds & {"overdue", "lagging"}
    one = client.get(f"/api/tasks/{late[0]['id']}").json()["light"]
    assert {"kind", "deadline", "days", "elapsed", "reached", "subitem"} <= set(
        one["reason_details"][0]
    )
    board = client.get(f"/api/ledgers/{world.ledger.pk}/dashboard", {"as_of": as_of}).json()
    briefs = board["red"] + board["yellow"]
    assert briefs
    for brief in briefs:
        assert len(brief["light"]["reasons"]) == len(brief["light"]["reason_details"])


def paged(world: World, **query: int) -> Any:
    return client_for(world, "office").get(url(world), {"as_of": AS_OF, **query})


def test_the_lists_are_paged_with_their_totals(world: World) -> None:
    whole = paged(world).json()
    assert whole["red_total"] == len(whole["red"]) == 2  # the seed's two red tasks
    first = paged(world, limit=1).json()
    second = paged(world, limit=1, offset=1).json()
    assert [t["id"] for t in first["red"] + second["red"]] == [t["id"] for t in whole["red"]]
    assert first["red_total"] == whole["red_total"]
    assert first["indicators_total"] == whole["indicators_total"]


@pytest.mark.parametrize("bad", [{"limit": 0}, {"limit": 100_000}, {"offset": -1}])
def test_a_bad_page_is_refused(world: World, bad: dict[str, int]) -> None:
    assert paged(world, **bad).status_code == 422


def test_an_uncertain_indicator_says_so_and_why_and_a_check_clears_it(world: World) -> None:
    from decimal import Decimal

    from taizhang.supervision.services import figure_check

    def heating(role: str = "office") -> dict[str, Any]:
        items = get(world, role, limit=100).json()["indicators"]
        return next(i for i in items if i["name"] == "新增供热覆盖面积")

    found = heating("leader")
    assert (found["uncertain"], found["doubt"], found["doubt_label"], found["checked"]) == (
        True,
        "approximate",
        "数字为约数",
        None,
    )
    assert (found["actual"], found["percent"], found["source"]) == (165.0, 57.9, "text")
    task = world.task(4)
    figure_check(
        task=task, name="新增供热覆盖面积", verdict="corrected", actual=Decimal(171),
        actor=world.office,
    )  # fmt: skip
    found = heating()
    assert (found["uncertain"], found["doubt"], found["doubt_label"], found["checked"]) == (
        False,
        None,
        "",
        "corrected",
    )
    assert (found["actual"], found["percent"], found["source"]) == (171.0, 60.0, "office")
    one = client_for(world, "office").get(f"/api/tasks/{task.pk}").json()
    [item] = [i for i in one["indicators"] if i["name"] == "新增供热覆盖面积"]
    assert (item["uncertain"], item["checked"], item["actual"]) == (False, "corrected", 171.0)
    [other] = [i for i in one["indicators"] if i["name"] == "改善供热质量"]
    assert (other["uncertain"], other["doubt_label"]) == (True, "数字为约数")


def check_url(world: World, number: int = 4) -> str:
    return f"/api/tasks/{world.task(number).pk}/figure-checks"


def test_the_office_checks_a_figure_through_the_api(world: World) -> None:
    client = client_for(world, "office")
    body = {"name": "新增供热覆盖面积", "verdict": "confirmed"}
    response = client.post(check_url(world), body, content_type="application/json")
    assert response.status_code == 200, response.content
    [found] = [i for i in response.json() if i["name"] == "新增供热覆盖面积"]
    assert (found["uncertain"], found["checked"], found["actual"]) == (False, "confirmed", 165.0)


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"name": "新增供热覆盖面积", "verdict": "corrected"}, 400, "请填写更正后的完成数"),
        ({"name": "没有这项", "verdict": "not_figure"}, 400, "任务的文字中已没有这项指标"),
        ({"name": "新增供热覆盖面积", "verdict": "corrected", "actual": -1}, 422, None),
        ({"name": "新增供热覆盖面积", "verdict": "maybe"}, 422, None),
    ],
)
def test_a_refused_check_through_the_api_changes_nothing(
    world: World, body: dict[str, Any], status: int, detail: str | None
) -> None:
    from taizhang.supervision.models import Figure

    client = client_for(world, "office")
    response = client.post(check_url(world), body, content_type="application/json")
    assert response.status_code == status, response.content
    if detail:
        assert detail in response.json()["detail"]
    assert not Figure.objects.exists()


def test_only_the_office_checks_a_figure_through_the_api(world: World) -> None:
    body = {"name": "新增供热覆盖面积", "verdict": "confirmed"}
    answers = [
        client_for(world, role).post(check_url(world), body, content_type="application/json")
        for role in ("leader", "water")
    ]
    assert [answer.status_code for answer in answers] == [403, 404]
