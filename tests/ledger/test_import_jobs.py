"""Ledger imports in the background (ledger/import_jobs.py), run here in the test's own thread:
a job imports its file as previewed, all or nothing; its progress is told after each batch and
ends at 100; its file is gone once it ends; a failure leaves the ledger as it was and says why
in Chinese."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from taizhang.documents.json_format import write_json
from taizhang.documents.read_text import read_text
from taizhang.ledger import import_jobs
from taizhang.ledger.errors import EditError
from taizhang.ledger.import_jobs import (
    FAILED_MESSAGE,
    MAX_ACTIVE,
    import_job_create,
    import_job_run,
    import_job_status,
)
from taizhang.ledger.models import AuditEvent, ImportJob, Ledger, Task, TaskRevision
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import importing, ledger_import
from tests.conftest import SEED
from tests.factories import World
from tests.jobs.imported import BIG_TITLE, big_ledger, big_ledger_json

pytestmark = pytest.mark.django_db


def queued(world: World, data: bytes, **given: Any) -> ImportJob:
    values: dict[str, Any] = {
        "name": "大台账.json",
        "year": None,
        "table": None,
        "columns": {},
        "answers": {},
        "tasks": 0,
    }
    values.update(given)
    return import_job_create(actor=world.office, data=data, enqueue=lambda _: None, **values)


def recorder(told: list[tuple[int, int]]) -> Any:
    return lambda done, total: told.append((done, total))


def test_ledger_import_tells_its_progress_after_each_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importing, "BATCH", 5)
    told: list[tuple[int, int]] = []
    ledger_import(doc=read_text(SEED.read_bytes(), name=SEED.name), progress=recorder(told))
    assert told == [(0, 16), (5, 16), (10, 16), (15, 16), (16, 16)]


def test_the_tasks_an_edition_removes_count_in_its_progress(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger_import(doc=big_ledger(12))
    monkeypatch.setattr(importing, "BATCH", 5)
    told: list[tuple[int, int]] = []
    result = ledger_import(doc=big_ledger(7), progress=recorder(told))
    assert result.tasks_removed == 5
    assert told == [(0, 12), (5, 12), (7, 12), (12, 12)]


def test_a_job_imports_its_file_and_its_progress_rises_to_the_end(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 100)
    monkeypatch.setattr(import_jobs, "REPORT_EVERY", 0)
    job = queued(world, big_ledger_json(450), tasks=450)
    stored = job.file.name
    assert default_storage.exists(stored)
    reported: list[int] = []

    import_job_run(job_id=job.pk, report=reported.append)

    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert job.counts == {"created": 450, "updated": 0, "unchanged": 0, "removed": 0}
    assert job.ledger == Ledger.objects.get(title=BIG_TITLE)
    assert Task.objects.filter(ledger=job.ledger).count() == 450
    # Once matched, then after each of the five batches: rising, ending where writing ends.
    assert reported == [10, 28, 47, 66, 85, 95]
    assert job.finished_at is not None and not job.file and not default_storage.exists(stored)


def test_progress_is_told_at_most_every_so_often_but_always_at_the_end(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 100)
    monkeypatch.setattr(import_jobs, "REPORT_EVERY", 3600)
    job = queued(world, big_ledger_json(450), tasks=450)
    reported: list[int] = []
    import_job_run(job_id=job.pk, report=reported.append)
    assert reported == [10, 95]


def test_a_failed_import_changes_nothing_and_says_why(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ledger_document(world.ledger)
    revisions = TaskRevision.objects.count()
    edition = read_text(SEED.read_bytes(), name=SEED.name)
    edition.tasks[0].progress = "已全部完成"
    job = queued(world, write_json(edition))
    stored = job.file.name

    def broken(self: Any, result: Any) -> None:  # after every batch was written
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing._Importer, "audit", broken)
    import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", str(FAILED_MESSAGE))
    assert "未作任何改动" in job.error
    assert ledger_document(world.ledger) == before
    assert TaskRevision.objects.count() == revisions
    assert not default_storage.exists(stored)
    assert AuditEvent.objects.filter(action="import.failed", data__job=job.pk).exists()


def test_a_file_that_cannot_be_read_fails_with_the_readers_message(world: World) -> None:
    job = queued(world, b"{not json", name="坏文件.json")
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "坏文件.json" in job.error
    assert Ledger.objects.count() == 1


def test_a_decision_that_no_longer_fits_the_stored_ledger_is_refused(world: World) -> None:
    edition = SEED.read_bytes()
    job = queued(world, edition, name=SEED.name, answers={"99": "1"})
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "failed" and "99" in job.error and "重新上传" in job.error


def test_a_job_whose_file_is_gone_fails_with_a_message(world: World) -> None:
    job = queued(world, SEED.read_bytes(), name=SEED.name)
    default_storage.delete(job.file.name)
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "上传的文件已不在，请重新上传")


def test_a_job_delivered_twice_runs_once(world: World) -> None:
    job = queued(world, big_ledger_json(3))
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk)
    import_job_run(job_id=job.pk + 1)  # gone
    assert AuditEvent.objects.filter(action="ledger.import", ledger__title=BIG_TITLE).count() == 1


def test_one_person_has_a_few_imports_waiting_at_most(world: World) -> None:
    for _ in range(MAX_ACTIVE):
        queued(world, b"x")
    files = set(Path(default_storage.path("imports")).rglob("*"))
    with pytest.raises(EditError, match="正在排队或进行"):
        queued(world, b"x")
    assert ImportJob.objects.count() == MAX_ACTIVE
    assert set(Path(default_storage.path("imports")).rglob("*")) == files


def test_queueing_is_audited_and_queues_once_committed(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    found: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(
            actor=world.office,
            data=b"x",
            name="t.json",
            year=2021,
            table=2,
            columns={"落实情况": "progress"},
            answers={"5": None},
            tasks=9,
            enqueue=found.append,
        )
    assert found == [job.pk]
    assert AuditEvent.objects.filter(action="import.queue", data__job=job.pk).exists()


def test_the_status_shows_the_workers_progress_while_it_runs_only(world: World) -> None:
    job = queued(world, b"x")
    assert import_job_status(job, live=50).progress == 0  # queued: nothing reported yet
    job.state, job.progress = ImportJob.State.RUNNING, 10
    assert import_job_status(job, live=50).progress == 50
    assert import_job_status(job, live=None).progress == 10
    assert import_job_status(job, live=5).progress == 10
    assert import_job_status(job, live=100).progress == 95  # done only once committed
    job.state, job.progress = ImportJob.State.DONE, 100
    status = import_job_status(job, live=50)
    assert (status.progress, status.label) == (100, "已完成")


def test_a_job_queued_long_ago_says_no_worker_may_be_running(world: World) -> None:
    job = queued(world, b"x")
    assert import_job_status(job).waiting_long is False
    job.created_at = timezone.now() - datetime.timedelta(minutes=3)
    assert import_job_status(job).waiting_long is True
    job.state = ImportJob.State.RUNNING
    assert import_job_status(job).waiting_long is False


def test_cleanup_removes_old_import_jobs_with_the_files_they_still_hold(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    stuck = queued(world, b"x")  # never run: no worker
    ImportJob.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    recent = queued(world, b"y")
    out = StringIO()
    call_command("cleanup", "--days", "7", "--dry-run", stdout=out)
    assert f"将删除 未完成导入的文件 {stuck.file.name}" in out.getvalue()
    assert default_storage.exists(stuck.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("cleanup", "--days", "7", stdout=StringIO())
    assert list(ImportJob.objects.all()) == [recent]
    assert not default_storage.exists(stuck.file.name)
    assert default_storage.exists(recent.file.name)
    assert AuditEvent.objects.filter(action="import.cleanup").exists()
