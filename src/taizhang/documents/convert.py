"""Legacy Office files (.doc, .wps, .xls, .et) turned into .docx/.xlsx by LibreOffice, so the
.docx and .xlsx readers can read them. LibreOffice is an outside program: without it these
files are refused with what to install."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Final

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.safety import OLE_SIGNATURE, ZIP_SIGNATURE

TIMEOUT_SECONDS: Final = 120
INSTALL_MESSAGE: Final = (
    "请安装 LibreOffice（Debian 软件包 libreoffice-writer-nogui 和 libreoffice-calc-nogui）"
    "后再导入 .doc/.wps/.xls/.et 文件"
)
_TARGETS: Final = {
    ".doc": "docx",
    ".dot": "docx",
    ".wps": "docx",
    ".wpt": "docx",
    ".rtf": "docx",
    ".xls": "xlsx",
    ".xlt": "xlsx",
    ".et": "xlsx",
    ".ett": "xlsx",
}
_DEFAULT_SUFFIX: Final = {"docx": ".doc", "xlsx": ".xls"}
# Export filters named, not left to LibreOffice: an HTML "Word" file opens as a web page,
# and a web page has no default .docx export.
_FILTERS: Final = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}


def _stream_name(name: str) -> bytes:
    """How an OLE directory entry spells a stream name: UTF-16LE, then the terminating NUL."""
    return (name + "\0").encode("utf-16-le")


# Streams that tell what an OLE compound file holds. An encrypted .docx/.xlsx is an OLE file
# with an EncryptedPackage stream: no legacy file, so the .docx/.xlsx reader refuses it.
_ENCRYPTED: Final = _stream_name("EncryptedPackage")
_OLE_KINDS: Final = (
    (_stream_name("WordDocument"), "docx"),
    (_stream_name("Workbook"), "xlsx"),
    (_stream_name("Book"), "xlsx"),
)
# What Office programs also save under a legacy name: RTF, and HTML or MHTML ("网页" files).
_TEXT_FORMATS: Final = re.compile(rb"^(\{\\rtf|<|MIME-Version:)", re.IGNORECASE)


def is_legacy_office(data: bytes, name: str) -> str | None:
    """What a legacy Office file should be converted to ("docx" for .doc/.wps, "xlsx" for
    .xls/.et), or None when it is none. An OLE compound file says by its streams (Word or
    Excel), else by its suffix; an encrypted .docx/.xlsx (OLE too) and any zip (already
    .docx/.xlsx, whatever its name) are not legacy. Without the OLE signature only RTF or
    HTML under a legacy suffix is: a text ledger named .doc stays for the text reader."""
    if data.startswith(ZIP_SIGNATURE):
        return None
    suffix_target = _TARGETS.get(Path(name).suffix.lower())
    if data.startswith(OLE_SIGNATURE):
        if _ENCRYPTED in data:
            return None
        for stream, target in _OLE_KINDS:
            if stream in data:
                return target
        return suffix_target
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:20]
    return suffix_target if _TEXT_FORMATS.match(head) else None


def libreoffice_binary() -> str | None:
    """The path of LibreOffice's `soffice` (or `libreoffice`), or None when not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(data: bytes, *, name: str, target: str) -> bytes:
    """Convert a legacy Office file to `target` ("docx" or "xlsx") with LibreOffice and return
    the new file's bytes. Each run has its own temporary directory and LibreOffice profile, so
    runs may go on at the same time; a run is killed after two minutes. Raises
    `LedgerReadError` naming `name` when LibreOffice is missing or cannot convert the file."""
    if target not in _DEFAULT_SUFFIX:
        raise ValueError(f"unknown conversion target {target!r}")
    binary = libreoffice_binary()
    if binary is None:
        raise LedgerReadError(INSTALL_MESSAGE, source=name)
    suffix = Path(name).suffix.lower()
    if suffix not in _TARGETS:
        suffix = _DEFAULT_SUFFIX[target]
    with tempfile.TemporaryDirectory(prefix="taizhang-convert-") as work:
        source = Path(work) / f"ledger{suffix}"
        source.write_bytes(data)
        outdir = Path(work) / "out"
        command = [
            binary,
            f"-env:UserInstallation={(Path(work) / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            _FILTERS[target],
            "--outdir",
            str(outdir),
            str(source),
        ]
        output = _run(command, name=name)
        result = outdir / f"ledger.{target}"
        if not result.is_file():
            reason = last_line(output) or "没有生成文件"
            raise LedgerReadError(
                f"LibreOffice 无法把此文件转换为 .{target}（{reason}）", source=name
            )
        return result.read_bytes()


def _run(command: list[str], *, name: str) -> str:
    """`run_soffice`, a timeout told as a `LedgerReadError` naming the file."""
    try:
        return run_soffice(command)
    except subprocess.TimeoutExpired:
        raise LedgerReadError(
            f"LibreOffice 转换超时（超过{TIMEOUT_SECONDS}秒），已中止", source=name
        ) from None


def run_soffice(
    command: list[str], *, env: dict[str, str] | None = None, timeout: float | None = None
) -> str:
    """Run LibreOffice in a session of its own, so that on timeout the whole process group
    (the `soffice` wrapper and `soffice.bin`) is killed; return its output. Raises
    `subprocess.TimeoutExpired` after killing it (after `timeout` seconds, else
    TIMEOUT_SECONDS)."""
    process = subprocess.Popen(  # noqa: S603 -- a fixed command line, no shell
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        output, _ = process.communicate(timeout=timeout or TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return output.decode("utf-8", errors="replace")


def last_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""
