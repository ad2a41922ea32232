"""Publication (公示) as a reviewed snapshot: the public page shows the ledger as the office
published it, not live data; 重新公示 takes a new snapshot, 撤回公示 drops it; publishing asks
first (without JavaScript) and a plain POST changes nothing; the services audit each step."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import AuditEvent, Task
from taizhang.reporting import services as reporting
from taizhang.supervision import services
from taizhang.supervision.models import Publication
from tests.factories import World

pytestmark = pytest.mark.django_db
ACCEPTED = "新的进展：主体工程已封顶"


def office(world: World) -> Client:
    client = Client()
    client.force_login(world.office)
    return client


def post(world: World, **data: str) -> object:
    return office(world).post(reverse("web:publish", args=[world.ledger.pk]), data)


def public_page(world: World) -> str:
    response = Client().get(reverse("web:public_ledger", args=[world.ledger.pk]))
    assert response.status_code == 200
    return response.content.decode()


def accept_a_report(world: World) -> None:
    reporting.round_open(
        ledger=world.ledger, name="11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    task = world.task(3)
    report = reporting.report_submit(
        task=task, unit=task.units.get(), actor=world.water, progress=ACCEPTED, status="lagging"
    )
    reporting.report_accept(report=report, actor=world.office)
    assert ACCEPTED in Task.objects.get(pk=task.pk).progress


def test_a_plain_post_shows_the_confirmation_and_publishes_nothing(world: World) -> None:
    response = post(world)
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "任何人无需登录" in html and "不含备注、评论和报送记录" in html
    assert 'name="confirm" value="1"' in html
    assert not Publication.objects.exists()
    assert office(world).get(reverse("web:publish", args=[world.ledger.pk])).status_code == 200


def test_a_confirmed_post_publishes_a_snapshot(world: World) -> None:
    assert post(world, action="publish", confirm="1").status_code == 302  # type: ignore[attr-defined]
    publication = Publication.objects.get(ledger=world.ledger)
    assert publication.snapshot is not None
    assert publication.snapshot["title"] == world.ledger.title
    html = public_page(world)
    assert "妇女儿童医院内部改造基本结束" in html and "最后更新" in html
    assert AuditEvent.objects.filter(action="ledger.publish").count() == 1


def test_accepted_progress_waits_for_republication(world: World) -> None:
    services.ledger_publish(ledger=world.ledger, actor=world.office)
    accept_a_report(world)
    assert ACCEPTED not in public_page(world)
    response = post(world, action="publish")  # republishing asks first too
    assert "重新公示将用台账当前的内容替换" in response.content.decode()  # type: ignore[attr-defined]
    assert ACCEPTED not in public_page(world)
    post(world, action="publish", confirm="1")
    assert ACCEPTED in public_page(world)
    assert AuditEvent.objects.filter(action="ledger.republish").count() == 1


def test_the_snapshot_keeps_no_remarks_or_other_columns(world: World) -> None:
    Task.objects.filter(pk=world.task(1).pk).update(
        remarks="内部备注：资金缺口较大", extra={"note": "内部列"}
    )
    publication = services.ledger_publish(ledger=world.ledger, actor=world.office)
    assert "内部备注" not in str(publication.snapshot) and "内部列" not in str(publication.snapshot)
    assert "内部备注" not in public_page(world)


def test_withdrawing_drops_the_snapshot_and_the_page(world: World) -> None:
    services.ledger_publish(ledger=world.ledger, actor=world.office)
    assert post(world, action="withdraw").status_code == 302  # type: ignore[attr-defined]
    assert not Publication.objects.exists()
    assert Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).status_code == 404
    assert services.ledger_unpublish(ledger=world.ledger, actor=world.office) is False
    assert AuditEvent.objects.filter(action="ledger.unpublish").count() == 1


def test_a_plain_post_on_a_published_ledger_withdraws_it(world: World) -> None:
    # The ledger page's one button: 撤回公示 once published.
    services.ledger_publish(ledger=world.ledger, actor=world.office)
    assert post(world).status_code == 302  # type: ignore[attr-defined]
    assert not Publication.objects.exists()


def test_only_the_office_may_publish_or_see_the_confirmation(world: World) -> None:
    url = reverse("web:publish", args=[world.ledger.pk])
    for user in (world.water, world.leader, world.viewer):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "publish", "confirm": "1"}).status_code == 404
    assert not Publication.objects.exists()


def test_a_ledger_published_before_snapshots_asks_to_be_republished(world: World) -> None:
    Publication.objects.create(
        ledger=world.ledger, published_at=datetime.datetime(2021, 11, 1, tzinfo=datetime.UTC)
    )
    html = public_page(world)
    assert "公示内容正在更新" in html and "妇女儿童医院" not in html
