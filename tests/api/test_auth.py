"""Who is asking: API tokens (`taizhang token create`), the browser session with its CSRF
token, and no one; and the OpenAPI document."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from taizhang.accounts.models import ApiToken
from taizhang.accounts.services import token_create
from taizhang.reporting.models import Round
from tests.api import client_for, send
from tests.factories import World

ENDPOINTS = [
    ("GET", "/api/ledgers"),
    ("GET", "/api/ledgers/1"),
    ("GET", "/api/ledgers/1/tasks"),
    ("GET", "/api/ledgers/1/dashboard"),
    ("GET", "/api/tasks/1"),
    ("PATCH", "/api/tasks/1"),
    ("POST", "/api/tasks/1/comments"),
    ("POST", "/api/tasks/1/reports"),
    ("GET", "/api/rounds"),
    ("POST", "/api/rounds"),
    ("POST", "/api/rounds/1/close"),
    ("GET", "/api/rounds/1/missing-units"),
    ("GET", "/api/reports"),
    ("POST", "/api/reports/1/accept"),
    ("POST", "/api/reports/1/return"),
    ("POST", "/api/reports/1/attachments"),
    ("GET", "/api/reports/1"),
    ("GET", "/api/tasks/1/draft"),
    ("PUT", "/api/tasks/1/draft"),
    ("DELETE", "/api/tasks/1/draft"),
    ("GET", "/api/tasks/1/held-files"),
    ("POST", "/api/tasks/1/held-files"),
    ("POST", "/api/tasks/1/figure-checks"),
    ("DELETE", "/api/held-files/1"),
]
ROUND = {"name": "2021年11月", "due_date": "2021-11-25"}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_refuses_no_one_with_401(db: None, method: str, url: str) -> None:
    response = send(Client(enforce_csrf_checks=True), method, url)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_every_endpoint_refuses_a_wrong_token_with_401(db: None, method: str, url: str) -> None:
    response = send(Client(), method, url, **bearer("tz_not-a-token"))
    assert response.status_code == 401


def test_a_token_authenticates_without_csrf(world: World) -> None:
    token = token_create(user=world.office, name="脚本")
    client = Client(enforce_csrf_checks=True)
    assert client.get("/api/ledgers", **bearer(token)).status_code == 200
    response = send(
        client, "POST", "/api/rounds", {"ledger": world.ledger.pk, **ROUND}, **bearer(token)
    )
    assert response.status_code == 201
    assert ApiToken.objects.get(name="脚本").last_used_at is not None


def test_a_token_carries_its_users_role(world: World) -> None:
    token = token_create(user=world.water)
    response = Client().get(f"/api/ledgers/{world.ledger.pk}/tasks", **bearer(token))
    assert [item["number"] for item in response.json()["items"]] == [3, 9]


@pytest.mark.parametrize("header", ["Token {t}", "Basic {t}", "Bearer", "bearer {t}x"])
def test_a_malformed_authorization_header_is_401(world: World, header: str) -> None:
    token = token_create(user=world.office)
    response = Client().get("/api/ledgers", HTTP_AUTHORIZATION=header.format(t=token))
    assert response.status_code == 401


def test_a_token_of_an_inactive_user_is_401(world: World) -> None:
    token = token_create(user=world.office)
    world.office.is_active = False
    world.office.save()
    assert Client().get("/api/ledgers", **bearer(token)).status_code == 401


def test_session_post_without_csrf_token_is_refused(world: World) -> None:
    client = client_for(world, "office", enforce_csrf_checks=True)
    assert client.get("/api/ledgers").status_code == 200
    response = send(client, "POST", "/api/rounds", {"ledger": world.ledger.pk, **ROUND})
    assert response.status_code == 403
    assert not Round.objects.exists()
    task = world.task(3)
    patch = send(client, "PATCH", f"/api/tasks/{task.pk}", {"version": 1, "remarks": "改"})
    assert patch.status_code == 403


def test_session_post_with_csrf_token_is_accepted(world: World) -> None:
    client = client_for(world, "office", enforce_csrf_checks=True)
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = send(
        client,
        "POST",
        "/api/rounds",
        {"ledger": world.ledger.pk, **ROUND},
        HTTP_X_CSRFTOKEN=secret,
    )
    assert response.status_code == 201


def test_answers_are_utf8_json_with_chinese_unescaped(world: World) -> None:
    response = client_for(world, "office").get(f"/api/ledgers/{world.ledger.pk}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "济源".encode() in response.content


# --- the token command -------------------------------------------------------------------


def test_token_create_prints_a_working_token(world: World) -> None:
    out = io.StringIO()
    call_command("token", "create", "slj", "--name", "水利局脚本", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tz_")
    assert ApiToken.objects.get(user=world.water).name == "水利局脚本"
    response = Client().get(f"/api/tasks/{world.task(3).pk}", **bearer(lines[0]))
    assert response.status_code == 200


def test_token_create_for_an_unknown_user_fails_in_one_line(db: None) -> None:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("token", "create", "nobody", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert out.getvalue() == ""
    assert len(err.getvalue().splitlines()) == 1
    assert "nobody" in err.getvalue()
    assert not ApiToken.objects.exists()


# --- the OpenAPI document ----------------------------------------------------------------


def test_openapi_document_lists_every_path(db: None) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "Taizhang API"
    paths = {url.replace("/1", "/{x}") for _, url in ENDPOINTS}
    listed = {
        path.replace("{ledger_id}", "{x}")
        .replace("{task_id}", "{x}")
        .replace("{round_id}", "{x}")
        .replace("{report_id}", "{x}")
        .replace("{held_id}", "{x}")
        for path in document["paths"]
    }
    assert listed == paths
    schemes = document["components"]["securitySchemes"]
    assert {"TokenAuth", "SessionAuth"} <= set(schemes)


def test_api_docs_load_nothing_from_a_cdn(db: None) -> None:
    response = Client().get("/api/docs")
    # Served only from ninja's own static files, or not at all.
    if response.status_code == 200:
        page = response.content.decode()
        assert "cdn" not in page.lower()
        assert 'src="http' not in page
        assert 'href="http' not in page
    else:
        assert response.status_code == 404
