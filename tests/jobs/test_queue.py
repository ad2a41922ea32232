"""The task queue: its settings (an SQLite file by default, Redis when named, never immediate
unless asked), a real worker finishing an export queued in SQLite and in Redis, the worker
command `taizhang run_huey`, and the worker `taizhang serve` starts beside itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from huey.storage import RedisStorage, SqliteStorage

from taizhang.jobs import queue
from taizhang.jobs.tasks import export_enqueue
from taizhang.reporting.exports import export_job_create
from taizhang.reporting.models import ExportJob
from tests.factories import World
from tests.jobs.exported import is_export_of
from tests.jobs.workers import queue_on, worker_running

REDIS_URL = os.environ.get("TAIZHANG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SHOW_HUEY = (
    "import os, json; os.environ['DJANGO_SETTINGS_MODULE'] = 'taizhang.settings'; "
    "from django.conf import settings; print(json.dumps(settings.HUEY))"
)


def huey_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    """settings.HUEY as a fresh process reads it with this environment."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_QUEUE", "TAIZHANG_RE"))
    }
    environment.update(TAIZHANG_DATA_DIR=str(tmp_path), **env)
    result = subprocess.run(
        [sys.executable, "-c", SHOW_HUEY], env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def test_the_queue_is_an_sqlite_file_in_the_data_directory_by_default(tmp_path: Path) -> None:
    # Under DEBUG too (`make run`): djhuey would otherwise run every job inside the request.
    found = huey_settings(tmp_path, TAIZHANG_DEBUG="1")
    assert found["huey_class"] == "huey.SqliteHuey"
    assert found["connection"] == {"filename": str(tmp_path.resolve() / "queue.sqlite3")}
    assert found["immediate"] is False


def test_the_queue_file_is_private(tmp_path: Path) -> None:
    environment = {**os.environ, "TAIZHANG_DATA_DIR": str(tmp_path)}
    environment.pop("TAIZHANG_REDIS_URL", None)
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'taizhang.settings'; "
    setup += "django.setup(); import huey.contrib.djhuey"
    command = f'umask 022 && exec {sys.executable} -c "{setup}"'
    subprocess.run(["sh", "-c", command], env=environment, check=True)
    assert (tmp_path / "queue.sqlite3").stat().st_mode & 0o077 == 0


def test_a_redis_url_makes_it_a_redis_queue_and_immediate_is_asked_for(tmp_path: Path) -> None:
    found = huey_settings(
        tmp_path, TAIZHANG_REDIS_URL="redis://10.0.0.5:6379/2", TAIZHANG_QUEUE_IMMEDIATE="1"
    )
    assert found["huey_class"] == "huey.RedisHuey"
    assert found["connection"] == {"url": "redis://10.0.0.5:6379/2"}
    assert found["immediate"] is True


def queue_export(world: World) -> ExportJob:
    """An export of the seed ledger, queued through the project's task."""
    return export_job_create(
        actor=world.office, ledger=world.ledger, fmt="docx", enqueue=export_enqueue
    )


def assert_exported(job: ExportJob, world: World) -> None:
    job.refresh_from_db()
    assert (job.state, job.progress, job.error) == ("done", 100, "")
    with job.file.open("rb") as stored:
        assert is_export_of(stored.read(), world.ledger, "docx")


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_an_export_queued_in_an_sqlite_file(world: World, tmp_path: Path) -> None:
    storage = SqliteStorage(name="taizhang-test", filename=str(tmp_path / "queue.sqlite3"))
    with queue_on(storage) as finished:
        job = queue_export(world)
        # Committed (a transactional test): queued in the file, waiting for a worker.
        assert storage.queue_size() == 1
        job.refresh_from_db()
        assert job.state == "queued"
        with worker_running():
            assert finished.wait(1), "the worker finished no job within a minute"
    assert finished.failed == [] and storage.queue_size() == 0
    assert_exported(job, world)


@pytest.fixture
def redis_storage() -> Iterator[RedisStorage]:
    """A queue of its own name in the Redis of TAIZHANG_TEST_REDIS_URL (CI runs one at
    127.0.0.1:6379): skipped when none answers, failed instead with TAIZHANG_REQUIRE_TOOLS=1.
    The worker's blocking wait for a job (BRPOP) returns after 0.05 s, not huey's 1 s: a
    worker stopped after its job waits that long to see it should stop (Redis 6 or newer
    takes a fraction of a second)."""
    name = f"taizhang-test-{uuid.uuid4().hex}"
    storage = RedisStorage(name=name, url=REDIS_URL, read_timeout=0.05)
    try:
        storage.conn.ping()
    except Exception as error:
        message = f"no Redis answers at {REDIS_URL} ({error}); set TAIZHANG_TEST_REDIS_URL"
        if os.environ.get("TAIZHANG_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    yield storage
    storage.flush_all()


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_an_export_queued_in_redis(world: World, redis_storage: Any) -> None:
    with queue_on(redis_storage) as finished:
        job = queue_export(world)
        assert redis_storage.queue_size() == 1
        with worker_running():
            assert finished.wait(1), "the worker finished no job within a minute"
    assert finished.failed == [] and redis_storage.queue_size() == 0
    assert_exported(job, world)


def test_the_worker_command_knows_the_export_job_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    environment = {**os.environ, "TAIZHANG_DATA_DIR": str(tmp_path)}
    environment.pop("TAIZHANG_QUEUE_IMMEDIATE", None)
    worker = subprocess.Popen(
        queue.worker_command(), env=environment, stderr=subprocess.PIPE, text=True
    )
    # Never waits for ever: a worker that never says it runs is stopped after a minute.
    watchdog = threading.Timer(60, worker.kill)
    watchdog.start()
    try:
        assert worker.stderr is not None
        said = []
        for line in iter(worker.stderr.readline, ""):
            said.append(line)
            if "export_job_run" in line:  # huey lists its tasks: the worker runs
                break
        assert handles(worker.pid, signal.SIGHUP), "the worker set no signal handlers"
        worker.send_signal(signal.SIGINT)
        said += worker.stderr.readlines()
        assert worker.wait() == 0, "".join(said)
    finally:
        watchdog.cancel()
        worker.kill()
        worker.wait()
    assert any(line.startswith("+ ") and "export_job_run" in line for line in said), "".join(said)


def handles(pid: int, signum: int, within: float = 30.0) -> bool:
    """Whether the process catches the signal (Linux: SigCgt in /proc/PID/status), waiting
    at most `within` seconds for it to set its handler (huey sets its handlers just after it
    lists its tasks; a SIGINT before that ends it with a traceback, as Python's default)."""
    pause = threading.Event()
    for _ in range(int(within / 0.05)):
        status = Path(f"/proc/{pid}/status").read_text()
        caught = int(
            next(line for line in status.splitlines() if line.startswith("SigCgt:"))[7:], 16
        )
        if caught & (1 << (signum - 1)):
            return True
        pause.wait(0.05)
    return False


@pytest.mark.parametrize(
    ("args", "environ", "wanted"),
    [
        (["taizhang", "serve"], {}, True),
        (["taizhang", "serve", "127.0.0.1:8000"], {}, True),
        (["taizhang", "serve"], {"RUN_MAIN": "true"}, False),  # the autoreloader's child
        (["taizhang", "serve", "--help"], {}, False),
        (["taizhang", "migrate"], {}, False),
        (["taizhang"], {}, False),
    ],
)
def test_serve_wants_a_worker_in_its_first_process_only(
    args: list[str], environ: dict[str, str], wanted: bool
) -> None:
    assert queue.wants_worker(args, environ) is wanted


def test_serve_wants_no_worker_when_the_queue_is_immediate(settings: Any) -> None:
    settings.HUEY = {**settings.HUEY, "immediate": True}
    assert queue.wants_worker(["taizhang", "serve"], {}) is False


WAITS_FOR_SIGINT = (
    "import signal, sys; signal.signal(signal.SIGINT, lambda *a: sys.exit(3)); "
    "print('ready', flush=True); signal.pause()"
)
IGNORES_SIGINT = (
    "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
    "print('ready', flush=True); signal.pause()"
)


def started(code: str) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    return child


def test_a_worker_is_asked_to_stop_gracefully_first() -> None:
    assert queue.worker_stop(started(WAITS_FOR_SIGINT), wait=30) == 3


def test_a_worker_that_does_not_stop_is_terminated() -> None:
    assert queue.worker_stop(started(IGNORES_SIGINT), wait=0.5) == -signal.SIGTERM


def test_serve_runs_the_worker_in_a_session_of_its_own_and_stops_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The worker says when its handler is set (a file): stopped before that, a worker that
    # inherited SIGINT ignored (a run in a background job) was only terminated after 10 s.
    ready = tmp_path / "ready"
    code = WAITS_FOR_SIGINT.replace("print('ready', flush=True)", f"open({str(ready)!r}, 'w')")
    monkeypatch.setattr(queue, "worker_command", lambda: [sys.executable, "-c", code])
    monkeypatch.delenv("RUN_MAIN", raising=False)
    with queue.worker_beside(["taizhang", "serve"]) as worker:
        assert worker is not None and worker.poll() is None
        assert os.getsid(worker.pid) == worker.pid  # Ctrl-C in the terminal does not reach it
        deadline = time.monotonic() + 30
        while not ready.exists() and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists()
    assert worker.returncode == 3  # stopped by its SIGINT handler, not terminated
    with queue.worker_beside(["taizhang", "migrate"]) as none:
        assert none is None
