"""The ledger page's export form in a real browser: the page's filters go into the export
(水利局, red, with the 预警 column, as CSV), and on a phone (390 px) the form's fields and
buttons lie within the screen."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from taizhang.ledger.models import Unit
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)
WIDTH = 390


def test_the_export_form_exports_the_filtered_rows(
    page: Any, live_server: Any, world: World, tmp_path: Path
) -> None:
    base = live_server.url
    water = Unit.objects.get(name="水利局").pk
    sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/?unit={water}&light=red")
    shown = page.locator("table.ledger tbody tr").count()
    form = page.locator("#export-form")
    form.locator("input[name=as_of]").fill("2021-11-05")
    form.locator("input[name=warnings]").check()
    with page.expect_download() as info:
        form.locator("button", has_text="CSV").click()
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[1] == ["（截至2021年11月5日）"] + [""] * (len(rows[1]) - 1)
    header = rows[2]
    assert header[-1] == "预警"
    tasks = [row for row in rows[3:] if row[0].isdigit()]
    assert tasks and all("水利局" in row[header.index("责任单位")] for row in tasks)
    assert all(row[-1].startswith("红灯：") for row in tasks)
    assert shown >= len(tasks)


def test_the_export_form_fits_a_phone(page: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, base, "office", f"/ledgers/{world.ledger.pk}/?light=red")
    form = page.locator("#export-form")
    for field in ["input[name=as_of]", "input[name=warnings]", "select[name=layout]", "button"]:
        for index in range(form.locator(field).count()):
            box = form.locator(field).nth(index).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (field, box)
    screenshot(page, "phone-export-form")
