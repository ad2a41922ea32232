"""The monthly cycle in a real browser: the office imports the seed ledger through the upload
form and opens a round; the 水利局 reporter signs in and reports; the office accepts; the
ledger page shows the new progress; another unit's reporter cannot see the task; the office
closes the round through its confirmation page."""

from __future__ import annotations

from typing import Any

import pytest

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Task, Unit
from tests.browser.conftest import screenshot
from tests.browser.flows import accept, close_round, send_report, sign_in, sign_in_through_form
from tests.conftest import SEED
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PROGRESS = "北部供水工程已于11月10日全面开工，完成投资3000万元。"


def test_import_open_report_accept_and_scoping(page: Any, live_server: Any) -> None:
    base = live_server.url
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, display_name="督查室")

    # The office imports the seed ledger through the upload form and confirms the preview.
    sign_in_through_form(page, base, "office")
    screenshot(page, "01-home-empty")
    page.goto(f"{base}/ledgers/upload/")
    page.set_input_files("input[name=file]", str(SEED))
    page.click("main button[type=submit]")
    page.wait_for_selector("#confirm-import")
    assert "16 项任务" in page.content()
    screenshot(page, "02-upload-preview")
    page.click("#confirm-import")
    page.wait_for_selector("table.ledger")
    assert "2021年济源十件重点民生实事工作台账" in page.content()
    screenshot(page, "03-ledger")

    # The office opens a round.
    ledger_url = page.url
    page.goto(ledger_url + "rounds/")
    page.fill("input[name=name]", "2021年11月")
    page.fill("input[name=due_date]", "2021-11-25")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#missing")
    assert "水利局" in page.inner_text("#missing")
    screenshot(page, "04-rounds")

    water = Unit.objects.get(name="水利局")
    account_create(username="slj", password=PASSWORD, role=Role.REPORTER, units=[water])
    account_create(
        username="wjw",
        password=PASSWORD,
        role=Role.REPORTER,
        units=[Unit.objects.get(name="卫健委")],
    )
    task3 = Task.objects.get(number=3)

    # The 水利局 reporter signs in and reports on task 3 from "my tasks".
    sign_in(page, base, "slj", ledger_url + "mine/")
    screenshot(page, "05-my-tasks")
    send_report(page, page.locator("#task-3"), NEW_PROGRESS)

    # The office accepts it in the review queue.
    sign_in(page, base, "office", "/review/")
    assert "全面开工" in page.inner_text(".review-item ins")
    screenshot(page, "06-review")
    # A new text changes the ledger: accepted at once, without a confirmation page.
    assert accept(page, page.locator(".review-item")) is None

    # The ledger page shows the new progress.
    page.goto(ledger_url)
    assert NEW_PROGRESS in page.inner_text("table.ledger")
    page.goto(f"{base}/tasks/{task3.pk}/")
    assert NEW_PROGRESS in page.inner_text("#current-progress")
    screenshot(page, "07-task-timeline")

    # Another unit's reporter cannot see the first unit's task.
    sign_in(page, base, "wjw", ledger_url)
    assert task3.goal[:10] not in page.inner_text("table.ledger")
    response = page.goto(f"{base}/tasks/{task3.pk}/")
    assert response.status == 404

    # And on a phone the ledger page is readable.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(ledger_url)
    screenshot(page, "08-ledger-phone")

    # The office closes the round, confirming on the page that says what is left.
    sign_in(page, base, "office")
    close_round(page, base, task3.ledger_id)
    assert page.locator("text=当时的台账").count() == 1
    assert page.locator("form.card button", has_text="开启").count() == 1
