"""The jobs the task queue runs. `taizhang run_huey` imports this module (each installed
app's `tasks`) to know them; a view queues one through the function beside it."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from taizhang.jobs.progress import progress_drop, progress_get, progress_key, progress_put
from taizhang.jobs.stalls import jobs_sweep, worker_started
from taizhang.ledger.import_jobs import import_job_run
from taizhang.reporting.exports import export_job_run
from taizhang.supervision.exports import job_file


def export_job_with_selection(*, job_id: int) -> None:
    """Run the export job `job_id` (`reporting.exports.export_job_run`), its file made by
    `supervision.exports.job_file` (selections, lights, bulletins: above reporting)."""
    export_job_run(job_id=job_id, make_file=job_file)


# huey has no type hints: its task is typed here, once.
export_job: Any = db_task(name="export_job_run")(export_job_with_selection)


def export_enqueue(job_id: int) -> None:
    """Queue the export job `job_id` (`reporting.exports.export_job_run`); in immediate mode
    (TAIZHANG_QUEUE_IMMEDIATE=1) it runs now."""
    export_job(job_id=job_id)


def import_job_with_progress(*, job_id: int) -> None:
    """Run the import job `job_id` (`ledger.import_jobs.import_job_run`), its progress kept in
    the queue's store while it runs (`jobs.progress`): the import's own transaction hides it
    from the database until the end."""
    key = progress_key("import", job_id)
    try:
        import_job_run(job_id=job_id, report=partial(progress_put, key))
    finally:
        progress_drop(key)


import_job: Any = db_task(name="import_job_run")(import_job_with_progress)


def import_enqueue(job_id: int) -> None:
    """Queue the import job `job_id`; in immediate mode it runs now."""
    import_job(job_id=job_id)


def import_progress(job_id: int) -> int | None:
    """The progress the worker reported for the running import job `job_id`, if any."""
    return progress_get(progress_key("import", job_id))


def _sweep() -> None:
    jobs_sweep()


# The name of the queue's start-up hook (a test's worker orders its own before it).
WORKER_STARTED = "jobs_worker_started"
jobs_sweep_task: Any = db_periodic_task(crontab(minute="*"), name="jobs_stalled_sweep")(_sweep)


@HUEY.on_startup(WORKER_STARTED)  # type: ignore[untyped-decorator]  # huey: no hints
def worker_started_hook() -> None:
    """Each worker thread, as it starts: the first gives up what a previous worker left
    (`jobs.stalls.worker_started`). Its database connection is kept for the thread's jobs,
    closed when obsolete as huey's `db_task` does."""
    close_old_connections()
    try:
        worker_started()
    finally:
        close_old_connections()


def _backup() -> None:
    from taizhang.jobs.backups.schedule import backup_scheduled

    backup_scheduled()


# The daily backup (jobs.backups.schedule): checked every 10 minutes, taken once a day.
backup_task: Any = db_periodic_task(crontab(minute="*/10"), name="backup_scheduled")(_backup)
