"""A report sent through the form (the deadline day's most frequent request) reads no more
than it needs, and what it leaves is what a slower, fuller reading would: the stored
supervision state is the one a rebuild from scratch makes, the report records the task's
progress as it stands under the lock, and the queries stay few."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Prefetch
from django.test import Client
from django.urls import reverse

from taizhang.accounts.access import serving_unit_links
from taizhang.ledger.models import Task, TaskUnit, Unit
from taizhang.reporting import services
from taizhang.reporting.models import Report, ReportState
from taizhang.supervision.models import StateUnit, TaskState
from taizhang.supervision.state import STATE_FIELDS, states_refresh
from taizhang.web.reports import TASK_WITH_UNITS
from tests.factories import World, client_for, signed_in
from tests.web.subitems import housing_reporter, split_task_3
from tests.web.test_pages import open_round
from tests.web.test_report_form import two_unit_reporter

pytestmark = pytest.mark.django_db


def stored(world: World) -> tuple[list[tuple[Any, ...]], set[tuple[int, int]]]:
    states = TaskState.objects.filter(ledger=world.ledger).order_by("task_id")
    units = StateUnit.objects.filter(state__ledger=world.ledger)
    return list(states.values_list(*STATE_FIELDS)), set(units.values_list("state_id", "unit_id"))


def rebuilt(world: World) -> tuple[list[tuple[Any, ...]], set[tuple[int, int]]]:
    """The states as a rebuild from nothing writes them."""
    TaskState.objects.filter(ledger=world.ledger).delete()
    states_refresh(ledger=world.ledger)
    return stored(world)


def send(client: Client, task: Task, unit: str | int, progress: str, figures: str = "") -> None:
    posted = {
        "progress": progress,
        "status": "in_progress",
        "unit": str(Unit.objects.get(name=unit).pk if isinstance(unit, str) else unit),
        "figures": figures,
        "action": "send",
    }
    response = client.post(reverse("web:report_submit", args=[task.pk]), posted)
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("web:task_detail", args=[task.pk])


def test_the_stored_state_after_each_report_is_the_one_a_rebuild_writes(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    open_round(world)
    water, housing = client_for(world, "water"), signed_in(housing_reporter())
    both = signed_in(two_unit_reporter(world))
    sent = [
        (water, split.first, "水利局", "管网铺设完成80%", "完成投资 3000 万元"),
        (housing, split.second, "住建局", "水厂主体完工", ""),
        (water, split.inheriting, "水利局", "已完成管网铺设", ""),
        (both, world.task(9), "住建局", "已开工", "完成投资 20 万元"),
        (water, split.first, "水利局", "管网铺设全部完成", ""),  # supersedes the first
    ]
    for client, task, unit, progress, figures in sent:
        before = stored(world)
        send(client, task, unit, progress, figures)
        after = stored(world)
        assert after == before  # a report waiting for review changes no light
        assert after == rebuilt(world)
    # Accepted, the report does change the state: still the one a rebuild writes.
    waiting = Report.objects.get(task=split.first, state=ReportState.SUBMITTED)
    services.report_accept(report=waiting, actor=world.office)
    after = stored(world)
    assert after == rebuilt(world)
    TaskState.objects.filter(ledger=world.ledger).delete()
    assert not stored(world)[0]  # the comparison is of something


def test_a_report_records_the_progress_as_it_stands_under_the_lock(world: World) -> None:
    """The task the caller loaded (with its units) may be older than the lock: its own
    fields are read again, its links kept."""
    open_round(world)
    links = Prefetch("unit_links", queryset=TaskUnit.objects.select_related("unit"))
    task = Task.objects.select_related("ledger").prefetch_related(links).get(pk=world.task(3).pk)
    Task.objects.filter(pk=task.pk).update(progress="北部供水工程已通水。", status="completed")
    report = services.report_submit(
        task=task,
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已通水，正在验收。",
        status="completed",
    )
    assert report.previous_progress == "北部供水工程已通水。"
    assert report.previous_status == "completed"
    assert "unit_links" in task._prefetched_objects_cache  # type: ignore[attr-defined]


def test_a_report_through_the_form_costs_a_fixed_few_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    """Session, user, profile; the task with its ledger, its unit links with their units,
    the reporter's units, whether the task is split, the held files; then one transaction
    (2): split check, round, task under lock, waiting reports, previous report, the insert
    in its savepoint (3), draft, audit; and when a report waited, its update and the
    attachments to carry over (2)."""
    open_round(world)
    water = client_for(world, "water")
    task, unit = world.task(3), Unit.objects.get(name="水利局").pk
    with django_assert_max_num_queries(20):  # 24 before (and 29 where a report waited)
        send(water, task, unit, "北部供水工程已开工。")
    with django_assert_max_num_queries(22):
        send(water, task, unit, "北部供水工程已开工，管网铺设过半。")


def test_the_report_forms_task_is_loaded_as_the_prefetch_loaded_it(
    world: World, django_assert_num_queries: Any
) -> None:
    """`TASK_WITH_UNITS` (queries compiled once) gives the task, its ledger and the units
    serving it (a sub-item naming none: its task's) as the ORM's prefetch did, and nothing
    more is asked of the database for them afterwards."""
    split = split_task_3(world, inheriting=True)
    housing = Unit.objects.get(name="住建局")
    TaskUnit.objects.create(task=split.first, unit=housing, role="responsible", order=1)
    assert split.inheriting is not None
    orm = Task.objects.select_related("ledger").prefetch_related(
        "unit_links__unit", "parent__unit_links__unit"
    )
    for task, queries in ((split.task, 2), (split.first, 2), (split.inheriting, 4)):
        expected = orm.get(pk=task.pk)
        with django_assert_num_queries(queries):
            (found,) = TASK_WITH_UNITS.objects(task.pk)
        with django_assert_num_queries(0):
            links = [(link.pk, link.unit.name, link.task) for link in serving_unit_links(found)]
            assert found.ledger == world.ledger
        assert links == [
            (link.pk, link.unit.name, link.task) for link in serving_unit_links(expected)
        ]
        assert [
            f.attname
            for f in Task._meta.concrete_fields
            if getattr(found, f.attname) != getattr(expected, f.attname)
        ] == []
    assert len(serving_unit_links(found)) == 1 and found.parent == split.task
    assert TASK_WITH_UNITS.objects(999_999) == []
