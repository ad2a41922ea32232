"""Ledger exports in the background. The office's request creates an `ExportJob`
(`export_job_create`), the task queue's worker runs it (`export_job_run`, queued by
`taizhang.jobs`), the page polls it (`export_job_status`), and `taizhang cleanup` removes old
jobs with their files (`export_jobs_cleanup`); a job no worker will finish is given up
(`export_job_give_up`, decided by `taizhang.jobs.stalls`).

Progress is coarse, in steps: the job is claimed (10), the ledger read from the database or
the round's snapshot (50), the file written (90), the file stored (100). The writers report
nothing while they run; at 50,000 tasks reading and writing take a few seconds each."""

from __future__ import annotations

import datetime
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth.models import User
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.documents.model import LedgerDoc
from taizhang.documents.pdf import PdfError
from taizhang.documents.writers import FORMATS, LAYOUTS, ExportFile, export_files
from taizhang.ledger.background import JobStatus, job_status
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import audit_record
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import ExportJob, Round, snapshot_deferred
from taizhang.reporting.selectors import round_document
from taizhang.reporting.uploads import MAX_KEEP_DAYS, stored_names

logger = logging.getLogger(__name__)

EXPORTS_FOLDER = "exports"
READING, WRITING, SAVING, DONE = 10, 50, 90, 100
# A job asked for again within this time, still queued or running, is the same job.
REUSE_WITHIN = datetime.timedelta(minutes=30)
# A job's file in two steps: reading what it exports (`JobFile(job)`, at READING), then
# writing it (calling what that returns, at WRITING).
JobFile = Callable[[ExportJob], Callable[[], ExportFile]]
FAILED_MESSAGE = gettext_lazy("导出时出错，请稍后重试；如仍失败，请联系系统管理员")


def export_size(ledger: Ledger, round_: Round | None = None) -> int:
    """The rows an export of the ledger (or of a closed round's snapshot) writes: its current
    tasks and sub-items (the snapshot's), counted in the database."""
    if round_ is None:
        return Task.objects.filter(ledger=ledger, removed_at__isnull=True).count()
    ids = Round.objects.filter(pk=round_.pk).values_list("snapshot_ids", flat=True).first()
    return len(ids or {})


@transaction.atomic
def export_job_create(
    *,
    actor: User,
    ledger: Ledger,
    fmt: str,
    round_: Round | None = None,
    enqueue: Callable[[int], None],
    selection: dict[str, Any] | None = None,
    layout: str = "ledger",
    as_of: datetime.date | None = None,
    warnings: bool = False,
    bulletin_id: int | None = None,
) -> ExportJob:
    """A background export of the ledger (or of a closed round of it) in format `fmt`, for
    `actor`: a new job, queued with `enqueue(job id)` once this transaction commits; or the
    same export the actor asked for within `REUSE_WITHIN`, if still queued or running (a
    second click starts no second export). `selection` (`supervision.selection.Selection`'s
    data), `layout`, `as_of` and `warnings` say what is exported; `bulletin_id` a bulletin of
    the ledger instead (the caller has checked it is one). Raises `ReportingError` for an
    unknown format or layout, or a round that is not a closed round of this ledger."""
    if fmt not in FORMATS:
        raise ReportingError(_("不支持导出为 %(fmt)s 格式") % {"fmt": fmt})
    if layout not in LAYOUTS:
        raise ReportingError(_("不支持的导出版式"))
    if round_ is not None and (round_.ledger_id != ledger.pk or round_.snapshot is None):
        raise ReportingError(_("只能导出本台账已关闭的轮次"))
    what = {
        "round": round_,
        "format": fmt,
        "selection": selection or {},
        "layout": layout,
        "as_of": as_of,
        "warnings": warnings,
        "bulletin_id": bulletin_id,
    }
    same = ExportJob.objects.filter(
        created_by=actor,
        ledger=ledger,
        state__in=(ExportJob.State.QUEUED, ExportJob.State.RUNNING),
        created_at__gte=timezone.now() - REUSE_WITHIN,
        **what,
    ).first()
    if same is not None:
        return same
    job = ExportJob.objects.create(
        created_by=actor, ledger=ledger, created_at=timezone.now(), **what
    )
    audit_record(
        actor=actor,
        action="export.queue",
        ledger=ledger,
        data={
            "job": job.pk,
            "format": fmt,
            "round": round_.pk if round_ else None,
            "layout": layout,
            "selection": selection or {},
            "bulletin": bulletin_id,
        },
    )
    transaction.on_commit(lambda: enqueue(job.pk))
    return job


def export_job_run(*, job_id: int, make_file: JobFile | None = None) -> None:
    """Run a queued export job: read the ledger, write the file into the media storage
        (exports/), and record each step's progress and the outcome in its own short
        transaction, so the page sees it at once. A job that is gone, or no longer queued (run
        already, by a task the queue delivered twice), is left alone. Never raises for the export
        itself: a failure is recorded on the job, with a message for the office (the details in
        the log). `make_file` writes the job's file (`export_file`, unless a higher layer passes
    its own: `supervision.exports.job_file`, which knows selections and bulletins)."""
    claimed = ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
        state=ExportJob.State.RUNNING, progress=READING, progress_at=timezone.now()
    )
    if not claimed:
        return
    job = (
        ExportJob.objects.select_related("created_by", "ledger", "round")
        .defer(*snapshot_deferred("round__"))
        .get(pk=job_id)
    )
    try:
        name, filename = _export_to_storage(job, make_file or export_file)
    except Exception as error:
        # Refusals carry a message for the office; anything else is logged, not shown.
        known = isinstance(error, (ReportingError, PdfError))
        if not known:
            logger.exception("export job %s failed", job_id)
        _finish(
            job_id, state=ExportJob.State.FAILED, error=str(error) if known else str(FAILED_MESSAGE)
        )
        return
    _finish(job_id, state=ExportJob.State.DONE, progress=DONE, file=name, filename=filename)
    audit_record(
        actor=job.created_by,
        action="export.done",
        ledger=job.ledger,
        data={"job": job_id, "format": job.format},
    )


