"""Background exports (reporting.exports): a job is created and queued once its transaction
commits, run by the worker into the media storage with its progress, fails with a message,
and is removed with its file when old."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from taizhang.documents.writers import export_files
from taizhang.ledger.models import AuditEvent, Task
from taizhang.ledger.selectors import ledger_document
from taizhang.reporting import exports, services
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.exports import (
    export_job_create,
    export_job_run,
    export_job_status,
    export_jobs_cleanup,
    export_size,
)
from taizhang.reporting.models import ExportJob, Round
from tests.factories import World
from tests.jobs.exported import is_export_of

pytestmark = pytest.mark.django_db


def queued(world: World, fmt: str = "docx", round_: Round | None = None) -> ExportJob:
    return export_job_create(
        actor=world.office, ledger=world.ledger, fmt=fmt, round_=round_, enqueue=lambda _: None
    )


def closed_round(world: World) -> Round:
    round_ = services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    return services.round_close(round_=round_, actor=world.office)


def test_a_job_is_queued_once_its_transaction_commits(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    asked: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_create(
            actor=world.office, ledger=world.ledger, fmt="xlsx", enqueue=asked.append
        )
        assert asked == []
    assert asked == [job.pk]
    assert (job.state, job.progress, job.created_by, job.format) == (
        "queued",
        0,
        world.office,
        "xlsx",
    )
    assert AuditEvent.objects.filter(action="export.queue", ledger=world.ledger).exists()


def test_asking_again_while_queued_gives_the_same_job(world: World) -> None:
    first = queued(world)
    assert queued(world) == first
    assert queued(world, fmt="xlsx") != first
    ExportJob.objects.filter(pk=first.pk).update(state="done")
    assert queued(world) != first
    old = queued(world, fmt="csv")
    ExportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert queued(world, fmt="csv") != old  # stuck long ago: a new one


@pytest.mark.parametrize(
    ("fmt", "message"), [("odt", "不支持导出为 odt 格式"), ("docx", "只能导出本台账已关闭的轮次")]
)
def test_a_bad_format_or_an_open_round_is_refused_and_nothing_is_created(
    world: World, fmt: str, message: str
) -> None:
    open_round = services.round_open(
        ledger=world.ledger,
        name="2021年12月",
        due_date=datetime.date(2021, 12, 25),
        actor=world.office,
    )
    with pytest.raises(ReportingError, match=message):
        queued(world, fmt=fmt, round_=open_round if fmt == "docx" else None)
    assert not ExportJob.objects.exists()


def test_a_job_runs_into_a_file_of_the_ledger(world: World) -> None:
    job = queued(world, fmt="xlsx")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert job.filename == f"{world.ledger.title}.xlsx"
    assert job.file.name.startswith("exports/") and job.finished_at is not None
    with job.file.open("rb") as stored:
        data = stored.read()
    assert is_export_of(data, world.ledger, "xlsx")
    assert AuditEvent.objects.filter(action="export.done").exists()


def test_a_csv_job_is_streamed_into_the_same_bytes(world: World) -> None:
    job = queued(world, fmt="csv")
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        assert is_export_of(stored.read(), world.ledger, "csv")


def test_a_round_job_exports_the_snapshot(world: World) -> None:
    round_ = closed_round(world)
    Task.objects.filter(ledger=world.ledger).update(goal="后来改过的目标")
    job = queued(world, fmt="json", round_=round_)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    with job.file.open("rb") as stored:
        text = stored.read().decode()
    assert "后来改过的目标" not in text
    assert job.filename == f"{world.ledger.title}.json"  # as the download at once names it
    assert export_size(world.ledger, round_) == export_size(world.ledger) == 16


def test_a_job_not_queued_is_left_alone(world: World) -> None:
    job = queued(world)
    ExportJob.objects.filter(pk=job.pk).update(state="running", progress=50)
    export_job_run(job_id=job.pk)  # delivered twice by the queue
    export_job_run(job_id=job.pk + 1000)  # gone
    job.refresh_from_db()
    assert (job.state, job.progress, job.file.name) == ("running", 50, "")


def test_progress_is_recorded_at_each_step(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    job = queued(world)
    seen: list[tuple[str, int]] = []
    real_document, real_files = ledger_document, export_files

    def document(ledger: Any) -> Any:
        seen.append(ExportJob.objects.values_list("state", "progress").get(pk=job.pk))
        return real_document(ledger)

    def files(doc: Any, fmt: str, **options: Any) -> Any:
        seen.append(ExportJob.objects.values_list("state", "progress").get(pk=job.pk))
        return real_files(doc, fmt, **options)

    monkeypatch.setattr(exports, "ledger_document", document)
    monkeypatch.setattr(exports, "export_files", files)
    export_job_run(job_id=job.pk)
    assert seen == [("running", 10), ("running", 50)]


def test_an_unexpected_failure_is_recorded_with_a_message_and_logged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(ledger: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(exports, "ledger_document", broken)
    job = queued(world)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", str(exports.FAILED_MESSAGE))
    assert "disk on fire" not in job.error and "disk on fire" in caplog.text
    assert job.finished_at is not None and not job.file
    status = export_job_status(job)
    assert (status.label, status.error) == ("导出失败", job.error)


def test_a_refusal_is_recorded_with_its_own_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_ = closed_round(world)
    job = queued(world, round_=round_)
    Round.objects.filter(pk=round_.pk).update(snapshot=None)
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "该轮次尚未关闭，没有可导出的快照")


def test_a_job_waiting_long_says_so(world: World) -> None:
    job = queued(world)
    assert not export_job_status(job).waiting_long
    job.created_at = timezone.now() - datetime.timedelta(minutes=5)
    assert export_job_status(job).waiting_long
    job.state = ExportJob.State.RUNNING
    assert not export_job_status(job).waiting_long


def test_cleanup_removes_old_jobs_their_files_and_files_of_no_job(
    world: World,
    django_capture_on_commit_callbacks: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path  # only this test's files
    old, recent = queued(world, fmt="csv"), queued(world, fmt="json")
    for job in (old, recent):
        export_job_run(job_id=job.pk)
        job.refresh_from_db()
    ExportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(8))
    stray = default_storage.save("exports/2020/01/stray.docx", ContentFile(b"x"))
    # Every file is past the grace an upload in progress is given.
    monkeypatch.setattr("taizhang.reporting.uploads.ORPHAN_GRACE", datetime.timedelta(0))

    listed = export_jobs_cleanup(days=7, dry_run=True)
    assert (listed.jobs, listed.files) == (1, sorted([old.file.name, stray]))
    assert default_storage.exists(old.file.name) and ExportJob.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        done = export_jobs_cleanup(days=7)
    assert done == listed
    assert list(ExportJob.objects.all()) == [recent]
    assert not default_storage.exists(old.file.name) and not default_storage.exists(stray)
    assert default_storage.exists(recent.file.name)
    assert AuditEvent.objects.filter(action="export.cleanup").exists()


def test_the_cleanup_command_lists_export_files(world: World) -> None:
    out = io.StringIO()
    job = queued(world, fmt="csv")
    export_job_run(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(30))
    job.refresh_from_db()
    call_command("cleanup", "--dry-run", stdout=out)
    assert f"将删除 导出文件 {job.file.name}" in out.getvalue()
    assert ExportJob.objects.filter(pk=job.pk).exists()


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_cleanup_refuses_days_out_of_range_and_removes_nothing(world: World, days: int) -> None:
    job = queued(world)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(8))
    with pytest.raises(ReportingError, match="天数应为 1 到 3650 之间的整数"):
        export_jobs_cleanup(days=days)
    assert ExportJob.objects.filter(pk=job.pk).exists()
