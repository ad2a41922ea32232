"""Ledger imports in the background. The office's confirm step, for a ledger of more than
TAIZHANG_IMPORT_INLINE_TASKS tasks, creates an `ImportJob` (`import_job_create`) holding the
uploaded file and how the office read it; the task queue's worker runs it
(`import_job_run`, queued by `taizhang.jobs`); the job's page polls it (`import_job_status`).

Progress: the job is claimed (2), the file read (10), then `ledger_import` tells how many rows
it has written after each batch (10 to 95), and the job ends (100). The import is one
transaction: a row it wrote would be seen by the page only once it commits (and on SQLite a
second connection could not write at all while it runs). So the batches' progress is not
written to this database: the caller of `import_job_run` passes `report(percent)`, which the
queue keeps beside its jobs (`taizhang.jobs.progress`: huey's key-value store, in its own
SQLite file or in Redis, outside the import's transaction), throttled to one write every
`REPORT_EVERY` seconds; the page shows the larger of that and the job's row. All or nothing:
a failed import writes nothing but the job's state and message. The uploaded file is deleted
when the job ends, whatever the outcome, or when the job is given up (`import_job_give_up`:
no worker will finish it, `taizhang.jobs.stalls`)."""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Mapping

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.readers import read_ledger
from taizhang.ledger.background import JobStatus, job_status
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import ImportJob
from taizhang.ledger.selectors import import_answers_refusal
from taizhang.ledger.services import ImportResult, audit_record, ledger_import

logger = logging.getLogger(__name__)

CLAIMED, READ, WRITTEN, DONE = 2, 10, 95, 100
# Seconds between two writes of a running import's progress.
REPORT_EVERY = 1.0
# Imports one person may have queued or running at once (each keeps its file until it ends).
MAX_ACTIVE = 3
FAILED_MESSAGE = gettext_lazy("导入时出错，台账未作任何改动；请稍后重试，如仍失败请联系系统管理员")

Report = Callable[[int], None]


@transaction.atomic
def import_job_create(
    *,
    actor: User,
    data: bytes,
    name: str,
    year: int | None,
    table: int | None,
    columns: Mapping[str, str],
    answers: Mapping[str, str | None],
    tasks: int,
    enqueue: Callable[[int], None],
) -> ImportJob:
    """A background import of the uploaded file `data` (named `name`), read as the office
    previewed it (`year`, `table`, the column mapping `columns`) with its decisions on
    ambiguous tasks (`answers`), for `actor`; queued with `enqueue(job id)` once this
    transaction commits. `tasks` is the size the preview read (tasks and sub-items). Raises
    `EditError` when the actor already has `MAX_ACTIVE` imports queued or running."""
    active = ImportJob.objects.filter(
        created_by=actor, state__in=(ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    ).count()
    if active >= MAX_ACTIVE:
        raise EditError(_("已有 %(n)s 个导入正在排队或进行，请等其完成后再导入") % {"n": active})
    job = ImportJob(
        created_by=actor,
        name=name[:300],
        year=year,
        table=table,
        columns=dict(columns),
        answers=dict(answers),
        tasks=tasks,
        created_at=timezone.now(),
    )
    job.file.save(uuid.uuid4().hex, ContentFile(data), save=False)
    # The file is written before the row: a failure here must not leave it behind.
    try:
        job.save()
        audit_record(
            actor=actor,
            action="import.queue",
            data={"job": job.pk, "source": job.name, "tasks": tasks},
        )
    except Exception:
        default_storage.delete(job.file.name)
        raise
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


class _Throttled:
    """`report(percent)` at most every `REPORT_EVERY` seconds, and only for a larger percent;
    the last one (`WRITTEN`) always."""

    def __init__(self, report: Report | None) -> None:
        self.report = report
        self.shown = -1
        self.at = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        percent = READ + (WRITTEN - READ) * done // total if total else WRITTEN
        now = time.monotonic()
        due = percent == WRITTEN or now - self.at >= REPORT_EVERY
        if self.report is None or percent <= self.shown or not due:
            return
        self.report(percent)
        self.shown, self.at = percent, now


def import_job_run(*, job_id: int, report: Report | None = None) -> None:
    """Run a queued import job: read its file as the office previewed it and import it, all
    or nothing (`ledger_import`), telling `report(percent)` how far the writing is (see the
    module's docstring); the job's state, and its outcome (the ledger, the counts and
    warnings, or the message of a failure) are recorded in short transactions of their own.
    A job that is gone, or no longer queued (run already, by a task the queue delivered
    twice), is left alone. Never raises for the import itself: a refusal (a file that cannot
    be read, a decision that no longer fits the stored ledger) is recorded with its message,
    anything else with a general one (the details in the log)."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, progress=CLAIMED, progress_at=timezone.now()
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        result = _import(job, _Throttled(report))
    except Exception as error:
        known = isinstance(error, LedgerReadError | EditError)
        if not known:
            logger.exception("import job %s failed", job_id)
        message = str(error) if known else str(FAILED_MESSAGE)
        _finish(job, state=ImportJob.State.FAILED, error=message)
        audit_record(
            actor=job.created_by,
            action="import.failed",
            data={"job": job_id, "source": job.name, "error": message},
        )
        return
    counts = {
        "created": result.tasks_created,
        "updated": result.tasks_updated,
        "unchanged": result.tasks_unchanged,
        "removed": result.tasks_removed,
    }
    _finish(
        job,
        state=ImportJob.State.DONE,
        progress=DONE,
        ledger=result.ledger,
        counts=counts,
        warnings=result.warnings,
    )


def _import(job: ImportJob, progress: _Throttled) -> ImportResult:
    """Read the job's file as previewed, check the office's decisions as the confirm step
    does, and import it."""
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
    except (FileNotFoundError, ValueError):
        raise EditError(_("上传的文件已不在，请重新上传")) from None
    doc = read_ledger(
        data, name=job.name, year=job.year, table=job.table, columns=dict(job.columns)
    )
    del data  # not kept while the import runs
    ImportJob.objects.filter(pk=job.pk).update(progress=READ, progress_at=timezone.now())
    refusal = import_answers_refusal(doc, dict(job.answers))
    if refusal is not None:
        raise EditError(refusal + _("（台账在预览后可能已有改动，请重新上传并预览）"))
    return ledger_import(
        doc=doc,
        actor=job.created_by,
        column_overrides=dict(job.columns),
        answers=dict(job.answers),
        progress=progress,
    )


def _finish(job: ImportJob, **values: object) -> None:
    """Record the job's end and delete its file: it was kept for this job only."""
    if job.file:
        default_storage.delete(job.file.name)
    ImportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now(), file="", **values)


