"""What the pages of background jobs share (an import's, web/upload.py; an export's,
web/exports.py): the job checked for a worker that is gone before it is shown, and its state
as the JSON that taizhang/job.js polls. Each page names, in data-job-* attributes, where the
JSON's values go (see job.js), so one script serves both."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import JsonResponse

from taizhang.jobs.stalls import jobs_check
from taizhang.ledger.background import JobStatus
from taizhang.ledger.models import ImportJob
from taizhang.reporting.models import ExportJob


def job_checked(kind: str, job: ImportJob | ExportJob) -> None:
    """Give the job up if no worker will finish it (`jobs.stalls`), re-read if it was."""
    if jobs_check(kind=kind, job_id=job.pk):
        job.refresh_from_db()


def owner_jobs_checked(kind: str, user: User) -> None:
    """Before `user` asks for another job: give up theirs that no worker will finish, so a
    dead worker blocks no new one."""
    jobs_check(kind=kind, created_by=user)


def job_state_response(status: JobStatus, **extra: Any) -> JsonResponse:
    """A job's state as JSON, for its page to poll: the status every job has, and what this
    kind of job shows besides (`extra`)."""
    return JsonResponse(
        {
            "state": status.state,
            "label": status.label,
            "progress": status.progress,
            "error": status.error,
            "waiting_long": status.waiting_long,
            **extra,
        }
    )
