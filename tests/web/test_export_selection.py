"""Exports of any selection: the ledger page's filters carried into every format (the
exported rows are the page's rows), the 截至 date and the 预警 column, a reporter's own
tasks, the office's zip per unit and 领导分管 version, and the background job keeping the
selection."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from html import unescape
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from taizhang.accounts import access
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.readers import read_ledger
from taizhang.ledger.models import Person, Task, Unit
from taizhang.reporting.models import ExportJob
from taizhang.supervision.selectors import default_as_of
from tests.factories import World, client_for
from tests.jobs.workers import immediate_queue

pytestmark = pytest.mark.django_db


def _unit(name: str) -> int:
    return int(Unit.objects.get(name=name).pk)


def _selections(world: World) -> list[dict[str, Any]]:
    """Filters of the ledger page, alone and together."""
    return [
        {},
        {"unit": _unit("水利局")},
        {"light": "red"},
        {"unit": _unit("水利局"), "light": "red"},
        {"unit": _unit("住建局"), "light": "yellow"},
        {"leader": Person.objects.get(name="李拴根").pk},
        {"q": "学校"},
        {"due_from": "2021-06-01", "due_to": "2021-09-30"},
        {"status": "none"},
    ]


def page_goals(client: Client, world: World, query: dict[str, Any]) -> list[str]:
    response = client.get(reverse("web:ledger_detail", args=[world.ledger.pk]), query)
    assert response.status_code == 200
    return [row.goal for row in response.context["rows"]]


def export(client: Client, world: World, fmt: str, query: dict[str, Any]) -> Any:
    return client.get(reverse("web:ledger_export", args=[world.ledger.pk, fmt]), query)


def body(response: Any) -> bytes:
    assert response.status_code == 200, response.content[:300]
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def doc_goals(doc: LedgerDoc) -> list[str]:
    return [row.goal for task in doc.tasks for row in (task, *task.subitems)]


def read_back(data: bytes, fmt: str) -> LedgerDoc:
    return read_ledger(data, name=f"台账.{fmt}")


def exported_goals(data: bytes, fmt: str) -> list[str]:
    """The rows of an export read back; none for an export of no rows (its header only)."""
    try:
        return doc_goals(read_back(data, fmt))
    except LedgerReadError as error:
        assert "没有任务行" in str(error)
        return []


@pytest.mark.parametrize("fmt", ["csv", "docx", "xlsx", "json"])
def test_an_export_holds_exactly_the_rows_the_page_shows(world: World, fmt: str) -> None:
    office = client_for(world, "office")
    seen = set()
    for query in _selections(world):
        expected = page_goals(office, world, query)
        got = exported_goals(body(export(office, world, fmt, query)), fmt)
        assert got == expected, query
        seen.add(len(expected))
    assert len(seen) > 3  # the selections differ: the test could fail


def test_water_and_red_only_is_the_pages_rows_in_every_format(world: World) -> None:
    office = client_for(world, "office")
    query = {"unit": _unit("水利局"), "light": "red"}
    expected = page_goals(office, world, query)
    assert 0 < len(expected) < len(page_goals(office, world, {"unit": _unit("水利局")}))
    for fmt in ("csv", "docx", "xlsx"):
        got = doc_goals(read_back(body(export(office, world, fmt, query)), fmt))
        assert got == expected, fmt


def test_the_page_offers_an_export_form_carrying_its_filters(world: World) -> None:
    office = client_for(world, "office")
    url = reverse("web:ledger_detail", args=[world.ledger.pk])
    page = office.get(url, {"unit": _unit("水利局"), "light": "red"}).content.decode()
    assert 'id="export-form"' in page
    assert f'<input type="hidden" name="unit" value="{_unit("水利局")}">' in page
    assert '<input type="hidden" name="light" value="red">' in page
    as_of = default_as_of(world.ledger).isoformat()
    assert f'name="as_of" value="{as_of}"' in page
    assert 'name="warnings"' in page and 'name="layout"' in page
    assert "导出筛选出的任务" in page


def test_the_export_form_carries_no_filter_the_page_ignored(world: World) -> None:
    # A value the page ignored, an empty one, or a parameter that is no filter: the form said
    # 导出筛选出的任务 while the page showed every task.
    office = client_for(world, "office")
    url = reverse("web:ledger_detail", args=[world.ledger.pk])
    for query in ({"q": "紫" * 150}, {"year": "abc"}, {"light": "purple", "q": ""}):
        page = office.get(url, query).content.decode()
        form = page.split('id="export-form"')[1].split("</form>")[0]
        assert 'type="hidden"' not in form and "导出筛选出的任务" not in form, query
    page = office.get(url, {"light": "purple", "unit": _unit("水利局")}).content.decode()
    form = page.split('id="export-form"')[1].split("</form>")[0]
    assert form.count('type="hidden"') == 1 and "导出筛选出的任务" in form


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_as_of_date_is_written_and_bad_dates_are_refused(world: World) -> None:
    office = client_for(world, "office")
    rows = _csv_rows(body(export(office, world, "csv", {"as_of": "2021-10-31"})))
    assert rows[1][0] == "（截至2021年10月31日）"
    refused = export(office, world, "csv", {"as_of": "2021-13-01"})
    assert refused.status_code == 400
    # Each error after its field's label, as every other refused form says it.
    assert refused.content.decode() == "导出选项有误：截至：输入一个有效的日期。"


def test_the_warning_column_in_csv_word_and_excel(world: World) -> None:
    office = client_for(world, "office")
    query = {"warnings": "1", "light": "red"}
    rows = _csv_rows(body(export(office, world, "csv", query)))
    header = next(row for row in rows if row[0] == "序号")
    assert header[-1] == "预警"
    cells = [row[-1] for row in rows[rows.index(header) + 1 :] if row[0].isdigit()]
    assert cells and all(cell.startswith("红灯：") and len(cell) > 4 for cell in cells)
    word = zipfile.ZipFile(io.BytesIO(body(export(office, world, "docx", query))))
    document = word.read("word/document.xml").decode()
    assert ">预警<" in document and ">红灯：" in document
    book = load_workbook(io.BytesIO(body(export(office, world, "xlsx", query))))
    values = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "预警" in values and any(str(v).startswith("红灯：") for v in values)
    plain = _csv_rows(body(export(office, world, "csv", {"light": "red"})))
    assert "预警" not in next(row for row in plain if row[0] == "序号")


def test_the_warning_is_of_the_as_of_date(world: World) -> None:
    office = client_for(world, "office")
    early = _csv_rows(body(export(office, world, "csv", {"warnings": "1", "as_of": "2021-03-01"})))
    late = _csv_rows(body(export(office, world, "csv", {"warnings": "1", "as_of": "2021-12-31"})))
    assert sum("红灯" in row[-1] for row in early) < sum("红灯" in row[-1] for row in late)


def test_a_reporter_exports_its_own_units_tasks(world: World) -> None:
    water = client_for(world, "water")
    doc = read_back(body(export(water, world, "csv", {})), "csv")
    assert doc.tasks and all(any(u.name == "水利局" for u in t.units) for t in doc.tasks), [
        t.units for t in doc.tasks
    ]
    assert doc_goals(doc) == page_goals(water, world, {})
    # The zip per unit and the 领导分管 version are the office's.
    assert export(water, world, "csv", {"layout": "units"}).status_code == 404
    assert export(water, world, "csv", {"layout": "leaders"}).status_code == 404


def test_the_office_gets_a_zip_with_one_file_per_unit(world: World) -> None:
    office = client_for(world, "office")
    response = export(office, world, "csv", {"layout": "units"})
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    names = archive.namelist()
    units = {u.name for t in read_back(body(export(office, world, "csv", {})), "csv").tasks
             for u in t.units}  # fmt: skip
    assert {name.removesuffix(".csv") for name in names} == units
    for name in names:
        unit = name.removesuffix(".csv")
        part = read_back(archive.read(name), "csv")
        assert part.title.endswith(f"（{unit}）")
        assert all(any(u.name == unit for u in t.units) for t in part.tasks)
    whole = read_back(body(export(office, world, "csv", {})), "csv")
    joint = [t for t in whole.tasks if len(t.units) > 1]
    assert joint
    for task in joint:
        for unit in task.units:
            part = read_back(archive.read(f"{unit.name}.csv"), "csv")
            assert task.goal in doc_goals(part)


def test_the_leaders_version_has_a_section_per_leader(world: World) -> None:
    office = client_for(world, "office")
    whole = read_back(body(export(office, world, "csv", {})), "csv")
    grouped = read_back(body(export(office, world, "xlsx", {"layout": "leaders"})), "xlsx")
    assert grouped.title.endswith("（按领导分管）")
    leaders = list(dict.fromkeys(name for t in whole.tasks for name in t.leaders))
    assert [c.name.split("分管")[0] for c in grouped.categories] == leaders
    for category in grouped.categories:
        leader = category.name.split("分管")[0]
        mine = [t.goal for t in whole.tasks if leader in t.leaders]
        assert [t.goal for t in category.tasks] == mine
        assert category.name.endswith(f"（{len(mine)}项）")


def test_a_background_export_keeps_the_selection(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The limit counts the selection's rows (one here): 0 sends any export to the background.
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 0
    office = client_for(world, "office")
    query = {"unit": _unit("水利局"), "light": "red", "warnings": "1", "as_of": "2021-11-05"}
    url = reverse("web:ledger_export", args=[world.ledger.pk, "csv"])
    with immediate_queue(), django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"{url}?unit={query['unit']}&light=red&warnings=1&as_of=2021-11-05")
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.selection == {"unit": query["unit"], "light": "red"}
    assert job.warnings and str(job.as_of) == "2021-11-05"
    assert job.state == ExportJob.State.DONE, job.error
    with job.file.open("rb") as opened:
        data = opened.read()
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 10_000
    assert data == body(export(office, world, "csv", query))


def test_a_background_zip_per_unit_downloads_as_a_zip(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 1
    office = client_for(world, "office")
    url = reverse("web:ledger_export", args=[world.ledger.pk, "xlsx"])
    with immediate_queue(), django_capture_on_commit_callbacks(execute=True):
        office.post(f"{url}?layout=units")
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE and job.filename.endswith("（按单位）.zip")
    download = office.get(reverse("web:export_job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert "水利局.xlsx" in names and "住建局.xlsx" in names


def test_a_lit_selection_takes_the_same_queries_for_few_rows_or_many(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from taizhang.supervision.exports import export_document
    from taizhang.supervision.selection import Selection, TaskFilters

    def queries(selection: Selection) -> tuple[int, int]:
        export_document(world.ledger, world.office, selection, warnings=True)  # states built
        with CaptureQueriesContext(connection) as seen:
            doc = export_document(world.ledger, world.office, selection, warnings=True)
        return len(seen), len(doc.tasks)

    few = queries(Selection(TaskFilters(unit=_unit("水利局"))))
    many = queries(Selection())
    assert few[1] < many[1]
    assert few[0] == many[0]


def test_a_failed_exports_retry_link_keeps_the_selection(world: World) -> None:
    """重新导出 of a failed job asks for the same export again: its filters, layout, 截至
    and 预警 carried in the link (not the whole ledger)."""
    office = client_for(world, "office")
    unit = _unit("水利局")
    job = ExportJob.objects.create(
        created_by=world.office,
        ledger=world.ledger,
        format="xlsx",
        selection={"unit": unit, "light": "red", "q": "学校 河", "due_from": "2021-06-01"},
        layout="leaders",
        as_of="2021-11-05",
        warnings=True,
        state=ExportJob.State.FAILED,
        error="失败",
        created_at=timezone.now(),
    )
    page = office.get(reverse("web:export_job", args=[job.pk]))
    html = page.content.decode()
    (href,) = re.findall(r'id="export-retry"[^>]*><a href="([^"]+)"', html)
    url = urlsplit(unescape(href))
    assert url.path == reverse("web:ledger_export", args=[world.ledger.pk, "xlsx"])
    assert parse_qs(url.query) == {
        "unit": [str(unit)],
        "light": ["red"],
        "q": ["学校 河"],
        "due_from": ["2021-06-01"],
        "layout": ["leaders"],
        "as_of": ["2021-11-05"],
        "warnings": ["1"],
    }
    # Followed, it exports those rows that way.
    again = office.get(unescape(href))
    assert again.status_code == 200


def test_a_failed_plain_exports_retry_link_carries_nothing_more(world: World) -> None:
    office = client_for(world, "office")
    job = ExportJob.objects.create(
        created_by=world.office,
        ledger=world.ledger,
        format="csv",
        state=ExportJob.State.FAILED,
        created_at=timezone.now(),
    )
    html = office.get(reverse("web:export_job", args=[job.pk])).content.decode()
    (href,) = re.findall(r'id="export-retry"[^>]*><a href="([^"]+)"', html)
    assert unescape(href) == reverse("web:ledger_export", args=[world.ledger.pk, "csv"])


@pytest.mark.parametrize("query", [{}, {"light": "red", "warnings": "1"}, {"q": "水"}])
def test_a_reporters_background_export_holds_its_own_tasks_only(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any, query: dict[str, str]
) -> None:
    """The worker reads the job as its creator may see it: a reporter's queued export holds
    the same rows as its direct download, each one a task of its unit (and never the whole
    ledger, as an export without a user, the CLI's, would)."""
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 0
    water = client_for(world, "water")
    url = reverse("web:ledger_export", args=[world.ledger.pk, "csv"])
    with immediate_queue(), django_capture_on_commit_callbacks(execute=True):
        response = water.post(url + ("?" + "&".join(f"{k}={v}" for k, v in query.items())))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE, job.error
    download = water.get(reverse("web:export_job_download", args=[job.pk]))
    data = b"".join(download.streaming_content)
    goals = exported_goals(data, "csv")
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 10_000
    assert goals == exported_goals(body(export(water, world, "csv", query)), "csv")
    # (An empty selection is downloaded at once: the limit counts the selection's rows.)
    assert goals
    doc = read_back(data, "csv")
    assert all(any(u.name == "水利局" for u in t.units) for t in doc.tasks)
    everything = exported_goals(body(export(client_for(world, "office"), world, "csv", {})), "csv")
    assert len(goals) < len(everything)
    # Another unit's reporter cannot download it.
    health = client_for(world, "health")
    assert health.get(reverse("web:export_job_download", args=[job.pk])).status_code == 404


def test_the_background_exports_page_tells_a_reporter_its_own_tasks_count_only(
    world: World, settings: Any
) -> None:
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 1
    url = reverse("web:ledger_export", args=[world.ledger.pk, "csv"])
    own = access.visible_tasks(world.water).filter(ledger=world.ledger).count()
    every = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True).count()
    assert 1 < own < every
    html = client_for(world, "water").get(url).content.decode()
    assert f"该台账共{own}项任务" in html and f"共{every}项" not in html
    office_html = client_for(world, "office").get(url).content.decode()
    assert f"该台账共{every}项任务" in office_html


