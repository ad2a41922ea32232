"""A large ledger's import run by a real worker (a huey consumer in a thread of the test),
queued in an SQLite file and in Redis: the job ends done, its progress kept beside the queue
while it ran rose to the end and was dropped after, and its file is gone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from huey.storage import SqliteStorage

from taizhang.jobs import progress
from taizhang.jobs.progress import progress_get, progress_key
from taizhang.jobs.tasks import import_enqueue
from taizhang.ledger import import_jobs
from taizhang.ledger.import_jobs import import_job_create
from taizhang.ledger.models import ImportJob, Ledger, Task
from taizhang.ledger.services import importing
from tests.factories import World
from tests.jobs.imported import BIG_TITLE, big_ledger_json
from tests.jobs.test_queue import redis_storage  # noqa: F401  (a fixture)
from tests.jobs.workers import queue_on, worker_running


@pytest.fixture
def reported(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """What the worker reported (each batch: no throttling), as it writes it to the queue."""
    found: list[int] = []
    put = progress.progress_put

    def recording(key: str, percent: int) -> None:
        found.append(percent)
        put(key, percent)

    monkeypatch.setattr("taizhang.jobs.tasks.progress_put", recording)
    monkeypatch.setattr(import_jobs, "REPORT_EVERY", 0)
    monkeypatch.setattr(importing, "BATCH", 50)
    return found


def queue_import(world: World) -> ImportJob:
    return import_job_create(
        actor=world.office,
        data=big_ledger_json(120),
        name="大台账.json",
        year=None,
        table=None,
        columns={},
        answers={},
        tasks=120,
        enqueue=import_enqueue,
    )


def assert_imported(job: ImportJob, reported: list[int]) -> None:
    stored = job.file.name
    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    assert Task.objects.filter(ledger=Ledger.objects.get(title=BIG_TITLE)).count() == 120
    assert reported == [10, 45, 80, 95]
    assert progress_get(progress_key("import", job.pk)) is None
    assert not job.file and stored and not Path(stored).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_an_import_queued_in_an_sqlite_file(
    world: World, tmp_path: Path, reported: list[int]
) -> None:
    storage = SqliteStorage(name="taizhang-test", filename=str(tmp_path / "queue.sqlite3"))
    with queue_on(storage) as finished:
        job = queue_import(world)
        assert storage.queue_size() == 1
        with worker_running():
            assert finished.wait(1), "the worker finished no job within a minute"
        assert finished.failed == [] and storage.queue_size() == 0
        assert_imported(job, reported)


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_an_import_queued_in_redis(
    world: World,
    redis_storage: Any,  # noqa: F811
    reported: list[int],
) -> None:
    with queue_on(redis_storage) as finished:
        job = queue_import(world)
        assert redis_storage.queue_size() == 1
        with worker_running():
            assert finished.wait(1), "the worker finished no job within a minute"
        assert finished.failed == [] and redis_storage.queue_size() == 0
        assert_imported(job, reported)
