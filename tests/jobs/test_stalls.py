"""Background jobs that no worker will finish are given up (jobs/stalls.py): an import or an
export running with no progress for TAIZHANG_JOB_STALL_MINUTES, or queued for
TAIZHANG_JOB_QUEUED_MINUTES while no worker answers, fails with a message in Chinese; a
worker starting on the SQLite queue fails the jobs its previous life left running, on Redis
(here a queue that is not SQLite) it leaves them to the stall time. Time moves with
time-machine; the queue's store is the test's own."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone
from huey.storage import MemoryStorage, SqliteStorage

from taizhang.jobs import stalls
from taizhang.jobs.progress import progress_key, progress_put, worker_alive_put, worker_alive_time
from taizhang.jobs.stalls import jobs_give_up_stalled, jobs_sweep, worker_answers, worker_started
from taizhang.jobs.tasks import export_enqueue
from taizhang.ledger.import_jobs import import_job_create, import_job_give_up
from taizhang.ledger.models import AuditEvent, ImportJob
from taizhang.reporting import exports
from taizhang.reporting.exports import export_job_create
from taizhang.reporting.models import ExportJob
from tests.factories import World
from tests.jobs.workers import queue_on, worker_running

pytestmark = pytest.mark.django_db

MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStorage]:
    """The queue in an SQLite file of the test's own (its store holds progress and the
    worker's sign of life)."""
    storage = SqliteStorage(name="taizhang-test", filename=str(tmp_path / "queue.sqlite3"))
    with queue_on(storage):
        yield storage


@pytest.fixture
def redis_like() -> Iterator[None]:
    """A queue that is not the SQLite file: several workers may share it, as Redis."""
    with queue_on(MemoryStorage(name="taizhang-test")):
        yield


def import_job(world: World) -> ImportJob:
    return import_job_create(
        actor=world.office,
        data=b'{"format": "taizhang/ledger@1"}',
        name="大台账.json",
        year=None,
        table=None,
        columns={},
        answers={},
        tasks=3000,
        enqueue=lambda _: None,
    )


def export_job(world: World) -> ExportJob:
    return export_job_create(
        actor=world.office, ledger=world.ledger, fmt="docx", enqueue=lambda _: None
    )


