"""Pages and commands the outside review broke: a report whose unit no longer serves its task
(refused with a message, marked in the queue), returned reports on the home page that would
link to a missing page, odd digits in ids (never a 500 or a traceback), and the redirect after
a report (never to another site)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from taizhang.ledger.models import Ledger, Task, TaskUnit, Unit
from taizhang.reporting.models import HeldFile, Report, ReportState
from taizhang.reporting.services import report_return, report_submit, round_close, round_open
from tests.conftest import SEED
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


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


def give_task_3_to_health(world: World) -> None:
    task = world.task(3)
    TaskUnit.objects.filter(task=task).delete()
    TaskUnit.objects.create(task=task, unit=Unit.objects.get(name="卫健委"), role="lead", order=0)


def flashed(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestUnitNoLongerServing:
    def test_accepting_says_why_not_and_changes_nothing(self, opened: World) -> None:
        report = water_report(opened)
        give_task_3_to_health(opened)
        progress = opened.task(3).progress
        office = client_for(opened, "office", raise_request_exception=False)

        response = office.post(f"/reports/{report.pk}/accept/", {"confirm": "1"}, follow=True)

        assert response.status_code == 200
        assert "任务 3：该单位已不再负责此任务，不能采纳；可退回" in flashed(response)
        assert opened.task(3).progress == progress
        assert Report.objects.get(pk=report.pk).state == ReportState.SUBMITTED

    def test_the_review_queue_marks_it_and_it_can_be_returned(self, opened: World) -> None:
        report = water_report(opened)
        give_task_3_to_health(opened)
        office = client_for(opened, "office")

        page = office.get("/review/").content.decode()
        assert "该单位已不再负责此任务，不能采纳；可退回" in page

        office.post(f"/reports/{report.pk}/return/", {"comment": "任务已调整"})
        assert Report.objects.get(pk=report.pk).state == ReportState.RETURNED


class TestReturnedReportsOnTheHomePage:
    def returned(self, world: World) -> Report:
        report = water_report(world)
        report_return(report=report, actor=world.office, comment="请补充数据")
        return report

    def test_a_returned_report_is_listed_with_a_link_that_opens(self, opened: World) -> None:
        report = self.returned(opened)
        water = client_for(opened, "water")

        page = water.get("/").content.decode()

        assert f'href="/tasks/{report.task_id}/"' in page
        assert water.get(f"/tasks/{report.task_id}/").status_code == 200

    def test_none_is_listed_for_a_task_the_unit_no_longer_serves(self, opened: World) -> None:
        report = self.returned(opened)
        give_task_3_to_health(opened)

        page = client_for(opened, "water").get("/").content.decode()

        assert "被退回的报送" not in page and f"/tasks/{report.task_id}/" not in page

    def test_none_is_listed_for_a_removed_task(self, opened: World) -> None:
        report = self.returned(opened)
        Task.objects.filter(pk=report.task_id).update(removed_at=timezone.now())

        page = client_for(opened, "water").get("/").content.decode()

        assert "被退回的报送" not in page


# Digits str.isdigit accepts and int() or the database do not (too large ASCII numbers are
# refused before any view by web.middleware.BadInputMiddleware).
ODD_IDS = ["²", "١" * 30, "٣" * 5000, "0", "-1"]


class TestOddDigits:
    @pytest.mark.parametrize("value", ODD_IDS)
    def test_an_odd_held_file_id_to_drop_is_ignored(self, opened: World, value: str) -> None:
        water = client_for(opened, "water", raise_request_exception=False)
        task = opened.task(3)
        upload = SimpleUploadedFile("a.png", PNG)
        form = {"action": "draft", "progress": "x", "status": "in_progress", "attachments": upload}
        water.post(f"/tasks/{task.pk}/report/", form)
        held = list(HeldFile.objects.values_list("pk", flat=True))
        assert len(held) == 1

        response = water.post(
            f"/tasks/{task.pk}/report/",
            {"action": "drop", "drop": value, "progress": "x", "status": "in_progress"},
        )

        assert response.status_code == 200
        assert list(HeldFile.objects.values_list("pk", flat=True)) == held  # nothing dropped

    def test_a_ticked_held_file_is_still_dropped(self, opened: World) -> None:
        water = client_for(opened, "water")
        task = opened.task(3)
        upload = SimpleUploadedFile("a.png", PNG)
        form = {"action": "draft", "progress": "x", "status": "in_progress", "attachments": upload}
        water.post(f"/tasks/{task.pk}/report/", form)
        held = HeldFile.objects.get()

        water.post(f"/tasks/{task.pk}/report/", {"action": "drop", "drop": str(held.pk)})

        assert not HeldFile.objects.exists()

    @pytest.mark.parametrize("value", ODD_IDS)
    def test_an_odd_round_to_export_is_not_found(self, opened: World, value: str) -> None:
        office = client_for(opened, "office", raise_request_exception=False)

        response = office.get(f"/ledgers/{opened.ledger.pk}/export/json/", {"round": value})

        assert response.status_code == 404

    def test_a_closed_rounds_export_still_works(self, opened: World) -> None:
        round_ = round_close(round_=opened.ledger.rounds.get(), actor=opened.office)
        office = client_for(opened, "office")

        response = office.get(f"/ledgers/{opened.ledger.pk}/export/json/", {"round": round_.pk})

        assert response.status_code == 200

    @pytest.mark.parametrize("value", ["²", "١", "1" * 5000, "1000"])
    def test_an_odd_table_number_to_import_is_one_line(self, world: World, value: str) -> None:
        ledgers = Ledger.objects.count()
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("import", str(SEED), f"--table={value}", stdout=out, stderr=err)

        assert exit_.value.code == 1
        assert "--table" in err.getvalue() and "应为表格的序号" in err.getvalue()
        assert len(err.getvalue().strip().splitlines()) == 1
        assert Ledger.objects.count() == ledgers


class TestRedirectAfterAReport:
    def draft(self, client: Client, world: World, target: str) -> Any:
        return client.post(
            f"/tasks/{world.task(3).pk}/report/",
            {"action": "draft", "progress": "写了一半", "status": "in_progress", "next": target},
        )

    @pytest.mark.parametrize(
        "target", ["/\\evil.example", "//evil.example", "https://evil.example/", "\\\\evil.example"]
    )
    def test_another_site_is_never_the_target(self, opened: World, target: str) -> None:
        response = self.draft(client_for(opened, "water"), opened, target)

        assert response.status_code == 302
        assert response["Location"] == f"/tasks/{opened.task(3).pk}/"

    def test_a_page_of_this_site_is(self, opened: World) -> None:
        target = f"/ledgers/{opened.ledger.pk}/mine/"

        response = self.draft(client_for(opened, "water"), opened, target)

        assert response["Location"] == target
