"""The office's account pages: the list (the same queries for more accounts), one account
created with its one-time password shown once, edited, reset, deactivated; reporter accounts
for a ledger's units, answered with their printable sheet and its .docx, no password kept;
and the password change every new account is sent to first (the API refuses it until then).
Other roles get a 404; bad input and a POST without CSRF change nothing."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import serializers, signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from taizhang.accounts.models import Profile, Role
from taizhang.accounts.services import account_password_reset, token_create
from taizhang.ledger.models import AuditEvent, Unit
from tests.factories import PASSWORD, World, client_for

pytestmark = pytest.mark.django_db

OTHERS = ("water", "health", "leader", "viewer")
NEW_PASSWORD = "清淤河道 2021 new"


def pages(world: World) -> list[str]:
    return [
        reverse("web:accounts"),
        reverse("web:account_new"),
        reverse("web:account_edit", args=[world.water.pk]),
        reverse("web:account_reset", args=[world.water.pk]),
        reverse("web:account_active", args=[world.water.pk]),
        reverse("web:ledger_accounts", args=[world.ledger.pk]),
        reverse("web:account_sheet_docx"),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_a_404_and_change_nothing(world: World, role: str) -> None:
    client = client_for(world, role)
    for url in pages(world):
        assert client.get(url).status_code in (404, 405), url
        data = {"username": "x1", "role": "office", "active": "0"}
        assert client.post(url, data).status_code == 404, url
    assert not User.objects.filter(username="x1").exists()
    assert User.objects.filter(is_active=False).count() == 0
    assert not User.objects.filter(profile__role=Role.REPORTER, username__startswith="u0").exists()


def test_the_list_shows_each_account_and_takes_the_same_queries_for_more(
    world: World, django_assert_num_queries: Any
) -> None:
    office = client_for(world, "office")
    url = reverse("web:accounts")
    office.get(url)
    with CaptureQueriesContext(connection) as one:
        office.get(url)
    for i in range(5):
        user = User.objects.create_user(username=f"extra{i}")
        profile = Profile.objects.create(user=user, role=Role.REPORTER)
        profile.units.set(Unit.objects.all()[:2])
    with django_assert_num_queries(len(one.captured_queries)):
        response = office.get(url)
    html = response.content.decode()
    assert "slj" in html and "水利局" in html and "李拴根" in html
    assert len(response.context["page"]) == User.objects.count()


def sheet_rows(response: Any) -> list[tuple[str, str, str]]:
    """The sheet page's rows: 单位, 用户名, 初始密码."""
    found = re.findall(
        r'<tr><td>([^<]*)</td><td><code class="username">([^<]+)</code></td>'
        r'<td><code class="password">([^<]+)</code></td></tr>',
        response.content.decode(),
    )
    return [(unit, username, password) for unit, username, password in found]


def one_time_password(response: Any) -> str:
    ((_unit, _username, password),) = sheet_rows(response)
    return password


def signed_sheet(response: Any) -> str:
    found = re.search(r'name="sheet" value="([^"]+)"', response.content.decode())
    assert found is not None
    return found.group(1)


def stored_anywhere(text: str) -> list[str]:
    """The tables (sessions and audit rows included) whose rows hold `text` anywhere."""
    found = []
    for model in apps.get_models():
        rows = serializers.serialize("json", model._default_manager.all())
        if text in rows:
            found.append(model._meta.label)
    for session in Session.objects.all():
        if text in str(session.get_decoded()):
            found.append("session data")
    return found


