"""The ledger's downloads on the web: a small ledger at once (CSV streamed), a large one in
the background after the office confirms, with a page of its progress and its file for its
creator and the office only."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.storage import SqliteStorage

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.reporting import services
from taizhang.reporting.exports import export_job_create, export_job_run
from taizhang.reporting.models import ExportJob, Round
from taizhang.web import exports
from tests.factories import PASSWORD, World, client_for, signed_in
from tests.jobs.exported import is_export_of
from tests.jobs.workers import immediate_queue, queue_on

pytestmark = pytest.mark.django_db


def export_url(world: World, fmt: str, round_: Round | None = None) -> str:
    url = reverse("web:ledger_export", args=[world.ledger.pk, fmt])
    return f"{url}?round={round_.pk}" if round_ else url


@pytest.fixture
def large(settings: Any) -> None:
    """The seed ledger (16 tasks) counts as large."""
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 15


@pytest.fixture
def queued_ids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs are queued into this list: no worker runs them."""
    found: list[int] = []
    monkeypatch.setattr(exports, "export_enqueue", found.append)
    return found


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "json"])
def test_a_small_ledger_downloads_at_once(world: World, fmt: str) -> None:
    response = client_for(world, "office").get(export_url(world, fmt))
    assert response.status_code == 200 and not response.streaming
    assert is_export_of(response.content, world.ledger, fmt)
    assert response["Content-Disposition"].startswith("attachment;")
    assert not ExportJob.objects.exists()


def test_csv_is_streamed(world: World) -> None:
    response = client_for(world, "office").get(export_url(world, "csv"))
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert is_export_of(body, world.ledger, "csv")
    assert response["Content-Type"] == "text/csv"


