"""The public page (公示): no sign-in, only published ledgers, accepted progress only, with the
date of the last update; only the office publishes."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import Task
from taizhang.reporting import services
from tests.factories import World

pytestmark = pytest.mark.django_db


def publish(world: World) -> None:
    client = Client()
    client.force_login(world.office)
    url = reverse("web:publish", args=[world.ledger.pk])
    assert client.post(url, {"confirm": "1"}).status_code == 302


def test_an_unpublished_ledger_is_not_public(world: World) -> None:
    assert Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).status_code == 404
    assert world.ledger.title not in Client().get(reverse("web:public_index")).content.decode()


def test_a_published_ledger_is_readable_without_sign_in(world: World) -> None:
    publish(world)
    index = Client().get(reverse("web:public_index")).content.decode()
    assert world.ledger.title in index
    page = Client().get(reverse("web:public_ledger", args=[world.ledger.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "妇女儿童医院内部改造基本结束" in html
    assert "最后更新" in html and "年" in html


def test_comments_returned_reports_and_remarks_stay_internal(world: World) -> None:
    publish(world)
    Task.objects.filter(pk=world.task(1).pk).update(remarks="内部备注：资金缺口较大")
    services.comment_add(task=world.task(8), actor=world.leader, text="请住建局本周内拿出整改方案")
    services.round_open(
        ledger=world.ledger, name="11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    task = world.task(3)
    report = services.report_submit(
        task=task,
        unit=task.units.get(),
        actor=world.water,
        progress="这是被退回的报送内容",
        status="in_progress",
    )
    services.report_return(report=report, actor=world.office, comment="退回意见：数据不实")
    html = Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).content.decode()
    for internal in ("内部备注", "整改方案", "被退回的报送", "数据不实"):
        assert internal not in html


def test_only_the_office_publishes(world: World) -> None:
    for user in (world.water, world.leader, world.viewer):
        client = Client()
        client.force_login(user)
        assert client.post(reverse("web:publish", args=[world.ledger.pk])).status_code == 404
    assert Client().post(reverse("web:publish", args=[world.ledger.pk])).status_code == 302
    assert Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).status_code == 404


def test_publishing_twice_withdraws(world: World) -> None:
    publish(world)
    publish(world)
    assert Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).status_code == 404
