"""The task list writes its JSON directly (api/schemas.task_page_data) rather than validating
each task through `TaskOut`: it must give exactly what the documented schema gives, key for
key and in the same order, for every kind of task a page may hold."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from taizhang.accounts import access
from taizhang.api import schemas
from taizhang.api.ledgers import shown_subitems
from taizhang.ledger.models import Task, TaskUnit, Unit
from taizhang.ledger.selectors import TaskFilters, task_list
from taizhang.supervision.selectors import default_as_of, supervise_tasks
from taizhang.supervision.services import figure_set
from tests.api import client_for, open_cycle
from tests.factories import World
from tests.web.subitems import split_task_3

pytestmark = pytest.mark.django_db


def through_the_schema(world: World, role: str, **query: Any) -> dict[str, Any]:
    """What the endpoint answered when it returned `task_view`s for ninja to validate with
    `TaskPage` (loaded as `task_list` loads them)."""
    user = getattr(world, role)
    tasks = task_list(access.visible_tasks(user), world.ledger.pk, TaskFilters(**query))
    rows = list(tasks.select_related("parent")[:100])
    found = supervise_tasks(world.ledger, rows, default_as_of(world.ledger))
    shown = shown_subitems(user, rows)
    page = {"count": tasks.count(), "items": [schemas.task_view(s, shown) for s in found]}
    data: dict[str, Any] = schemas.TaskPage.model_validate(page).model_dump(mode="json")
    return data


def a_varied_ledger(world: World) -> None:
    """Sub-items (one naming no unit), a report in an open round, an office figure, a unit
    that helps (配合), month entries, a remark and a task without a deadline."""
    open_cycle(world)  # reports on tasks 1 and 3 waiting for review
    split_task_3(world, inheriting=True)
    task = world.task(1)
    figure_set(
        task=task,
        name="新增学位",
        target=Decimal(1000),
        actual=Decimal("10.5"),
        unit="个",
        actor=world.office,
    )
    finance = Unit.objects.get_or_create(name="财政局")[0]
    TaskUnit.objects.create(task=task, unit=finance, role="co", order=9)
    Task.objects.filter(pk=task.pk).update(
        entries=[{"title": "3月", "text": "开工", "month": 3}, "不是对象"],
        remarks="备注",
        deadline=None,
    )


@time_machine.travel(datetime.datetime(2021, 11, 5, 10, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(
    ("role", "query"), [("office", {}), ("water", {}), ("office", {"q": "供水"})]
)
def test_the_task_list_gives_what_its_schema_gives(
    world: World, role: str, query: dict[str, str]
) -> None:
    a_varied_ledger(world)

    response = client_for(world, role).get(f"/api/ledgers/{world.ledger.pk}/tasks", query)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    expected = through_the_schema(world, role, **query)
    answer = response.json()
    assert answer == expected
    # Key for key in the same order, Chinese as is.
    assert response.content.decode() == json.dumps(expected, ensure_ascii=False)
    items = {item["label"]: item for item in answer["items"]}
    if role == "office" and not query:
        assert items["1"]["units"][-1] == {"id": items["1"]["units"][-1]["id"], "name": "财政局",
                                           "role": "co"}  # fmt: skip
        assert items["1"]["entries"] == [{"title": "3月", "text": "开工", "month": 3}]
        assert {i["source"] for i in items["1"]["indicators"]} >= {"office"}
        assert [s["label"] for s in items["3"]["subitems"]] == ["3-1", "3-2", "（3）"]
        assert any(item["light"]["reason_details"] for item in answer["items"])


def test_an_empty_page_is_still_a_page(world: World) -> None:
    response = client_for(world, "office").get(
        f"/api/ledgers/{world.ledger.pk}/tasks", {"q": "没有这个词"}
    )
    assert response.json() == {"count": 0, "items": []}
    assert response.json() == through_the_schema(world, "office", q="没有这个词")
