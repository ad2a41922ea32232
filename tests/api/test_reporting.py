"""The reporting cycle through the API: the office opens a round, a unit reports, the office
accepts or returns; what the rules refuse answers 400 with the reason."""

from __future__ import annotations

from typing import Any

from django.test import Client

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import TaskRevision, Unit
from taizhang.reporting.models import Report, ReportState, Round
from taizhang.reporting.services import report_submit
from tests.api import client_for, open_cycle, send
from tests.factories import PASSWORD, World

PROGRESS = "北部供水工程已于10月开工，完成管线铺设3公里。"


def open_round(client: Client, world: World, name: str = "2021年11月") -> Any:
    body = {"ledger": world.ledger.pk, "name": name, "due_date": "2021-11-25"}
    return send(client, "POST", "/api/rounds", body)


def test_full_report_cycle(world: World) -> None:
    office, water = client_for(world, "office"), client_for(world, "water")
    task = world.task(3)
    before = office.get(f"/api/tasks/{task.pk}").json()

    opened = open_round(office, world)
    assert opened.status_code == 201
    assert opened.json()["is_open"] is True
    ledger = office.get(f"/api/ledgers/{world.ledger.pk}").json()
    assert ledger["open_round"]["name"] == "2021年11月"

    submitted = send(
        water,
        "POST",
        f"/api/tasks/{task.pk}/reports",
        {"progress": PROGRESS, "status": "completed", "figures": [{"name": "管线", "value": 3}]},
    )
    assert submitted.status_code == 201, submitted.content
    report = submitted.json()
    assert report["state"] == "submitted"
    assert report["unit"]["name"] == "水利局"
    assert report["previous_progress"] == before["progress"]
    # Figures are stored in one shape: a name, a number and a unit (empty when none is given).
    assert report["figures"] == [{"name": "管线", "value": 3.0, "unit": ""}]

    queue = office.get("/api/reports", {"state": "submitted"}).json()
    assert [item["id"] for item in queue["items"]] == [report["id"]]

    accepted = send(office, "POST", f"/api/reports/{report['id']}/accept", {"comment": "好"})
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["review_comment"] == "好"

    after = office.get(f"/api/tasks/{task.pk}").json()
    assert after["progress"] == PROGRESS
    assert after["status"] == "completed"
    assert after["status_label"] == "已完成"
    assert after["version"] == before["version"] + 1
    assert office.get("/api/reports", {"state": "submitted"}).json()["count"] == 0
    assert water.get("/api/reports", {"state": "accepted"}).json()["count"] == 1

    closed = send(office, "POST", f"/api/rounds/{opened.json()['id']}/close")
    assert closed.status_code == 200
    assert closed.json()["is_open"] is False


def test_accept_needs_no_body(world: World) -> None:
    cycle = open_cycle(world)
    # As `curl -X POST` sends it: no body at all.
    office = client_for(world, "office")
    response = office.generic("POST", f"/api/reports/{cycle.water_report.pk}/accept")
    assert response.status_code == 200, response.content


def test_return_keeps_the_report_and_the_task(world: World) -> None:
    cycle = open_cycle(world)
    office = client_for(world, "office")
    task = world.task(3)
    response = send(
        office, "POST", f"/api/reports/{cycle.water_report.pk}/return", {"comment": "请补充数据"}
    )
    assert response.status_code == 200
    assert response.json()["state"] == "returned"
    assert Report.objects.get(pk=cycle.water_report.pk).review_comment == "请补充数据"
    assert office.get(f"/api/tasks/{task.pk}").json()["version"] == task.version


def test_return_needs_a_comment(world: World) -> None:
    cycle = open_cycle(world)
    office = client_for(world, "office")
    url = f"/api/reports/{cycle.water_report.pk}/return"
    blank = send(office, "POST", url, {"comment": "  "})
    assert blank.status_code == 400
    assert blank.json()["detail"] == "退回时请填写意见"
    assert send(office, "POST", url, {}).status_code == 422
    assert Report.objects.get(pk=cycle.water_report.pk).state == ReportState.SUBMITTED