def test_a_large_ledger_asks_first_and_a_get_changes_nothing(world: World, large: None) -> None:
    response = client_for(world, "office").get(export_url(world, "docx"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "该台账共16项任务（含子项），将在后台导出为Word格式" in page
    assert "开始导出" in page and 'method="post"' in page
    assert not ExportJob.objects.exists()


def test_confirming_queues_a_job_and_shows_its_page(
    world: World, large: None, queued_ids: list[int]
) -> None:
    office = client_for(world, "office")
    response = office.post(export_url(world, "xlsx"))
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("web:export_job", args=[job.pk])
    assert (job.created_by, job.format, job.state, job.round) == (
        world.office,
        "xlsx",
        "queued",
        None,
    )
    page = office.get(response["Location"]).content.decode()
    assert '<progress id="export-progress" max="100" value="0"' in page
    assert "排队中" in page and "taizhang/job.js" in page
    state = office.get(reverse("web:export_job_status", args=[job.pk])).json()
    assert state == {
        "state": "queued",
        "label": "排队中",
        "progress": 0,
        "error": "",
        "waiting_long": False,
        "download": None,
        "filename": None,
    }
    download = office.get(reverse("web:export_job_download", args=[job.pk]))
    assert download.status_code == 404


def test_confirming_twice_gives_the_same_job(
    world: World, large: None, queued_ids: list[int]
) -> None:
    office = client_for(world, "office")
    first = office.post(export_url(world, "docx"))["Location"]
    assert office.post(export_url(world, "docx"))["Location"] == first
    assert ExportJob.objects.count() == 1


def test_a_finished_job_offers_its_file(
    world: World, large: None, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    office = client_for(world, "office")
    # Run at once (huey's immediate mode) when the transaction that queued it commits.
    with immediate_queue(), django_capture_on_commit_callbacks(execute=True):
        response = office.post(export_url(world, "docx"))
    job = ExportJob.objects.get()
    assert job.state == "done"
    page = office.get(response["Location"]).content.decode()
    download_url = reverse("web:export_job_download", args=[job.pk])
    assert f'href="{download_url}"' in page and "已完成" in page and 'value="100"' in page
    state = office.get(reverse("web:export_job_status", args=[job.pk])).json()
    assert (state["state"], state["progress"], state["download"]) == ("done", 100, download_url)
    assert state["filename"] == f"{world.ledger.title}.docx"
    download = office.get(download_url)
    assert download.status_code == 200
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert is_export_of(body, world.ledger, "docx")
    assert "attachment" in download["Content-Disposition"]
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_round_is_exported_in_the_background_too(
    world: World, large: None, queued_ids: list[int]
) -> None:
    round_ = services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    round_ = services.round_close(round_=round_, actor=world.office)
    office = client_for(world, "office")
    # The page's filters do not apply to a round's snapshot, and the page does not say they do.
    page = office.get(export_url(world, "json", round_) + "&q=学校").content.decode()
    assert "导出轮次“2021年11月”关闭时的台账" in page and "该台账共16项任务" in page
    assert "筛选" not in page.split("<main>")[1]
    office.post(export_url(world, "json", round_))
    assert ExportJob.objects.get().round == round_


def test_a_failed_job_says_why_in_chinese_and_offers_to_try_again(world: World) -> None:
    job = ExportJob.objects.create(
        created_by=world.office,
        ledger=world.ledger,
        format="docx",
        state="failed",
        error="导出时出错，请稍后重试",
        created_at=datetime.datetime.now(tz=datetime.UTC),
    )
    page = client_for(world, "office").get(reverse("web:export_job", args=[job.pk]))
    text = page.content.decode()
    assert "导出失败" in text and "导出时出错，请稍后重试" in text
    assert f'href="{export_url(world, "docx")}"' in text and "重新导出" in text


def job_of(world: World) -> ExportJob:
    return export_job_create(
        actor=world.office, ledger=world.ledger, fmt="docx", enqueue=lambda _: None
    )


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_only_the_office_and_reporters_may_export(world: World, role: str, large: None) -> None:
    client = client_for(world, role)
    assert client.get(export_url(world, "docx")).status_code == 404
    assert client.post(export_url(world, "docx")).status_code == 404
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("name", ["export_job", "export_job_status", "export_job_download"])
def test_a_job_is_its_creators_and_the_offices_only(world: World, name: str) -> None:
    job = job_of(world)
    export_job_run(job_id=job.pk)
    url = reverse(f"web:{name}", args=[job.pk])
    for role in ("water", "leader", "viewer"):
        assert client_for(world, role).get(url).status_code == 404, role
    assert client_for(world, "anonymous").get(url).status_code == 302
    assert client_for(world, "office").get(url).status_code == 200
    colleague = account_create(username="office2", password=PASSWORD, role=Role.OFFICE)
    assert signed_in(colleague).get(url).status_code == 200
    # Its creator keeps it, whatever the role now.
    ExportJob.objects.filter(pk=job.pk).update(created_by=world.viewer)
    assert client_for(world, "viewer").get(url).status_code == 200
    missing = reverse(f"web:{name}", args=[job.pk + 1])
    assert client_for(world, "office").get(missing).status_code == 404


def test_a_download_whose_file_was_removed_is_404(world: World) -> None:
    job = job_of(world)
    ExportJob.objects.filter(pk=job.pk).update(state="done", file="exports/gone.docx")
    response = client_for(world, "office").get(reverse("web:export_job_download", args=[job.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("url", ["web:export_job_status", "web:export_job_download"])
def test_job_urls_answer_get_only(world: World, url: str) -> None:
    job = job_of(world)
    assert client_for(world, "office").post(reverse(url, args=[job.pk])).status_code == 405


def test_an_unknown_format_is_404(world: World) -> None:
    assert client_for(world, "office").get(export_url(world, "odt")).status_code == 404


def test_the_export_page_needs_a_csrf_token(world: World, large: None) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    assert client.post(export_url(world, "docx")).status_code == 403
    assert not ExportJob.objects.exists()


@pytest.fixture
def own_queue(tmp_path: Path) -> Iterator[None]:
    """The queue's store (the worker's sign of life) is the test's own."""
    with queue_on(SqliteStorage(name="taizhang-test", filename=str(tmp_path / "q.sqlite3"))):
        yield


def test_a_job_whose_worker_died_fails_when_its_page_polls_and_is_not_handed_back(
    world: World, large: None, queued_ids: list[int], own_queue: None
) -> None:
    office = client_for(world, "office")
    first = office.post(export_url(world, "xlsx"))["Location"]
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(
        state="running", progress=50, progress_at=timezone.now()
    )
    later = timezone.now() + datetime.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        state = office.get(reverse("web:export_job_status", args=[job.pk])).json()
        page = office.get(first).content.decode()
        again = office.post(export_url(world, "xlsx"))["Location"]
    assert (state["state"], state["download"]) == ("failed", None)
    assert state["error"] == "导出已超过 15 分钟没有进展，后台服务可能已中断，请重新导出"
    assert state["error"] in page and "重新导出" in page
    assert again != first and ExportJob.objects.count() == 2


def test_a_job_queued_long_with_no_worker_fails_when_asked_again(
    world: World, large: None, queued_ids: list[int], own_queue: None
) -> None:
    office = client_for(world, "office")
    first = office.post(export_url(world, "xlsx"))["Location"]
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61), tick=False):
        again = office.post(export_url(world, "xlsx"))["Location"]
    # REUSE_WITHIN (30 minutes) is past as well: the check is what says why the first failed.
    job = ExportJob.objects.get(pk=first.rstrip("/").split("/")[-1])
    assert again != first and job.state == "failed"
    assert job.error.startswith("导出排队已超过 60 分钟，后台服务没有运行")