def test_a_new_account_must_change_its_password_before_anything_else(world: World) -> None:
    office = client_for(world, "office")
    data = {"username": "zjj", "role": "reporter", "units": [Unit.objects.get(name="住建局").pk]}
    response = office.post(reverse("web:account_new"), data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    password = one_time_password(response)

    client = Client()
    signed = client.post(reverse("web:login"), {"username": "zjj", "password": password})
    assert signed.status_code == 302
    for url in ("/", reverse("web:ledger_detail", args=[world.ledger.pk]), reverse("web:units")):
        answer = client.get(url)
        assert answer.status_code == 302 and answer["Location"] == reverse("web:password_change")
    page = client.get(reverse("web:password_change"))
    assert page.status_code == 200 and "初始密码" in page.content.decode()
    mismatch = client.post(
        reverse("web:password_change"),
        {"old_password": password, "password": NEW_PASSWORD, "password_again": "other"},
    )
    assert "两次输入的新密码不一致" in mismatch.content.decode()
    changed = client.post(
        reverse("web:password_change"),
        {"old_password": password, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert client.get("/").status_code == 200  # still signed in, and free to go on
    assert not Profile.objects.get(user__username="zjj").must_change_password


def test_the_api_refuses_a_user_who_must_change_the_password(world: World) -> None:
    token = token_create(user=world.water)
    account_password_reset(user=world.water, actor=world.office)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/ledgers")
    assert response.status_code == 403
    assert "修改初始密码" in response.json()["detail"]
    session = client_for(world, "water")
    assert session.get("/api/ledgers").status_code == 403
    assert session.post(reverse("web:logout")).status_code == 302  # signing out still works


def test_a_bad_new_account_is_explained_and_nothing_is_created(world: World) -> None:
    office = client_for(world, "office")
    blank = office.get(reverse("web:account_new")).content.decode()
    assert '<option value="" selected>请选择角色</option>' in blank  # not 督查室 by default
    before = User.objects.count()
    for data, message in (
        ({"username": "slj", "role": "viewer"}, "已被使用"),
        ({"username": "nobody", "role": "reporter"}, "至少属于一个责任单位"),
        ({"username": "lead", "role": "leader"}, "须关联一位领导"),
        ({"username": "norole", "display_name": "水利局填报人2"}, "这个字段是必填项"),
        (
            {"username": "slj2", "role": "office", "units": [Unit.objects.get(name="水利局").pk]},
            "只有责任单位填报人账号可选所属单位",
        ),
    ):
        response = office.post(reverse("web:account_new"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert User.objects.count() == before


def test_the_office_cannot_take_over_or_lock_out_a_superuser(world: World) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    office = client_for(world, "office")
    audited = AuditEvent.objects.count()
    edit = reverse("web:account_edit", args=[root.pk])
    assert office.get(edit).status_code == 404
    assert office.post(edit, {"role": "viewer"}).status_code == 404
    assert office.post(reverse("web:account_reset", args=[root.pk])).status_code == 404
    url = reverse("web:account_active", args=[root.pk])
    assert office.post(url, {"active": "0"}).status_code == 404
    root.refresh_from_db()
    assert root.check_password(PASSWORD) and root.is_active and root.is_staff
    assert AuditEvent.objects.count() == audited


def test_a_superuser_edited_as_a_viewer_keeps_the_admin(world: World) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    User.objects.create_superuser(username="root2", password=PASSWORD)
    client = Client()
    client.force_login(root)
    edit = reverse("web:account_edit", args=[User.objects.get(username="root2").pk])
    assert client.post(edit, {"role": "viewer"}).status_code == 302
    assert User.objects.get(username="root2").is_staff


def test_the_office_edits_resets_and_deactivates(world: World) -> None:
    office = client_for(world, "office")
    housing = Unit.objects.get(name="住建局")
    data = {"role": "reporter", "display_name": "水利", "units": [housing.pk]}
    assert office.post(reverse("web:account_edit", args=[world.water.pk]), data).status_code == 302
    profile = Profile.objects.get(user=world.water)
    assert [u.name for u in profile.units.all()] == ["住建局"]
    reset = office.post(reverse("web:account_reset", args=[world.water.pk]))
    password = one_time_password(reset)
    world.water.refresh_from_db()
    assert world.water.check_password(password)
    url = reverse("web:account_active", args=[world.water.pk])
    office.post(url, {"active": "0"})
    world.water.refresh_from_db()
    assert not world.water.is_active
    assert (
        Client().post(reverse("web:login"), {"username": "slj", "password": password}).status_code
        == 200
    )
    office.post(url, {"active": "1"})
    world.water.refresh_from_db()
    assert world.water.is_active


def test_the_office_cannot_deactivate_itself(world: World) -> None:
    office = client_for(world, "office")
    response = office.post(
        reverse("web:account_active", args=[world.office.pk]), {"active": "0"}, follow=True
    )
    assert "不能停用或启用自己的账号" in response.content.decode()
    world.office.refresh_from_db()
    assert world.office.is_active


def test_a_post_without_csrf_changes_nothing(world: World) -> None:
    audited = AuditEvent.objects.count()
    client = client_for(world, "office", enforce_csrf_checks=True)
    assert client.post(reverse("web:account_reset", args=[world.water.pk])).status_code == 403
    url = reverse("web:account_active", args=[world.water.pk])
    assert client.post(url, {"active": "0"}).status_code == 403
    url = reverse("web:ledger_accounts", args=[world.ledger.pk])
    assert client.post(url).status_code == 403
    world.water.refresh_from_db()
    assert world.water.is_active and world.water.check_password(PASSWORD)
    assert AuditEvent.objects.count() == audited


def sheet_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_ledgers_accounts_answer_with_their_sheet_and_store_no_password(world: World) -> None:
    office = client_for(world, "office")
    url = reverse("web:ledger_accounts", args=[world.ledger.pk])
    assert "住建局" in office.get(url).content.decode()
    response = office.post(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    username = f"u{Unit.objects.get(name='住建局').pk:04d}"
    rows = {row[0]: row for row in sheet_rows(response)}
    assert rows["住建局"][1] == username
    password = rows["住建局"][2]
    assert User.objects.get(username=username).check_password(password)
    page = response.content.decode()
    assert "/login/" in page and "修改密码" in page and "另存为 PDF" in page
    # Nowhere on the server: no table, no session, no audit row holds a password.
    assert "auth.User" in stored_anywhere(username)  # (the search finds what is stored)
    for _unit, _username, each in rows.values():
        assert stored_anywhere(each) == []

    download = office.post(reverse("web:account_sheet_docx"), {"sheet": signed_sheet(response)})
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "no-store" in download["Cache-Control"]
    from urllib.parse import quote

    from django.utils import timezone

    name = f"账号初始密码_{timezone.localdate().isoformat()}.docx"
    assert f"filename*=utf-8''{quote(name)}" in download["Content-Disposition"]
    row = next(
        r
        for r in Document(io.BytesIO(download.content)).tables[0].rows
        if r.cells[1].text == username
    )
    assert (row.cells[0].text, row.cells[2].text) == ("住建局", password)
    text = sheet_text(download.content)
    assert "/login/" in text and "修改密码" in text
    assert stored_anywhere(password) == []
    # Nothing more to create: the page says so.
    assert "都已有填报账号" in office.get(url).content.decode()


def test_the_docx_is_refused_when_expired_forged_or_another_users(world: World) -> None:
    office = client_for(world, "office")
    response = office.post(reverse("web:ledger_accounts", args=[world.ledger.pk]))
    signed = signed_sheet(response)
    url = reverse("web:account_sheet_docx")
    assert office.get(url).status_code == 405
    forged = signing.dumps(
        {"by": world.office.pk, "title": "x", "rows": [["住建局", "u1", "p"]]}, salt="other"
    )
    for data in ({}, {"sheet": signed[:-2] + "xx"}, {"sheet": forged}):
        refused = office.post(url, data)
        assert refused.status_code == 400 and "已过期" in refused.content.decode()
    colleague = User.objects.create_user(username="office2")
    Profile.objects.create(user=colleague, role=Role.OFFICE)
    other = Client()
    other.force_login(colleague)
    assert other.post(url, {"sheet": signed}).status_code == 400
    with time_machine.travel(datetime.timedelta(minutes=31)):
        assert office.post(url, {"sheet": signed}).status_code == 400
    assert office.post(url, {"sheet": signed}).status_code == 200  # still within 30 minutes


def test_a_reset_password_is_shown_once_on_its_sheet_and_stored_nowhere(world: World) -> None:
    office = client_for(world, "office")
    response = office.post(reverse("web:account_reset", args=[world.water.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    ((unit_name, username, password),) = sheet_rows(response)
    assert (unit_name, username) == ("水利局", "slj")
    world.water.refresh_from_db()
    assert world.water.check_password(password)
    assert stored_anywhere(password) == []
    download = office.post(reverse("web:account_sheet_docx"), {"sheet": signed_sheet(response)})
    assert password in sheet_text(download.content)


def test_the_accounts_page_names_the_collective_phrases_it_makes_no_account_for(
    world: World,
) -> None:
    from taizhang.ledger.models import TaskUnit, Unit

    task = world.task(3)
    TaskUnit.objects.create(task=task, unit=Unit.objects.create(name="各乡镇（街道）"), role="co")
    html = (
        client_for(world, "office")
        .get(reverse("web:ledger_accounts", args=[world.ledger.pk]))
        .content.decode()
    )
    assert "各乡镇（街道）" in html.split('id="collective-units"', 1)[1]
    assert "各乡镇（街道）" not in html.split('id="units-without"', 1)[1].split("</ul>", 1)[0]
