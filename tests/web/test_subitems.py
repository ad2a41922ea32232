"""Sub-items (3-1, （1）, ①) on every page: the ledger page, the task page, 我的任务 and its
reports, the rounds page, the round snapshot, the public page; in a fixed number of queries."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc
from taizhang.ledger.models import Task, Unit
from taizhang.reporting import services
from taizhang.reporting.models import Report, Round
from taizhang.reporting.selectors import missing_units
from taizhang.supervision.services import ledger_publish
from taizhang.web.views import keep_visible
from tests.factories import World
from tests.factories import signed_in as client_for
from tests.web.subitems import housing_reporter, split_task_3, subitem

pytestmark = pytest.mark.django_db


def ledger_page(client: Client, world: World, **query: Any) -> str:
    response = client.get(reverse("web:ledger_detail", args=[world.ledger.pk]), query)
    assert response.status_code == 200
    return str(response.content.decode())


def task_page(client: Client, task: Task) -> Any:
    return client.get(reverse("web:task_detail", args=[task.pk]))


def open_round(world: World) -> Round:
    return services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )


# --- the ledger page ------------------------------------------------------------------------


def test_sub_items_are_rows_under_their_task_numbered_as_written(world: World) -> None:
    split = split_task_3(world)
    split.second.label = ""  # no label as written: shown as 3-2
    split.second.save()
    page = ledger_page(client_for(world.office), world)
    rows = page.split('<tr class="')
    third = next(i for i, row in enumerate(rows) if "实施北部供水工程" in row)
    assert rows[third + 1].startswith("subitem") and ">3-1</a>" in rows[third + 1]
    assert rows[third + 2].startswith("subitem") and ">3-2</a>" in rows[third + 2]
    assert "深入推进“汽改水”" in "".join(rows[third + 3 :])  # task 4 comes after them
    assert "共 16 项任务，子项 2 项" in page


def test_a_filtered_in_sub_item_shows_under_its_task_as_context(world: World) -> None:
    split_task_3(world)
    housing = Unit.objects.get(name="住建局")
    page = ledger_page(client_for(world.office), world, unit=housing.pk)
    assert "玉阳湖工业供水工程：完成主体建设" in page  # 3-2 is 住建局's
    assert "北部供水工程：完成管网铺设" not in page  # 3-1 is 水利局's
    assert 'class=" context"' in page and "实施北部供水工程" in page  # task 3 as its context
    lagging = ledger_page(client_for(world.office), world, status="lagging")
    assert "玉阳湖工业供水工程" not in lagging


def test_the_ledger_page_costs_the_same_queries_with_sub_items(world: World) -> None:
    counts: dict[str, list[int]] = {"office": [], "water": []}
    clients = {role: client_for(getattr(world, role)) for role in counts}
    for split in (False, True):
        if split:
            split_task_3(world, inheriting=True)
        for role, client in clients.items():
            for query in ({}, {"q": "供水"}):
                with CaptureQueriesContext(connection) as queries:
                    ledger_page(client, world, **query)
                counts[role].append(len(queries))
    # With a split task on the page, one query more: its sub-items' states (for its light
    # and its reason's "子项3-1：…"), asked only when a row is split.
    assert counts["office"][2:] == [n + 1 for n in counts["office"][:2]], counts
    assert counts["water"][2:] == [n + 1 for n in counts["water"][:2]], counts


# --- the task page --------------------------------------------------------------------------


def test_a_task_lists_its_sub_items_with_their_lights(world: World) -> None:
    split = split_task_3(world)
    page = task_page(client_for(world.office), split.task).content.decode()
    assert 'id="subitems"' in page
    for sub in (split.first, split.second):
        assert reverse("web:task_detail", args=[sub.pk]) in page
    assert "住建局" in page and "2021-06-30" in page
    assert "本任务分为子项，进展按子项分别报送。" in page


def test_a_sub_item_names_its_task(world: World) -> None:
    split = split_task_3(world)
    page = task_page(client_for(world.office), split.first).content.decode()
    assert 'id="parent-task"' in page and "所属任务" in page
    assert reverse("web:task_detail", args=[split.task.pk]) in page
    assert "<h1>3-1 北部供水工程：完成管网铺设</h1>" in page


def test_a_sub_item_naming_no_unit_shows_its_tasks_units_and_deadline(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert split.inheriting is not None
    page = task_page(client_for(world.water), split.inheriting).content.decode()
    assert "<dd>侯波</dd>" in page and "<dd>水利局</dd>" in page
    assert "同所属任务" in page and "2021-12-31" in page


def test_month_entries_show_on_the_timeline(world: World) -> None:
    task = world.task(5)
    task.entries = [
        {"title": "3月", "text": "完成玉川路小学主体封顶。", "month": 3},
        {"title": "4月", "text": "", "month": 4},
        {"title": "本月进展", "text": "天坛路小学开工。", "month": None},
    ]
    task.save()
    page = task_page(client_for(world.office), task).content.decode()
    assert "3月：完成玉川路小学主体封顶。" in page and "2021年3月" in page
    assert "本月进展：天坛路小学开工。" in page
    assert "4月：" not in page  # an empty month is no entry


# --- who sees and reports what ----------------------------------------------------------------


def test_a_unit_sees_its_sub_item_and_its_task_not_another_units_sub_item(world: World) -> None:
    split = split_task_3(world)
    housing = client_for(housing_reporter())
    assert task_page(housing, split.first).status_code == 404
    assert task_page(housing, split.second).status_code == 200
    parent = task_page(housing, split.task)
    assert parent.status_code == 200  # as the context of 3-2
    assert [row.task for row in parent.context["subitems"]] == [split.second]
    assert not parent.context["can_report"]


def test_my_tasks_lists_sub_items_and_not_their_task(world: World) -> None:
    split = split_task_3(world)
    open_round(world)
    response = client_for(world.water).get(reverse("web:my_tasks", args=[world.ledger.pk]))
    tasks = [task for task, _ in response.context["rows"]]
    assert split.first in tasks and split.second not in tasks and split.task not in tasks
    assert 'id="task-3-1"' in response.content.decode()
    assert 'id="task-9"' in response.content.decode()


def test_a_sub_item_is_reported_on_accepted_and_shown_under_its_task(world: World) -> None:
    split = split_task_3(world)
    open_round(world)
    water = client_for(world.water)
    refused = water.post(
        reverse("web:report_submit", args=[split.task.pk]),
        {"progress": "整体推进", "status": "in_progress"},
    )
    assert refused.status_code == 404 and not Report.objects.exists()
    water.post(
        reverse("web:report_submit", args=[split.first.pk]),
        {"progress": "管网铺设已全部完成。", "status": "completed"},
    )
    report = Report.objects.get()
    assert report.task == split.first
    office = client_for(world.office)
    office.post(reverse("web:report_accept", args=[report.pk]), {"comment": "", "confirm": "1"})
    split.first.refresh_from_db()
    assert split.first.progress == "管网铺设已全部完成。" and split.first.status == "completed"
    page = task_page(office, split.task).content.decode()
    assert "管网铺设已全部完成。" in page


def test_another_units_reporter_cannot_report_on_a_sub_item(world: World) -> None:
    split = split_task_3(world)
    open_round(world)
    housing = client_for(housing_reporter())
    response = housing.post(
        reverse("web:report_submit", args=[split.first.pk]),
        {"progress": "代报", "status": "in_progress"},
    )
    assert response.status_code == 404 and not Report.objects.exists()


def test_the_service_refuses_a_report_on_a_split_task(world: World) -> None:
    split = split_task_3(world)
    open_round(world)
    with pytest.raises(
        services.ReportingError, match="任务3分为子项（3-1、3-2），请按子项分别报送"
    ):
        services.report_submit(
            task=split.task,
            unit=Unit.objects.get(name="水利局"),
            actor=world.water,
            progress="整体推进",
            status="in_progress",
        )


def test_missing_units_count_sub_items_not_a_split_task(world: World) -> None:
    split = split_task_3(world)
    # A unit only on the split task itself has nothing to report: its sub-items are others'.
    split.task.unit_links.create(unit=Unit.objects.create(name="发改委"), role="co", order=9)
    round_ = open_round(world)
    missing = [unit.name for unit in missing_units(round_)]
    assert "住建局" in missing and "水利局" in missing and "发改委" not in missing
    housing = Unit.objects.get(name="住建局")
    own = Task.objects.filter(ledger=world.ledger, unit_links__unit=housing).exclude(
        pk=split.task.pk
    )
    assert split.second in own and len(own) > 1
    for task in own:
        services.report_submit(
            task=task, unit=housing, actor=world.office, progress="主体完工", status="in_progress"
        )
        # Missing until the last of its items is reported, not after the first.
        assert ("住建局" in [u.name for u in missing_units(round_)]) == (task != list(own)[-1])


def test_a_sub_item_naming_no_unit_is_reported_by_its_tasks_units(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert split.inheriting is not None
    round_ = open_round(world)
    response = client_for(world.water).get(reverse("web:my_tasks", args=[world.ledger.pk]))
    assert split.inheriting in [task for task, _ in response.context["rows"]]
    assert task_page(client_for(housing_reporter()), split.inheriting).status_code == 404
    Task.objects.filter(pk=split.first.pk).update(removed_at=split.task.ledger.imported_at)
    Task.objects.filter(pk=split.second.pk).update(removed_at=split.task.ledger.imported_at)
    assert "水利局" in [unit.name for unit in missing_units(round_)]


# --- snapshots and the public page --------------------------------------------------------


def test_a_snapshot_keeps_only_the_sub_items_the_user_may_see() -> None:
    task = TaskDoc(number=3, goal="供水", subitems=[TaskDoc(1, "北部"), TaskDoc(2, "玉阳湖")])
    doc = LedgerDoc("台账", 2021, categories=[CategoryDoc(1, "民生", [task, TaskDoc(4, "供热")])])
    keep_visible(doc, {"3", "3/2"})
    assert [t.number for t in doc.tasks] == [3]
    assert [s.goal for s in doc.tasks[0].subitems] == ["玉阳湖"]


def test_the_public_page_shows_sub_items_under_their_task(world: World) -> None:
    split_task_3(world)
    ledger_publish(ledger=world.ledger, actor=world.office)
    page = Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).content.decode()
    first = page.index("北部供水工程：完成管网铺设")
    assert page.index("实施北部供水工程") < first < page.index("深入推进“汽改水”")
    assert '<tr class="subitem">\n<td class="num">3-1</td>' in page


def test_a_sub_item_without_a_label_reads_as_its_tasks_number_and_place(world: World) -> None:
    task = Task.objects.get(ledger=world.ledger, number=3, parent=None)
    subitem(task, 1, "只有序号的子项", label="", unit="水利局")
    page = ledger_page(client_for(world.office), world)
    assert ">3-1</a>" in page


def test_an_imported_ledgers_sub_items_show_on_the_pages_and_in_a_round_snapshot(
    world: World,
) -> None:
    from taizhang.documents.model import UnitRef
    from taizhang.ledger.services import ledger_import

    subitems = [
        TaskDoc(1, "北部供水工程", units=[UnitRef("水利局")], label="3-1", progress="开工"),
        TaskDoc(2, "玉阳湖工业供水工程", units=[UnitRef("住建局")], label="3-2"),
    ]
    task = TaskDoc(3, "实施供水工程", leaders=["侯波"], units=[UnitRef("水利局")])
    task.subitems = subitems
    doc = LedgerDoc("2021年供水台账", 2021, categories=[CategoryDoc(1, "供水", [task])])
    ledger = ledger_import(doc=doc).ledger
    stored = Task.objects.get(ledger=ledger, parent=None)
    assert [s.label for s in stored.subitems.order_by("order")] == ["3-1", "3-2"]
    office = client_for(world.office)
    page = office.get(reverse("web:ledger_detail", args=[ledger.pk])).content.decode()
    assert page.count('<tr class="subitem"') == 2 and ">3-2</a>" in page
    round_ = services.round_open(
        ledger=ledger, name="11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    assert [u.name for u in missing_units(round_)] == ["住建局", "水利局"]
    services.round_close(round_=round_, actor=world.office)
    housing = client_for(housing_reporter())
    snapshot = housing.get(reverse("web:round_snapshot", args=[round_.pk])).content.decode()
    assert "玉阳湖工业供水工程" in snapshot and "实施供水工程" in snapshot
    assert "北部供水工程" not in snapshot  # 3-1 is 水利局's
