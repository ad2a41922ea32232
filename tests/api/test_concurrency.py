"""Many people at once, on PostgreSQL (SQLite serialises writers, so there is nothing to
race): fifty reporters submitting together lose no report; two editors of the same version
of a task, or two reviewers of the same report, get exactly one change through."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.conf import settings as django_settings
from django.db import connections
from django.test import Client

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create, token_create
from taizhang.ledger.errors import ConflictError
from taizhang.ledger.models import Task, TaskRevision, Unit
from taizhang.ledger.services import task_update
from taizhang.reporting.models import Report, ReportState
from taizhang.reporting.services import (
    ReportingError,
    report_accept,
    report_submit,
    round_open,
)
from tests.api import send
from tests.factories import World

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: SQLite serialises writers, so nothing runs concurrently",
    ),
    pytest.mark.django_db(transaction=True),
]

REPORTERS = 50
T = TypeVar("T")


def all_at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(0)` … `work(count - 1)` in as many threads, released together; each thread
    uses its own database connection and closes it when done."""
    barrier = threading.Barrier(count)

    def run(i: int) -> T:
        try:
            barrier.wait(timeout=30)
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def open_round(world: World) -> None:
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_fifty_reporters_at_once_lose_no_report(world: World, fast_passwords: None) -> None:
    open_round(world)
    units = list(Unit.objects.filter(task_links__task__ledger=world.ledger).distinct())
    first_task = {
        unit.pk: Task.objects.filter(ledger=world.ledger, unit_links__unit=unit).first()
        for unit in units
    }
    jobs = []
    for i in range(REPORTERS):
        unit = units[i % len(units)]
        user = account_create(
            username=f"reporter{i}", password="x", role=Role.REPORTER, units=[unit]
        )
        task = first_task[unit.pk]
        assert task is not None
        jobs.append((token_create(user=user), task.pk))

    def submit(i: int) -> int:
        token, task_id = jobs[i]
        response = send(
            Client(),
            "POST",
            f"/api/tasks/{task_id}/reports",
            {"progress": f"第{i}位填报人的进展。", "status": "in_progress"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return int(response.status_code)

    statuses = all_at_once(REPORTERS, submit)

    assert statuses == [201] * REPORTERS
    assert Report.objects.count() == REPORTERS
    progress = set(Report.objects.values_list("progress", flat=True))
    assert progress == {f"第{i}位填报人的进展。" for i in range(REPORTERS)}


def test_two_edits_of_the_same_version_let_exactly_one_through(world: World) -> None:
    task = world.task(3)

    def edit(i: int) -> str:
        try:
            task_update(task=task, version=1, actor=world.office, values={"remarks": f"编辑{i}"})
        except ConflictError:
            return "conflict"
        return f"编辑{i}"

    outcomes = all_at_once(2, edit)

    assert outcomes.count("conflict") == 1
    [winner] = [o for o in outcomes if o != "conflict"]
    task.refresh_from_db()
    assert task.remarks == winner
    assert task.version == 2
    assert TaskRevision.objects.filter(task=task, source=TaskRevision.Source.EDIT).count() == 1


def test_two_edits_through_the_api_get_one_200_and_one_409(world: World) -> None:
    task = world.task(8)
    token = token_create(user=world.office)

    def edit(i: int) -> int:
        response = send(
            Client(),
            "PATCH",
            f"/api/tasks/{task.pk}",
            {"version": 1, "progress": f"第{i}稿"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return int(response.status_code)

    assert sorted(all_at_once(2, edit)) == [200, 409]
    task.refresh_from_db()
    assert task.version == 2
    assert TaskRevision.objects.filter(task=task, source=TaskRevision.Source.EDIT).count() == 1


def test_two_reviewers_accepting_one_report_change_the_task_once(world: World) -> None:
    open_round(world)
    task = world.task(3)
    report = report_submit(
        task=task,
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已开工。",
        status="completed",
    )
    token = token_create(user=world.office)

    def accept(i: int) -> int:
        response = send(
            Client(),
            "POST",
            f"/api/reports/{report.pk}/accept",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return int(response.status_code)

    assert sorted(all_at_once(2, accept)) == [200, 400]
    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    task.refresh_from_db()
    assert task.version == 2
    assert task.progress == "北部供水工程已开工。"
    assert TaskRevision.objects.filter(task=task, source=TaskRevision.Source.REPORT).count() == 1


def test_reporting_error_is_what_the_loser_of_a_review_race_sees(world: World) -> None:
    """The service itself, without the API: the second accept raises ReportingError."""
    open_round(world)
    report = report_submit(
        task=world.task(1),
        unit=Unit.objects.get(name="卫健委"),
        actor=world.health,
        progress="妇女儿童医院已启用。",
        status="completed",
    )

    def accept(i: int) -> str:
        try:
            report_accept(report=report, actor=world.office)
        except ReportingError as error:
            return str(error)
        return "ok"

    assert sorted(all_at_once(2, accept)) == ["ok", "该报送已审核过"]
