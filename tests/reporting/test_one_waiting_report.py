"""One waiting report per round, task and unit: a newer report supersedes the older one under a
lock, and a superseded report can never be accepted (it would turn the progress back). On
SQLite the threads take turns; the lead runs the same test on PostgreSQL, where they race."""

from __future__ import annotations

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext

import pytest
from django.db import OperationalError, connections

from taizhang.ledger.models import Unit
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Report, ReportState
from taizhang.reporting.services import report_accept, report_submit, round_open
from tests.factories import World

SUBMITTERS = 50


def submit_all_at_once(world: World, count: int) -> list[str]:
    """`count` submissions by 水利局 on task 3, released together, each thread on its own
    connection. SQLite allows one writer: there a lock makes the threads take turns."""
    task, unit = world.task(3), Unit.objects.get(name="水利局")
    barrier = threading.Barrier(count)
    sqlite = connections["default"].vendor == "sqlite"
    turns = threading.Lock()

    def run(i: int) -> str:
        try:
            barrier.wait(timeout=30)
            with turns if sqlite else nullcontext():
                report_submit(
                    task=task, unit=unit, actor=world.water, progress=f"第{i}稿。", status="lagging"
                )
            return "ok"
        except (ReportingError, OperationalError) as error:
            return str(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


@pytest.mark.django_db(transaction=True)
def test_fifty_submissions_at_once_leave_exactly_one_waiting_report(world: World) -> None:
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )

    outcomes = submit_all_at_once(world, SUBMITTERS)

    assert outcomes == ["ok"] * SUBMITTERS
    reports = Report.objects.filter(task=world.task(3))
    assert reports.count() == SUBMITTERS
    [waiting] = reports.filter(state=ReportState.SUBMITTED)
    assert waiting == reports.order_by("-submitted_at", "-pk").first()
    for old in reports.exclude(pk=waiting.pk)[:5]:
        with pytest.raises(ReportingError, match="该报送已被本单位的新报送取代，不能采纳"):
            report_accept(report=old, actor=world.office)
    report_accept(report=waiting, actor=world.office)
    assert world.task(3).progress == waiting.progress


def test_accepting_a_superseded_report_is_refused_and_keeps_the_newer_one(world: World) -> None:
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    task, unit = world.task(3), Unit.objects.get(name="水利局")
    older = report_submit(
        task=task, unit=unit, actor=world.water, progress="旧稿。", status="lagging"
    )
    newer = report_submit(
        task=task, unit=unit, actor=world.water, progress="新稿。", status="completed"
    )
    report_accept(report=newer, actor=world.office)

    with pytest.raises(ReportingError, match="该报送已被本单位的新报送取代"):
        report_accept(report=older, actor=world.office)

    assert world.task(3).progress == "新稿。"
    older.refresh_from_db()
    assert older.state == ReportState.SUPERSEDED
