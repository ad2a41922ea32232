"""The web upload of a later edition: the preview says what becomes of each task (renumbered,
new, a unit dropped); an ambiguous task is decided on the preview, and until it is, confirming
imports nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.documents.json_format import write_json
from taizhang.documents.model import LedgerDoc
from taizhang.ledger.models import Task
from tests.factories import World
from tests.ledger.test_import_editions import current, halved, seed

pytestmark = pytest.mark.django_db


def preview(client: Client, doc: LedgerDoc) -> Any:
    handle = io.BytesIO(write_json(doc))
    handle.name = "later.json"
    return client.post(reverse("web:ledger_upload"), {"file": handle})


def test_the_preview_lists_each_tasks_fate_and_the_units_that_lose_a_task(
    world: World, client: Client
) -> None:
    client.force_login(world.office)
    later = seed()
    later.tasks[8].units = [u for u in later.tasks[8].units if u.name != "水利局"]
    later.tasks[4].goal = "优化城乡教育资源布局，加快推进玉川路小学、天坛路小学扩建工程。"
    page = preview(client, later).content.decode()
    assert "水利局 不再负责任务9" in page
    assert "未变 14" in page and "已修改 2" in page and 'id="match-choices"' not in page


def test_an_ambiguous_task_is_decided_on_the_preview(world: World, client: Client) -> None:
    client.force_login(world.office)
    response = preview(client, halved())
    page = response.content.decode()
    assert "待确认的任务" in page and 'name="match-1"' in page and 'name="match-2"' in page
    token = response.context["token"]
    refused = client.post(reverse("web:ledger_upload_confirm"), {"token": token})
    assert "请逐项确认后再导入" in refused.content.decode()
    assert Task.objects.filter(ledger=world.ledger).count() == 16
    bad = client.post(
        reverse("web:ledger_upload_confirm"), {"token": token, "match-1": "99", "match-2": "new"}
    )
    assert "原台账中没有序号为 99 的任务" in bad.content.decode()
    hospital = world.task(1).pk
    done = client.post(
        reverse("web:ledger_upload_confirm"), {"token": token, "match-1": "1", "match-2": "new"}
    )
    assert done.status_code == 302
    assert (
        current(world, 1).pk == hospital and Task.objects.filter(ledger=world.ledger).count() == 17
    )
