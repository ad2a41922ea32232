"""PDF of the ledger and of a bulletin (for the office's website): written by LibreOffice in
the background (the export job), on the web and at the command line; where LibreOffice is
missing, a clear Chinese message and no file. One LibreOffice conversion for each."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from taizhang.documents import pdf
from taizhang.ledger.models import Unit
from taizhang.reporting.models import ExportJob
from taizhang.supervision import services
from tests.conftest import require_tool
from tests.factories import World, client_for
from tests.jobs.workers import immediate_queue

pytestmark = pytest.mark.django_db


def run_job(client: Any, url: str, capture: Any) -> ExportJob:
    with immediate_queue(), capture(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("web:export_job", args=[job.pk])
    return job


def stored(job: ExportJob) -> bytes:
    with job.file.open("rb") as opened:
        return bytes(opened.read())


@pytest.fixture
def no_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "libreoffice_binary", lambda: None)


def test_the_ledger_as_pdf_is_written_in_the_background(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    require_tool("soffice", "libreoffice-writer-nogui")
    office = client_for(world, "office")
    url = reverse("web:ledger_export", args=[world.ledger.pk, "pdf"])
    water = Unit.objects.get(name="水利局").pk
    confirm = office.get(url, {"unit": water})
    assert confirm.status_code == 200 and "开始导出" in confirm.content.decode()
    assert not ExportJob.objects.exists()  # even a small ledger: PDF is never inline
    job = run_job(office, f"{url}?unit={water}&warnings=1", django_capture_on_commit_callbacks)
    assert job.state == ExportJob.State.DONE, job.error
    assert job.filename.endswith(".pdf") and stored(job).startswith(b"%PDF-")
    download = office.get(reverse("web:export_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"


def test_a_bulletin_as_pdf_is_written_in_the_background(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    require_tool("soffice", "libreoffice-writer-nogui")
    bulletin = services.bulletin_create(
        ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=world.office
    )
    office = client_for(world, "office")
    page = office.get(reverse("web:bulletin_detail", args=[bulletin.pk])).content.decode()
    url = reverse("web:bulletin_pdf", args=[bulletin.pk])
    assert url in page
    job = run_job(office, url, django_capture_on_commit_callbacks)
    assert job.state == ExportJob.State.DONE, job.error
    assert job.bulletin_id == bulletin.pk and stored(job).startswith(b"%PDF-")
    assert job.filename == f"{bulletin.title}.pdf"


def test_without_libreoffice_the_page_says_so_and_the_job_fails_with_no_file(
    world: World, no_libreoffice: None, django_capture_on_commit_callbacks: Any
) -> None:
    office = client_for(world, "office")
    url = reverse("web:ledger_export", args=[world.ledger.pk, "pdf"])
    page = office.get(url).content.decode()
    assert "本服务器未安装 LibreOffice，无法导出 PDF" in page and "开始导出" not in page
    job = run_job(office, url, django_capture_on_commit_callbacks)
    assert job.state == ExportJob.State.FAILED and not job.file
    assert job.error == pdf.MISSING_MESSAGE
    state = office.get(reverse("web:export_job_status", args=[job.pk])).json()
    assert "未安装 LibreOffice" in str(state)


def test_the_bulletin_pdf_is_for_those_who_may_read_the_bulletin(world: World) -> None:
    bulletin = services.bulletin_create(
        ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=world.office
    )
    url = reverse("web:bulletin_pdf", args=[bulletin.pk])
    assert client_for(world, "viewer").get(url).status_code == 404  # a draft
    assert client_for(world, "office").get(url).status_code == 200


def test_the_cli_refuses_pdf_without_libreoffice_and_writes_no_file(
    world: World, no_libreoffice: None, tmp_path: Path
) -> None:
    target = tmp_path / "台账.pdf"
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "export", str(world.ledger.pk), "--format", "pdf", "-o", str(target), stderr=err
        )
    assert exit_.value.code != 0
    assert "未安装 LibreOffice" in err.getvalue()
    assert not target.exists()
    with pytest.raises(SystemExit):
        call_command("bulletin", str(world.ledger.pk), "--format", "pdf", "-o", str(target),
                     stderr=err)  # fmt: skip
    assert not target.exists()


def test_the_cli_exports_the_pages_selection(world: World, tmp_path: Path) -> None:
    target = tmp_path / "水利局红灯.csv"
    call_command(
        "export", str(world.ledger.pk), "--format", "csv", "--unit", "水利局", "--light", "red",
        "--as-of", "2021-11-05", "--warnings", "-o", str(target), stderr=io.StringIO(),
    )  # fmt: skip
    water = Unit.objects.get(name="水利局").pk
    url = reverse("web:ledger_export", args=[world.ledger.pk, "csv"])
    query = {"unit": water, "light": "red", "as_of": "2021-11-05", "warnings": "1"}
    web = b"".join(client_for(world, "office").get(url, query).streaming_content)
    assert target.read_bytes() == web and "红灯：" in web.decode("utf-8-sig")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("export", str(world.ledger.pk), "--unit", "无此单位", stderr=err)
    assert "该台账没有责任单位“无此单位”" in err.getvalue()
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "export", str(world.ledger.pk), "--due-from", "2021-12-01", "--due-to", "2021-06-30",
            stderr=err,
        )  # fmt: skip
    assert "开始日期晚于结束日期" in err.getvalue()
