"""Reports a later edition of the ledger left behind: on a task it removed, or of a unit that
no longer serves the task. They cannot be accepted (a clear refusal, nothing changes), they
can still be returned, and they stay out of the lists that would link to a missing page."""

from __future__ import annotations

import datetime

import pytest

from taizhang.documents.model import LedgerDoc, UnitRef
from taizhang.documents.read_text import read_text
from taizhang.ledger.models import Task, Unit
from taizhang.ledger.services import ledger_import
from taizhang.reporting import drafts
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Report, ReportState
from taizhang.reporting.selectors import review_queue
from taizhang.reporting.services import report_accept, report_return, report_submit, round_open
from tests.conftest import SEED
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(world: World) -> World:
    round_open(
        ledger=world.ledger,
        name="2021年5月",
        due_date=datetime.date(2021, 5, 31),
        actor=world.office,
    )
    return world


def water_report(world: World) -> Report:
    return report_submit(
        task=world.task(3),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程管网铺设完成一半。",
        status="in_progress",
    )


def seed() -> LedgerDoc:
    return read_text(SEED.read_bytes(), name=SEED.name)


def import_task_3_given_to_housing() -> None:
    later = seed()
    later.tasks[2].units = [UnitRef(name="住建局")]
    ledger_import(doc=later)


def import_without_task_3() -> None:
    later = seed()
    for category in later.categories:
        category.tasks = [task for task in category.tasks if task.number != 3]
    ledger_import(doc=later)


def test_a_report_of_a_unit_that_no_longer_serves_the_task_is_refused_and_changes_nothing(
    opened: World,
) -> None:
    report = water_report(opened)
    import_task_3_given_to_housing()
    before = opened.task(3)

    with pytest.raises(ReportingError, match="该单位已不再负责此任务，不能采纳；可退回"):
        report_accept(report=report, actor=opened.office)

    after = opened.task(3)
    assert (after.progress, after.version) == (before.progress, before.version)
    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_such_a_report_can_still_be_returned(opened: World) -> None:
    report = water_report(opened)
    import_task_3_given_to_housing()

    report_return(report=report, actor=opened.office, comment="任务已调整给住建局")

    assert Report.objects.get(pk=report.pk).state == ReportState.RETURNED


def test_a_report_on_a_task_a_later_edition_removed_is_refused(opened: World) -> None:
    report = water_report(opened)
    import_without_task_3()
    assert Task.objects.get(pk=report.task_id).removed_at is not None

    with pytest.raises(ReportingError, match="该任务已在新版台账中移除，不能采纳"):
        report_accept(report=report, actor=opened.office)

    assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED


def test_the_review_queue_leaves_out_reports_on_removed_tasks(opened: World) -> None:
    report = water_report(opened)
    assert list(review_queue()) == [report]

    import_without_task_3()

    assert list(review_queue()) == []


def test_returned_reports_to_redo_leave_out_removed_tasks_and_units_no_longer_serving(
    opened: World,
) -> None:
    water = Unit.objects.get(name="水利局")
    report = water_report(opened)
    report_return(report=report, actor=opened.office, comment="请补充")
    assert drafts.reports_to_redo([water.pk]) == [report]

    import_task_3_given_to_housing()
    assert drafts.reports_to_redo([water.pk]) == []

    ledger_import(doc=seed())  # task 3 is 水利局's again
    assert drafts.reports_to_redo([water.pk]) == [report]
    import_without_task_3()
    assert drafts.reports_to_redo([water.pk]) == []
