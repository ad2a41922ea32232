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

import contextlib
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
        try:
            if mine.wait(timeout):
                return True
        finally:
            with self._guard:
                handed = mine.is_set()
                if not handed:
                    self._waiting.remove(mine)
        return handed  # handed over as the time ran out: ours

    def leave(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()  # handed over: still busy
            else:
                self._busy = False


# What this process has of the turns: each lock file's queue of threads, and the descriptors
# it has open on lock files (holding a turn: with the queue to leave; waiting: None).
_QUEUES: dict[str, _Queue] = {}
_OPEN: dict[int, _Queue | None] = {}
_GUARD = threading.Lock()


def _forget_turns() -> None:
    """In a forked child: the parent's threads are not there to hand a turn over, and the
    descriptors it inherited share the parent's locks (flock belongs to the open file, not
    the process), so they are closed: a child never holds its parent's turn."""
    global _GUARD
    for held in _OPEN:
        with contextlib.suppress(OSError):
            os.close(held)
    _OPEN.clear()
    _QUEUES.clear()
    _GUARD = threading.Lock()


os.register_at_fork(after_in_child=_forget_turns)


class WriteTurn:
    """The turn of one write transaction on the database file `database`, kept on the lock
    file beside it (`<database>-writelock`, no data in it): `take` waits for the turn (at most
    `timeout` seconds, then TimeoutError) and returns the file descriptor that holds it;
    `give` passes it on. The threads of one process queue in order of arrival (`_Queue`);
    the first of them takes the file's lock (flock), which belongs to its descriptor alone,
    so a process that dies gives its turn back with its files.

    The lock file is opened read-only (flock needs no more) and made readable by all, and a
    file made by root (a command run as root) is given to the database's owner: a lock file
    the service's user cannot open would stop every write."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.path = f"{database}-writelock"

    def take(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        with _GUARD:
            queue = _QUEUES.setdefault(self.path, _Queue())
        if not queue.enter(timeout):
            raise TimeoutError(f"no turn to write within {timeout:g} s")
        try:
            held = self._lock(deadline - time.monotonic())
        except BaseException:
            queue.leave()
            raise
        with _GUARD:
            _OPEN[held] = queue
        return held

    def give(self, held: int) -> None:
        with _GUARD:
            if held not in _OPEN:  # forgotten at a fork: the number may be another file's now
                return
            queue = _OPEN.pop(held)
        try:
            os.close(held)
        finally:
            if queue is not None:
                queue.leave()

    def _open(self) -> int:
        held = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        if os.geteuid() == 0:
            # No database yet: it and the lock file are made by the same user.
            with contextlib.suppress(OSError):
                owner = os.stat(self.database)
                os.fchown(held, owner.st_uid, owner.st_gid)
        return held

    def _lock(self, timeout: float) -> int:
        held = self._open()
        try:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return held
        except BlockingIOError:
            if timeout <= 0:
                os.close(held)
                raise TimeoutError("no turn to write in time") from None
        except BaseException:
            os.close(held)
            raise
        return self._wait(held, timeout)

    @staticmethod
    def _wait(held: int, timeout: float) -> int:
        """Wait for the file's lock in a thread of its own (flock has no time limit): if the
        time runs out first, that thread lets the lock go as soon as it gets it. While the
        holder is stuck, each waiter that gave up leaves one such thread and descriptor."""
        guard = threading.Lock()
        done = threading.Event()
        outcome: dict[str, Any] = {"abandoned": False, "error": None}
        with _GUARD:
            _OPEN[held] = None

        def wait() -> None:
            try:
                fcntl.flock(held, fcntl.LOCK_EX)
            except BaseException as error:  # handed to the waiting thread
                outcome["error"] = error
            with guard:
                if outcome["abandoned"] or outcome["error"] is not None:
                    _drop(held)
                done.set()

        threading.Thread(target=wait, name="taizhang-sqlite-write-turn", daemon=True).start()
        try:
            done.wait(timeout)
        finally:
            with guard:
                got = done.is_set() and outcome["error"] is None
                if not done.is_set():
                    outcome["abandoned"] = True
        if got:
            return held
        if outcome["error"] is not None:
            raise outcome["error"]
        raise TimeoutError(f"no turn to write within {timeout:g} s")


def _drop(held: int) -> None:
    """Close a descriptor this process has on a lock file, unless a fork forgot it."""
    with _GUARD:
        if held not in _OPEN:
            return
        del _OPEN[held]
    os.close(held)
