"""The office keeps leaders' own contacts (手机, 邮箱) on the web: others get the app's 404,
bad input changes nothing, every change is audited, and the list costs the same queries for 3
leaders or 300."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.ledger.models import AuditEvent, Person
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db


def test_the_office_sets_a_leaders_phone_and_email_and_it_is_audited(world: World) -> None:
    person = Person.objects.get(name="李拴根")
    url = reverse("web:person_edit", args=[person.pk])
    answer = client_for(world, "office").post(
        url, {"phone": " 13800138000 ", "email": "lsg@jiyuan.gov.cn"}
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("web:people")
    person.refresh_from_db()
    assert (person.phone, person.email) == ("13800138000", "lsg@jiyuan.gov.cn")
    event = AuditEvent.objects.get(action="person.update")
    assert event.actor == world.office
    assert event.data["changes"]["email"] == {"old": "", "new": "lsg@jiyuan.gov.cn"}
    listed = client_for(world, "office").get(reverse("web:people"), {"q": "李拴根"})
    assert "lsg@jiyuan.gov.cn" in listed.content.decode()


def test_a_bad_email_is_refused_with_a_message_and_changes_nothing(world: World) -> None:
    person = Person.objects.get(name="李拴根")
    page = client_for(world, "office").post(
        reverse("web:person_edit", args=[person.pk]), {"phone": "1", "email": "不是邮箱"}
    )
    assert page.status_code == 200 and "电子邮箱格式不正确" in page.content.decode()
    person.refresh_from_db()
    assert (person.phone, person.email) == ("", "")
    assert not AuditEvent.objects.filter(action="person.update").exists()


@pytest.mark.parametrize("role", ["water", "leader", "viewer"])
def test_only_the_office_sees_or_edits_leaders(world: World, role: str) -> None:
    person = Person.objects.get(name="李拴根")
    client = client_for(world, role)
    assert client.get(reverse("web:people")).status_code == 404
    edit = reverse("web:person_edit", args=[person.pk])
    assert client.post(edit, {"phone": "13800138000", "email": ""}).status_code == 404
    person.refresh_from_db()
    assert person.phone == ""


def test_the_list_costs_the_same_queries_for_few_or_many_leaders(world: World) -> None:
    client = client_for(world, "office")
    counts = []
    for batch in ("甲", "乙"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("web:people")).status_code == 200
        counts.append(len(queries))
        Person.objects.bulk_create(Person(name=f"领导{batch}{n}") for n in range(100))
    assert counts[0] == counts[1]