@pytest.mark.parametrize("who", ["office", "water"])
def test_the_background_exports_page_counts_the_rows_of_the_selection(
    world: World, settings: Any, who: str
) -> None:
    # It told the whole ledger's count for a filtered export (found by a stranger's walk).
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 0
    client = client_for(world, who)
    url = reverse("web:ledger_export", args=[world.ledger.pk, "pdf"])
    every = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True).count()
    counted = 0
    for query in _selections(world)[1:]:
        rows = len(page_goals(client, world, query))
        html = client.get(url, query).content.decode()
        assert f"筛选出{rows}项任务（含子项）" in html, query
        assert "该台账共" not in html
        counted += rows < every
    assert counted >= 5


def test_a_selection_within_the_limit_is_downloaded_at_once_from_a_ledger_over_it(
    world: World, settings: Any
) -> None:
    every = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True).count()
    settings.TAIZHANG_EXPORT_INLINE_TASKS = every - 1
    office = client_for(world, "office")
    url = reverse("web:ledger_export", args=[world.ledger.pk, "csv"])
    whole = office.get(url)
    assert whole.status_code == 200 and "开始导出" in whole.content.decode()
    query = {"unit": _unit("水利局")}
    download = office.get(url, query)
    assert download["Content-Disposition"].startswith("attachment")
    assert exported_goals(body(download), "csv") == page_goals(office, world, query)
    assert not ExportJob.objects.exists()


