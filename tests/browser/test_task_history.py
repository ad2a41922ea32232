"""A task's history in real Chromium: a revision's before → after lines, and a report's
figures, are lines of their entry, not entries of their own (the timeline's bar and box)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from taizhang.supervision.services import figure_set
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_figure_corrections_lines_are_lines_of_its_entry(page: Any, live_server: Any) -> None:
    # A walk at 390 px found each line of a correction in a box of its own, indented and
    # bulleted, as if every line were an entry of the history.
    world = build_world()
    task = world.task(9)
    figure_set(task=task, name="水系治理", target=Decimal(30), actual=Decimal("12.5"),
               unit="公里", actor=world.office)  # fmt: skip
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, "slj", f"/tasks/{task.pk}/")
    line = page.locator(".timeline .changes li").first
    assert line.inner_text() == "指标“水系治理”完成数：— → 12.5公里"
    entry = page.locator(".timeline > li").first
    style = "el => [getComputedStyle(el).borderLeftWidth, getComputedStyle(el).listStyleType]"
    assert line.evaluate(style) == ["0px", "none"]
    assert entry.evaluate(style) == ["3px", "none"]
    # The line starts where its entry's text does, not indented further.
    meta = page.locator(".timeline > li .meta").first
    assert line.bounding_box()["x"] == meta.bounding_box()["x"]
    screenshot(page, "task-history-phone", ".timeline")
