"""The jobs the task queue runs. `taizhang run_huey` imports this module (each installed
app's `tasks`) to know them; a view queues one through the function beside it."""

from __future__ import annotations

from typing import Any

from huey.contrib.djhuey import db_task

from taizhang.reporting.exports import export_job_run

# huey has no type hints: its task is typed here, once.
export_job: Any = db_task(name="export_job_run")(export_job_run)


def export_enqueue(job_id: int) -> None:
    """Queue the export job `job_id` (`reporting.exports.export_job_run`); in immediate mode
    (TAIZHANG_QUEUE_IMMEDIATE=1) it runs now."""
    export_job(job_id=job_id)
