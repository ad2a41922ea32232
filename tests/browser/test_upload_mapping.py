"""The office decides the columns, in a real browser: a county ledger writes its progress under
落实情况 beside a 工作进展 column the reader takes for the progress; the office sees what each
column was taken for, reads 落实情况 as 进展情况, previews again, sees the progress appear,
confirms, and the ledger page shows it. The next edition is read the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Ledger
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in
from tests.factories import PASSWORD
from tests.mapping_ledgers import DONE, ledger_xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def mapping_select(page: Any, title: str) -> Any:
    """The select of the column titled `title` in the preview's table of columns."""
    row = page.locator("#column-mapping tbody tr", has_text=title)
    return row.locator("select")


def test_the_office_remaps_the_progress_column_and_confirms(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    base = live_server.url
    account_create(username="office", password=PASSWORD, role=Role.OFFICE, display_name="督查室")
    ledger_file = tmp_path / "某县台账.xlsx"
    ledger_file.write_bytes(ledger_xlsx())

    sign_in(page, base, "office", "/ledgers/upload/")
    page.set_input_files("input[name=file]", str(ledger_file))
    page.click("main button[type=submit]")
    page.wait_for_selector("#column-mapping")

    # What each column was taken for: 工作进展 is the progress, 落实情况 kept as it is.
    assert mapping_select(page, "工作进展").input_value() == "progress"
    assert mapping_select(page, "落实情况").input_value() == "extra"
    assert DONE not in page.inner_text("#upload-parse td.progress >> nth=0")
    screenshot(page, "mapping-01-preview")

    # The office reads 落实情况 as 进展情况 and previews again.
    mapping_select(page, "落实情况").select_option(label="进展情况")
    page.click("#re-preview")
    page.wait_for_function(
        # Null-safe: the page is replaced by the new preview while this waits.
        f"(document.querySelector('#upload-parse td.progress')?.textContent ?? '')"
        f".includes({DONE!r})"
    )
    assert mapping_select(page, "落实情况").input_value() == "progress"
    assert mapping_select(page, "工作进展").input_value() == "extra"
    screenshot(page, "mapping-02-remapped")

    # Confirmed, the ledger page shows the progress.
    page.click("#confirm-import")
    page.wait_for_selector("table.ledger")
    assert "已导入" in page.inner_text(".messages")
    assert DONE in page.inner_text("table.ledger")
    screenshot(page, "mapping-03-ledger")
    assert Ledger.objects.get().column_overrides == {"落实情况": "progress"}

    # The next edition is read with the saved mapping; on a phone the preview stacks.
    page.set_viewport_size({"width": 390, "height": 844})
    later = tmp_path / "某县台账-11月.xlsx"
    later.write_bytes(ledger_xlsx(done="已通水"))
    page.goto(f"{base}/ledgers/upload/")
    page.set_input_files("input[name=file]", str(later))
    page.click("main button[type=submit]")
    page.wait_for_selector("#mapping-reused")
    assert "已通水" in page.inner_text("#upload-parse")
    screenshot(page, "mapping-04-next-edition-phone")
