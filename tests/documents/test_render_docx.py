"""A real client opens the exported .docx: LibreOffice turns the seed ledger into a PDF, whose
text holds the title, a category and the page number, and whose first page is kept as a PNG
(artifacts/ledger-docx-page1.png) for a person to look at."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from taizhang.documents.read_text import read_text
from taizhang.documents.write_docx import write_docx
from tests.conftest import ARTIFACTS, FIXTURES, require_tool

TIMEOUT = 180


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    soffice = require_tool("soffice", "libreoffice-writer-nogui")
    work = tmp_path_factory.mktemp("render-docx")
    seed = read_text((FIXTURES / "jiyuan-2021-ledger.txt").read_bytes(), name="seed.txt")
    source = work / "ledger.docx"
    source.write_bytes(write_docx(seed, as_of=datetime.date(2021, 11, 5)))
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    result = work / "ledger.pdf"
    assert result.exists() and result.stat().st_size > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result, ARTIFACTS / "ledger-docx.pdf")
    return result


def pdf_text(pdf: Path) -> str:
    pdftotext = require_tool("pdftotext", "poppler-utils")
    result = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    return result.stdout.decode()


def test_libreoffice_renders_title_table_and_page_numbers(pdf: Path) -> None:
    text = re.sub(r"[ \t]+", "", pdf_text(pdf))
    assert "2021年济源十件重点民生实事工作台账" in text
    assert "截至2021年11月5日" in text
    assert "提升医疗服务保障能力" in text
    assert "工作目标任务" in text
    # The footer: "— 1 —" (an em dash may come out as ― or a plain dash).
    assert re.search(r"^[—―–-]+1[—―–-]+$", text, re.MULTILINE)
    assert re.search(r"^[—―–-]+2[—―–-]+$", text, re.MULTILINE)


def test_the_header_row_repeats_on_every_page(pdf: Path) -> None:
    pages = pdf_text(pdf).split("\f")
    printed = [page for page in pages if page.strip()]
    assert len(printed) > 1
    assert all(re.search(r"序\s*号", page) for page in printed)


def test_first_page_is_kept_as_png(pdf: Path) -> None:
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    prefix = pdf.with_name("page")
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    pages = sorted(pdf.parent.glob("page*.png"))
    assert len(pages) == 1
    assert pages[0].read_bytes().startswith(b"\x89PNG")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pages[0], ARTIFACTS / "ledger-docx-page1.png")
