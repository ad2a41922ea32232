"""The office's unit pages: the list (contacts, members, tasks served; search; the same
queries for more units), create, rename and contacts, merge. Every other role gets the 404
of a missing page; bad input and a POST without CSRF change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.accounts.models import Profile
from taizhang.ledger.models import AuditEvent, TaskUnit, Unit
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db

OTHERS = ("water", "health", "leader", "viewer")


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def pages(world: World) -> list[str]:
    water = unit("水利局").pk
    return [
        reverse("web:units"),
        reverse("web:unit_new"),
        reverse("web:unit_edit", args=[water]),
        reverse("web:unit_merge", args=[water]),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_get_a_404_and_change_nothing(world: World, role: str) -> None:
    client = client_for(world, role)
    for url in pages(world):
        assert client.get(url).status_code == 404, url
        assert (
            client.post(
                url, {"name": "改名", "target": unit("卫健委").pk, "confirm": "on"}
            ).status_code
            == 404
        )
    assert unit("水利局").merged_into is None
    assert not Unit.objects.filter(name="改名").exists()


def test_anonymous_users_are_sent_to_sign_in(world: World) -> None:
    client = client_for(world, "anonymous")
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_shows_contacts_members_and_tasks(world: World) -> None:
    water = unit("水利局")
    water.contact_name, water.phone, water.email = "张三", "13800000000", "slj@example.gov.cn"
    water.webhook_kind = "wecom"
    water.save()
    response = client_for(world, "office").get(reverse("web:units"))
    row = next(u for u in response.context["page"] if u.name == "水利局")
    assert (row.member_count, row.task_count) == (1, 2)
    html = response.content.decode()
    for text in ("张三", "13800000000", "slj@example.gov.cn", "企业微信群机器人"):
        assert text in html
    found = client_for(world, "office").get(reverse("web:units"), {"q": "13800000000"})
    assert [u.name for u in found.context["page"]] == ["水利局"]


def test_the_list_takes_the_same_queries_for_more_units(
    world: World, django_assert_num_queries: Any
) -> None:
    office = client_for(world, "office")
    url = reverse("web:units")
    office.get(url)
    with CaptureQueriesContext(connection) as one:
        office.get(url)
    Unit.objects.bulk_create([Unit(name=f"新单位{i}") for i in range(30)])
    with django_assert_num_queries(len(one.captured_queries)):
        response = office.get(url)
    assert len(response.context["page"]) == Unit.objects.count()


def test_the_office_creates_a_unit_and_a_clash_is_explained(world: World) -> None:
    office = client_for(world, "office")
    response = office.post(reverse("web:unit_new"), {"name": "发改委", "email": "fgw@example.cn"})
    assert response.status_code == 302
    assert unit("发改委").email == "fgw@example.cn"
    again = office.post(reverse("web:unit_new"), {"name": "发改委"})
    assert again.status_code == 200
    assert "已有名为“发改委”的单位" in again.content.decode()
    assert Unit.objects.filter(name="发改委").count() == 1


def test_bad_contacts_are_explained_and_change_nothing(world: World) -> None:
    water = unit("水利局")
    office = client_for(world, "office")
    url = reverse("web:unit_edit", args=[water.pk])
    for data, message in (
        ({"name": "水务局", "email": "nope"}, "电子邮箱格式不正确"),
        (
            {"name": "水务局", "webhook_kind": "wecom", "webhook_url": "javascript:alert(1)"},
            "https://",
        ),
        ({"name": "卫健委"}, "已有名为“卫健委”的单位"),
    ):
        response = office.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    water.refresh_from_db()
    assert (water.name, water.email, water.webhook_url) == ("水利局", "", "")
    assert not AuditEvent.objects.filter(action__startswith="unit.").exists()


def test_the_office_renames_and_sets_a_robot(world: World) -> None:
    water = unit("水利局")
    data = {
        "name": "水务局",
        "webhook_kind": "dingtalk",
        "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=t",
        "webhook_secret": "SEC123",
    }
    response = client_for(world, "office").post(reverse("web:unit_edit", args=[water.pk]), data)
    assert response.status_code == 302
    water.refresh_from_db()
    assert (water.name, water.webhook_kind, water.webhook_secret) == (
        "水务局",
        "dingtalk",
        "SEC123",
    )


def test_a_post_without_csrf_changes_nothing(world: World) -> None:
    water = unit("水利局")
    client = client_for(world, "office", enforce_csrf_checks=True)
    assert client.post(reverse("web:unit_edit", args=[water.pk]), {"name": "X"}).status_code == 403
    assert client.post(reverse("web:unit_new"), {"name": "X"}).status_code == 403
    url = reverse("web:unit_merge", args=[water.pk])
    assert client.post(url, {"target": unit("住建局").pk, "confirm": "on"}).status_code == 403
    assert unit("水利局").merged_into is None
    assert not Unit.objects.filter(name="X").exists()


def test_the_office_merges_a_unit_after_confirming(world: World) -> None:
    water, housing = unit("水利局"), unit("住建局")
    office = client_for(world, "office")
    url = reverse("web:unit_merge", args=[water.pk])
    unconfirmed = office.post(url, {"target": housing.pk})
    assert unconfirmed.status_code == 200
    assert unit("水利局").merged_into is None
    response = office.post(url, {"target": housing.pk, "confirm": "on"})
    assert response.status_code == 302
    assert unit("水利局").merged_into == housing
    assert not TaskUnit.objects.filter(unit=water).exists()
    assert [u.name for u in Profile.objects.get(user=world.water).units.all()] == ["住建局"]
    listing = office.get(reverse("web:units"))
    assert "水利局" not in [u.name for u in listing.context["page"]]
    # The merged unit no longer opens, nor is offered as a target.
    assert office.get(url).status_code == 404
    assert office.get(reverse("web:unit_edit", args=[water.pk])).status_code == 404
    picker = office.get(reverse("web:unit_merge", args=[unit("卫健委").pk]))
    assert "水利局" not in picker.content.decode()
    # The task page reads with the unit it became; the audit trail names both.
    task_page = office.get(reverse("web:task_detail", args=[world.task(3).pk]))
    assert "住建局" in task_page.content.decode()
    assert AuditEvent.objects.get(action="unit.merge").data["name"] == "水利局"


def test_the_dingtalk_secret_is_never_shown_and_kept_when_left_empty(world: World) -> None:
    water = unit("水利局")
    Unit.objects.filter(pk=water.pk).update(
        webhook_kind="dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=tok-ABCDEF",
        webhook_secret="SECabc123",
    )
    office = client_for(world, "office")
    url = reverse("web:unit_edit", args=[water.pk])
    page = office.get(url).content.decode()
    assert "SECabc123" not in page and 'type="password"' in page
    data = {
        "name": "水利局",
        "webhook_kind": "dingtalk",
        "webhook_url": "https://oapi.dingtalk.com/robot/send?access_token=tok-GHIJKL",
        "webhook_secret": "",
    }
    assert office.post(url, data).status_code == 302
    assert unit("水利局").webhook_secret == "SECabc123"
    assert office.post(url, {**data, "clear_secret": "on"}).status_code == 302
    assert unit("水利局").webhook_secret == ""
    # The audit trail holds neither the secret nor the address's access token.
    trail = str(list(AuditEvent.objects.values_list("data", flat=True)))
    assert "unit.update" in str(list(AuditEvent.objects.values_list("action", flat=True)))
    assert "tok-ABCDEF" not in trail and "tok-GHIJKL" not in trail and "SECabc123" not in trail
    assert "https://oapi.dingtalk.com/…" in trail


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:8080/internal",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/send",
        "http://[::1]/send",
        "http://localhost/send",
    ],
)
def test_a_robot_on_this_machine_or_the_intranet_is_refused_unless_allowed(
    world: World, settings: Any, address: str
) -> None:
    water = unit("水利局")
    office = client_for(world, "office")
    url = reverse("web:unit_edit", args=[water.pk])
    data = {"name": "水利局", "webhook_kind": "wecom", "webhook_url": address}
    response = office.post(url, data)
    assert response.status_code == 200
    assert "不能指向本机、内网或保留地址" in response.content.decode()
    assert unit("水利局").webhook_url == ""
    assert not AuditEvent.objects.filter(action__startswith="unit.").exists()
    settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS = ["localhost", "127.0.0.0/8", "::1", "10.0.0.0/8"]
    if "169.254" not in address:
        assert office.post(url, data).status_code == 302
        assert unit("水利局").webhook_url == address


def test_the_list_marks_a_collective_phrase(world: World) -> None:
    Unit.objects.create(name="各乡镇（街道）")
    html = client_for(world, "office").get(reverse("web:units")).content.decode()
    row = html.split("各乡镇（街道）", 1)[1].split("</td>", 1)[0]
    assert "统称" in row
    assert "统称" not in html.split("水利局", 1)[1].split("</td>", 1)[0]
