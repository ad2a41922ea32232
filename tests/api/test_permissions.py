"""For every endpoint and every role, what the role may and may not do. Forbidden and missing
answer alike (404); 403 only where the user may see the object anyway; 401 for no one."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from taizhang.ledger.models import Task
from taizhang.reporting.models import Comment, Report, ReportState, Round
from taizhang.reporting.services import report_submit
from tests.api import ROLES, Cycle, client_for, numbers, open_cycle, send
from tests.factories import World

ALL_TASKS = list(range(1, 17))
VISIBLE = {
    "office": ALL_TASKS,
    "water": [3, 9],
    "health": [1, 2, 16],
    "leader": [4, 8, 9, 10, 11, 12],
    "viewer": ALL_TASKS,
}
MISSING = 999_999


@pytest.fixture
def cycle(world: World) -> Cycle:
    return open_cycle(world)


def by_role(expected: dict[str, Any]) -> list[Any]:
    return [pytest.param(role, expected[role], id=role) for role in ROLES]


# --- ledgers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), by_role({**dict.fromkeys(VISIBLE, 200), "anonymous": 401})
)
def test_ledger_list_counts_only_the_tasks_each_role_sees(
    world: World, role: str, status: int
) -> None:
    response = client_for(world, role).get("/api/ledgers")
    assert response.status_code == status
    if status == 200:
        [ledger] = response.json()
        assert ledger["id"] == world.ledger.pk
        assert ledger["task_count"] == len(VISIBLE[role])


@pytest.mark.parametrize(
    ("role", "status"), by_role({**dict.fromkeys(VISIBLE, 200), "anonymous": 401})
)
def test_ledger_detail(world: World, role: str, status: int) -> None:
    client = client_for(world, role)
    response = client.get(f"/api/ledgers/{world.ledger.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["title"] == world.ledger.title
        assert client.get(f"/api/ledgers/{MISSING}").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), by_role({**dict.fromkeys(VISIBLE, 200), "anonymous": 401})
)
def test_task_list_shows_each_role_only_its_tasks(world: World, role: str, status: int) -> None:
    client = client_for(world, role)
    response = client.get(f"/api/ledgers/{world.ledger.pk}/tasks")
    assert response.status_code == status
    if status == 200:
        assert numbers(response) == VISIBLE[role]
        assert response.json()["count"] == len(VISIBLE[role])
        assert client.get(f"/api/ledgers/{MISSING}/tasks").status_code == 404


def test_user_without_a_role_sees_no_ledger(world: World) -> None:
    client = Client()
    client.force_login(User.objects.create_user("nobody", password="x"))
    assert client.get("/api/ledgers").json() == []
    assert client.get(f"/api/ledgers/{world.ledger.pk}").status_code == 404
    assert client.get(f"/api/ledgers/{world.ledger.pk}/tasks").status_code == 404
    assert client.get(f"/api/tasks/{world.task(1).pk}").status_code == 404


# --- tasks -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("number", [1, 3, 8])
def test_task_detail_only_for_a_task_the_role_sees(world: World, role: str, number: int) -> None:
    response = client_for(world, role).get(f"/api/tasks/{world.task(number).pk}")
    if role == "anonymous":
        assert response.status_code == 401
    elif number in VISIBLE[role]:
        assert response.status_code == 200
        assert response.json()["number"] == number
    else:
        assert response.status_code == 404


def test_task_detail_of_a_missing_task_is_404(world: World) -> None:
    assert client_for(world, "office").get(f"/api/tasks/{MISSING}").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    by_role(
        {"office": 200, "water": 403, "health": 404, "leader": 404, "viewer": 403, "anonymous": 401}
    ),
)
def test_only_the_office_edits_a_task(world: World, role: str, status: int) -> None:
    task = world.task(3)
    response = send(
        client_for(world, role),
        "PATCH",
        f"/api/tasks/{task.pk}",
        {"version": task.version, "remarks": "已核实"},
    )
    assert response.status_code == status
    task.refresh_from_db()
    assert (task.remarks == "已核实") is (status == 200)


@pytest.mark.parametrize(
    ("role", "number", "status"),
    [
        ("leader", 8, 201),
        ("leader", 1, 404),
        ("office", 8, 403),
        ("viewer", 8, 403),
        ("water", 9, 403),
        ("water", 8, 404),
        ("health", 8, 404),
        ("anonymous", 8, 401),
    ],
)
def test_only_a_leader_of_the_task_comments(
    world: World, role: str, number: int, status: int
) -> None:
    task = world.task(number)
    response = send(
        client_for(world, role), "POST", f"/api/tasks/{task.pk}/comments", {"text": "抓紧推进。"}
    )
    assert response.status_code == status
    assert Comment.objects.filter(task=task).exists() is (status == 201)


# --- rounds ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), by_role({**dict.fromkeys(VISIBLE, 200), "anonymous": 401})
)
def test_round_list(world: World, cycle: Cycle, role: str, status: int) -> None:
    response = client_for(world, role).get("/api/rounds", {"ledger": world.ledger.pk})
    assert response.status_code == status
    if status == 200:
        assert [r["name"] for r in response.json()] == ["2021年11月"]


@pytest.mark.parametrize(
    ("role", "status"),
    by_role(
        {"office": 201, **dict.fromkeys(("water", "health", "leader", "viewer"), 403)}
        | {"anonymous": 401}
    ),
)
def test_only_the_office_opens_a_round(world: World, role: str, status: int) -> None:
    client = client_for(world, role)
    body = {"ledger": world.ledger.pk, "name": "2021年12月", "due_date": "2021-12-25"}
    response = send(client, "POST", "/api/rounds", body)
    assert response.status_code == status
    assert Round.objects.filter(name="2021年12月").exists() is (status == 201)
    missing = send(client, "POST", "/api/rounds", {**body, "ledger": MISSING})
    assert missing.status_code == (401 if role == "anonymous" else 404)


@pytest.mark.parametrize(
    ("role", "status"),
    by_role(
        {"office": 200, **dict.fromkeys(("water", "health", "leader", "viewer"), 403)}
        | {"anonymous": 401}
    ),
)
def test_only_the_office_closes_a_round(world: World, cycle: Cycle, role: str, status: int) -> None:
    client = client_for(world, role)
    response = send(client, "POST", f"/api/rounds/{cycle.round.pk}/close")
    assert response.status_code == status
    cycle.round.refresh_from_db()
    assert (not cycle.round.is_open) is (status == 200)
    missing = send(client, "POST", f"/api/rounds/{MISSING}/close")
    assert missing.status_code == (401 if role == "anonymous" else 404)


@pytest.mark.parametrize(
    ("role", "status"),
    by_role(
        {"office": 200, **dict.fromkeys(("water", "health", "leader", "viewer"), 403)}
        | {"anonymous": 401}
    ),
)
def test_only_the_office_sees_missing_units(
    world: World, cycle: Cycle, role: str, status: int
) -> None:
    response = client_for(world, role).get(f"/api/rounds/{cycle.round.pk}/missing-units")
    assert response.status_code == status
    if status == 200:
        names = [unit["name"] for unit in response.json()]
        # Each unit has items left: 水利局 task 9, 卫健委 task 2, 住建局 all of its own.
        assert {"水利局", "卫健委", "住建局"} <= set(names)


# --- reports -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "number", "status"),
    [
        ("water", 3, 201),
        ("water", 9, 201),
        ("water", 1, 404),  # another unit's task
        ("health", 1, 201),
        ("health", 3, 404),
        ("leader", 8, 403),
        ("leader", 1, 404),
        ("office", 3, 403),
        ("viewer", 3, 403),
        ("anonymous", 3, 401),
    ],
)
def test_only_a_reporter_of_the_tasks_unit_reports(
    world: World, cycle: Cycle, role: str, number: int, status: int
) -> None:
    task = world.task(number)
    before = Report.objects.filter(task=task).count()
    response = send(
        client_for(world, role),
        "POST",
        f"/api/tasks/{task.pk}/reports",
        {"progress": "本月完成管网铺设2公里。", "status": "in_progress"},
    )
    assert response.status_code == status, response.content
    assert Report.objects.filter(task=task).count() == before + (status == 201)


EXPECTED_REPORTS = {
    "office": {"water", "health"},
    "viewer": {"water", "health"},
    "water": {"water"},
    "health": {"health"},
    "leader": set(),  # neither task 3 nor task 1 is his
}


@pytest.mark.parametrize(
    ("role", "status"), by_role({**dict.fromkeys(VISIBLE, 200), "anonymous": 401})
)
def test_report_list_shows_each_role_only_reports_it_may_see(
    world: World, cycle: Cycle, role: str, status: int
) -> None:
    response = client_for(world, role).get("/api/reports", {"state": "submitted"})
    assert response.status_code == status
    if status == 200:
        ids = {item["id"] for item in response.json()["items"]}
        expected = {getattr(cycle, f"{who}_report").pk for who in EXPECTED_REPORTS[role]}
        assert ids == expected


@pytest.mark.parametrize(
    ("role", "status"),
    by_role(
        {"office": 200, "water": 403, "health": 404, "leader": 404, "viewer": 403}
        | {"anonymous": 401}
    ),
)
@pytest.mark.parametrize("action", ["accept", "return"])
def test_only_the_office_reviews_a_report(
    world: World, cycle: Cycle, role: str, status: int, action: str
) -> None:
    report = cycle.water_report
    client = client_for(world, role)
    response = send(client, "POST", f"/api/reports/{report.pk}/{action}", {"comment": "请补充。"})
    assert response.status_code == status
    report.refresh_from_db()
    assert (report.state != ReportState.SUBMITTED) is (status == 200)
    missing = send(client, "POST", f"/api/reports/{MISSING}/{action}", {"comment": "请补充。"})
    assert missing.status_code == (401 if role == "anonymous" else 404)


def test_reviewing_is_refused_to_a_leader_who_sees_the_report(world: World) -> None:
    cycle = open_cycle(world)
    task = world.task(9)  # led by 李拴根, served by 水利局
    report = report_submit(
        task=task,
        unit=cycle.water_report.unit,
        actor=world.water,
        progress="蟒河生态廊道完成绿化。",
        status="in_progress",
    )
    client = client_for(world, "leader")
    assert client.get("/api/reports").json()["count"] == 1
    assert send(client, "POST", f"/api/reports/{report.pk}/accept").status_code == 403
    assert Task.objects.get(pk=task.pk).version == task.version
