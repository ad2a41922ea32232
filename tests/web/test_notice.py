"""The 督办通知单 from the dashboard: the office's link on each red or yellow unit's row, the
GET form (截至, 反馈日期, 编号) with the tasks it will name, the .docx download; no one else
sees the link or opens the page."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.ledger.models import AuditEvent, Status, Task, Unit
from tests.factories import World, client_for
from tests.web.test_dashboard import big_ledger, body_rows, dashboard, parse

pytestmark = pytest.mark.django_db
AS_OF = "2021-11-05"


def notice_url(world: World, unit: str) -> str:
    return reverse("web:unit_notice", args=[world.ledger.pk, Unit.objects.get(name=unit).pk])


def get(world: World, unit: str, role: str = "office", **params: str) -> Any:
    return client_for(world, role).get(notice_url(world, unit), params)


def test_the_office_gets_a_link_on_each_lit_units_row(world: World) -> None:
    response = dashboard(world, "office")
    rows = {row[0]: row[-1] for row in body_rows(parse(response), "unit-table")}
    assert rows["住建局"] == rows["水利局"] == rows["教体局"] == "督办通知单"
    assert rows["民政局"] == ""
    link = f"{notice_url(world, '住建局')}?as_of={AS_OF}"
    assert link in response.content.decode()


@pytest.mark.parametrize("role", ["water", "leader", "viewer"])
def test_no_one_else_sees_the_link_or_opens_the_page(world: World, role: str) -> None:
    assert "督办通知单" not in dashboard(world, role).content.decode()
    assert get(world, "住建局", role, as_of=AS_OF).status_code == 404


def test_the_page_shows_the_tasks_it_will_name_and_the_reply_date(world: World) -> None:
    response = get(world, "住建局", as_of=AS_OF)
    assert response.status_code == 200
    page = parse(response)
    rows = body_rows(page, "notice-tasks")
    assert [row[1].split("：")[0] for row in rows] == ["第8项", "第9项"]
    assert rows[1][4] == "完成时限为2021年10月31日，目前已逾期5天，尚未完成。"
    assert "并于2021年11月12日前将整改情况书面反馈市政府督查室" in response.content.decode()
    assert 'id="notice-download"' in response.content.decode()


def test_the_download_is_the_units_notice(world: World) -> None:
    response = get(
        world, "住建局", as_of=AS_OF, reply_by="2021-11-15", number="督办〔2021〕3号", download="1"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote("督办通知单-住建局-20211105.docx") in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[:3] == ["督办通知单", "督办〔2021〕3号", "住建局："]
    assert any("于2021年11月15日前" in t for t in texts)
    numbers = [row.cells[1].text.split("：")[0] for row in document.tables[0].rows[1:]]
    assert numbers == ["第8项", "第9项"]
    event = AuditEvent.objects.get(action="notice.download")
    assert event.actor == world.office and event.ledger == world.ledger
    assert event.data == {"as_of": AS_OF, "units": ["住建局"], "number": "督办〔2021〕3号"}


def test_a_unit_with_nothing_lit_gets_the_message_and_no_download(world: World) -> None:
    response = get(world, "民政局", as_of=AS_OF, download="1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    content = response.content.decode()
    assert "民政局截至2021年11月5日没有亮红灯、黄灯的任务，无需督办。" in content
    assert 'id="notice-download"' not in content
    assert not AuditEvent.objects.filter(action="notice.download").exists()


def test_a_reply_date_before_the_date_is_refused(world: World) -> None:
    response = get(world, "住建局", as_of=AS_OF, reply_by="2021-11-01", download="1")
    assert response.status_code == 400
    assert "反馈日期不能早于截至日期" in response.content.decode()
    assert get(world, "住建局", as_of="2021-13-40").status_code == 400


def test_without_parameters_the_form_is_filled_with_the_default_dates(world: World) -> None:
    response = get(world, "住建局")
    assert response.status_code == 200
    assert 'name="as_of"' in response.content.decode()
    assert 'name="reply_by"' in response.content.decode()


def test_the_page_and_download_cost_the_same_queries_for_any_size(world: World) -> None:
    large = big_ledger(200)  # 100 tasks of 水利局, many lit
    client = client_for(world, "office")
    unit = Unit.objects.get(name="水利局").pk
    counts = []
    for ledger in (world.ledger, large):
        url = reverse("web:unit_notice", args=[ledger.pk, unit])
        for params in ({"as_of": AS_OF}, {"as_of": AS_OF, "download": "1"}):
            client.get(url, params)  # the session read once
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, params)
            assert response.status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:], counts
    assert len(docx.Document(io.BytesIO(response.content)).tables[0].rows) > 50


# --- every red unit's notice, as a zip ---------------------------------------------------------


def test_the_office_downloads_every_red_units_notice_as_a_zip(world: World) -> None:
    page = dashboard(world, "office").content.decode()
    url = reverse("web:red_unit_notices", args=[world.ledger.pk])
    assert f"{url}?as_of={AS_OF}" in page and 'id="red-notices"' in page
    response = client_for(world, "office").get(url, {"as_of": AS_OF})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert quote("督办通知单-红灯单位-20211105.zip") in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        first = docx.Document(io.BytesIO(archive.read(names[0])))
    assert names == [  # most red first, then by name, as the dashboard's table
        "督办通知单-住建局-20211105.docx",
        "督办通知单-教体局-20211105.docx",
        "督办通知单-水利局-20211105.docx",
    ]
    assert [row.cells[1].text[:3] for row in first.tables[0].rows[1:]] == ["第8项", "第9项"]
    event = AuditEvent.objects.get(action="notice.download")
    assert event.data["units"] == ["住建局", "教体局", "水利局"]


@pytest.mark.parametrize("role", ["water", "leader", "viewer"])
def test_no_one_else_gets_the_zip(world: World, role: str) -> None:
    url = reverse("web:red_unit_notices", args=[world.ledger.pk])
    assert client_for(world, role).get(url, {"as_of": AS_OF}).status_code == 404
    assert 'id="red-notices"' not in dashboard(world, role).content.decode()


def test_with_no_red_unit_the_zip_is_refused_with_a_word(world: World) -> None:
    Task.objects.filter(pk=world.task(8).pk).update(status=Status.IN_PROGRESS)
    url = reverse("web:red_unit_notices", args=[world.ledger.pk])
    client = client_for(world, "office")
    response = client.get(url, {"as_of": "2021-06-01"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?as_of=2021-06-01")
    assert "截至该日没有亮红灯的责任单位，无需督办。" in response.content.decode()
    response = client.get(url, {"as_of": "2021-02-30"}, follow=True)
    assert "截至日期“2021-02-30”不是有效日期" in response.content.decode()
