"""How far a running job is, kept beside the queue's jobs rather than in the database: huey's
key-value store (in the queue's own SQLite file, or in Redis). A job that writes the database
in one long transaction (a ledger import) cannot make its progress seen through that database
until it commits, and on SQLite no other connection may write while it runs; the queue's
store is outside that transaction, and is shared by every process that shares the queue (the
worker and the web server, on one machine or several). Values are small ASCII numbers, not
pickles: a progress and the time it was reported (so a job whose worker died is seen to make
none, `taizhang.jobs.stalls`), and the time a worker last said it was alive."""

from __future__ import annotations

import time

from huey.constants import EmptyData
from huey.contrib.djhuey import HUEY


def progress_key(kind: str, job_id: int) -> str:
    """The store's key of a job's progress: `kind` tells export and import jobs apart."""
    return f"taizhang:progress:{kind}:{job_id}"


WORKER_KEY = "taizhang:worker:alive"


def progress_put(key: str, percent: int) -> None:
    """Record a job's progress (0 to 100), and the time of it."""
    HUEY.storage.put_data(key, f"{int(percent)} {time.time():.0f}".encode("ascii"))


def _fields(key: str) -> list[str]:
    value = HUEY.storage.peek_data(key)
    if value is EmptyData or value is None:
        return []
    text = value if isinstance(value, str) else bytes(value).decode("ascii", "replace")
    return text.split()


def progress_get(key: str) -> int | None:
    """A job's recorded progress, or None when none is (not started, or ended)."""
    fields = _fields(key)
    try:
        return int(fields[0])
    except (IndexError, ValueError):
        return None


def progress_time(key: str) -> float | None:
    """When a job's progress was last recorded (seconds since the epoch), or None."""
    fields = _fields(key)
    try:
        return float(fields[1])
    except (IndexError, ValueError):
        return None


def worker_alive_put() -> None:
    """Record that a worker is alive now (its periodic sweep, and its start, say so)."""
    HUEY.storage.put_data(WORKER_KEY, f"{time.time():.0f}".encode("ascii"))


def worker_alive_time() -> float | None:
    """When a worker last said it was alive (seconds since the epoch), or None."""
    fields = _fields(WORKER_KEY)
    try:
        return float(fields[0])
    except (IndexError, ValueError):
        return None


def progress_drop(key: str) -> None:
    """Forget a job's progress once the job has ended (its row holds the outcome)."""
    HUEY.storage.pop_data(key)
