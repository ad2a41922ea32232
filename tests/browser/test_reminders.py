"""催办 in a real browser: the office opens a round on the rounds page and reminds every unit
that has not reported with one click; the 水利局 reporter sees it in the bell, opens the list,
opens the reminder (it is marked read and leads to 我的任务); the office sees "已催办1次"."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_reminds_and_the_reporter_sees_it_in_the_bell(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    rounds = f"{base}/ledgers/{world.ledger.pk}/rounds/"
    sign_in(page, base, "office", rounds)
    page.fill("#id_name", "2021年11月")
    page.fill("#id_due_date", "2021-11-25")
    with page.expect_navigation():
        page.locator("main button", has_text="开启").click()
    assert "水利局" in page.inner_text("#missing")
    with page.expect_navigation():
        page.click("#remind-all")
    assert "已催办" in page.inner_text(".messages")
    assert "已催办1次" in page.inner_text("#missing tr[data-unit]:has-text('水利局')")
    screenshot(page, "reminders-round-page")

    sign_in(page, base, "slj")
    # The round's opening and the 催办: two unread.
    assert page.inner_text("#bell .count") == "2"
    with page.expect_navigation():
        page.click("#bell")
    first = page.locator("#notifications li").first
    assert "督查室催办" in first.inner_text()
    with page.expect_navigation():
        first.locator("a").click()
    assert page.url.endswith(f"/ledgers/{world.ledger.pk}/mine/")
    assert page.inner_text("#bell .count") == "1"
    page.goto(f"{base}/notifications/")
    with page.expect_navigation():
        page.locator("button", has_text="全部标为已读").click()
    assert page.inner_text("#bell .count") == ""
    screenshot(page, "reminders-bell")
