"""Sub-items in a real browser: the office has a ledger whose task 3 is split into 3-1 (水利局)
and 3-2 (住建局) and opens a round; the 水利局 reporter finds 3-1 in 我的任务 and reports on
it; the office accepts; the task page of 3 shows 3-1's new progress; the 住建局 reporter cannot
open 3-1's report form; sent unchanged, 3-2's report is accepted through the confirmation page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from taizhang.reporting import services
from tests.browser.conftest import screenshot
from tests.browser.flows import accept, send_report, sign_in
from tests.factories import World
from tests.web.subitems import housing_reporter, split_task_3

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PROGRESS = "北部供水工程管网铺设已全部完成，完成投资1200万元。"


def test_a_unit_reports_on_its_sub_item(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    split = split_task_3(world)
    housing_reporter()
    services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    ledger_url = f"{base}/ledgers/{world.ledger.pk}/"

    # The office sees the sub-items under task 3 on the ledger page.
    sign_in(page, base, "office", ledger_url)
    rows = page.locator("table.ledger tr.subitem")
    assert rows.count() == 2
    assert rows.nth(0).locator("td.num").inner_text() == "3-1"
    screenshot(page, "subitems-01-ledger")

    # The 水利局 reporter finds 3-1 (not task 3 itself, nor 3-2) in 我的任务 and reports.
    sign_in(page, base, "slj", ledger_url + "mine/")
    assert page.locator("#task-3").count() == 0 and page.locator("#task-3-2").count() == 0
    card = page.locator("#task-3-1")
    assert "所属任务" in card.inner_text()
    screenshot(page, "subitems-02-my-tasks")
    send_report(page, card, NEW_PROGRESS, "completed")

    # The office accepts it in the review queue.
    sign_in(page, base, "office", "/review/")
    item = page.locator(".review-item")
    assert "3-1" in item.locator("h2").inner_text()
    accept(page, item)
    assert "任务 3-1 的进展已更新" in page.inner_text(".messages")

    # The task page of 3 lists 3-1 with its new progress and status.
    page.goto(f"{base}/tasks/{split.task.pk}/")
    row = page.locator(f"#subitem-{split.first.pk}")
    assert NEW_PROGRESS in row.inner_text() and "已完成" in row.inner_text()
    assert "本任务分为子项" in page.inner_text("main")
    screenshot(page, "subitems-03-task")

    # The 住建局 reporter sees 3-2 but cannot open 3-1, nor post its report form.
    sign_in(page, base, "zjj", ledger_url + "mine/")
    assert page.locator("#task-3-2").count() == 1 and page.locator("#task-3-1").count() == 0
    response = page.goto(f"{base}/tasks/{split.first.pk}/")
    assert response.status == 404
    page.goto(f"{base}/tasks/{split.second.pk}/")
    token = page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
    posted = page.request.post(
        f"{base}/tasks/{split.first.pk}/report/",
        form={"progress": "代报", "status": "in_progress", "csrfmiddlewaretoken": token or ""},
        headers={"Referer": f"{base}/tasks/{split.second.pk}/"},
    )
    assert posted.status == 404

    # 3-2's form sent as it stands would change nothing: the office is asked to confirm.
    with page.expect_navigation():
        page.locator(f"#report-form-{split.second.pk} button[value=send]").click()
    assert "已报送" in page.inner_text(".messages")
    sign_in(page, base, "office", "/review/")
    item = page.locator(".review-item")
    assert item.locator("button", has_text="采纳…").count() == 1
    shown = accept(page, item)
    assert shown is not None and "采纳不会改变台账" in shown
    assert "任务 3-2 的进展已更新" in page.inner_text(".messages")