def test_a_report_is_reviewed_once(world: World) -> None:
    cycle = open_cycle(world)
    office = client_for(world, "office")
    url = f"/api/reports/{cycle.water_report.pk}"
    assert send(office, "POST", f"{url}/accept").status_code == 200
    again = send(office, "POST", f"{url}/return", {"comment": "晚了"})
    assert again.status_code == 400
    assert again.json()["detail"] == "该报送已审核过"
    assert TaskRevision.objects.filter(task=world.task(3), source="report").count() == 1


def test_report_without_an_open_round_is_refused(world: World) -> None:
    task = world.task(3)
    response = send(
        client_for(world, "water"),
        "POST",
        f"/api/tasks/{task.pk}/reports",
        {"progress": PROGRESS, "status": "in_progress"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "当前没有开放的报送轮次"
    assert not Report.objects.exists()


def test_report_is_refused_without_progress_or_with_an_unknown_status(world: World) -> None:
    open_cycle(world)
    url = f"/api/tasks/{world.task(3).pk}/reports"
    water = client_for(world, "water")
    empty = send(water, "POST", url, {"progress": " ", "status": "in_progress"})
    assert empty.status_code == 400
    assert empty.json()["detail"] == "请填写进展情况"
    unknown = send(water, "POST", url, {"progress": PROGRESS, "status": "done"})
    assert unknown.status_code == 400
    assert send(water, "POST", url, {"status": "in_progress"}).status_code == 422
    assert Report.objects.filter(task=world.task(3)).count() == 1  # the cycle's own


def test_a_reporter_of_several_units_names_the_unit(world: World) -> None:
    open_cycle(world)
    housing, water = Unit.objects.get(name="住建局"), Unit.objects.get(name="水利局")
    user = account_create(
        username="two-units", password=PASSWORD, role=Role.REPORTER, units=[housing, water]
    )
    client = Client()
    client.force_login(user)
    url = f"/api/tasks/{world.task(9).pk}/reports"
    body = {"progress": "蟒河治理完成20公里。", "status": "in_progress"}
    unnamed = send(client, "POST", url, body)
    assert unnamed.status_code == 400
    assert "多个责任单位" in unnamed.json()["detail"]
    health = Unit.objects.get(name="卫健委")
    assert send(client, "POST", url, {**body, "unit": health.pk}).status_code == 400
    named = send(client, "POST", url, {**body, "unit": housing.pk})
    assert named.status_code == 201
    assert named.json()["unit"] == {"id": housing.pk, "name": "住建局"}
    # On task 3 only 水利局 serves, so no unit need be named.
    only = send(client, "POST", f"/api/tasks/{world.task(3).pk}/reports", body)
    assert only.json()["unit"]["name"] == "水利局"


# --- rounds ------------------------------------------------------------------------------


def test_a_ledger_has_one_open_round_and_unique_names(world: World) -> None:
    office = client_for(world, "office")
    assert open_round(office, world).status_code == 201
    second = open_round(office, world, name="2021年12月")
    assert second.status_code == 400
    assert "未关闭" in second.json()["detail"]
    assert open_round(office, world, name=" ").status_code == 400
    round_ = Round.objects.get()
    assert send(office, "POST", f"/api/rounds/{round_.pk}/close").status_code == 200
    again = send(office, "POST", f"/api/rounds/{round_.pk}/close")
    assert again.status_code == 400
    assert again.json()["detail"] == "该轮次已关闭"
    same_name = open_round(office, world)
    assert same_name.status_code == 400
    assert "同名" in same_name.json()["detail"]


def test_round_list_filters_by_ledger(world: World) -> None:
    open_cycle(world)
    client = client_for(world, "water")
    assert len(client.get("/api/rounds").json()) == 1
    assert client.get("/api/rounds", {"ledger": 999_999}).json() == []


def test_missing_units_drop_as_units_report(world: World) -> None:
    cycle = open_cycle(world)
    office = client_for(world, "office")
    url = f"/api/rounds/{cycle.round.pk}/missing-units"
    everyone = {"住建局", "教体局", "交投集团", "农业农村局", "文广旅局", "民政局"}
    # 水利局 and 卫健委 reported on one of their tasks each: each has more to report.
    assert {unit["name"] for unit in office.get(url).json()} == everyone | {"水利局", "卫健委"}
    for number, unit, actor in (
        (9, "水利局", world.water),
        (2, "卫健委", world.health),
        (16, "卫健委", world.health),
    ):
        report_submit(
            task=world.task(number),
            unit=Unit.objects.get(name=unit),
            actor=actor,
            progress="已推进。",
            status="in_progress",
        )
    assert {unit["name"] for unit in office.get(url).json()} == everyone
    send(office, "POST", f"/api/reports/{cycle.water_report.pk}/return", {"comment": "重报"})
    assert "水利局" in {unit["name"] for unit in office.get(url).json()}


# --- the review queue --------------------------------------------------------------------


def test_review_queue_is_oldest_first_and_filters(world: World) -> None:
    cycle = open_cycle(world)
    office = client_for(world, "office")
    queue = office.get("/api/reports", {"state": "submitted"}).json()
    assert [r["id"] for r in queue["items"]] == [cycle.water_report.pk, cycle.health_report.pk]
    assert office.get("/api/reports", {"state": "returned"}).json()["count"] == 0
    assert office.get("/api/reports", {"ledger": 999_999}).json()["count"] == 0
    assert office.get("/api/reports", {"state": "lost"}).status_code == 422
    page = office.get("/api/reports", {"limit": 1}).json()
    assert page["count"] == 2
    assert len(page["items"]) == 1


# --- comments ----------------------------------------------------------------------------


def test_leader_comment_shows_on_the_task(world: World) -> None:
    leader = client_for(world, "leader")
    task = world.task(8)
    response = send(leader, "POST", f"/api/tasks/{task.pk}/comments", {"text": "尽快开工。"})
    assert response.status_code == 201
    assert response.json()["text"] == "尽快开工。"
    assert response.json()["author"] == "lishuangen"
    comments = client_for(world, "viewer").get(f"/api/tasks/{task.pk}").json()["comments"]
    assert [c["text"] for c in comments] == ["尽快开工。"]
    blank = send(leader, "POST", f"/api/tasks/{task.pk}/comments", {"text": " "})
    assert blank.status_code == 400
    assert blank.json()["detail"] == "请填写批示内容"


def test_report_figures_must_be_a_name_a_number_and_a_unit(world: World) -> None:
    open_cycle(world)  # two reports already waiting
    before = Report.objects.count()
    client = client_for(world, "water")
    url = f"/api/tasks/{world.task(3).pk}/reports"
    for figures in (
        [{"name": "投资", "value": "很多"}],
        [{"name": "", "value": 1}],
        [{"value": 1}],
    ):
        response = send(
            client, "post", url, {"progress": "进展", "status": "in_progress", "figures": figures}
        )
        assert response.status_code in (400, 422), figures
    assert Report.objects.count() == before


def test_a_reporter_attaches_a_photo_to_its_pending_report(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    cycle = open_cycle(world)
    url = f"/api/reports/{cycle.water_report.pk}/attachments"
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
    response = client_for(world, "water").post(url, {"file": photo})
    assert response.status_code == 201, response.content
    assert [a["name"] for a in response.json()["attachments"]] == ["现场.png"]
    fake = SimpleUploadedFile("photo.jpg", b"MZ this is a program", "image/jpeg")
    refused = client_for(world, "water").post(url, {"file": fake})
    assert refused.status_code == 400 and "不是照片" in refused.json()["detail"]
    other = SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")
    assert client_for(world, "health").post(url, {"file": other}).status_code == 404
    assert client_for(world, "office").post(url, {"file": other}).status_code == 403
    send(client_for(world, "office"), "post", f"/api/reports/{cycle.water_report.pk}/accept", {})
    late = SimpleUploadedFile("b.pdf", b"%PDF-1.4", "application/pdf")
    assert client_for(world, "water").post(url, {"file": late}).status_code == 400
    assert Report.objects.get(pk=cycle.water_report.pk).attachments.count() == 1
