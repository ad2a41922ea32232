"""Running the queue's worker: beside the development server (`taizhang serve` starts
`taizhang run_huey` as a child process), or inside a process that does something else (a
test: `EmbeddedConsumer`). Production runs `taizhang run_huey` as a service of its own
(docs/deployment.md). Nothing here is imported before Django's settings are."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from huey.consumer import Consumer

# Seconds the worker is given to finish its job when the server stops, before it is stopped.
STOP_WAIT = 10


class EmbeddedConsumer(Consumer):  # type: ignore[misc]  # huey has no type hints
    """A huey consumer started (`start()`) and stopped (`stop()`) from any thread of a process
    that does something else: it leaves the process's signal handlers alone, which only the
    main thread may set and which belong to that process."""

    def _set_signal_handlers(self) -> None:
        pass


def queue_is_immediate() -> bool:
    """Whether the queue runs each job at once, in the process that queues it (settings.HUEY
    `immediate`, TAIZHANG_QUEUE_IMMEDIATE=1): then no worker is needed."""
    from django.conf import settings

    return bool(settings.HUEY.get("immediate"))


def wants_worker(args: Sequence[str], environ: dict[str, str] | None = None) -> bool:
    """Whether `taizhang ARGS` serves the site and should start a worker beside it: `serve`
    (not asked for its help), with a queue that is not immediate, and in the first process
    only: Django's autoreloader runs the server again in a child (RUN_MAIN), restarted on
    every code change, while the first process stays."""
    environ = dict(os.environ) if environ is None else environ
    if args[1:2] != ["serve"] or {"-h", "--help"} & set(args):
        return False
    if environ.get("RUN_MAIN") == "true":
        return False
    return not queue_is_immediate()


def worker_command() -> list[str]:
    """The command of a worker: `taizhang run_huey`, with this interpreter."""
    return [sys.executable, "-m", "taizhang.cli", "run_huey"]


@contextmanager
def worker_beside(args: Sequence[str]) -> Iterator[subprocess.Popen[Any] | None]:
    """Around `taizhang serve`: a worker (`taizhang run_huey`) runs in a child process while
    the server does, so `make run` runs background jobs with no second command. Nothing is
    started for other commands (`wants_worker`).

    The worker has a session of its own, so Ctrl-C in the terminal stops the server only;
    when the server stops (Ctrl-C, SIGTERM, or an error), the worker is asked to stop
    (SIGINT: huey finishes the job in hand first), and stopped after `STOP_WAIT` seconds."""
    if not wants_worker(args):
        yield None
        return
    # Our own command, no shell; its own session keeps the terminal's Ctrl-C from it.
    worker = subprocess.Popen(worker_command(), start_new_session=True)  # noqa: S603
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield worker
    finally:
        signal.signal(signal.SIGTERM, previous)
        worker_stop(worker)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # SIGTERM ends the server through `finally`, so that its worker is stopped too.
    raise SystemExit(128 + signum)


def worker_stop(worker: subprocess.Popen[Any], wait: float = STOP_WAIT) -> int:
    """Stop a worker started by `worker_beside`: gracefully (SIGINT), then at once (SIGTERM)
    after `wait` seconds, then killed; its exit code."""
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)
    for stop in (worker.terminate, worker.kill):
        try:
            return worker.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            stop()
    return worker.wait()
