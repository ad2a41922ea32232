"""A real queue worker for tests: the project's huey (settings.HUEY) with its storage swapped
for the test's own (an SQLite file in the test's directory, or a Redis queue of its own
name) and consumed by a thread of the test process (`EmbeddedConsumer`); and the queue in
immediate mode, for the tests that only need their jobs run."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections
from huey.contrib.djhuey import HUEY
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

from taizhang.jobs.queue import EmbeddedConsumer
from taizhang.jobs.tasks import WORKER_STARTED, worker_started_hook


@contextmanager
def immediate_queue() -> Iterator[Any]:
    """Jobs run at once, in the thread that queues them (huey's immediate mode, in memory),
    as with TAIZHANG_QUEUE_IMMEDIATE=1."""
    was = HUEY.immediate
    HUEY.immediate = True
    try:
        yield HUEY
    finally:
        HUEY.immediate = was


class Finished:
    """The queue's tasks that ran to their end or to an error, waited for without sleeping:
    huey's signals wake the waiting test."""

    def __init__(self) -> None:
        self.completed: list[str] = []
        self.failed: list[str] = []
        self._changed = threading.Condition()

    def __call__(self, signal: str, task: Any, *args: Any) -> None:
        with self._changed:
            (self.failed if signal == SIGNAL_ERROR else self.completed).append(task.id)
            self._changed.notify_all()

    def wait(self, count: int = 1, timeout: float = 60.0) -> bool:
        """Whether `count` tasks have finished, waiting at most `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(
                lambda: len(self.completed) + len(self.failed) >= count, timeout
            )


@contextmanager
def queue_on(storage: Any) -> Iterator[Finished]:
    """The project's queue kept in `storage` (not immediate) while the block runs; what
    finished meanwhile."""
    saved = (HUEY.immediate, HUEY.storage)
    HUEY.immediate = False
    HUEY.storage = storage
    finished = Finished()
    HUEY.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)(finished)
    try:
        yield finished
    finally:
        HUEY.disconnect_signal(finished)
        HUEY.storage = saved[1]
        HUEY.immediate = saved[0]


@contextmanager
def worker_running() -> Iterator[None]:
    """A worker thread consuming the project's queue while the block runs, stopped after the
    job in hand. It shares this thread's connection to an in-memory SQLite test database, as
    Django's live server does: such a database lives in that one connection."""
    every: Sequence[Any] = connections.all()
    shared = {c.alias: c for c in every if c.vendor == "sqlite" and c.is_in_memory_db()}
    for connection in shared.values():
        connection.inc_thread_sharing()

    def use_shared() -> None:
        for alias, connection in shared.items():
            connections[alias] = connection

    HUEY.on_startup("test_shared_connection")(use_shared)
    # The project's start-up hook after the test's: it uses the test's database connection.
    HUEY.unregister_on_startup(WORKER_STARTED)
    HUEY.on_startup(WORKER_STARTED)(worker_started_hook)
    # Its own connections (PostgreSQL) are closed as it ends, so the test database can go.
    HUEY.on_shutdown("test_close_connections")(connections.close_all)
    consumer = EmbeddedConsumer(
        HUEY, workers=1, periodic=False, initial_delay=0.02, max_delay=0.1, worker_type="thread"
    )
    consumer.start()
    try:
        yield
    finally:
        consumer.stop(graceful=True)
        HUEY.unregister_on_startup("test_shared_connection")
        HUEY.unregister_on_shutdown("test_close_connections")
        for connection in shared.values():
            connection.dec_thread_sharing()
