"""The bulletin pages: only the office may list, compose, preview, edit, issue and download
bulletins (everyone else gets a 404, the anonymous the sign-in page); an issued bulletin can
no longer be edited; downloads carry the edited text; what is typed is shown as text."""

from __future__ import annotations

import datetime
import io
from typing import Any

import docx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.supervision import services
from taizhang.supervision.models import Bulletin
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db
ROLES = ["office", "water", "health", "leader", "viewer", "anonymous"]
AS_OF = "2021-11-05"


def draft(world: World) -> Bulletin:
    return services.bulletin_create(
        ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=world.office
    )


def office_only(role: str) -> int:
    return {"office": 200, "anonymous": 302}.get(role, 404)


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_are_the_offices(world: World, role: str) -> None:
    bulletin = draft(world)
    client = client_for(world, role)
    pages = [
        reverse("web:bulletins", args=[world.ledger.pk]),
        reverse("web:bulletin_detail", args=[bulletin.pk]),
        reverse("web:bulletin_download", args=[bulletin.pk, "docx"]),
        reverse("web:bulletin_download", args=[bulletin.pk, "txt"]),
    ]
    for url in pages:
        assert client.get(url).status_code == office_only(role), url


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_composes_edits_and_issues(world: World, role: str) -> None:
    bulletin = draft(world)
    client = client_for(world, role)
    expected = {"office": 302, "anonymous": 302}.get(role, 404)
    posts = [
        (reverse("web:bulletins", args=[world.ledger.pk]), {"as_of": AS_OF, "issuer": "督查室"}),
        (reverse("web:bulletin_detail", args=[bulletin.pk]), {"title": "改", "body": "改。"}),
        (reverse("web:bulletin_issue", args=[bulletin.pk]), {"confirm": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    bulletin.refresh_from_db()
    assert (bulletin.issued_at is not None) == (role == "office")
    assert Bulletin.objects.count() == (2 if role == "office" else 1)


def test_missing_bulletins_and_ledgers_answer_404(world: World) -> None:
    client = client_for(world, "office")
    assert client.get(reverse("web:bulletins", args=[999])).status_code == 404
    assert client.get(reverse("web:bulletin_detail", args=[999])).status_code == 404
    bulletin = draft(world)
    assert (
        client.get(reverse("web:bulletin_download", args=[bulletin.pk, "pdf"])).status_code == 404
    )
    assert client.get(reverse("web:bulletin_issue", args=[bulletin.pk])).status_code == 405


def test_the_ledger_page_links_the_office_to_drafts_and_others_to_issued_bulletins(
    world: World,
) -> None:
    url = reverse("web:ledger_detail", args=[world.ledger.pk])
    drafts = f'href="{reverse("web:bulletins", args=[world.ledger.pk])}"'
    issued = f'href="{reverse("web:bulletins_issued", args=[world.ledger.pk])}"'
    office = client_for(world, "office").get(url).content.decode()
    viewer = client_for(world, "viewer").get(url).content.decode()
    assert drafts in office
    assert drafts not in viewer and issued in viewer


def test_compose_preview_edit_issue_and_download(world: World) -> None:
    office = client_for(world, "office")
    listing = office.get(reverse("web:bulletins", args=[world.ledger.pk])).content.decode()
    assert "生成通报" in listing and "尚未生成通报" in listing
    response = office.post(
        reverse("web:bulletins", args=[world.ledger.pk]), {"as_of": AS_OF, "issuer": "市政府督查室"}
    )
    bulletin = Bulletin.objects.get()
    assert response["Location"] == reverse("web:bulletin_detail", args=[bulletin.pk])
    detail_url = response["Location"]
    page = office.get(detail_url).content.decode()
    assert "关于2021年济源十件重点民生实事推进情况的督查通报" in page
    assert '<p class="bulletin-heading1"><strong>一、总体情况</strong></p>' in page
    assert '<p class="bulletin-date">2021年11月5日</p>' in page
    assert "截至2021年11月5日，16项任务中，已完成4项" in page
    assert 'name="body"' in page and "印发" in page

    body = bulletin.body.replace("各责任单位：", "各责任单位、各牵头领导：")
    office.post(detail_url, {"title": "关于民生实事的督查通报", "body": body})
    bulletin.refresh_from_db()
    assert bulletin.title == "关于民生实事的督查通报" and "各牵头领导：" in bulletin.body

    office.post(reverse("web:bulletin_issue", args=[bulletin.pk]), {"confirm": "1"})
    issued = office.get(detail_url).content.decode()
    assert "不能再修改" in issued and 'name="body"' not in issued

    refused = office.post(detail_url, {"title": "再改", "body": "再改。"}, follow=True)
    assert "不能再修改" in refused.content.decode()
    bulletin.refresh_from_db()
    assert bulletin.title == "关于民生实事的督查通报"

    text = office.get(reverse("web:bulletin_download", args=[bulletin.pk, "txt"]))
    assert text["Content-Type"] == "text/plain; charset=utf-8"
    assert "attachment; filename*=utf-8''" in text["Content-Disposition"].lower()
    assert text.content.decode().startswith("关于民生实事的督查通报\n\n各责任单位、各牵头领导：")
    word = office.get(reverse("web:bulletin_download", args=[bulletin.pk, "docx"]))
    texts = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs]
    assert texts[:2] == ["督查通报", "第1期"]  # the masthead, the number proposed
    assert "关于民生实事的督查通报" in texts and "各责任单位、各牵头领导：" in texts
    listing = office.get(reverse("web:bulletins", args=[world.ledger.pk])).content.decode()
    assert "已印发" in listing


def test_an_invalid_edit_shows_the_errors_and_changes_nothing(world: World) -> None:
    bulletin = draft(world)
    office = client_for(world, "office")
    response = office.post(
        reverse("web:bulletin_detail", args=[bulletin.pk]), {"title": "", "body": "正文"}
    )
    assert response.status_code == 200 and response.context["form"].errors
    bulletin.refresh_from_db()
    assert bulletin.title.startswith("关于2021年")


def test_a_bad_date_does_not_compose(world: World) -> None:
    response = client_for(world, "office").post(
        reverse("web:bulletins", args=[world.ledger.pk]), {"as_of": "5/11", "issuer": "督查室"}
    )
    assert response.status_code == 200 and Bulletin.objects.count() == 0


def test_what_is_typed_is_shown_as_text(world: World) -> None:
    bulletin = draft(world)
    office = client_for(world, "office")
    office.post(
        reverse("web:bulletin_detail", args=[bulletin.pk]),
        {"title": "<b>标题</b>", "body": "<script>alert(1)</script>\n一、<img src=x onerror=1>"},
    )
    page = office.get(reverse("web:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;标题&lt;/b&gt;" in page


def test_a_post_without_the_csrf_token_is_refused(world: World) -> None:
    bulletin = draft(world)
    client = client_for(world, "office", enforce_csrf_checks=True)
    response = client.post(reverse("web:bulletin_issue", args=[bulletin.pk]))
    assert response.status_code == 403
    bulletin.refresh_from_db()
    assert bulletin.issued_at is None


def test_the_list_takes_the_same_queries_for_more_bulletins(
    world: World, django_assert_num_queries: Any
) -> None:
    office = client_for(world, "office")
    url = reverse("web:bulletins", args=[world.ledger.pk])
    draft(world)
    office.get(url)  # the session and the user, loaded once
    with CaptureQueriesContext(connection) as one:
        office.get(url)
    draft(world)
    draft(world)
    with django_assert_num_queries(len(one.captured_queries)):
        response = office.get(url)
    assert len(response.context["bulletins"]) == 3


def test_the_office_sets_form_number_doc_number_cc_and_printer_on_the_page(world: World) -> None:
    office = client_for(world, "office")
    page = office.get(reverse("web:bulletins", args=[world.ledger.pk])).content.decode()
    assert 'name="issue_number" value="1"' in page and 'value="plain"' in page
    office.post(
        reverse("web:bulletins", args=[world.ledger.pk]),
        {
            "as_of": AS_OF,
            "issuer": "市政府督查室",
            "form": "masthead",
            "issue_number": "6",
            "doc_number": "济督〔2021〕6号",
            "cc": "市委办公室，市政协办公室",
        },
    )
    bulletin = Bulletin.objects.get()
    assert (bulletin.issue_number, bulletin.doc_number) == (6, "济督〔2021〕6号")
    detail = office.get(reverse("web:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert '<p class="bulletin-mark">督查通报</p>' in detail and "第6期" in detail
    assert "抄送：市委办公室，市政协办公室。" in detail
    values = {
        "title": bulletin.title,
        "body": bulletin.body,
        "form": "plain",
        "issue_number": "6",
        "doc_number": "济督〔2021〕7号",
        "issuer": "市政府督查室",
        "cc": "",
        "printer": "市政府办公室",
        "printed_on": "2021-11-08",
    }
    office.post(reverse("web:bulletin_detail", args=[bulletin.pk]), values)
    bulletin.refresh_from_db()
    assert (bulletin.form, bulletin.doc_number, bulletin.cc) == ("plain", "济督〔2021〕7号", "")
    # The confirmation carries the details; issuing keeps them.
    confirm = office.post(reverse("web:bulletin_issue", args=[bulletin.pk]), values)
    html = confirm.content.decode()
    assert 'name="printer" value="市政府办公室"' in html
    assert 'name="printed_on" value="2021-11-08"' in html
    office.post(reverse("web:bulletin_issue", args=[bulletin.pk]), values | {"confirm": "1"})
    bulletin.refresh_from_db()
    assert bulletin.issued_at is not None and bulletin.printer == "市政府办公室"
    word = office.get(reverse("web:bulletin_download", args=[bulletin.pk, "docx"]))
    document = docx.Document(io.BytesIO(word.content))
    assert document.paragraphs[0].text == "济督〔2021〕7号"
    assert "2021年11月8日印发" in document.element.xml
    # The next bulletin is proposed 第7期.
    page = office.get(reverse("web:bulletins", args=[world.ledger.pk])).content.decode()
    assert 'name="issue_number" value="7"' in page


def test_a_bad_issue_number_is_refused_and_nothing_is_made(world: World) -> None:
    office = client_for(world, "office")
    response = office.post(
        reverse("web:bulletins", args=[world.ledger.pk]),
        {"as_of": AS_OF, "issue_number": "0", "form": "masthead"},
    )
    assert response.status_code == 200 and not Bulletin.objects.exists()
    assert "issue_number" in response.context["form"].errors


def test_a_number_used_by_an_issued_bulletin_is_warned_of_not_refused(world: World) -> None:
    """期号 is the office's to set: one already used by an issued bulletin of the ledger is
    said on the page (the draft, the confirmation, after saving), and the draft still saves
    and issues."""
    office = client_for(world, "office")
    first = draft(world)
    services.bulletin_issue(bulletin=first, actor=world.office)
    Bulletin.objects.filter(pk=first.pk).update(issue_number=3)
    response = office.post(
        reverse("web:bulletins", args=[world.ledger.pk]),
        {"as_of": AS_OF, "issuer": "督查室", "form": "masthead", "issue_number": "3"},
        follow=True,
    )
    second = Bulletin.objects.exclude(pk=first.pk).get()
    assert second.issue_number == 3
    html = response.content.decode()
    assert 'id="issue-number-used"' in html and "第3期" in html and first.title in html
    values = {**_values(second), "issue_number": "3"}
    confirm = office.post(reverse("web:bulletin_issue", args=[second.pk]), values)
    assert 'id="issue-number-used"' in confirm.content.decode()
    office.post(reverse("web:bulletin_issue", args=[second.pk]), values | {"confirm": "1"})
    second.refresh_from_db()
    assert second.issued_at is not None and second.issue_number == 3
    # Another number: no warning; the first bulletin's own number is not "used" by itself.
    office.post(reverse("web:bulletin_detail", args=[second.pk]), {**values, "issue_number": "4"})
    Bulletin.objects.filter(pk=second.pk).update(issue_number=4)
    for bulletin in (first, second):
        page = office.get(reverse("web:bulletin_detail", args=[bulletin.pk])).content.decode()
        assert 'id="issue-number-used"' not in page


def _values(bulletin: Bulletin) -> dict[str, str]:
    return {"title": bulletin.title, "body": bulletin.body, "form": "masthead", "issuer": "督查室"}
