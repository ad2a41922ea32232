"""The dashboard (驾驶舱) in real Chromium: the seed ledger as of 2021-11-05, two past rounds and
an open one; every chart draws on a canvas with the vendored ECharts, under the strict
Content-Security-Policy and without a console error; the red list shows tasks 8 and 9; on a
phone the charts stack; printed, the charts and tables stay and the form goes. An uncertain
indicator's bar is hatched, tells its reason on hover and on a tap, and the office confirms it
in one click."""

from __future__ import annotations

import base64
import datetime
from typing import Any

import pytest

from taizhang.ledger.models import Task, Unit
from taizhang.reporting import services
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)
CHARTS = ["chart-status", "chart-lights", "chart-history"]
# Recorded before any page script runs (Playwright's init scripts are not subject to the CSP).
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def past_rounds_and_an_open_one(world: World) -> None:
    """September closed with the four completed tasks still in progress, October closed as
    the ledger stands, November open with reports of 水利局 (task 3) and 卫健委 (task 1)."""
    completed = list(Task.objects.filter(ledger=world.ledger, status="completed"))
    Task.objects.filter(pk__in=[t.pk for t in completed]).update(status="in_progress")
    for name, month in (("2021年9月", 9), ("2021年10月", 10)):
        round_ = services.round_open(
            ledger=world.ledger,
            name=name,
            due_date=datetime.date(2021, month, 25),
            actor=world.office,
        )
        services.round_close(round_=round_, actor=world.office)
        Task.objects.filter(pk__in=[t.pk for t in completed]).update(status="completed")
    services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    for number, unit, user in ((3, "水利局", world.water), (1, "卫健委", world.health)):
        services.report_submit(
            task=world.task(number),
            unit=Unit.objects.get(name=unit),
            actor=user,
            progress="按计划推进。",
            status="in_progress",
        )


def wait_for_charts(page: Any) -> None:
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} canvas", state="attached")


def test_the_dashboard_draws_its_charts_and_prints(page: Any, live_server: Any) -> None:
    world = build_world()
    past_rounds_and_an_open_one(world)
    errors: list[str] = []

    def console(message: Any) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH_CSP)
    base = live_server.url
    # From the ledger page to its dashboard, then as of 2021-11-05 through the form.
    sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/")
    page.click("text=驾驶舱")
    page.wait_for_selector("#dashboard")
    page.fill("#as-of", "2021-11-05")
    page.click(".dash-form button[type=submit]")
    page.wait_for_url("**/dashboard/?as_of=2021-11-05")
    wait_for_charts(page)

    assert "共16项" in page.inner_text("#status-tiles").replace("\n", "").replace(" ", "")
    red = page.locator("#red-list tbody tr td:first-child").all_inner_texts()
    assert red == ["8", "9"]
    assert "已超过完成时限（2021-10-31）5天" in page.inner_text("#red-list")
    for chart in CHARTS:
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, chart
    # The tooltip draws on the canvas too (the HTML one would break the CSP).
    page.hover("#chart-lights canvas")
    page.mouse.move(400, 700)
    screenshot(page, "09-dashboard")
    assert page.evaluate("window.__violations") == []
    assert errors == []

    # On a phone the charts stack and the tables still read.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wait_for_charts(page)
    status = page.locator("#chart-status").bounding_box()
    lights = page.locator("#chart-lights").bounding_box()
    assert status and lights and lights["y"] >= status["y"] + status["height"]
    assert lights["x"] + lights["width"] <= 390
    screenshot(page, "10-dashboard-phone")

    # Printed: charts and tables stay, the form and the navigation go.
    page.set_viewport_size({"width": 1123, "height": 794})
    page.reload()
    wait_for_charts(page)
    page.emulate_media(media="print")
    for table in ("#indicator-bars", "#unit-table", "#leader-table", "#red-list", "#yellow-list"):
        assert page.locator(table).is_visible(), table
    for chart in CHARTS:
        assert page.locator(f"#{chart} canvas").first.is_visible(), chart
    assert not page.locator(".dash-form").is_visible()
    assert not page.locator("header.top").is_visible()
    screenshot(page, "11-dashboard-print")
    assert page.evaluate("window.__violations") == []
    assert errors == []


COLOURS_ACROSS = """async (png) => {
  const image = new Image();
  image.src = "data:image/png;base64," + png;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = image.width; canvas.height = image.height;
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  const y = Math.floor(image.height / 2);
  const row = context.getImageData(0, y, Math.max(2, Math.floor(image.width * 0.3)), 1).data;
  const seen = new Set();
  for (let i = 8; i < row.length; i += 4) {
    seen.add(row[i] + "," + row[i + 1] + "," + row[i + 2]);
  }
  return seen.size;
}"""


def colours_across(page: Any, bar: Any) -> int:
    """How many colours the first 30% of a bar (filled on the seed: 57.9% and more) shows
    along its middle, read from a screenshot of it."""
    png = base64.b64encode(bar.screenshot()).decode()
    return int(page.evaluate(COLOURS_ACROSS, png))


def test_an_uncertain_bar_tells_why_on_hover_and_tap_and_is_confirmed_in_one_click(
    page: Any, live_server: Any
) -> None:
    world = build_world()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(WATCH_CSP)
    base = live_server.url
    sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/dashboard/?as_of=2021-11-05")
    row = page.locator("#indicator-bars tr.uncertain", has_text="新增供热覆盖面积")
    bar = row.locator("progress.ind-bar.uncertain")
    # Hatched: the filled part of the bar alternates two colours; a plain bar's has one.
    plain = page.locator("#indicator-bars tr:not(.uncertain) progress.ind-bar").first
    assert colours_across(page, bar) >= 2
    assert colours_across(page, plain) == 1
    # The reason on hover (the title the browser shows) and on a tap of the "?".
    assert row.locator(".ind-progress").get_attribute("title") == "数字为约数"
    bar.hover()
    assert not row.locator(".doubt-text").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    row.locator("summary[aria-label='存疑：数字为约数']").click()
    assert row.locator(".doubt-text").is_visible()
    assert row.locator(".doubt-text").inner_text() == "数字为约数"
    screenshot(page, "12-dashboard-uncertain-phone")
    screenshot(page, "13-indicators-phone", element="#indicators")
    # On a phone each indicator is a card, nothing cut off on the right: every cell of the
    # row, the target and the figure done included, within the screen, with its column's word.
    table = page.locator("#indicator-bars")
    assert table.evaluate("t => t.scrollWidth <= t.clientWidth")
    for cell in row.locator("td").all():
        if cell.is_visible():
            box = cell.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert row.locator("td[data-label='完成']").is_visible()
    assert row.locator("td[data-label='目标']").inner_text().strip()
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector(\"#indicator-bars td[data-label='目标']\"),"
            " '::before').content"
        )
        == '"目标："'
    )
    plain_row = page.locator("#indicator-bars tr:not(.uncertain)").first
    assert not plain_row.locator("td.noprint").is_visible()  # no check to make: no empty line
    # One click: confirmed, back on the dashboard, the bar plain.
    with page.expect_navigation():
        row.locator("button.confirm-figure").click()
    assert "督查室已核实" in page.inner_text(".messages")
    assert "as_of=2021-11-05" in page.url
    confirmed = page.locator("#indicator-bars tr", has_text="新增供热覆盖面积").first
    assert confirmed.locator("progress.ind-bar.uncertain").count() == 0
    assert "督查室已核实" in confirmed.inner_text()
    assert page.evaluate("window.__violations") == []
    assert errors == []
