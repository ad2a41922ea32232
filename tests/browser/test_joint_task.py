"""A joint task in a real browser: task 9 of the seed ledger is served by 住建局、水利局 and
教体局. The office opens a round; the 住建局 reporter reports from the task page and the 水利局
reporter from 我的任务; the office accepts both; the task page then holds both units' parts,
and the imported text (教体局's 健身器材 paragraph among it) is still there: accepting one
unit's report replaces that unit's part only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.flows import accept, send_report, sign_in
from tests.factories import World
from tests.web.subitems import housing_reporter

pytestmark = pytest.mark.django_db(transaction=True)
HOUSING = "蟒河东二环至东一环段南岸附属物已清理完毕，河道治理全线完工。"
WATER = "湨河河道治理项目已通过竣工验收，龙河灾后重建项目已完成立项。"
SPORTS_IMPORTED = "健身器材安装，教育部门已与相关单位对接"


def test_two_units_report_on_a_joint_task_and_both_parts_stay(
    page: Any, live_server: Any, world: World
) -> None:
    base = live_server.url
    housing_reporter()
    task9 = world.task(9)
    assert SPORTS_IMPORTED in task9.progress

    # The office opens a round.
    sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/rounds/")
    page.fill("input[name=name]", "2021年11月")
    page.fill("input[name=due_date]", "2021-11-25")
    with page.expect_navigation():
        page.click("form.card button[type=submit]")
    assert "已开启报送轮次" in page.inner_text(".messages")

    # 住建局 reports from the task page, 水利局 from 我的任务.
    sign_in(page, base, "zjj", f"/tasks/{task9.pk}/")
    send_report(page, page.locator(f"#report-form-{task9.pk}"), HOUSING)
    sign_in(page, base, "slj", f"/ledgers/{world.ledger.pk}/mine/")
    send_report(page, page.locator("#task-9"), WATER)

    # The office finds both in the queue and accepts them one after the other.
    sign_in(page, base, "office", "/review/")
    items = page.locator(".review-item")
    assert items.count() == 2
    screenshot(page, "joint-01-review")
    for unit in ("住建局", "水利局"):
        accept(page, page.locator(".review-item", has_text=unit))
        assert "任务 9 的进展已更新" in page.inner_text(".messages")
    assert page.locator(".review-item").count() == 0

    # Both units' parts are on the task page, and the imported text has not gone.
    page.goto(f"{base}/tasks/{task9.pk}/")
    progress = page.inner_text("#current-progress")
    screenshot(page, "joint-02-task")
    assert HOUSING in progress, progress
    assert WATER in progress, progress
    assert SPORTS_IMPORTED in progress, progress
