"""The task list (the ledger page's filters, pages, a fixed number of queries), one task, and
the office's edits with optimistic locking."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.ledger.models import Ledger, Person, TaskRevision, Unit
from taizhang.ledger.services import ledger_import
from taizhang.reporting.services import comment_add
from taizhang.supervision.selectors import default_as_of
from tests.api import client_for, numbers, open_cycle, send
from tests.factories import World

# What a task-list request costs, whatever the number of tasks: the session, its user, the
# user's profile, (a reporter's units,) the ledger, the count of tasks, the page of tasks,
# their leaders and their units: 8 (9 for a reporter, who loads its units), and for whoever
# does not see every task the ids of those it sees (`access.access_ledger_tasks`; a reporter's
# ledger is then read by its id); 4 for their lights and indicators, from the stored state
# (`supervision.served`: the states' check, the open rounds, the thresholds, the states of the
# tasks and their sub-items). The sub-items the user may see come from the ids, without a query.
TASK_LIST_QUERIES = {"office": 12, "viewer": 12, "leader": 13, "water": 14}


def tasks_url(ledger: Ledger) -> str:
    return f"/api/ledgers/{ledger.pk}/tasks"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "lagging"}, [8]),
        ({"status": "completed"}, [4, 5, 10, 12]),
        ({"due_to": "2021-10-31"}, [5, 9, 12]),
        ({"due_from": "2022-01-01"}, [4]),
        ({"due_from": "2021-06-01", "due_to": "2021-10-31"}, [5, 9]),
        ({"q": "北部供水"}, [3]),
        ({"q": "供水 北部"}, [3]),
        ({"q": "没有这个词"}, []),
        ({"status": "completed", "due_to": "2021-10-31"}, [5, 12]),
    ],
)
def test_task_list_filters_like_the_ledger_page(
    world: World, query: dict[str, str], expected: list[int]
) -> None:
    response = client_for(world, "office").get(tasks_url(world.ledger), query)
    assert numbers(response) == expected
    assert response.json()["count"] == len(expected)


def test_task_list_filters_by_unit_and_by_leader(world: World) -> None:
    client = client_for(world, "office")
    water = Unit.objects.get(name="水利局")
    hou = Person.objects.get(name="侯波")
    assert numbers(client.get(tasks_url(world.ledger), {"unit": water.pk})) == [3, 9]
    assert numbers(client.get(tasks_url(world.ledger), {"leader": hou.pk})) == [3, 9, 10, 11]


def test_filters_never_widen_a_roles_scope(world: World) -> None:
    client = client_for(world, "water")
    health = Unit.objects.get(name="卫健委")
    assert numbers(client.get(tasks_url(world.ledger), {"unit": health.pk})) == []
    assert numbers(client.get(tasks_url(world.ledger), {"status": "in_progress"})) == [3, 9]
    leader = client_for(world, "leader")
    assert numbers(leader.get(tasks_url(world.ledger), {"status": "completed"})) == [4, 10, 12]


def test_task_list_items_carry_what_a_list_shows(world: World) -> None:
    response = client_for(world, "office").get(tasks_url(world.ledger), {"q": "蟒河"})
    [item] = response.json()["items"]
    assert item["number"] == 9
    assert item["category"] == {"number": 6, "name": "加快蟒河生态廊道建设"}
    assert item["leaders"] == ["张宏义", "李拴根", "侯波"]
    assert [(u["name"], u["role"]) for u in item["units"]] == [
        ("住建局", "responsible"),
        ("水利局", "responsible"),
        ("教体局", "responsible"),
    ]
    assert item["deadline"] == "2021-10-31"
    assert item["status"] == "in_progress"
    assert item["status_label"] == "正在推进"
    assert item["version"] == 1


def test_task_list_pages(world: World) -> None:
    client = client_for(world, "office")
    response = client.get(tasks_url(world.ledger), {"limit": 5, "offset": 5})
    assert numbers(response) == [6, 7, 8, 9, 10]
    assert response.json()["count"] == 16
    assert numbers(client.get(tasks_url(world.ledger), {"offset": 15})) == [16]


@pytest.mark.parametrize(
    "query",
    [
        {"limit": 501},
        {"limit": 0},
        {"offset": -1},
        {"status": "done"},
        {"due_to": "十月底"},
        {"unit": "水利局"},
    ],
)
def test_task_list_refuses_bad_parameters(world: World, query: dict[str, Any]) -> None:
    response = client_for(world, "office").get(tasks_url(world.ledger), query)
    assert response.status_code == 422


def generated_ledger(size: int) -> Ledger:
    """A ledger of `size` tasks over ten categories; every other task led by 李拴根, every
    third served by 水利局, each with two leaders and two units."""
    categories = [CategoryDoc(number=c + 1, name=f"分类{c + 1}") for c in range(10)]
    for i in range(1, size + 1):
        categories[i % 10].tasks.append(
            TaskDoc(
                number=i,
                goal=f"第{i}项工作目标",
                leaders=["李拴根" if i % 2 else "侯波", f"领导{i % 5}"],
                units=[UnitRef("水利局" if i % 3 == 0 else f"单位{i % 7}"), UnitRef("财政局")],
                progress=f"第{i}项进展",
                status="in_progress",
                status_label="正在推进",
            )
        )
    doc = LedgerDoc(title=f"{size}项任务台账", year=2022, categories=categories)
    return ledger_import(doc=doc).ledger


@pytest.mark.parametrize(
    ("role", "big_count"), [("office", 300), ("viewer", 300), ("water", 100), ("leader", 150)]
)
def test_task_list_queries_do_not_grow_with_the_tasks(
    world: World, django_assert_max_num_queries: Any, role: str, big_count: int
) -> None:
    big = generated_ledger(300)
    open_cycle(world)
    client = client_for(world, role)
    client.get("/api/ledgers")  # the session is loaded once before counting
    counts = []
    for ledger, count in ((world.ledger, None), (big, big_count)):
        with django_assert_max_num_queries(TASK_LIST_QUERIES[role]) as captured:
            response = client.get(tasks_url(ledger), {"limit": 500})
        counts.append(len(captured.captured_queries))
        assert response.status_code == 200
        if count is not None:
            assert response.json()["count"] == count
            assert len(response.json()["items"]) == count
    assert counts[0] == counts[1]


def test_task_detail_queries_do_not_grow_with_reports_and_comments(
    world: World, django_assert_max_num_queries: Any
) -> None:
    cycle = open_cycle(world)
    task = world.task(3)
    client = client_for(world, "office")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/api/tasks/{task.pk}").status_code == 200
    few = len(captured)  # now: later requests clear the connection's query log
    for n in range(5):
        send(
            client_for(world, "water"),
            "POST",
            f"/api/tasks/{task.pk}/reports",
            {"progress": f"第{n}次报送", "status": "in_progress"},
        )
        comment_add(task=world.task(8), actor=world.leader, text="抓紧")
    with django_assert_max_num_queries(few):
        response = client.get(f"/api/tasks/{task.pk}")
    assert len(response.json()["reports"]) == 6
    assert cycle.water_report.pk in {r["id"] for r in response.json()["reports"]}


def test_task_detail_shows_reports_and_comments(world: World) -> None:
    cycle = open_cycle(world)
    task = world.task(1)
    comment_add(task=task, actor=world.office, text="请卫健委加快进度。")
    body = client_for(world, "health").get(f"/api/tasks/{task.pk}").json()
    [report] = body["reports"]
    assert report["id"] == cycle.health_report.pk
    assert report["unit"]["name"] == "卫健委"
    assert report["state"] == "submitted"
    assert report["state_label"] == "待审核"
    assert [c["text"] for c in body["comments"]] == ["请卫健委加快进度。"]
    assert body["milestones"]


# --- editing -----------------------------------------------------------------------------


def test_office_edits_a_task_and_the_version_moves_on(world: World) -> None:
    task = world.task(8)
    client = client_for(world, "office")
    response = send(
        client,
        "PATCH",
        f"/api/tasks/{task.pk}",
        {"version": task.version, "status": "in_progress", "remarks": "已督办"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == task.version + 1
    assert body["status"] == "in_progress"
    assert body["status_label"] == "正在推进"
    assert body["remarks"] == "已督办"
    assert body["progress"] == task.progress  # not sent, not changed
    revision = TaskRevision.objects.filter(task=task, source="edit").get()
    assert set(revision.changes) == {"status", "status_label", "remarks"}


def test_second_edit_of_the_same_version_is_a_conflict_and_keeps_the_first(
    world: World,
) -> None:
    task = world.task(3)
    office = client_for(world, "office")
    first = send(office, "PATCH", f"/api/tasks/{task.pk}", {"version": 1, "remarks": "甲"})
    second = send(office, "PATCH", f"/api/tasks/{task.pk}", {"version": 1, "remarks": "乙"})
    assert first.status_code == 200
    assert second.status_code == 409
    assert "已被他人修改" in second.json()["detail"]
    current = office.get(f"/api/tasks/{task.pk}").json()
    assert current["remarks"] == "甲"
    assert current["version"] == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"version": 1, "status": "done"}, 400),
        ({"version": 1, "number": 99}, 200),  # not an editable field: ignored by the schema
        ({"remarks": "无版本"}, 422),
        ({"version": 1, "remarks": None}, 422),
    ],
)
def test_bad_edits_are_refused(world: World, body: dict[str, Any], status: int) -> None:
    task = world.task(3)
    response = send(client_for(world, "office"), "PATCH", f"/api/tasks/{task.pk}", body)
    assert response.status_code == status
    task.refresh_from_db()
    assert task.number == 3
    assert task.version == 1


def test_tasks_carry_their_indicators_and_light_as_of_a_date(world: World) -> None:
    client = client_for(world, "office")
    items = client.get(tasks_url(world.ledger), {"as_of": "2021-11-05"}).json()["items"]
    by_number = {item["number"]: item for item in items}
    assert by_number[3]["indicators"][0] == {
        "name": "年度完成投资",
        "target": 9000.0,
        "actual": 7000.0,
        "unit": "万元",
        "percent": 77.8,
        "source": "text",
        "uncertain": False,
        "doubt": None,
        "doubt_label": "",
        "checked": None,
    }
    assert by_number[9]["light"] == {
        "colour": "red",
        "label": "红灯",
        "reasons": ["已超过完成时限（2021-10-31）5天，尚未完成"],
        "reason_details": [
            {
                "kind": "overdue",
                "deadline": "2021-10-31",
                "days": 5,
                "elapsed": None,
                "reached": None,
                "subitem": "",
            }
        ],
    }
    assert by_number[8]["light"]["reasons"] == ["推进缓慢"]
    assert by_number[4]["light"]["colour"] == "completed"
    heating = {i["name"]: i for i in by_number[4]["indicators"]}["新增供热覆盖面积"]
    assert (heating["target"], heating["actual"], heating["unit"]) == (285.0, 165.0, "万平方米")
    with time_machine.travel(datetime.datetime(2021, 11, 5, 10, tzinfo=datetime.UTC), tick=False):
        detail = client.get(f"/api/tasks/{by_number[3]['id']}").json()
    assert detail["indicators"][0]["percent"] == 77.8 and detail["light"]["colour"] == "green"
    # Without a date, a past ledger is seen at its own 截至 date (else Dec 31 of its year),
    # not today, when every open task of 2021 would be years late.
    later = client.get(f"/api/tasks/{by_number[3]['id']}").json()
    default = default_as_of(world.ledger).isoformat()
    assert default.startswith("2021-")
    tasks_then = client.get(f"/api/ledgers/{world.ledger.pk}/tasks", {"as_of": default})
    then = {t["number"]: t for t in tasks_then.json()["items"]}
    assert later["light"] == then[3]["light"]


def test_task_list_refuses_a_deadline_window_that_starts_after_it_ends(world: World) -> None:
    # As the ledger page says it: not an empty list that looks like no task is due.
    client = client_for(world, "office")
    url = tasks_url(world.ledger)
    response = client.get(url, {"due_from": "2021-12-01", "due_to": "2021-06-30"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "due_to" and error["msg"] == "开始日期晚于结束日期"
    one_day = client.get(url, {"due_from": "2021-12-31", "due_to": "2021-12-31"})
    assert one_day.status_code == 200 and one_day.json()["count"] > 0
