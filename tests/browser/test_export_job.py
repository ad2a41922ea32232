"""A large ledger is exported in the background, in a real browser against a real worker: the
office confirms, the job page shows it queued while no worker runs, its progress bar follows
the job (job.js polls the job's JSON) once a worker takes it, and the file it offers
when done is the ledger's; a job whose worker died is given up as the page polls, which then
says why and offers to export again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from huey.storage import SqliteStorage

from taizhang.reporting.models import ExportJob
from tests.browser.conftest import screenshot
from tests.browser.flows import poll_now, sign_in
from tests.factories import World
from tests.jobs.exported import is_export_of
from tests.jobs.workers import queue_on, worker_running

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_large_export_runs_in_the_background_with_a_progress_bar(
    page: Any, live_server: Any, world: World, settings: Any, tmp_path: Path
) -> None:
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 10  # the seed's 16 tasks are a large ledger
    base = live_server.url
    storage = SqliteStorage(name="taizhang-browser", filename=str(tmp_path / "queue.sqlite3"))
    page.clock.install()
    with queue_on(storage) as finished:
        sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/export/xlsx/")
        assert "将在后台导出为Excel格式" in page.inner_text("#export-start")
        with page.expect_navigation():
            page.click("#export-start button[type=submit]")
        assert page.inner_text("#export-state") == "排队中"
        assert page.is_hidden("#export-download")
        screenshot(page, "export-job-queued")
        with worker_running():
            assert finished.wait()
            # The page was not reloaded: its script sees the job finish (at its next poll).
            poll_now(page)
            page.wait_for_selector("#export-download", state="visible", timeout=60_000)
        assert finished.failed == []
    assert page.inner_text("#export-state") == "已完成"
    assert page.eval_on_selector("#export-progress", "bar => bar.value") == 100
    screenshot(page, "export-job-done")
    with page.expect_download() as info:
        page.click("#export-link")
    job = ExportJob.objects.get()
    assert info.value.suggested_filename == job.filename == f"{world.ledger.title}.xlsx"
    data = Path(info.value.path()).read_bytes()
    assert is_export_of(data, world.ledger, "xlsx")


def test_a_job_whose_worker_died_shows_why_and_offers_to_start_again(
    page: Any, live_server: Any, world: World, settings: Any, tmp_path: Path
) -> None:
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 10
    base = live_server.url
    storage = SqliteStorage(name="taizhang-browser", filename=str(tmp_path / "queue.sqlite3"))
    page.clock.install()
    with queue_on(storage):
        sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/export/xlsx/")
        with page.expect_navigation():
            page.click("#export-start button[type=submit]")
        assert page.inner_text("#export-state") == "排队中"
        assert page.is_hidden("#export-error") and page.is_hidden("#export-retry")
        # A worker took it twenty minutes ago and died at the first step.
        ExportJob.objects.update(
            state="running", progress=10, progress_at=timezone.now() - timedelta(minutes=20)
        )
        # The page was not reloaded: its script polls, and the poll gives the job up.
        poll_now(page)
        page.wait_for_selector("#export-retry", state="visible", timeout=60_000)
    assert page.inner_text("#export-state") == "导出失败"
    assert page.inner_text("#export-error").startswith("导出已超过 15 分钟没有进展")
    assert page.is_hidden("#export-download")
    screenshot(page, "export-job-given-up")
