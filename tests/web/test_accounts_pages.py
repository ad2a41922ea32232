"""The office's account pages: the list (the same queries for more accounts), one account
created with its one-time password shown once, edited, reset, deactivated; reporter accounts
for a ledger's units and their sheet, downloadable once; and the password change every new
account is sent to first (the API refuses it until then). Other roles get a 404; bad input
and a POST without CSRF change nothing."""

from __future__ import annotations

import io
import re
import subprocess
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from taizhang.accounts.models import Profile, Role
from taizhang.accounts.services import account_password_reset, token_create
from taizhang.ledger.models import AuditEvent, Unit
from tests.conftest import require_tool
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
        reverse("web:account_sheet"),
        reverse("web:account_sheet_download", args=["docx"]),
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


def one_time_password(response: Any) -> str:
    found = re.search(r'<code id="password">([^<]+)</code>', response.content.decode())
    assert found is not None
    return found.group(1)


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
    before = User.objects.count()
    for data, message in (
        ({"username": "slj", "role": "viewer"}, "已被使用"),
        ({"username": "nobody", "role": "reporter"}, "至少属于一个责任单位"),
        ({"username": "lead", "role": "leader"}, "须关联一位领导"),
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


def test_accounts_for_a_ledgers_units_and_their_sheet_downloaded_once(world: World) -> None:
    office = client_for(world, "office")
    url = reverse("web:ledger_accounts", args=[world.ledger.pk])
    assert "住建局" in office.get(url).content.decode()
    response = office.post(url)
    assert response["Location"] == reverse("web:account_sheet")
    sheet = office.get(reverse("web:account_sheet"))
    username = f"u{Unit.objects.get(name='住建局').pk:04d}"
    assert username in sheet.content.decode()
    download = office.get(reverse("web:account_sheet_download", args=["docx"]))
    assert download.status_code == 200
    text = sheet_text(download.content)
    row = next(
        r
        for r in Document(io.BytesIO(download.content)).tables[0].rows
        if r.cells[1].text == username
    )
    assert row.cells[0].text == "住建局"
    assert User.objects.get(username=username).check_password(row.cells[2].text)
    assert "/login/" in text and "修改密码" in text
    assert office.get(reverse("web:account_sheet_download", args=["docx"])).status_code == 404
    # The passwords are nowhere in the database but as hashes (the session holds the sheet
    # for the PDF still to come).
    assert row.cells[2].text not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    # Nothing more to create: the page says so.
    assert "都已有填报账号" in office.get(url).content.decode()


def test_the_sheet_as_pdf(world: World) -> None:
    require_tool("soffice", "libreoffice-writer-nogui")
    pdftotext = require_tool("pdftotext", "poppler-utils")
    office = client_for(world, "office")
    office.post(reverse("web:ledger_accounts", args=[world.ledger.pk]))
    response = office.get(reverse("web:account_sheet_download", args=["pdf"]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert f"u{Unit.objects.get(name='住建局').pk:04d}" in text
    assert office.get(reverse("web:account_sheet_download", args=["pdf"])).status_code == 404
    # Both files taken: the sheet is gone from the session.
    office.get(reverse("web:account_sheet_download", args=["docx"]))
    assert "没有待下载的账号单" in office.get(reverse("web:account_sheet")).content.decode()
