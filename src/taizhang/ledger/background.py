"""What the background jobs share, whatever they do: a ledger's import (`ledger.import_jobs`)
and its export (`reporting.exports`). Both are a row with a state (queued, running, done,
failed), a progress and the message of a failure; their pages show the same status
(`job_status`), and a job that no worker will ever finish is given up with a message
(`taizhang.jobs.stalls`, through each kind's `*_give_up` service)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

# A job queued this long has likely found no worker running; the page says so.
WAITING_LONG = datetime.timedelta(minutes=2)


class BackgroundJob(Protocol):
    """A job's row, as its status needs it (`ImportJob`, `ExportJob`)."""

    state: str
    progress: int
    error: str
    created_at: datetime.datetime


QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)


@dataclass(frozen=True)
class JobStatus:
    """What a job's page and its JSON show of it."""

    state: str
    label: str
    progress: int
    error: str
    waiting_long: bool


def job_status(job: BackgroundJob, *, label: str, progress: int | None = None) -> JobStatus:
    """The job's status for its page: its state's `label`, its progress (the row's, unless
    the caller knows better: `progress`), the message of a failure, and whether it has waited
    in the queue so long (`WAITING_LONG`) that no worker is likely running."""
    waiting = job.state == QUEUED
    return JobStatus(
        state=job.state,
        label=label,
        progress=job.progress if progress is None else progress,
        error=job.error,
        waiting_long=waiting and job.created_at < timezone.now() - WAITING_LONG,
    )
