"""Issued bulletins are read by viewers and the units they are addressed to; drafts stay the
office's. 印发 asks first (a plain POST shows the confirmation and changes nothing) and
issues the text posted with it, or refuses it with a message and issues nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import AuditEvent, Unit
from taizhang.supervision import services
from taizhang.supervision.models import Bulletin
from taizhang.supervision.selectors import readable_bulletins
from tests.factories import World
from tests.factories import signed_in as client_for

pytestmark = pytest.mark.django_db


def draft(world: World) -> Bulletin:
    return services.bulletin_create(
        ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=world.office
    )


def issued(world: World) -> Bulletin:
    return services.bulletin_issue(bulletin=draft(world), actor=world.office)


def pages(bulletin: Bulletin) -> list[str]:
    return [
        reverse("web:bulletin_detail", args=[bulletin.pk]),
        reverse("web:bulletin_download", args=[bulletin.pk, "txt"]),
        reverse("web:bulletin_download", args=[bulletin.pk, "docx"]),
    ]


@pytest.mark.parametrize("role", ["viewer", "water", "health"])
def test_viewers_and_addressed_units_read_an_issued_bulletin(world: World, role: str) -> None:
    bulletin = issued(world)
    client = client_for(getattr(world, role))
    for url in pages(bulletin):
        assert client.get(url).status_code == 200, url
    page = client.get(pages(bulletin)[0]).content.decode()
    assert bulletin.title in page and 'name="body"' not in page
    listing = client.get(reverse("web:bulletins_issued", args=[world.ledger.pk]))
    assert bulletin.title in listing.content.decode()


@pytest.mark.parametrize("role", ["viewer", "water", "leader"])
def test_drafts_stay_the_offices(world: World, role: str) -> None:
    bulletin = draft(world)
    client = client_for(getattr(world, role))
    for url in pages(bulletin):
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("web:bulletins_issued", args=[world.ledger.pk])).content.decode()
    assert bulletin.title not in listing


def test_a_unit_without_tasks_in_the_ledger_is_not_addressed(world: World) -> None:
    other = account_create(
        username="other",
        password="x-long-password-1",
        role=Role.REPORTER,
        units=[Unit.objects.create(name="审计局")],
    )
    bulletin = issued(world)
    assert not readable_bulletins(other).exists()
    assert client_for(other).get(pages(bulletin)[0]).status_code == 404


def test_a_leader_reads_the_issued_bulletins_of_a_ledger_he_leads_tasks_in(world: World) -> None:
    """A bulletin is addressed to 各责任单位、各牵头领导: the leaders read it too."""
    assert readable_bulletins(world.leader).count() == 0  # a draft only
    bulletin = issued(world)
    assert list(readable_bulletins(world.leader)) == [bulletin]
    assert client_for(world.leader).get(pages(bulletin)[0]).status_code == 200


def test_readers_cannot_edit_or_issue(world: World) -> None:
    bulletin = issued(world)
    client = client_for(world.viewer)
    edit = client.post(pages(bulletin)[0], {"title": "改", "body": "改。"})
    assert edit.status_code == 404
    bulletin.refresh_from_db()
    assert bulletin.title != "改"


def test_a_plain_issue_post_asks_first_and_changes_nothing(world: World) -> None:
    bulletin = draft(world)
    url = reverse("web:bulletin_issue", args=[bulletin.pk])
    response = client_for(world.office).post(url, {"title": "新标题", "body": "新正文。"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "印发后，通报不能再修改，也不能撤回" in html and 'name="confirm" value="1"' in html
    assert "新标题" in html
    bulletin.refresh_from_db()
    assert bulletin.issued_at is None and bulletin.title != "新标题"


def test_issuing_saves_the_edits_posted_with_it(world: World) -> None:
    bulletin = draft(world)
    url = reverse("web:bulletin_issue", args=[bulletin.pk])
    body = bulletin.body.replace("各责任单位：", "各责任单位、各牵头领导：")
    data = {"title": "关于民生实事的督查通报", "body": body, "confirm": "1"}
    assert client_for(world.office).post(url, data).status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.issued_at is not None
    assert bulletin.title == "关于民生实事的督查通报" and "各牵头领导：" in bulletin.body
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["bulletin.update", "bulletin.issue"]


def test_issuing_an_invalid_edit_is_refused_and_issues_nothing(world: World) -> None:
    bulletin = draft(world)
    url = reverse("web:bulletin_issue", args=[bulletin.pk])
    data = {"title": "", "body": "正文。", "confirm": "1"}
    response = client_for(world.office).post(url, data, follow=True)
    assert "未印发" in response.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.issued_at is None and bulletin.body != "正文。"


def test_the_service_refuses_an_empty_edit_and_issues_nothing(world: World) -> None:
    bulletin = draft(world)
    with pytest.raises(services.BulletinError, match="标题和正文都不能为空"):
        services.bulletin_issue(bulletin=bulletin, actor=world.office, title=" ", body="x")
    bulletin.refresh_from_db()
    assert bulletin.issued_at is None


def test_the_draft_page_offers_issue_with_the_edit_form(world: World) -> None:
    bulletin = draft(world)
    page = client_for(world.office).get(pages(bulletin)[0]).content.decode()
    issue = reverse("web:bulletin_issue", args=[bulletin.pk])
    assert f'formaction="{issue}"' in page