def _export_to_storage(job: ExportJob, make_file: JobFile) -> tuple[str, str]:
    """Write the job's export into the storage: its stored name and its download name. The
    bytes go through a temporary file (CSV and zips as they are written), not one string in
    memory."""
    write = make_file(job)
    _step(job.pk, WRITING)
    export = write()
    with tempfile.TemporaryFile() as out:
        for chunk in export.chunks:
            out.write(chunk)
        _step(job.pk, SAVING)
        out.seek(0)
        folder = timezone.localdate().strftime(f"{EXPORTS_FOLDER}/%Y/%m")
        suffix = export.filename.rsplit(".", 1)[-1]
        name = default_storage.save(f"{folder}/{job.pk}.{suffix}", File(out))
    return name, export.filename


def export_file(job: ExportJob) -> Callable[[], ExportFile]:
    """The job's file (a `JobFile`): the whole ledger, or a closed round's snapshot, read
    now; written, in its format, layout and 截至 date, when the result is called."""
    doc = job_document(job)
    return partial(export_files, doc, job.format, layout=job.layout, as_of=job.as_of)


def job_document(job: ExportJob) -> LedgerDoc:
    """The closed round's snapshot the job exports, else the whole ledger."""
    if job.round is None:
        return ledger_document(job.ledger)
    doc = round_document(job.round)
    if doc is None:
        raise ReportingError(_("该轮次尚未关闭，没有可导出的快照"))
    return doc


def _step(job_id: int, progress: int) -> None:
    ExportJob.objects.filter(pk=job_id).update(progress=progress, progress_at=timezone.now())


def _finish(job_id: int, **values: object) -> None:
    ExportJob.objects.filter(pk=job_id).update(finished_at=timezone.now(), **values)


def export_job_status(job: ExportJob) -> JobStatus:
    """The job's state for the page (`ledger.background.job_status`)."""
    return job_status(job, label=str(ExportJob.State(job.state).label))


@transaction.atomic
def export_job_give_up(*, job_id: int, state: str, reason: str) -> bool:
    """Fail the export job `job_id` that no worker will finish, if it is still in `state`
    (queued, or running with no progress for long: `taizhang.jobs.stalls` decides), with the
    message `reason`; audited. Whether it was given up: a worker that claimed or ended it
    meanwhile wins (should a slow worker finish after all, its file is recorded over this)."""
    # Locked: a worker's claim (queued to running) waits for this, or this for it.
    job = ExportJob.objects.select_for_update().filter(pk=job_id, state=state).first()
    if job is None:
        return False
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.FAILED, error=reason, finished_at=timezone.now()
    )
    audit_record(
        actor=None,
        action="export.given_up",
        ledger=job.ledger,
        data={"job": job_id, "format": job.format, "was": state, "error": reason},
    )
    return True


@dataclass
class ExportCleanup:
    """What `export_jobs_cleanup` removed (or would remove): jobs and stored file names."""

    jobs: int = 0
    files: list[str] = field(default_factory=list)


def export_jobs_cleanup(*, days: int, dry_run: bool = False) -> ExportCleanup:
    """Remove export jobs created more than `days` days ago, with their files, and files
    under exports/ that no job points to (a job removed with its ledger), older than an
    hour (`reporting.uploads`' grace: an export may be being stored). A dry run removes
    nothing. Files are removed after the rows are committed, each checked again for a job
    that points to it. Raises `ReportingError` for days outside 1 to `MAX_KEEP_DAYS`."""
    if not 1 <= days <= MAX_KEEP_DAYS:
        raise ReportingError(_("天数应为 1 到 %(max)s 之间的整数") % {"max": MAX_KEEP_DAYS})
    cutoff = timezone.now() - datetime.timedelta(days=days)
    with transaction.atomic():
        old = ExportJob.objects.filter(created_at__lt=cutoff)
        names = set(old.exclude(file="").values_list("file", flat=True))
        kept = set(ExportJob.objects.exclude(file="").values_list("file", flat=True)) - names
        names |= {n for n in stored_names((EXPORTS_FOLDER,)) if n not in kept}
        result = ExportCleanup(jobs=old.count(), files=sorted(names))
        if dry_run:
            return result
        old.delete()
        if result.jobs or names:
            audit_record(
                actor=None,
                action="export.cleanup",
                data={"jobs": result.jobs, "files": len(names)},
            )
        transaction.on_commit(lambda: _delete_unreferenced(sorted(names)))
    return result


def _delete_unreferenced(names: list[str], chunk: int = 400) -> None:
    for start in range(0, len(names), chunk):
        some = names[start : start + chunk]
        in_use = set(ExportJob.objects.filter(file__in=some).values_list("file", flat=True))
        for name in some:
            if name not in in_use:
                default_storage.delete(name)
