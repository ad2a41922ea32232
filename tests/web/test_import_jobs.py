"""A large ledger uploaded on the web is imported in the background: confirming queues a job
and shows its page, whose progress bar follows the job (its JSON); once done the page says
what the import did and links to the ledger; a failure says why in Chinese and changes
nothing; the job is its creator's and the office's only. A small ledger is still imported at
once."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.storage import SqliteStorage

from taizhang.jobs.progress import progress_key, progress_put
from taizhang.ledger.import_jobs import MAX_ACTIVE
from taizhang.ledger.models import ImportJob, Ledger, Task
from taizhang.web import upload
from tests.factories import World, client_for
from tests.jobs.imported import BIG_TITLE, big_ledger_json
from tests.jobs.workers import immediate_queue, queue_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def large(settings: Any) -> None:
    """A ledger of more than 20 tasks counts as large."""
    settings.TAIZHANG_IMPORT_INLINE_TASKS = 20


@pytest.fixture
def queued_ids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs are queued into this list: no worker runs them."""
    found: list[int] = []
    monkeypatch.setattr(upload, "import_enqueue", found.append)
    return found


def previewed(client: Client, data: bytes, name: str = "大台账.json") -> str:
    """Upload a file and return the preview's token."""
    handle = io.BytesIO(data)
    handle.name = name
    response = client.post(reverse("web:ledger_upload"), {"file": handle})
    assert response.status_code == 200, response.content.decode()[:500]
    token: str = response.context["token"]
    return token


def confirm(client: Client, token: str) -> Any:
    return client.post(reverse("web:ledger_upload_confirm"), {"token": token})


def pending_files() -> set[Path]:
    folder = Path(settings.DATA_DIR) / "pending"
    return set(folder.iterdir()) if folder.exists() else set()


def stored_imports() -> set[Path]:
    folder = Path(default_storage.path("imports"))
    return {path for path in folder.rglob("*") if path.is_file()}


def status_of(client: Client, job: ImportJob) -> dict[str, Any]:
    response = client.get(reverse("web:import_job_status", args=[job.pk]))
    assert response.status_code == 200
    found: dict[str, Any] = response.json()
    return found


def test_confirming_a_large_ledger_queues_it_and_shows_its_page(
    world: World, large: None, queued_ids: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world, "office")
    before = pending_files()  # other tests' (the data directory is kept per test process)
    token = previewed(client, big_ledger_json(30))

    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, token)

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("web:import_job", args=[job.pk])
    assert queued_ids == [job.pk] and (job.state, job.tasks) == ("queued", 30)
    assert not Ledger.objects.filter(title=BIG_TITLE).exists()
    assert pending_files() == before and job.file  # the file is the job's now
    assert Path(job.file.path) in stored_imports()
    page = client.get(response.url).content.decode()
    assert 'id="import-progress" max="100" value="0"' in page and "排队中" in page
    assert "taizhang/job.js" in page and "<script>" not in page
    # The same token cannot queue the import twice.
    again = confirm(client, token)
    assert again.url == reverse("web:ledger_upload") and ImportJob.objects.count() == 1


def test_a_small_ledger_is_still_imported_at_once(
    world: World, large: None, queued_ids: list[int]
) -> None:
    client = client_for(world, "office")
    response = confirm(client, previewed(client, big_ledger_json(20)))
    ledger = Ledger.objects.get(title=BIG_TITLE)
    assert response.url == reverse("web:ledger_detail", args=[ledger.pk])
    assert queued_ids == [] and not ImportJob.objects.exists()


def test_a_finished_job_shows_what_it_did_and_links_to_the_ledger(
    world: World, large: None, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(world, "office")
    token = previewed(client, big_ledger_json(30))
    files = stored_imports()  # other tests' (media is kept per test process)
    # Run at once (huey's immediate mode) when the transaction that queued it commits.
    with immediate_queue(), django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, token)
    job = ImportJob.objects.get()
    ledger = Ledger.objects.get(title=BIG_TITLE)
    assert Task.objects.filter(ledger=ledger).count() == 30
    state = status_of(client, job)
    assert (state["state"], state["label"], state["progress"]) == ("done", "已完成", 100)
    assert state["counts"] == {"created": 30, "updated": 0, "unchanged": 0, "removed": 0}
    assert state["ledger"] == reverse("web:ledger_detail", args=[ledger.pk])
    page = client.get(response.url).content.decode()
    assert 'id="import-created">30<' in page and state["ledger"] in page
    assert client.get(state["ledger"]).status_code == 200
    # The uploaded file was the job's only, until it ended.
    assert not job.file and stored_imports() == files


