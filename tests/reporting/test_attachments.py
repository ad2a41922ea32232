"""Attachments: quotas per report and per unit, held files becoming attachments, a superseded
report's files carried over to the newer one, the sent draft dropped, and `taizhang cleanup`."""

from __future__ import annotations

import datetime
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from taizhang.ledger.models import Unit
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Attachment, HeldFile, Report, ReportDraft
from taizhang.reporting.services import attachment_add, report_submit, round_open
from tests.factories import World

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    settings.TAIZHANG_MAX_ATTACHMENTS_PER_REPORT = 3
    settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT = 1000
    settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT = 10_000
    return tmp_path


@pytest.fixture
def opened(world: World) -> World:
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    return world


def png(name: str = "现场.png", size: int = 108) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG[:8] + b"\0" * (size - 8), content_type="image/png")


def submit(world: World, files: list[Any] | None = None, **kwargs: Any) -> Report:
    return report_submit(
        task=world.task(3),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已开工。",
        status="in_progress",
        files=files,
        **kwargs,
    )


def held(world: World, name: str = "暂存.png", number: int = 3) -> HeldFile:
    return HeldFile.objects.create(
        task=world.task(number),
        unit=Unit.objects.get(name="水利局"),
        owner=world.water,
        file=png(name),
        name=name,
        content_type="image/png",
        size=108,
        created_at=timezone.now(),
    )


class TestQuotas:
    def test_more_files_than_a_report_may_have_are_refused_and_nothing_is_sent(
        self, opened: World
    ) -> None:
        with pytest.raises(ReportingError, match="每份报送最多 3 个附件"):
            submit(opened, [png(f"{i}.png") for i in range(4)])

        assert not Report.objects.exists()
        assert not Attachment.objects.exists()

    def test_files_larger_together_than_a_report_may_carry_are_refused(
        self, opened: World, settings: Any
    ) -> None:
        settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT = 2 * 2**20
        settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT = 2**30
        with pytest.raises(ReportingError, match=r"每份报送的附件合计不能超过 2\.0"):
            submit(opened, [png("a.png", 2**20), png("b.png", 2**20 + 1)])

    def test_adding_to_a_full_report_is_refused(self, opened: World) -> None:
        report = submit(opened, [png("1.png"), png("2.png"), png("3.png")])

        with pytest.raises(ReportingError, match="每份报送最多 3 个附件"):
            attachment_add(report=report, actor=opened.water, upload=png("4.png"))
        assert report.attachments.count() == 3

    def test_a_unit_over_its_quota_is_told_how_much_it_uses(
        self, opened: World, settings: Any
    ) -> None:
        settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT = 300
        report = submit(opened, [png("1.png"), png("2.png")])

        with pytest.raises(ReportingError, match="水利局 的附件已占用"):
            attachment_add(report=report, actor=opened.water, upload=png("3.png"))


class TestHeldFilesAndDrafts:
    def test_held_files_become_the_reports_attachments_without_a_copy(self, opened: World) -> None:
        kept = held(opened)
        stored = kept.file.name

        report = submit(opened, [png("新.png")], held_files=[kept])

        assert sorted(a.name for a in report.attachments.all()) == ["新.png", "暂存.png"]
        assert report.attachments.get(name="暂存.png").file.name == stored
        assert not HeldFile.objects.exists()

    def test_held_files_count_in_the_quota(self, opened: World) -> None:
        kept = [held(opened, f"{i}.png") for i in range(2)]

        with pytest.raises(ReportingError, match="每份报送最多 3 个附件"):
            submit(opened, [png("a.png"), png("b.png")], held_files=kept)
        assert HeldFile.objects.count() == 2

    def test_a_held_file_of_another_task_is_refused(self, opened: World) -> None:
        with pytest.raises(ReportingError, match="待报送附件已失效或不属于这项报送"):
            submit(opened, held_files=[held(opened, number=9)])
        assert not Report.objects.exists()

    def test_sending_drops_the_units_draft_of_the_task(self, opened: World) -> None:
        unit = Unit.objects.get(name="水利局")
        for number in (3, 9):
            ReportDraft.objects.create(
                task=opened.task(number), unit=unit, progress="写了一半", updated_at=timezone.now()
            )

        submit(opened)

        assert list(ReportDraft.objects.values_list("task__number", flat=True)) == [9]


class TestSupersededReportsFiles:
    def test_a_newer_report_takes_over_the_older_ones_files(self, opened: World) -> None:
        older = submit(opened, [png("旧1.png"), png("旧2.png")])

        newer = submit(opened, [png("新.png")])

        assert sorted(a.name for a in newer.attachments.all()) == ["新.png", "旧1.png", "旧2.png"]
        assert not older.attachments.exists()

    def test_files_beyond_the_quota_stay_with_the_superseded_report(self, opened: World) -> None:
        older = submit(opened, [png("旧1.png"), png("旧2.png")])

        newer = submit(opened, [png("新1.png"), png("新2.png")])

        assert sorted(a.name for a in newer.attachments.all()) == ["新1.png", "新2.png", "旧1.png"]
        assert [a.name for a in older.attachments.all()] == ["旧2.png"]


class TestCleanup:
    def age(self, path: Path, days: int) -> None:
        past = time.time() - days * 86400
        os.utime(path, (past, past))

    def test_expired_held_files_and_orphans_are_removed_and_printed(
        self, opened: World, media: Path, django_capture_on_commit_callbacks: Any
    ) -> None:
        with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
            old = held(opened, "旧.png")
        fresh = held(opened, "新.png")
        attached = submit(opened, [png("附件.png")]).attachments.get()
        orphan = media / "reports" / "2021" / "11" / "无主.png"
        orphan.parent.mkdir(parents=True, exist_ok=True)
        orphan.write_bytes(PNG)
        for path in media.rglob("*.png"):
            self.age(path, 2)
        out = io.StringIO()

        with django_capture_on_commit_callbacks(execute=True):
            call_command("cleanup", stdout=out)

        printed = out.getvalue()
        assert old.file.name in printed and "reports/2021/11/无主.png" in printed
        assert "共 2 个文件" in printed
        assert not (media / old.file.name).exists() and not orphan.exists()
        assert (media / fresh.file.name).exists() and (media / attached.file.name).exists()
        assert list(HeldFile.objects.all()) == [fresh]

    def test_a_dry_run_only_lists(self, opened: World, media: Path) -> None:
        with time_machine.travel(timezone.now() - datetime.timedelta(days=3)):
            old = held(opened, "旧.png")
        self.age(media / old.file.name, 3)
        out = io.StringIO()

        call_command("cleanup", "--days", "2", "--dry-run", stdout=out)

        assert f"将删除 过期的待报送附件 {old.file.name}" in out.getvalue()
        assert (media / old.file.name).exists()
        assert HeldFile.objects.filter(pk=old.pk).exists()

    def test_a_file_being_uploaded_now_is_no_orphan(
        self, opened: World, media: Path, django_capture_on_commit_callbacks: Any
    ) -> None:
        fresh = media / "held" / "2021" / "11" / "刚上传.png"
        fresh.parent.mkdir(parents=True)
        fresh.write_bytes(PNG)

        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("cleanup", stdout=out)

        assert fresh.exists()
        assert "共 0 个文件" in out.getvalue()
