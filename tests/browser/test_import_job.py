"""A large ledger is imported in the background, in a real browser against a real worker: the
office confirms the preview, the job page shows it queued while no worker runs, its progress
bar follows the worker's progress while the import's transaction is still open (job.js
polls the job's JSON; the progress is kept beside the queue), and once done the page says
what the import did and links to the ledger."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from huey.storage import SqliteStorage

from taizhang.jobs import progress
from taizhang.ledger import import_jobs
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.services import importing
from tests.browser.conftest import screenshot
from tests.browser.flows import poll_now, sign_in
from tests.factories import World
from tests.jobs.imported import BIG_TITLE, big_ledger_json
from tests.jobs.workers import queue_on, worker_running

pytestmark = pytest.mark.django_db(transaction=True)

HALFWAY = 45  # 10 + 85 * 50 // 120: the first batch of 50 rows written


class Halfway:
    def __init__(self) -> None:
        self.reached = threading.Event()  # the worker has reported the first batch
        self.seen = threading.Event()  # the test has seen the page show it


@pytest.fixture
def held_halfway(monkeypatch: pytest.MonkeyPatch) -> Halfway:
    """The worker stops once it has reported the first batch, inside the import's
    transaction, until the test has seen the page show it."""
    halfway = Halfway()
    put = progress.progress_put

    def holding(key: str, percent: int) -> None:
        put(key, percent)
        if percent == HALFWAY:
            halfway.reached.set()
            halfway.seen.wait(60)

    monkeypatch.setattr("taizhang.jobs.tasks.progress_put", holding)
    monkeypatch.setattr(import_jobs, "REPORT_EVERY", 0)
    monkeypatch.setattr(importing, "BATCH", 50)
    return halfway


def test_a_large_import_runs_in_the_background_with_a_progress_bar(
    page: Any,
    live_server: Any,
    world: World,
    settings: Any,
    tmp_path: Path,
    held_halfway: Halfway,
) -> None:
    settings.TAIZHANG_IMPORT_INLINE_TASKS = 20
    ledger_file = tmp_path / "大台账.json"
    ledger_file.write_bytes(big_ledger_json(120))
    base = live_server.url
    storage = SqliteStorage(name="taizhang-browser", filename=str(tmp_path / "queue.sqlite3"))
    page.clock.install()
    with queue_on(storage) as finished:
        sign_in(page, base, "office", "/ledgers/upload/")
        page.set_input_files("input[name=file]", str(ledger_file))
        page.click("main button[type=submit]")
        page.wait_for_selector("#confirm-import")
        with page.expect_navigation():
            page.click("#confirm-import")
        assert page.inner_text("#import-state") == "排队中"
        assert page.is_hidden("#import-result")
        screenshot(page, "import-job-queued")
        try:
            with worker_running():
                # The page was not reloaded: its script follows the worker (at its next
                # poll, made at once when the worker has gone on).
                assert held_halfway.reached.wait(60)
                poll_now(page)
                page.wait_for_selector(f"#import-percent:text-is('{HALFWAY}%')", timeout=60_000)
                assert page.inner_text("#import-state") == "正在导入"
                assert page.eval_on_selector("#import-progress", "bar => bar.value") == HALFWAY
                screenshot(page, "import-job-running")
                held_halfway.seen.set()
                assert finished.wait()
                poll_now(page)
                page.wait_for_selector("#import-result", state="visible", timeout=60_000)
        finally:
            held_halfway.seen.set()
        assert finished.failed == []
    assert page.inner_text("#import-state") == "已完成"
    assert page.eval_on_selector("#import-progress", "bar => bar.value") == 100
    assert page.inner_text("#import-created") == "120"
    screenshot(page, "import-job-done")
    with page.expect_navigation():
        page.click("#import-ledger")
    ledger = Ledger.objects.get(title=BIG_TITLE)
    assert page.url.endswith(f"/ledgers/{ledger.pk}/")
    assert Task.objects.filter(ledger=ledger).count() == 120
    assert "（第1项）" in page.inner_text("main")
