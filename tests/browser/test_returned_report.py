"""A returned report is corrected without retyping, in a real browser: the 水利局 reporter
sends; the office returns it with a comment; in 我的任务 the reporter finds the form holding
their own text and status, the office's comment highlighted above it; they append one sentence
and send; the office sees the corrected report in the queue."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from taizhang.reporting import services
from tests.browser.conftest import screenshot
from tests.browser.flows import send_report, sign_in
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)
FIRST = "北部供水工程已全面开工，管网铺设完成60%。"
ADDED = "截至11月底完成投资3000万元。"
COMMENT = "请补充投资完成情况"
# Backgrounds that do not set an element apart from a white card.
PLAIN = ["rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"]


def stands_out(page: Any, selector: str) -> bool:
    """Whether the element is set apart from the white card it sits on: a background of its
    own or a visible border."""
    return bool(
        page.eval_on_selector(
            selector,
            """(element, plain) => {
                const style = getComputedStyle(element);
                const border = ["Top", "Right", "Bottom", "Left"].some(
                    side => parseFloat(style["border" + side + "Width"]) > 0
                        && style["border" + side + "Style"] !== "none");
                return !plain.includes(style.backgroundColor) || border;
            }""",
            PLAIN,
        )
    )


def test_a_returned_report_is_corrected_without_retyping(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    task3 = world.task(3)
    mine = f"{base}/ledgers/{world.ledger.pk}/mine/"

    sign_in(page, base, "slj", mine)
    send_report(page, page.locator("#task-3"), FIRST, "completed")

    # The office returns it with a comment.
    sign_in(page, base, "office", "/review/")
    item = page.locator(".review-item")
    item.locator("textarea[name=comment]").fill(COMMENT)
    with page.expect_navigation():
        item.locator("button", has_text="退回").click()
    assert "已退回任务 3 的报送" in page.inner_text(".messages")
    assert page.locator(".review-item").count() == 0

    # 我的任务: the form holds the reporter's own text and status, the comment above it.
    sign_in(page, base, "slj", mine)
    assert "1 项报送被督查室退回" in page.inner_text("main")
    assert page.locator(".task-card").first.get_attribute("id") == "task-3"
    card = page.locator("#task-3")
    returned = card.locator(f"#returned-{task3.pk}")
    assert COMMENT in returned.inner_text()
    progress = card.locator("textarea[name=progress]")
    assert progress.input_value() == FIRST
    assert card.locator("select[name=status]").input_value() == "completed"
    comment_box, form_box = returned.bounding_box(), progress.bounding_box()
    assert comment_box and form_box and comment_box["y"] < form_box["y"]
    # Checked at the end, so that the rest of the flow is still tried when it fails.
    highlighted = stands_out(page, f"#returned-{task3.pk}")
    screenshot(page, "returned-01-my-tasks")

    # One sentence appended at the end, and sent.
    progress.focus()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(ADDED)
    with page.expect_navigation():
        card.locator("button[value=send]").click()
    assert "已报送" in page.inner_text(".messages")

    # The office sees the corrected report, and only it, in the queue.
    sign_in(page, base, "office", "/review/")
    items = page.locator(".review-item")
    assert items.count() == 1
    assert FIRST in items.inner_text() and ADDED in items.inner_text()
    screenshot(page, "returned-02-review")
    assert highlighted, "the office's comment above the form is not set apart (.returned)"
