"""Issue 11's daily work in a real browser, one browser context per user: the office opens a
round on the rounds page and reminds every unit that has not reported (一键催办); the 水利局
reporter finds the reminder in the bell and on the home page with the countdown; the office
returns 水利局's report with a comment; the reporter's home shows the returned report at the
top, with the comment, above the notifications and the tasks to report."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot
from tests.browser.flows import send_report, sign_in
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)
DAYS = 3
COMMENT = "请补充投资完成情况"


@pytest.fixture
def pages(browser: Any) -> Iterator[dict[str, Any]]:
    """One page in a browser context of its own for each user (signed in once each)."""
    contexts = {
        user: browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        for user in ("office", "slj")
    }
    found = {}
    for user, context in contexts.items():
        found[user] = context.new_page()
        found[user].set_default_timeout(15_000)
    yield found
    for context in contexts.values():
        context.close()


def top(page: Any, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return float(box["y"])


def test_a_reminded_reporter_sees_the_countdown_then_the_returned_report_on_top(
    pages: dict[str, Any], live_server: Any, world: World
) -> None:
    base = live_server.url
    office, water = pages["office"], pages["slj"]
    due = timezone.localdate() + datetime.timedelta(days=DAYS)

    # The office opens a round on the rounds page and reminds every unit still to report.
    sign_in(office, base, "office", f"/ledgers/{world.ledger.pk}/rounds/")
    office.fill("#id_name", "本月报送")
    office.fill("#id_due_date", due.isoformat())
    with office.expect_navigation():
        office.locator("main button", has_text="开启").click()
    assert "水利局" in office.inner_text("#missing")
    with office.expect_navigation():
        office.click("#remind-all")
    assert "已催办" in office.inner_text(".messages")

    # The reporter: the round's opening and the 催办 in the bell; on the home page the
    # reminder, and the round's tasks with the countdown.
    sign_in(water, base, "slj")
    assert water.inner_text("#bell .count") == "2"
    assert "督查室催办" in water.inner_text("#unread")
    assert f"距截止{DAYS}天" in water.inner_text("#to-report")
    assert f"距截止{DAYS}天" in water.inner_text("#unread")  # the reminder's own words
    screenshot(water, "daily-01-reminded-home")
    water.goto(f"{base}/ledgers/{world.ledger.pk}/mine/")
    send_report(water, water.locator("#task-3"), "北部供水工程已全面开工。")

    # The office returns it with a comment.
    office.goto(f"{base}/review/")
    item = office.locator(".review-item")
    item.locator("textarea[name=comment]").fill(COMMENT)
    with office.expect_navigation():
        item.locator("button", has_text="退回").click()
    assert "已退回任务 3 的报送" in office.inner_text(".messages")

    # The reporter's home: the returned report at the top, with the comment.
    water.goto(f"{base}/")
    cards = water.locator("main .card")
    assert cards.first.get_attribute("id") == "returned-reports"
    returned = water.inner_text("#returned-reports")
    assert COMMENT in returned and "3" in returned
    assert top(water, "#returned-reports") < top(water, "#unread") < top(water, "#to-report")
    assert "报送被退回" in water.inner_text("#unread")
    screenshot(water, "daily-02-returned-on-top")
