"""How far a running job is, kept beside the queue's jobs rather than in the database: huey's
key-value store (in the queue's own SQLite file, or in Redis). A job that writes the database
in one long transaction (a ledger import) cannot make its progress seen through that database
until it commits, and on SQLite no other connection may write while it runs; the queue's
store is outside that transaction, and is shared by every process that shares the queue (the
worker and the web server, on one machine or several). Values are small ASCII integers, not
pickles."""

from __future__ import annotations

from huey.constants import EmptyData
from huey.contrib.djhuey import HUEY


def progress_key(kind: str, job_id: int) -> str:
    """The store's key of a job's progress: `kind` tells export and import jobs apart."""
    return f"taizhang:progress:{kind}:{job_id}"


def progress_put(key: str, percent: int) -> None:
    """Record a job's progress (0 to 100)."""
    HUEY.storage.put_data(key, str(int(percent)).encode("ascii"))


def progress_get(key: str) -> int | None:
    """A job's recorded progress, or None when none is (not started, or ended)."""
    value = HUEY.storage.peek_data(key)
    if value is EmptyData:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def progress_drop(key: str) -> None:
    """Forget a job's progress once the job has ended (its row holds the outcome)."""
    HUEY.storage.pop_data(key)