def test_a_failed_job_says_why_in_chinese_and_changes_nothing(
    world: World, large: None, queued_ids: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from taizhang.ledger.import_jobs import import_job_run
    from taizhang.ledger.services import importing

    client = client_for(world, "office")
    confirm(client, previewed(client, big_ledger_json(30)))
    job = ImportJob.objects.get()

    def broken(*args: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing._Importer, "audit", broken)
    import_job_run(job_id=job.pk)

    assert not Ledger.objects.filter(title=BIG_TITLE).exists()
    assert not Task.objects.filter(goal__contains="（第1项）").exists()
    state = status_of(client, job)
    assert state["state"] == "failed" and "台账未作任何改动" in state["error"]
    assert state["counts"] is None and state["ledger"] is None
    page = client.get(reverse("web:import_job", args=[job.pk])).content.decode()
    assert "导入失败" in page and "台账未作任何改动" in page and "重新上传" in page


def test_the_page_follows_the_progress_the_worker_reports(
    world: World, large: None, queued_ids: list[int]
) -> None:
    client = client_for(world, "office")
    confirm(client, previewed(client, big_ledger_json(30)))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state="running", progress=10)
    progress_put(progress_key("import", job.pk), 42)
    assert status_of(client, job)["progress"] == 42
    page = client.get(reverse("web:import_job", args=[job.pk])).content.decode()
    assert 'value="42"' in page and "正在导入" in page


def test_too_many_waiting_imports_are_refused_with_a_message(
    world: World, large: None, queued_ids: list[int]
) -> None:
    client = client_for(world, "office")
    for _ in range(MAX_ACTIVE):
        confirm(client, previewed(client, big_ledger_json(30)))
    token = previewed(client, big_ledger_json(30))
    response = confirm(client, token)
    assert response.url == reverse("web:ledger_upload")
    assert ImportJob.objects.count() == MAX_ACTIVE
    page = client.get(response.url).content.decode()
    assert "正在排队或进行" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("office", 200), ("water", 404), ("leader", 404), ("viewer", 404), ("anonymous", 302)],
)
def test_a_job_is_the_offices_and_its_creators_only(
    world: World, large: None, queued_ids: list[int], role: str, status: int
) -> None:
    office = client_for(world, "office")
    confirm(office, previewed(office, big_ledger_json(30)))
    job = ImportJob.objects.get()
    client = client_for(world, role)
    for name in ("web:import_job", "web:import_job_status"):
        assert client.get(reverse(name, args=[job.pk])).status_code == status
    assert client.get(reverse("web:import_job", args=[job.pk + 1])).status_code in (302, 404)


def test_job_pages_answer_get_only(world: World, large: None, queued_ids: list[int]) -> None:
    client = client_for(world, "office")
    confirm(client, previewed(client, big_ledger_json(30)))
    job = ImportJob.objects.get()
    for name in ("web:import_job", "web:import_job_status"):
        assert client.post(reverse(name, args=[job.pk])).status_code == 405


@pytest.fixture
def own_queue(tmp_path: Path) -> Iterator[None]:
    """The queue's store (progress, the worker's sign of life) is the test's own."""
    with queue_on(SqliteStorage(name="taizhang-test", filename=str(tmp_path / "q.sqlite3"))):
        yield


def left_running(job: ImportJob) -> None:
    """As a worker leaves the job that dies after claiming it."""
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", progress=10, progress_at=timezone.now()
    )


def test_a_job_whose_worker_died_fails_when_its_page_polls(
    world: World, large: None, queued_ids: list[int], own_queue: None
) -> None:
    client = client_for(world, "office")
    confirm(client, previewed(client, big_ledger_json(30)))
    job = ImportJob.objects.get()
    left_running(job)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=14), tick=False):
        assert status_of(client, job)["state"] == "running"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        state = status_of(client, job)
        page = client.get(reverse("web:import_job", args=[job.pk])).content.decode()
    assert (state["state"], state["label"]) == ("failed", "导入失败")
    assert state["error"].startswith("导入已超过 15 分钟没有进展，后台服务可能已中断")
    assert state["error"] in page and "重新上传" in page


def test_jobs_a_dead_worker_left_running_do_not_block_the_next_import(
    world: World, large: None, queued_ids: list[int], own_queue: None
) -> None:
    client = client_for(world, "office")
    for _ in range(MAX_ACTIVE):
        confirm(client, previewed(client, big_ledger_json(30)))
    for job in ImportJob.objects.all():
        left_running(job)
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        response = confirm(client, previewed(client, big_ledger_json(30)))
    newest = ImportJob.objects.order_by("-pk").first()
    assert newest is not None and response.url == reverse("web:import_job", args=[newest.pk])
    assert newest.state == "queued" and ImportJob.objects.count() == MAX_ACTIVE + 1
    assert ImportJob.objects.filter(state="failed").count() == MAX_ACTIVE
