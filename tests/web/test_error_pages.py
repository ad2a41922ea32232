"""The error pages in Chinese: a page not found (or not the user's), a refusal, an expired
form (CSRF) and a server error answer with the site's own page, not Django's English
"Not Found" / "Forbidden (403)" / "Server Error (500)" (found walking as the viewer)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.views.defaults import permission_denied, server_error

from taizhang.ledger.models import Unit
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def chinese_page(body: str, title: str) -> None:
    assert '<html lang="zh-hans">' in body and 'name="viewport"' in body
    assert f"<h1>{title}</h1>" in body and 'href="/"' in body
    for english in ("Not Found", "Forbidden", "Server Error", "CSRF"):
        assert english not in body


def test_a_page_not_found_or_not_the_users_is_said_in_chinese(world: World) -> None:
    viewer = client_for(world, "viewer")
    for path in ("/audit/", "/tasks/999999/", "/no-such-page/"):
        response = viewer.get(path)
        assert response.status_code == 404
        chinese_page(response.content.decode(), "页面不存在")


def test_an_expired_form_is_said_in_chinese_and_changes_nothing(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    response = client.post("/units/new/", {"name": "新单位"})
    assert response.status_code == 403
    body = response.content.decode()
    chinese_page(body, "页面已过期")
    assert "刷新后重新填写提交" in body
    assert not Unit.objects.filter(name="新单位").exists()


def test_a_refusal_and_a_server_error_are_said_in_chinese() -> None:
    request = RequestFactory().get("/")
    refused = permission_denied(request, PermissionDenied())
    assert refused.status_code == 403
    chinese_page(refused.content.decode(), "无权进行此操作")
    failed = server_error(request)
    assert failed.status_code == 500
    chinese_page(failed.content.decode(), "系统出错")


def test_an_address_that_takes_only_a_form_opened_as_a_page_is_said_in_chinese(
    world: World,
) -> None:
    # Where a refused form comes back to (light settings, a figure): a reload or a copied
    # link opens it with GET, which Django's require_POST answered with an empty 405.
    office = client_for(world, "office")
    task = world.task(4)
    for path in (f"/ledgers/{world.ledger.pk}/light-settings/", f"/tasks/{task.pk}/figure/"):
        response = office.get(path)
        assert response.status_code == 405 and response["Allow"] == "POST"
        chinese_page(response.content.decode(), "此地址只用于提交")
        assert "Content-Security-Policy" in response.headers
    # The API answers its own 405, in JSON, as its OpenAPI says.
    api = office.delete("/api/ledgers")
    assert api.status_code == 405 and "此地址只用于提交" not in api.content.decode()
