"""Browser tests: Playwright for Python driving Debian's Chromium (`/usr/bin/chromium`,
headless). Locally they skip when Chromium is missing; in CI (TAIZHANG_REQUIRE_TOOLS=1) they
fail instead. Screenshots go to $TAIZHANG_ARTIFACTS, only when it is set (as .ci/run does)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, KEEP_SCREENSHOTS, require_tool

# Playwright's sync API runs an event loop in the test's thread; the test itself only sets
# data up through the ORM, which Django would otherwise refuse from such a thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = require_tool("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page: Any, name: str, element: str | None = None) -> None:
    """Keep a screenshot of the page (or of its `element`, a selector) as a CI artifact, when
    the run keeps artifacts (TAIZHANG_ARTIFACTS)."""
    if not KEEP_SCREENSHOTS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = str(ARTIFACTS / f"{name}.png")
    if element is None:
        page.screenshot(path=path, full_page=True)
    else:
        page.locator(element).screenshot(path=path)
