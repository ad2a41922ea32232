"""A .docx turned into PDF (for the office's website) by LibreOffice, where it is installed.
Each run has its own temporary directory and LibreOffice profile (runs may go on at the same
time), a timeout, and fontconfig told the GB fonts' look-alikes (`fonts.fontconfig_xml`), so
a server without the GB fonts still writes serif text where the document asks for 仿宋.
Without LibreOffice the conversion is refused with what to install, and no file is made."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from taizhang.documents.convert import last_line, libreoffice_binary, run_soffice
from taizhang.documents.fonts import fontconfig_xml

TIMEOUT_SECONDS: Final = 180
MISSING_MESSAGE: Final = (
    "本服务器未安装 LibreOffice，无法导出 PDF：请系统管理员安装 LibreOffice"
    "（Debian 软件包 libreoffice-writer-nogui）后再试，或先导出 Word 文件再另存为 PDF"
)
PDF_SIGNATURE: Final = b"%PDF-"


class PdfError(ValueError):
    """A PDF could not be written; the message is for the office, in Chinese."""


def pdf_available() -> bool:
    """Whether LibreOffice is installed, so PDF can be offered."""
    return libreoffice_binary() is not None


def docx_to_pdf(data: bytes) -> bytes:
    """The Word document `data` as PDF bytes. Raises `PdfError` (nothing written anywhere)
    when LibreOffice is missing, times out, or writes no PDF."""
    binary = libreoffice_binary()
    if binary is None:
        raise PdfError(MISSING_MESSAGE)
    with tempfile.TemporaryDirectory(prefix="taizhang-pdf-") as work:
        folder = Path(work)
        source = folder / "document.docx"
        source.write_bytes(data)
        config = folder / "fonts.conf"
        config.write_text(fontconfig_xml(), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(config), "HOME": work}
        command = [
            binary,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            output = run_soffice(command, env=env, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            message = f"LibreOffice 转换 PDF 超时（超过{TIMEOUT_SECONDS}秒），已中止"
            raise PdfError(message) from None
        result = folder / "out" / "document.pdf"
        pdf = result.read_bytes() if result.is_file() else b""
        if not pdf.startswith(PDF_SIGNATURE):
            reason = last_line(output) or "没有生成文件"
            raise PdfError(f"LibreOffice 无法生成 PDF（{reason}）")
        return pdf
