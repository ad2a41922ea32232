"""Held files (files chosen in a report form, not sent yet) and `taizhang cleanup`: a file
being sent is never deleted, a draft keeps its files, held files count in the unit's quota,
only the owner sends them, and the command refuses odd --days in one line."""

from __future__ import annotations

import datetime
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Unit
from taizhang.reporting import drafts, uploads
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Attachment, HeldFile, Report
from taizhang.reporting.services import report_submit, round_open
from tests.factories import World

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
EIGHT_DAYS = datetime.timedelta(days=8)


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
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


def water() -> Unit:
    return Unit.objects.get(name="水利局")


def hold(world: World, name: str = "现场.png", size: int = 108) -> HeldFile:
    upload = SimpleUploadedFile(name, PNG[:8] + b"\0" * (size - 8))
    return drafts.file_hold(task=world.task(3), unit=water(), owner=world.water, upload=upload)


def age_files(media: Path, days: int) -> None:
    past = time.time() - days * 86400
    for path in media.rglob("*.png"):
        os.utime(path, (past, past))


def send(world: World, actor: Any = None, held: list[HeldFile] | None = None) -> Report:
    return report_submit(
        task=world.task(3),
        unit=water(),
        actor=actor or world.water,
        progress="北部供水工程已开工。",
        status="in_progress",
        held_files=held
        if held is not None
        else drafts.held_files_of(world.task(3), water().pk, world.water),
    )


class TestCleanupWhileSending:
    def test_a_held_file_sent_while_cleanup_runs_keeps_its_file(
        self, opened: World, media: Path, monkeypatch: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        with time_machine.travel(timezone.now() - EIGHT_DAYS):
            hold(opened)
        age_files(media, 8)
        listing = uploads.stored_names

        def sent_meanwhile(*args: Any) -> list[str]:
            send(opened)  # between cleanup's read of the expired rows and its delete
            return listing(*args)

        monkeypatch.setattr(uploads, "stored_names", sent_meanwhile)
        with django_capture_on_commit_callbacks(execute=True):
            result = uploads.files_cleanup(days=7)

        attachment = Attachment.objects.get()
        assert default_storage.exists(attachment.file.name)
        assert result.expired_held == [] and result.orphans == []

    def test_a_file_a_row_points_to_by_the_time_of_deleting_is_kept(
        self, opened: World, media: Path, monkeypatch: Any, django_capture_on_commit_callbacks: Any
    ) -> None:
        orphan = media / "reports" / "2021" / "11" / "无主.png"
        orphan.parent.mkdir(parents=True)
        orphan.write_bytes(PNG)
        age_files(media, 2)
        report = send(opened, held=[])
        listing = uploads.stored_names

        def attached_meanwhile(*args: Any) -> list[str]:
            names = listing(*args)  # read before the row below was there
            Attachment.objects.create(
                report=report, file="reports/2021/11/无主.png", name="a", content_type="x", size=1
            )
            return names

        monkeypatch.setattr(uploads, "stored_names", attached_meanwhile)
        with django_capture_on_commit_callbacks(execute=True):
            uploads.files_cleanup(days=7)

        assert orphan.exists()


class TestDraftsKeepTheirFiles:
    def test_cleanup_keeps_old_held_files_while_the_draft_is_there(
        self, world: World, media: Path, django_capture_on_commit_callbacks: Any
    ) -> None:
        with time_machine.travel(timezone.now() - EIGHT_DAYS):
            drafts.draft_save(
                task=world.task(3),
                unit=water(),
                actor=world.water,
                progress="写了一半",
                status="",
                figures_text="",
            )
            kept = hold(world)
        age_files(media, 8)

        with django_capture_on_commit_callbacks(execute=True):
            result = uploads.files_cleanup(days=7)

        assert result.expired_held == [] and HeldFile.objects.filter(pk=kept.pk).exists()
        assert (media / kept.file.name).exists()

    def test_saving_the_draft_again_starts_its_files_time_afresh(self, world: World) -> None:
        with time_machine.travel(timezone.now() - EIGHT_DAYS):
            kept = hold(world)
        before = timezone.now()

        drafts.draft_save(
            task=world.task(3),
            unit=water(),
            actor=world.water,
            progress="又写了一些",
            status="",
            figures_text="",
        )

        assert HeldFile.objects.get(pk=kept.pk).created_at >= before

    def test_without_a_draft_old_held_files_still_expire(
        self, world: World, media: Path, django_capture_on_commit_callbacks: Any
    ) -> None:
        with time_machine.travel(timezone.now() - EIGHT_DAYS):
            old = hold(world)
        age_files(media, 8)

        with django_capture_on_commit_callbacks(execute=True):
            result = uploads.files_cleanup(days=7)

        assert result.expired_held == [old.file.name]
        assert not HeldFile.objects.exists() and not (media / old.file.name).exists()


class TestUnitQuota:
    def test_held_files_count_in_the_units_quota(self, world: World, settings: Any) -> None:
        settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT = 300
        hold(world, "1.png")
        hold(world, "2.png")

        with pytest.raises(ReportingError, match=r"附件 3\.png 未保存：水利局 的附件已占用"):
            hold(world, "3.png")

        assert HeldFile.objects.count() == 2

    def test_sending_held_files_does_not_count_them_twice(
        self, opened: World, settings: Any
    ) -> None:
        settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT = 300
        hold(opened, "1.png")
        hold(opened, "2.png")

        report = send(opened)

        assert report.attachments.count() == 2 and not HeldFile.objects.exists()


class TestOwner:
    def test_another_reporters_held_file_is_refused_and_nothing_is_sent(
        self, opened: World
    ) -> None:
        colleague = account_create(
            username="slj2", password="x", role=Role.REPORTER, units=[water()]
        )
        theirs = hold(opened)

        with pytest.raises(ReportingError, match="他人上传的文件"):
            send(opened, actor=colleague, held=[theirs])

        assert not Report.objects.exists() and HeldFile.objects.filter(pk=theirs.pk).exists()


def run_cleanup(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("cleanup", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return out.getvalue(), err.getvalue(), int(exit_.code or 0)
    return out.getvalue(), err.getvalue(), 0


@pytest.mark.parametrize("days", ["1000000", "0", "-1"])
def test_cleanup_refuses_days_out_of_range_in_one_line(world: World, days: str) -> None:
    with time_machine.travel(timezone.now() - EIGHT_DAYS):
        kept = hold(world)

    _out, err, code = run_cleanup("--days", days)

    assert code == 2 and "天数应为 1 到 3650 之间的整数" in err and len(err.splitlines()) == 1
    assert HeldFile.objects.filter(pk=kept.pk).exists()
