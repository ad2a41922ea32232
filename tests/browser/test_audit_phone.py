"""The audit log on a phone: a card an event, each cell with its column's word, the details
the screen's width (its five columns had left them a strip cut at the screen's edge)."""

from __future__ import annotations

from typing import Any

import pytest

from taizhang.ledger.services.audit import audit_record
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_event_is_a_card_on_a_phone_and_a_row_on_a_desk(page: Any, live_server: Any) -> None:
    world = build_world()
    audit_record(actor=world.office, action="comment.add", ledger=world.ledger,
                 data={"task": 3})  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "office", "/audit/")
    assert not page.locator("#audit thead").is_visible()
    details = page.locator("#audit tbody tr").first.locator("td.details")
    box = details.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["width"] > 300  # the card's width, not a column's
    label = "el => getComputedStyle(el, '::before').content"
    assert details.evaluate(label) == '"内容："'
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    screenshot(page, "audit-phone", "#audit")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#audit thead").is_visible()
    assert details.evaluate(label) == "none"
