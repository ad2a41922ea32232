"""SQLite as the embedded default for a whole office: the connection options that let many
gunicorn workers and threads write at once without "database is locked".

- WAL journal: readers never wait for the writer, nor the writer for readers.
- `transaction_mode="IMMEDIATE"`: every `transaction.atomic` block takes the write lock when
  it begins. With SQLite's default (DEFERRED) a block that reads first holds only a read
  snapshot; when it then writes while another connection has written since, SQLite fails at
  once ("database is locked", no busy wait: waiting could not help a stale snapshot). That was
  12% of report submissions under 50 concurrent reporters.
- A busy timeout: a writer waits for the lock (up to a long import) instead of failing.
- `synchronous=FULL` (SQLite's own default, said outright): a commit is on disk before the
  reporter is told "已报送". NORMAL would save one fsync a write (about 6 ms on the
  development machine) but may lose the last commits on a power cut or OS crash (never on a
  crash of Taizhang itself); a report acknowledged and then gone is worse than 6 ms.

- Writers take turns (`WriteTurn`): a write transaction waits for its turn on a lock file
  beside the database (`<name>-writelock`, flock) before BEGIN IMMEDIATE. SQLite's own wait
  for the write lock is a busy handler that sleeps 1, 2, 5, 10 ... then 100 ms between tries,
  so a writer that has waited longest sleeps longest while newcomers take the lock: under
  many writers a few waited seconds. The threads of a process queue in order of arrival, and
  the kernel hands the lock file to a process's first waiter as soon as it is released. The
  engine `taizhang.sqlite_backend` does this (settings use it for SQLite).

Every statement of `init_command` runs on every new connection (Django 5.1+); the journal mode
is kept in the file, so after the first connection it is only confirmed."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections import deque
from typing import Any

# Seconds a write waits for another connection's write transaction (a 50,000-task import
# is one transaction of several seconds) before failing.
BUSY_TIMEOUT_SECONDS = 30

PRAGMAS = ("journal_mode=WAL", "synchronous=FULL")


def sqlite_options() -> dict[str, Any]:
    """The OPTIONS of an SQLite entry in DATABASES (django.db.backends.sqlite3)."""
    return {
        "timeout": BUSY_TIMEOUT_SECONDS,
        "transaction_mode": "IMMEDIATE",
        "init_command": ";".join(f"PRAGMA {pragma}" for pragma in PRAGMAS),
    }


class _Queue:
    """The threads of this process that want one lock file, first come first served: the
    turn is handed from one to the next, so only the first of them waits on the file."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._busy = False
        self._waiting: deque[threading.Event] = deque()

    def enter(self, timeout: float) -> bool:
        with self._guard:
            if not self._busy:
                self._busy = True
                return True
            mine = threading.Event()
            self._waiting.append(mine)
        if mine.wait(timeout):
            return True
        with self._guard:
            if mine.is_set():  # handed over as the time ran out
                return True
            self._waiting.remove(mine)
        return False

    def leave(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()  # handed over: still busy
            else:
                self._busy = False


_QUEUES: dict[str, _Queue] = {}
_QUEUES_GUARD = threading.Lock()


def _forget_queues() -> None:
    """In a forked child: the parent's threads are not there to hand a turn over."""
    global _QUEUES_GUARD
    _QUEUES.clear()
    _QUEUES_GUARD = threading.Lock()


os.register_at_fork(after_in_child=_forget_queues)


class WriteTurn:
    """The turn of one write transaction on the lock file `path`: `take` waits for it (at most
    `timeout` seconds, then TimeoutError) and returns the file descriptor that holds it;
    `give` passes it on. The threads of one process queue in order of arrival (`_Queue`);
    the first of them takes the file's lock (flock), which belongs to its descriptor alone,
    so a process that dies gives its turn back with its files."""

    def __init__(self, path: str) -> None:
        self.path = path
        with _QUEUES_GUARD:
            self._queue = _QUEUES.setdefault(path, _Queue())

    def take(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        if not self._queue.enter(timeout):
            raise TimeoutError(f"no turn to write within {timeout:g} s")
        try:
            return self._lock(max(0.0, deadline - time.monotonic()))
        except BaseException:
            self._queue.leave()
            raise

    def give(self, held: int) -> None:
        try:
            os.close(held)
        finally:
            self._queue.leave()

    def _lock(self, timeout: float) -> int:
        held = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return held
        except BlockingIOError:
            pass
        except BaseException:
            os.close(held)
            raise
        return self._wait(held, timeout)

    @staticmethod
    def _wait(held: int, timeout: float) -> int:
        """Wait for the file's lock in a thread of its own (flock has no time limit): if the
        time runs out first, that thread lets the lock go as soon as it gets it."""
        guard = threading.Lock()
        done = threading.Event()
        outcome: dict[str, Any] = {"abandoned": False, "error": None}

        def wait() -> None:
            try:
                fcntl.flock(held, fcntl.LOCK_EX)
            except BaseException as error:  # handed to the waiting thread
                outcome["error"] = error
            with guard:
                if outcome["abandoned"] or outcome["error"] is not None:
                    os.close(held)
                done.set()

        threading.Thread(target=wait, name="taizhang-sqlite-write-turn", daemon=True).start()
        done.wait(timeout)
        with guard:
            if done.is_set():
                if outcome["error"] is not None:
                    raise outcome["error"]
                return held
            outcome["abandoned"] = True
        raise TimeoutError(f"no turn to write within {timeout:g} s")
