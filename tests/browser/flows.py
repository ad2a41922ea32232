"""Steps the browser tests share: signing in, sending a report from a report form, the
office's decisions that may pass through a confirmation page (采纳, 关闭本轮), and a job
page's poll."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import PASSWORD


def sign_in(page: Any, base: str, username: str, to: str | None = "/") -> None:
    """Sign `username` in and open `to` (a path, or an address of the live server; None: no
    page). The session is made on the server, as the test client's `force_login` makes it,
    and handed to the browser as its cookie: through the sign-in page each sign-in cost two
    page loads more (the form, then the home page it leads to), some 0.5 s of Chromium's CPU
    and wall time. `sign_in_through_form` still drives that page, in test_cycle and
    test_accounts_flow (where a new user signs in with a one-time password)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
    )
    if to is not None:
        page.goto(to if "://" in to else base + to)


def sign_in_through_form(page: Any, base: str, username: str) -> None:
    """Sign `username` in on the sign-in page, which leads to the home page."""
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


def poll_now(page: Any) -> None:
    """Have a job page (job.js) ask for its job's state now, not at the next turn of its
    timer (every data-job-every-ms, 1 to 1.5 s): the page's clock, Playwright's (installed
    before the page was opened), jumps ahead by that interval and fires the poll that was
    due. The page still polls by its own timer. Where a poll is already on its way (no timer
    pending), nothing fires and its answer schedules the next poll, as it would anyway."""
    every = page.get_attribute("[data-job-every-ms]", "data-job-every-ms")
    page.clock.fast_forward(int(every))