def download_name(response: Any) -> str:
    """The file name a download's Content-Disposition gives (Django's RFC 6266 form)."""
    header = response["Content-Disposition"]
    found = re.fullmatch(r"attachment; filename\*=utf-8''(.+)", header)
    assert found, header
    return unquote(found[1])


def test_a_selections_file_name_says_what_was_selected(world: World) -> None:
    # The whole ledger and a filtered 10 rows both downloaded as "<title>.xlsx".
    office = client_for(world, "office")
    title = world.ledger.title
    water = _unit("水利局")
    for query, note in [
        ({}, ""),
        ({"light": "red"}, "（红灯）"),
        ({"status": "lagging"}, "（推进缓慢）"),
        ({"status": "none"}, "（未标状态）"),
        ({"light": "yellow", "status": "in_progress"}, "（黄灯、正在推进）"),
        ({"unit": water}, "（筛选）"),
        ({"unit": water, "light": "red"}, "（筛选）"),
        ({"due_to": "2021-12-31", "status": "lagging"}, "（筛选）"),
        ({"light": "purple"}, ""),  # a value ignored selects nothing: the whole ledger
    ]:
        response = export(office, world, "xlsx", query)
        assert download_name(response) == f"{title}{note}.xlsx", query
    zipped = export(office, world, "csv", {"light": "red", "layout": "units"})
    assert download_name(zipped) == f"{title}（红灯）（按单位）.zip"
    # A reporter's own tasks, unfiltered, keep the ledger's name.
    assert download_name(export(client_for(world, "water"), world, "csv", {})) == f"{title}.csv"


def test_a_background_selections_file_is_named_as_the_download_at_once(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.TAIZHANG_EXPORT_INLINE_TASKS = 1
    office = client_for(world, "office")
    url = reverse("web:ledger_export", args=[world.ledger.pk, "xlsx"])
    with immediate_queue(), django_capture_on_commit_callbacks(execute=True):
        office.post(f"{url}?light=red")
        office.post(url)
    red, whole = ExportJob.objects.order_by("pk")
    assert (red.state, whole.state) == (ExportJob.State.DONE, ExportJob.State.DONE)
    assert red.filename == f"{world.ledger.title}（红灯）.xlsx"
    assert whole.filename == f"{world.ledger.title}.xlsx"
    download = office.get(reverse("web:export_job_download", args=[red.pk]))
    assert download_name(download) == red.filename
