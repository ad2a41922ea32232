"""Steps the browser tests share: signing in, sending a report from a report form, and the
office's decisions that may pass through a confirmation page (采纳, 关闭本轮)."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def send_report(page: Any, form: Any, progress: str, status: str = "in_progress") -> None:
    """Fill a report form (a card or the form itself) and press 报送 (not 暂存)."""
    form.locator("textarea[name=progress]").fill(progress)
    form.locator("select[name=status]").select_option(status)
    with page.expect_navigation():
        form.locator("button[value=send]").click()
    assert "已报送" in page.inner_text(".messages")


def accept(page: Any, item: Any) -> str | None:
    """Press 采纳 on a review item; when the office is asked to confirm (a copied or unchanged
    report), press 确认采纳. The confirmation page's text, or None when there was none."""
    with page.expect_navigation():
        item.locator("button", has_text="采纳").click()
    confirmation = page.locator("#accept-confirm")
    shown = confirmation.inner_text() if confirmation.count() == 1 else None
    if shown is not None:
        with page.expect_navigation():
            confirmation.locator("button", has_text="确认采纳").click()
    assert "已采纳" in page.inner_text(".messages")
    return shown


def close_round(page: Any, base: str, ledger_id: int) -> None:
    """Close the open round from the rounds page, through its confirmation page."""
    page.goto(f"{base}/ledgers/{ledger_id}/rounds/")
    with page.expect_navigation():
        page.locator("button", has_text="关闭本轮").click()
    page.wait_for_selector("#round-close-confirm")
    with page.expect_navigation():
        page.locator("#round-close-confirm button", has_text="确认关闭本轮").click()
    assert "轮次已关闭" in page.inner_text(".messages")