def import_job_status(job: ImportJob, live: int | None = None) -> JobStatus:
    """The job's state for the page (`ledger.background.job_status`); while it runs, its
    progress is the larger of the row's and `live`, the progress its worker reported outside
    the database (short of `DONE` until the import has committed)."""
    running = job.state == ImportJob.State.RUNNING
    progress = max(job.progress, min(live, WRITTEN)) if running and live is not None else None
    return job_status(job, label=str(ImportJob.State(job.state).label), progress=progress)


def import_job_give_up(*, job_id: int, state: str, reason: str) -> bool:
    """Fail the import job `job_id` that no worker will finish, if it is still in `state`
    (queued, or running with no progress for long: `taizhang.jobs.stalls` decides), with the
    message `reason`, and delete its file; audited. Whether it was given up: a worker that
    claimed or ended it meanwhile wins. An import is one transaction, so one whose worker died
    wrote nothing; should its worker be alive after all and commit, its end is recorded over
    this."""
    with transaction.atomic():
        # Locked: a worker's claim (queued to running) waits for this, or this for it.
        job = ImportJob.objects.select_for_update().filter(pk=job_id, state=state).first()
        if job is None:
            return False
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED, error=reason, finished_at=timezone.now(), file=""
        )
        audit_record(
            actor=None,
            action="import.given_up",
            data={"job": job_id, "source": job.name, "was": state, "error": reason},
        )
        names = [job.file.name] if job.file else []
        transaction.on_commit(lambda: _delete_files(names))
    return True


@transaction.atomic
def import_jobs_cleanup(*, days: int, dry_run: bool = False) -> list[str]:
    """Remove import jobs created more than `days` days ago (their outcome was shown long
    since; a job still queued or running by then found no worker, or lost it), with any file
    one still holds: the names of those files. A dry run removes nothing. Files are removed
    once the rows are gone (committed)."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    old = ImportJob.objects.filter(created_at__lt=cutoff)
    names = sorted(old.exclude(file="").values_list("file", flat=True))
    if dry_run:
        return names
    count = old.count()
    old.delete()
    if count:
        audit_record(actor=None, action="import.cleanup", data={"jobs": count, "files": len(names)})
    transaction.on_commit(lambda: _delete_files(names))
    return names


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