def claimed(job: Any) -> Any:
    """The job as a worker leaves it that dies just after claiming it."""
    type(job).objects.filter(pk=job.pk).update(
        state="running", progress=2, progress_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def later(minutes: float) -> Any:
    return time_machine.travel(timezone.now() + minutes * MINUTE, tick=False)


def test_a_running_import_with_no_progress_for_the_stall_time_fails_and_drops_its_file(
    world: World, store: Any, django_capture_on_commit_callbacks: Any
) -> None:
    job = claimed(import_job(world))
    stored = job.file.name
    with later(14):
        assert jobs_give_up_stalled() == 0
    job.refresh_from_db()
    assert job.state == "running" and default_storage.exists(stored)
    with later(16), django_capture_on_commit_callbacks(execute=True):
        assert jobs_give_up_stalled() == 1
    job.refresh_from_db()
    assert job.state == "failed" and job.finished_at is not None and not job.file
    assert job.error.startswith("导入已超过 15 分钟没有进展") and "台账未作任何改动" in job.error
    assert not default_storage.exists(stored)
    event = AuditEvent.objects.get(action="import.given_up")
    assert event.data["job"] == job.pk and event.data["was"] == "running"


@override_settings(TAIZHANG_JOB_STALL_MINUTES=5)
def test_the_stall_time_is_a_setting(world: World, store: Any) -> None:
    job = claimed(export_job(world))
    with later(6):
        assert jobs_give_up_stalled() == 1
    job.refresh_from_db()
    assert (job.state, job.error) == (
        "failed",
        "导出已超过 5 分钟没有进展，后台服务可能已中断，请重新导出",
    )
    assert AuditEvent.objects.filter(action="export.given_up", data__job=job.pk).exists()


def test_an_import_reporting_progress_beside_the_queue_is_not_stalled(
    world: World, store: Any
) -> None:
    # Its writes are hidden in its transaction: only the queue's store shows it moving.
    job = claimed(import_job(world))
    with later(10):
        progress_put(progress_key("import", job.pk), 40)
    with later(24):
        assert jobs_give_up_stalled() == 0
    with later(26):
        assert jobs_give_up_stalled() == 1
    job.refresh_from_db()
    assert job.state == "failed"


def test_an_export_moving_through_its_steps_is_not_stalled(world: World, store: Any) -> None:
    job = claimed(export_job(world))
    with later(10):
        exports._step(job.pk, exports.WRITING)
    with later(24):
        assert jobs_give_up_stalled() == 0
    with later(26):
        assert jobs_give_up_stalled() == 1


def test_a_job_queued_long_while_no_worker_answers_fails(world: World, store: Any) -> None:
    imported, exported = import_job(world), export_job(world)
    with later(59):
        assert jobs_give_up_stalled() == 0
    with later(61):
        assert jobs_give_up_stalled() == 2
    imported.refresh_from_db()
    exported.refresh_from_db()
    assert (imported.state, exported.state) == ("failed", "failed")
    assert imported.error.startswith("导入排队已超过 60 分钟，后台服务没有运行")
    assert exported.error.startswith("导出排队已超过 60 分钟，后台服务没有运行")


def test_a_job_queued_long_behind_a_live_worker_keeps_waiting(world: World, store: Any) -> None:
    job = import_job(world)
    with later(60):
        worker_alive_put()  # the worker's sweep, a minute ago
    with later(61):
        assert worker_answers() and jobs_give_up_stalled() == 0
    with later(64):  # its sweep silent for four minutes: no worker answers
        assert not worker_answers() and jobs_give_up_stalled() == 1
    job.refresh_from_db()
    assert job.state == "failed"


def test_a_job_queued_long_behind_a_long_running_job_keeps_waiting(
    world: World, store: Any
) -> None:
    # One worker busy with a long import runs no sweep meanwhile, yet it answers.
    waiting, running = import_job(world), claimed(export_job(world))
    with later(55):
        ExportJob.objects.filter(pk=running.pk).update(progress_at=timezone.now())
    with later(61):
        assert jobs_give_up_stalled() == 0
    waiting.refresh_from_db()
    assert waiting.state == "queued"


def test_only_the_given_job_or_owners_jobs_are_checked(world: World, store: Any) -> None:
    office, others = claimed(import_job(world)), claimed(export_job(world))
    ExportJob.objects.filter(pk=others.pk).update(created_by=world.leader)
    with later(16):
        assert jobs_give_up_stalled(kind="import", job_id=office.pk + 1) == 0
        assert jobs_give_up_stalled(kind="import", created_by=world.leader) == 0
        assert jobs_give_up_stalled(created_by=world.office) == 1
    assert ExportJob.objects.get(pk=others.pk).state == "running"


def test_a_job_a_worker_claimed_meanwhile_is_not_given_up(world: World, store: Any) -> None:
    job = claimed(import_job(world))
    assert not import_job_give_up(job_id=job.pk, state="queued", reason="x")
    job.refresh_from_db()
    assert (job.state, job.error) == ("running", "")
    assert not AuditEvent.objects.filter(action="import.given_up").exists()


def test_the_sweep_says_the_worker_is_alive(world: World, store: Any) -> None:
    job = claimed(export_job(world))
    assert worker_alive_time() is None
    with later(16):
        assert jobs_sweep() == 1
        assert worker_alive_time() == pytest.approx(timezone.now().timestamp(), abs=1)
    job.refresh_from_db()
    assert job.state == "failed"


@pytest.fixture
def fresh_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's worker has not started yet."""
    monkeypatch.setattr(stalls, "_worker_start", stalls._Once())


def test_a_worker_starting_on_the_sqlite_queue_fails_what_its_last_life_left_running(
    world: World, store: Any, fresh_start: None
) -> None:
    running_import, running_export = claimed(import_job(world)), claimed(export_job(world))
    waiting = export_job_create(
        actor=world.office, ledger=world.ledger, fmt="csv", enqueue=lambda _: None
    )
    assert worker_started() == 2
    running_import.refresh_from_db()
    running_export.refresh_from_db()
    waiting.refresh_from_db()
    assert running_import.error == (
        "后台服务重启时该导入尚未完成，已中断；台账未作任何改动，请重新上传"
    )
    assert running_export.error == "后台服务重启时该导出尚未完成，已中断，请重新导出"
    assert (running_import.state, running_export.state, waiting.state) == (
        "failed",
        "failed",
        "queued",  # its worker is here now
    )
    assert worker_alive_time() is not None
    # Once per process: a second thread, or one restarted, gives up nothing.
    claimed(export_job(world))
    assert worker_started() == 0


def test_a_worker_starting_on_a_shared_queue_leaves_running_jobs_to_the_stall_time(
    world: World, redis_like: None, fresh_start: None
) -> None:
    job = claimed(import_job(world))
    assert worker_started() == 0
    job.refresh_from_db()
    assert job.state == "running"  # another worker may be running it


def test_a_worker_starting_on_a_shared_queue_gives_up_the_stalled_ones(
    world: World, redis_like: None, fresh_start: None
) -> None:
    job = claimed(import_job(world))
    with later(16):
        assert worker_started() == 1
    job.refresh_from_db()
    assert job.state == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_gives_up_the_running_job_before_it_takes_the_next(
    world: World, tmp_path: Path, fresh_start: None
) -> None:
    storage = SqliteStorage(name="taizhang-test", filename=str(tmp_path / "queue.sqlite3"))
    with queue_on(storage) as finished:
        left = claimed(export_job(world))
        queued = export_job_create(
            actor=world.office, ledger=world.ledger, fmt="csv", enqueue=export_enqueue
        )
        with worker_running():
            assert finished.wait(1), "the worker finished no job within a minute"
    left.refresh_from_db()
    queued.refresh_from_db()
    assert (left.state, queued.state) == ("failed", "done")
    assert "后台服务重启" in left.error
