"""Accounts for a new unit, in a real browser: the office adds 发改委 (then a task names it),
creates the reporter accounts the ledger's units lack, which answers with the sheet of their
one-time passwords: printed (as PDF, without the page's navigation and buttons) and
downloaded as .docx; the new user signs in with the one-time password from the .docx, is
held at the password change whatever page is asked for, changes it and reaches the home
page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from taizhang.ledger.models import TaskUnit, Unit
from tests.browser.conftest import screenshot
from tests.browser.flows import sign_in_through_form
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "发改委 2021 新密码"


def sheet_row(path: Path, unit: str) -> tuple[str, str]:
    """The user name and one-time password of `unit` on the downloaded sheet."""
    table = Document(str(path)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["单位", "用户名", "初始密码"]
    for row in table.rows[1:]:
        if row.cells[0].text == unit:
            return row.cells[1].text, row.cells[2].text
    raise AssertionError(f"{unit} is not on the sheet")


def test_the_office_creates_accounts_for_a_new_unit_who_must_change_the_password(
    page: Any, live_server: Any, world: World, tmp_path: Path
) -> None:
    base = live_server.url
    sign_in_through_form(page, base, "office")
    page.click("header.top a:has-text('单位')")
    page.click("text=新增单位")
    page.fill("#id_name", "发改委")
    page.fill("#id_contact_name", "王科长")
    with page.expect_navigation():
        page.click("#unit-form button[type=submit]")
    assert "已新增单位“发改委”" in page.inner_text(".messages")
    assert "王科长" in page.inner_text("#units")
    # A task names it (a later edition of the ledger would).
    TaskUnit.objects.create(
        task=world.task(5), unit=Unit.objects.get(name="发改委"), role="co", order=1
    )

    page.click("header.top a:has-text('账号')")
    page.click(f"a:has-text('{world.ledger.title}')")
    assert "发改委" in page.inner_text("#units-without")
    with page.expect_navigation():
        page.click("button:has-text('创建账号')")
    assert "已创建" in page.inner_text(".messages")
    screenshot(page, "accounts-01-sheet")
    shown = page.inner_text("#sheet")
    # The print button prints the page (the browser's dialog saves it as PDF too).
    page.evaluate("window.print = () => { window.taizhangPrinted = true; }")
    page.click("#sheet-print")
    assert page.evaluate("window.taizhangPrinted") is True
    page.emulate_media(media="print")
    assert page.is_visible("#sheet") and not page.is_visible("#sheet-actions")
    assert not page.is_visible("header.top") and not page.is_visible(".messages")
    printed = tmp_path / "accounts.pdf"
    page.pdf(path=str(printed), format="A4")
    assert printed.read_bytes().startswith(b"%PDF")
    page.emulate_media(media="screen")
    with page.expect_download() as download_info:
        page.click("#sheet-docx")
    sheet = tmp_path / "accounts.docx"
    download_info.value.save_as(str(sheet))
    username, password = sheet_row(sheet, "发改委")
    assert username in shown and password in shown  # the page and the .docx agree
    pdftotext = shutil.which("pdftotext")  # poppler-utils, where installed
    if pdftotext is not None:
        text = subprocess.run(
            [pdftotext, str(printed), "-"], capture_output=True, check=True
        ).stdout.decode()
        assert username in text and password in text and "登录地址" in text

    # The new user signs in with the sheet's password and must change it first.
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/password/")
    page.goto(f"{base}/ledgers/{world.ledger.pk}/mine/")
    page.wait_for_url(f"{base}/password/")
    assert "初始密码" in page.inner_text("#must-change")
    page.fill("#id_old_password", password)
    page.fill("#id_password", NEW_PASSWORD)
    page.fill("#id_password_again", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("#password-form button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "密码已修改" in page.inner_text(".messages")
    assert world.ledger.title in page.inner_text("main")
    screenshot(page, "accounts-02-home")
    page.goto(f"{base}/ledgers/{world.ledger.pk}/mine/")
    assert page.url == f"{base}/ledgers/{world.ledger.pk}/mine/"
