"""Input no database can store is refused with 400 and a clear message before any view sees
it, and changes nothing: NUL bytes (a 500 on PostgreSQL, even on the sign-in page) in fields,
parameters, headers, cookies and JSON bodies; integers beyond 2^63 (a 500 on both databases)
in URL ids and parameters."""

from __future__ import annotations

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import Task
from taizhang.reporting.models import Comment
from tests.api import client_for, send
from tests.factories import PASSWORD, World

MESSAGE = "请求含有无法处理的字符或过大的数字"
HUGE = str(2**63)


def refused(response) -> bool:
    body = response.content.decode()
    return response.status_code == 400 and MESSAGE in body


def api_refused(response) -> bool:
    """The API answers bad input itself: 422, naming the field, as its OpenAPI documents."""
    return response.status_code == 422 and "detail" in response.json()


def test_a_nul_byte_in_the_sign_in_form_is_400_and_records_nothing(world: World) -> None:
    response = Client().post(reverse("web:login"), {"username": "off\x00ice", "password": "x"})
    assert refused(response)
    assert not AccessAttempt.objects.exists()
    response = Client().post(reverse("web:login"), {"username": "office", "password": "a\x00"})
    assert refused(response)


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_USER_AGENT": "Mozilla\x00"},
        {"HTTP_X_REAL_IP": "10.0.0.1\x00"},
        {"HTTP_AUTHORIZATION": "Bearer tz_\x00"},
    ],
    ids=["user-agent", "x-real-ip", "authorization"],
)
def test_a_nul_byte_in_a_header_is_400(world: World, extra: dict[str, str]) -> None:
    response = Client().post(
        reverse("web:login"), {"username": "office", "password": PASSWORD}, **extra
    )
    assert refused(response)
    assert refused(Client().get("/api/ledgers", **extra))


def test_a_nul_byte_in_a_cookie_is_400(world: World) -> None:
    client = Client()
    client.cookies["sessionid"] = "abc\x00def"
    assert refused(client.get(reverse("web:home")))


def test_a_nul_byte_in_a_query_parameter_is_400(world: World) -> None:
    client = client_for(world, "office")
    url = reverse("web:ledger_detail", args=[world.ledger.pk])
    assert refused(client.get(url, {"q": "供水\x00"}))
    assert refused(client.get(url, {"q\x00": "供水"}))


def test_a_nul_byte_in_a_form_changes_nothing(world: World) -> None:
    client = client_for(world, "leader")
    task = world.task(8)
    assert refused(client.post(reverse("web:comment_add", args=[task.pk]), {"text": "好\x00"}))
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body", ['{"text": "好\\u0000"}', '{"text": "好\x00"}'], ids=["escaped", "raw"]
)
def test_a_nul_byte_in_a_json_body_is_422_not_500(world: World, body: str) -> None:
    client = client_for(world, "leader")
    task = world.task(8)
    response = client.post(f"/api/tasks/{task.pk}/comments", body, content_type="application/json")
    if "\x00" in body:  # a raw control character: not JSON at all
        assert response.status_code == 400 and "detail" in response.json()
    else:
        assert api_refused(response)
        assert "空字符" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_nul_byte_in_an_api_patch_changes_nothing(world: World) -> None:
    task = world.task(3)
    response = send(
        client_for(world, "office"),
        "PATCH",
        f"/api/tasks/{task.pk}",
        {"version": task.version, "remarks": "改\x00"},
    )
    assert api_refused(response)
    assert Task.objects.get(pk=task.pk).remarks == task.remarks


@pytest.mark.parametrize(
    "url",
    [
        f"/tasks/{HUGE}/",
        f"/ledgers/{HUGE}/",
        f"/rounds/{'9' * 5000}/",
    ],
)
def test_an_id_beyond_any_database_integer_is_400(world: World, url: str) -> None:
    assert refused(client_for(world, "office").get(url))


@pytest.mark.parametrize("url", [f"/api/tasks/{HUGE}", f"/api/ledgers/{HUGE}/tasks"])
def test_an_api_id_beyond_any_database_integer_is_422(world: World, url: str) -> None:
    assert api_refused(client_for(world, "office").get(url))


def test_the_largest_database_integer_is_just_missing(world: World) -> None:
    client = client_for(world, "office")
    assert client.get(f"/tasks/{2**63 - 1}/").status_code == 404
    assert client.get(f"/api/tasks/{2**63 - 1}").status_code == 404


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1" * 5000])
def test_an_integer_parameter_beyond_any_database_integer_is_400(world: World, value: str) -> None:
    client = client_for(world, "office")
    url = reverse("web:ledger_detail", args=[world.ledger.pk])
    assert refused(client.get(url, {"unit": value}))
    assert api_refused(client.get("/api/rounds", {"ledger": value}))


def test_a_long_number_is_still_searchable_and_a_password(world: World) -> None:
    client = client_for(world, "office")
    url = reverse("web:ledger_detail", args=[world.ledger.pk])
    assert client.get(url, {"q": "1" * 25}).status_code == 200
    response = Client().post(reverse("web:login"), {"username": "office", "password": "1" * 25})
    assert response.status_code == 200  # a wrong password, not a refused request


def test_an_edit_with_a_version_beyond_any_integer_changes_nothing(world: World) -> None:
    task = world.task(3)
    response = client_for(world, "office").post(
        reverse("web:task_edit", args=[task.pk]),
        {"version": HUGE, "goal": "新的目标", "progress": "", "status": "", "remarks": ""},
    )
    assert refused(response)
    assert Task.objects.get(pk=task.pk).goal == task.goal


def test_the_refusal_is_the_sites_400_page_with_its_message_and_a_way_home(world: World) -> None:
    # Before, it was one line of plain text in a blank browser window.
    response = Client().get(reverse("web:login"), {"next": "/\x00"})
    assert refused(response)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    body = response.content.decode()
    assert "<h1>请求有误</h1>" in body and 'href="/static/taizhang/taizhang.css"' in body
    assert f'<a href="{reverse("web:home")}">回到首页</a>' in body
    assert "\x00" not in body


def test_the_refusal_carries_the_sites_policy_and_name(world: World, settings: Any) -> None:
    settings.TAIZHANG_SITE_NAME = "某市督查台账"
    response = Client().get(reverse("web:login"), {"next": "/\x00"})
    assert refused(response)
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert "<title>请求有误 · 某市督查台账</title>" in response.content.decode()


def test_a_cookie_with_a_nul_is_expired_so_the_stylesheet_and_the_way_home_work(
    world: World,
) -> None:
    other = Client()
    other.cookies["tracker"] = "a\x00b"
    assert refused(other.get("/static/taizhang/taizhang.css"))  # nothing passes with it
    client = Client()
    client.cookies["tracker"] = "a\x00b"
    response = client.get(reverse("web:login"))
    assert refused(response)
    expired = response.cookies["tracker"]
    assert expired.value == "" and expired["max-age"] == 0
    # The client, as a browser, has taken the expiry: what follows is answered.
    assert client.get("/static/taizhang/taizhang.css").status_code == 200
    assert client.get(reverse("web:login")).status_code == 200
