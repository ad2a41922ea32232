"""The pages: 通知设置 (any signed-in user: the grid of events and channels, e-mail and phone;
bad input changes nothing) and the office's failed deliveries (404 for others, a fixed number
of queries, 重试 one or all)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from taizhang.accounts import access
from taizhang.accounts.models import Profile
from taizhang.ledger.models import AuditEvent, Unit
from taizhang.notify import tasks
from taizhang.notify.models import Delivery, Event, Preference
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

SETTINGS = "/settings/notifications/"
FAILED = "/deliveries/failed/"
RETRY = "/deliveries/failed/retry/"


def checked(page: str, value: str) -> bool:
    marker = f'value="{value}"'
    start = page.index(marker)
    return " checked" in page[start : page.index(">", start)]


def test_the_settings_grid_shows_the_defaults(world: World) -> None:
    User.objects.filter(pk=world.water.pk).update(email="slj@example.gov.cn")
    page = client_for(world, "water").get(SETTINGS).content.decode()
    assert "通知设置" in page and "报送被退回" in page and "slj@example.gov.cn" in page
    assert checked(page, "report_returned:email")  # an address: e-mail on
    assert not checked(page, "report_returned:sms")  # SMS off until chosen
    no_address = client_for(world, "health").get(SETTINGS).content.decode()
    assert not checked(no_address, "report_returned:email")


def test_saving_the_settings_keeps_each_choice_and_the_contacts(world: World) -> None:
    response = client_for(world, "water").post(
        SETTINGS,
        {
            "on": ["report_returned:sms", "round_due:email"],
            "email": "slj@example.gov.cn",
            "phone": "138 0000 1111",
        },
    )
    assert response.status_code == 302
    world.water.refresh_from_db()
    assert world.water.email == "slj@example.gov.cn"
    assert Profile.objects.get(user=world.water).phone == "13800001111"
    chosen = Preference.objects.filter(user=world.water, enabled=True)
    assert set(chosen.values_list("event", "channel")) == {
        ("report_returned", "sms"),
        ("round_due", "email"),
    }
    assert Preference.objects.filter(user=world.water).count() == len(Event) * 2
    page = client_for(world, "water").get(SETTINGS).content.decode()
    assert checked(page, "report_returned:sms") and not checked(page, "report_returned:email")
    assert AuditEvent.objects.filter(action="notify_preferences_save").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "手机号码格式不正确"),
        ("email", "not-an-address", "电子邮箱格式不正确"),
        ("on", "nonsense:email", "未知的通知选项"),
        ("on", "report_returned:wecom", "未知的通知选项"),
    ],
)
def test_bad_settings_are_refused_in_chinese_and_change_nothing(
    world: World, field: str, value: str, message: str
) -> None:
    data = {"email": "slj@example.gov.cn", "phone": "", "on": ["round_due:sms"], field: value}
    response = client_for(world, "water").post(SETTINGS, data, follow=True)
    assert message in response.content.decode()
    world.water.refresh_from_db()
    assert world.water.email == "" and not Preference.objects.exists()


def test_the_settings_form_needs_its_csrf_token(world: World) -> None:
    client = client_for(world, "water", enforce_csrf_checks=True)
    assert client.post(SETTINGS, {"phone": "13800001111"}).status_code == 403
    page = client.get(SETTINGS).content.decode()
    assert "csrfmiddlewaretoken" in page


def failed_rows(count: int, state: str = "failed", first: int = 0) -> list[Delivery]:
    numbers = range(first, first + count)
    units = Unit.objects.bulk_create(Unit(name=f"失败单位{i}") for i in numbers)
    return Delivery.objects.bulk_create(
        Delivery(
            channel="wecom",
            unit=unit,
            target=f"http://127.0.0.1:9/robot{i}",
            subject="【催办】请报送",
            body="请报送<script>",
            state=state,
            attempts=6,
            last_error="服务器返回 HTTP 500 <b>",
            created_at=timezone.now(),
        )
        for i, unit in enumerate(units)
    )


@pytest.mark.parametrize("role", ["water", "leader", "viewer", "anonymous"])
def test_only_the_office_sees_or_retries_failed_deliveries(world: World, role: str) -> None:
    (row,) = failed_rows(1)
    client = client_for(world, role)
    assert client.get(FAILED).status_code in (302, 404)
    assert client.post(RETRY, {"delivery": row.pk}).status_code in (302, 404)
    row.refresh_from_db()
    assert row.state == "failed"
    if role != "anonymous":
        assert client.get(FAILED).status_code == 404


def test_the_gate_decides_who_has_the_failed_deliveries_page_and_its_link(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    (row,) = failed_rows(1)
    link = f'href="{FAILED}"'
    office, viewer = client_for(world, "office"), client_for(world, "viewer")
    assert link in office.get("/").content.decode()
    assert link not in viewer.get("/").content.decode()
    monkeypatch.setattr(access, "can_see_failed_deliveries", lambda user: user == world.viewer)
    assert link in viewer.get("/").content.decode()
    assert "失败单位0" in viewer.get(FAILED).content.decode()
    assert viewer.post(RETRY, {"delivery": row.pk}).status_code == 302
    row.refresh_from_db()
    assert row.state == "retrying"
    # The office itself, refused by the gate, has neither the link nor the page.
    assert link not in office.get("/").content.decode()
    assert office.get(FAILED).status_code == 404
    assert office.post(RETRY).status_code == 404


def test_the_failed_list_costs_the_same_queries_for_1_or_30_rows(world: World) -> None:
    client = client_for(world, "office")
    failed_rows(1)
    with CaptureQueriesContext(connection) as one:
        page = client.get(FAILED).content.decode()
    assert "失败单位0" in page and "&lt;b&gt;" in page and "<b>" not in page.split("<main>")[1]
    failed_rows(29, first=1)
    with CaptureQueriesContext(connection) as many:
        page = client.get(FAILED).content.decode()
    assert page.count('name="delivery"') == 30
    assert len(many) == len(one)


def test_retry_one_or_all(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    batches: list[list[int]] = []
    monkeypatch.setattr(tasks, "deliveries_enqueue", lambda ids: batches.append(list(ids)))
    rows = failed_rows(3)
    client = client_for(world, "office")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RETRY, {"delivery": rows[0].pk})
    assert batches == [[rows[0].pk]]
    assert Delivery.objects.get(pk=rows[0].pk).state == "retrying"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RETRY, follow=True)
    assert sorted(batches[1]) == sorted(r.pk for r in rows)
    assert "已重新发送3条" in response.content.decode()
    bad = client.post(RETRY, {"delivery": "x1"}, follow=True).content.decode()
    assert "发送记录编号无效" in bad
    assert AuditEvent.objects.filter(action="notify_deliveries_retry").count() == 2
