"""The report form on a phone (390x844), in a real browser: on the task page and on 我的任务
the page does not scroll sideways, and the form's fields and its 报送 button lie within the
screen's width."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from taizhang.ledger.models import Ledger, Unit
from taizhang.ledger.services.audit import audit_record
from taizhang.reporting import services
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH = 390
FIELDS = [
    "textarea[name=progress]",
    "select[name=status]",
    "textarea[name=figures]",
    "input[name=attachments]",
    "button[value=send]",
]


def assert_form_fits(page: Any, form: Any) -> None:
    """No sideways scrolling, and every field of the form visible within the screen."""
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll_width <= page.evaluate("window.innerWidth"), scroll_width
    for selector in FIELDS:
        field = form.locator(selector)
        assert field.is_visible(), selector
        box = field.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (selector, box)


def test_the_report_form_fits_a_phone(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    task3 = world.task(3)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, base, "slj", f"/tasks/{task3.pk}/")
    assert_form_fits(page, page.locator(f"#report-form-{task3.pk}"))
    screenshot(page, "phone-01-task-report-form")

    page.goto(f"{base}/ledgers/{world.ledger.pk}/mine/")
    assert_form_fits(page, page.locator("#task-3 form.report-form"))
    screenshot(page, "phone-02-my-tasks")


def test_the_offices_lists_and_home_fit_a_phone(page: Any, live_server: Any, world: World) -> None:
    """Wide lists (units, accounts, the audit log) scroll inside themselves and the home's
    ledger choice wraps: the page itself never scrolls sideways."""
    base = live_server.url
    for n in range(3):  # several ledgers with long titles: the home offers a choice
        Ledger.objects.create(
            title=f"2024年西峡县重点民生实事工作台账西峡县人民政府督查室 2024年7月（第{n}版）",
            year=2024,
            imported_at=timezone.now(),
        )
    unit = Unit.objects.get(name="水利局")
    unit.contact_name, unit.email = "张某某", "shuiliju-office@xixia.example.gov.cn"
    unit.save()
    audit_record(
        actor=world.office,
        action="unit.update",
        data={"unit": unit.name, "email": unit.email * 5, "note": "无空格的长内容" * 30},
    )
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, base, "office", None)
    shots = {"/accounts/": "phone-03-office-accounts", "/audit/": "phone-04-office-audit-log"}
    for path in ("/", "/units/", "/accounts/", "/audit/"):
        page.goto(base + path)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= page.evaluate("window.innerWidth"), (path, width)
        if path in shots:
            screenshot(page, shots[path])
