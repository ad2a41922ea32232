"""What a reporter has not sent yet, through the API: drafts (暂存) that any client reads back,
files held for a report until it is sent, figures typed as people write them, and a returned
report read with the office's comment and sent again. The unit rule and the messages are the
web form's (accounts.access.report_unit_id)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import AuditEvent, Unit
from taizhang.reporting.models import Attachment, HeldFile, Report, ReportDraft, ReportState
from tests.api import client_for, send
from tests.factories import PASSWORD, World, signed_in
from tests.web.test_pages import open_round

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2021, 11, 20, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Shanghai
PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)
GONE = "所选的待报送附件已失效或不属于这项报送，请重新选择"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def draft_url(world: World, number: int = 3) -> str:
    return f"/api/tasks/{world.task(number).pk}/draft"


def photo(name: str = "现场.png", content: bytes = PNG) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def hold(client: Client, world: World, number: int = 3, **fields: Any) -> Any:
    """Upload a file to hold for task `number` (multipart, as a client sends it)."""
    data = {"file": photo(), **fields}
    return client.post(f"/api/tasks/{world.task(number).pk}/held-files", data)


def two_unit_reporter(world: World) -> User:
    """A reporter of 水利局 and 住建局: both serve task 9."""
    return account_create(
        username="two",
        password=PASSWORD,
        role=Role.REPORTER,
        units=list(Unit.objects.filter(name__in=["水利局", "住建局"])),
    )


def water_unit() -> Unit:
    return Unit.objects.get(name="水利局")


NEW_ENDPOINTS = [
    ("GET", "/api/tasks/1/draft"),
    ("PUT", "/api/tasks/1/draft"),
    ("DELETE", "/api/tasks/1/draft"),
    ("GET", "/api/tasks/1/held-files"),
    ("POST", "/api/tasks/1/held-files"),
    ("DELETE", "/api/held-files/1"),
    ("GET", "/api/reports/1"),
]


@pytest.mark.parametrize(("method", "url"), NEW_ENDPOINTS)
def test_every_new_endpoint_refuses_no_one_with_401(db: None, method: str, url: str) -> None:
    response = send(Client(enforce_csrf_checks=True), method, url)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


# --- drafts -----------------------------------------------------------------------------------


def test_a_draft_saved_is_read_back_from_another_client(world: World) -> None:
    body = {"progress": "写了一半的进展", "status": "completed", "figures_text": "河道清淤约3公里"}
    with time_machine.travel(NOON, tick=False):
        saved = send(client_for(world, "water"), "PUT", draft_url(world), body)
    assert saved.status_code == 201, saved.content

    read = client_for(world, "water").get(draft_url(world))

    assert read.status_code == 200
    assert read.json() == {
        "task": world.task(3).pk,
        "unit": {"id": water_unit().pk, "name": "水利局"},
        "progress": "写了一半的进展",
        "status": "completed",
        "figures_text": "河道清淤约3公里",
        "updated_at": "2021-11-20T02:30:00Z",
    }
    assert Report.objects.count() == 0
    assert AuditEvent.objects.filter(action="report.draft_save").count() == 1


def test_saving_a_draft_again_replaces_it_with_200(world: World) -> None:
    water = client_for(world, "water")
    assert send(water, "PUT", draft_url(world), {"progress": "第一稿"}).status_code == 201
    again = send(water, "PUT", draft_url(world), {"progress": "  第二稿  ", "status": ""})
    assert again.status_code == 200
    assert again.json()["progress"] == "第二稿"
    assert list(ReportDraft.objects.values_list("progress", flat=True)) == ["第二稿"]


def test_no_draft_answers_404(world: World) -> None:
    response = client_for(world, "water").get(draft_url(world))
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到，或您无权查看"


@pytest.mark.parametrize("role", ["health", "office", "leader", "viewer"])
def test_a_draft_on_a_task_the_user_may_not_report_on_is_missing(world: World, role: str) -> None:
    client = client_for(world, role)
    assert send(client, "PUT", draft_url(world), {"progress": "x"}).status_code == 404
    assert client.get(draft_url(world)).status_code == 404
    assert ReportDraft.objects.count() == 0


def test_a_draft_of_another_unit_is_not_read(world: World) -> None:
    send(client_for(world, "water"), "PUT", draft_url(world, 9), {"progress": "水利局的草稿"})
    housing = account_create(
        username="zjj",
        password=PASSWORD,
        role=Role.REPORTER,
        units=[Unit.objects.get(name="住建局")],
    )
    assert signed_in(housing).get(draft_url(world, 9)).status_code == 404


def test_a_reporter_with_two_units_must_name_the_unit_of_the_draft(world: World) -> None:
    client = signed_in(two_unit_reporter(world))
    refused = send(client, "PUT", draft_url(world, 9), {"progress": "x"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "您属于多个责任单位，请选择报送单位"
    housing = Unit.objects.get(name="住建局")
    saved = send(client, "PUT", draft_url(world, 9), {"progress": "x", "unit": housing.pk})
    assert saved.status_code == 201
    assert saved.json()["unit"]["name"] == "住建局"
    assert client.get(draft_url(world, 9), {"unit": housing.pk}).status_code == 200
    assert client.get(draft_url(world, 9), {"unit": water_unit().pk}).status_code == 404


def test_a_draft_for_a_unit_not_the_reporters_is_refused_and_nothing_saved(world: World) -> None:
    other = Unit.objects.get(name="住建局")
    refused = send(client_for(world, "water"), "PUT", draft_url(world, 9), {"unit": other.pk})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "您不能代表该单位报送这项任务"
    assert ReportDraft.objects.count() == 0


def test_a_draft_with_an_unknown_status_is_refused_and_nothing_saved(world: World) -> None:
    refused = send(client_for(world, "water"), "PUT", draft_url(world), {"status": "nonsense"})
    assert refused.status_code == 400
    assert refused.json()["detail"] == "请选择状态"
    assert ReportDraft.objects.count() == 0


def test_a_draft_longer_than_the_form_allows_is_a_422(world: World) -> None:
    response = send(client_for(world, "water"), "PUT", draft_url(world), {"progress": "字" * 10001})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "最多 10000 个字"


def test_deleting_a_draft_drops_it_and_the_files_held_for_it(world: World) -> None:
    water = client_for(world, "water")
    send(water, "PUT", draft_url(world), {"progress": "x"})
    assert hold(water, world).status_code == 201

    assert water.delete(draft_url(world)).status_code == 204

    assert ReportDraft.objects.count() == 0 and HeldFile.objects.count() == 0
    assert water.get(draft_url(world)).status_code == 404
    assert water.delete(draft_url(world)).status_code == 404


# --- held files -------------------------------------------------------------------------------


def test_a_held_file_is_listed_to_its_owner_only(world: World) -> None:
    water = client_for(world, "water")
    held = hold(water, world)
    assert held.status_code == 201, held.content
    assert held.json()["name"] == "现场.png" and held.json()["unit"] == water_unit().pk
    listed = water.get(f"/api/tasks/{world.task(3).pk}/held-files").json()
    assert [item["id"] for item in listed] == [held.json()["id"]]
    other = signed_in(
        account_create(username="slj2", password=PASSWORD, role=Role.REPORTER, units=[water_unit()])
    )
    assert other.get(f"/api/tasks/{world.task(3).pk}/held-files").json() == []


def test_a_held_file_that_is_not_a_photo_or_pdf_is_refused(world: World) -> None:
    water = client_for(world, "water")
    refused = water.post(
        f"/api/tasks/{world.task(3).pk}/held-files", {"file": photo("a.jpg", b"MZ\x90\x00 exe")}
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == "附件 a.jpg 不是照片（JPEG/PNG）或 PDF"
    assert HeldFile.objects.count() == 0


def test_a_reporter_with_two_units_names_the_unit_of_a_held_file(world: World) -> None:
    client = signed_in(two_unit_reporter(world))
    refused = hold(client, world, 9)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "您属于多个责任单位，请选择报送单位"
    housing = Unit.objects.get(name="住建局")
    assert hold(client, world, 9, unit=housing.pk).json()["unit"] == housing.pk


def test_only_the_owner_deletes_a_held_file(world: World) -> None:
    held = hold(client_for(world, "water"), world).json()
    url = f"/api/held-files/{held['id']}"
    for role in ("health", "office"):
        response = client_for(world, role).delete(url)
        assert response.status_code == 404
        assert response.json()["detail"] == "未找到，或您无权查看"
    assert HeldFile.objects.count() == 1
    assert client_for(world, "water").delete(url).status_code == 204
    assert HeldFile.objects.count() == 0


# --- sending a report -------------------------------------------------------------------------


def reports_url(world: World, number: int = 3) -> str:
    return f"/api/tasks/{world.task(number).pk}/reports"


def test_a_held_file_sent_with_a_report_becomes_its_attachment(world: World) -> None:
    open_round(world)
    water = client_for(world, "water")
    send(water, "PUT", draft_url(world), {"progress": "写了一半"})
    held = hold(water, world).json()

    sent = send(
        water,
        "POST",
        reports_url(world),
        {"progress": "已开工。", "status": "in_progress", "held_files": [held["id"]]},
    )

    assert sent.status_code == 201, sent.content
    assert [a["name"] for a in sent.json()["attachments"]] == ["现场.png"]
    assert Attachment.objects.get().report_id == sent.json()["id"]
    assert HeldFile.objects.count() == 0 and ReportDraft.objects.count() == 0
    assert sent.json()["notices"] == []


def test_a_held_file_of_someone_else_is_refused_and_nothing_changes(world: World) -> None:
    open_round(world)
    other = signed_in(
        account_create(username="slj2", password=PASSWORD, role=Role.REPORTER, units=[water_unit()])
    )
    foreign = hold(other, world).json()

    refused = send(
        client_for(world, "water"),
        "POST",
        reports_url(world),
        {"progress": "已开工。", "status": "in_progress", "held_files": [foreign["id"]]},
    )

    assert refused.status_code == 400
    assert refused.json()["detail"] == GONE
    assert Report.objects.count() == 0 and Attachment.objects.count() == 0
    assert HeldFile.objects.filter(pk=foreign["id"]).exists()


def test_a_held_file_of_another_task_is_refused_and_nothing_changes(world: World) -> None:
    open_round(world)
    water = client_for(world, "water")
    elsewhere = hold(water, world, 9).json()
    refused = send(
        water,
        "POST",
        reports_url(world),
        {"progress": "已开工。", "status": "in_progress", "held_files": [elsewhere["id"]]},
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == GONE
    assert Report.objects.count() == 0 and HeldFile.objects.count() == 1


def test_figures_typed_as_people_write_them_are_read_and_the_rest_kept_as_text(
    world: World,
) -> None:
    open_round(world)
    sent = send(
        client_for(world, "water"),
        "POST",
        reports_url(world),
        {
            "progress": "已开工。",
            "status": "in_progress",
            "figures": [{"name": "管线", "value": 3}],
            "figures_text": "完成投资１２００万元\n进度很快",
        },
    )
    assert sent.status_code == 201, sent.content
    body = sent.json()
    assert body["figures"] == [
        {"name": "管线", "value": 3.0, "unit": ""},
        {"name": "完成投资", "value": 1200.0, "unit": "万元"},
    ]
    assert body["progress"] == "已开工。\n进度很快"
    assert body["notices"] == ["第2行未能识别为数据，已作为文字保留"]


def test_a_blank_progress_is_refused_even_with_lines_kept_as_text(world: World) -> None:
    open_round(world)
    refused = send(
        client_for(world, "water"),
        "POST",
        reports_url(world),
        {"progress": " ", "status": "in_progress", "figures_text": "进度很快"},
    )
    assert refused.status_code == 400
    assert refused.json()["detail"] == "请填写进展情况"
    assert Report.objects.count() == 0


# --- a returned report ------------------------------------------------------------------------


def test_a_reporter_reads_its_returned_report_with_the_comment_and_sends_it_again(
    world: World,
) -> None:
    open_round(world)
    water, office = client_for(world, "water"), client_for(world, "office")
    first = send(water, "POST", reports_url(world), {"progress": "已开工。", "status": "lagging"})
    report_id = first.json()["id"]
    back = send(office, "POST", f"/api/reports/{report_id}/return", {"comment": "请补充管网数据"})
    assert back.status_code == 200

    listed = water.get("/api/reports", {"state": "returned"}).json()
    assert [(r["id"], r["review_comment"]) for r in listed["items"]] == [
        (report_id, "请补充管网数据")
    ]
    one = water.get(f"/api/reports/{report_id}").json()
    assert (one["state"], one["state_label"]) == ("returned", "已退回")
    assert one["review_comment"] == "请补充管网数据"

    again = send(
        water,
        "POST",
        reports_url(world),
        {"progress": "已开工，管网3公里。", "status": "in_progress"},
    )

    assert again.status_code == 201, again.content
    assert Report.objects.get(pk=report_id).state == ReportState.RETURNED
    queue = office.get("/api/reports", {"state": "submitted"}).json()
    assert [r["id"] for r in queue["items"]] == [again.json()["id"]]


def test_a_report_of_a_task_not_visible_is_missing(world: World) -> None:
    open_round(world)
    sent = send(
        client_for(world, "water"),
        "POST",
        reports_url(world),
        {"progress": "已开工。", "status": "in_progress"},
    )
    response = client_for(world, "health").get(f"/api/reports/{sent.json()['id']}")
    assert response.status_code == 404


def test_the_reports_to_redo_are_the_returned_ones_not_sent_again(world: World) -> None:
    open_round(world)
    water, office = client_for(world, "water"), client_for(world, "office")
    body = {"progress": "已开工。", "status": "in_progress"}
    for number in (3, 9):
        sent = send(water, "POST", reports_url(world, number), body)
        send(office, "POST", f"/api/reports/{sent.json()['id']}/return", {"comment": "请补充"})
    send(water, "POST", reports_url(world, 9), body)  # task 9 sent again

    redo = water.get("/api/reports", {"redo": "true"}).json()

    assert [item["task_number"] for item in redo["items"]] == [3]
    assert redo["items"][0]["review_comment"] == "请补充"
    assert water.get("/api/reports", {"state": "returned"}).json()["count"] == 2
