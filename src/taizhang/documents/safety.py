"""Checks every reader of an Office file makes before parsing it: size, container type, and
zip bombs. Office files (.docx, .xlsx) are zip archives; legacy and encrypted ones are OLE
compound files."""

from __future__ import annotations

import io
import zipfile
from typing import Final

from taizhang.documents.errors import LedgerReadError

OLE_SIGNATURE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE: Final = b"PK\x03\x04"

# A ledger of 10,000 tasks unpacks to a few tens of MB; anything far beyond is a bomb.
MAX_UNPACKED_BYTES: Final = 200 * 1024 * 1024
MAX_RATIO: Final = 200
MAX_MEMBERS: Final = 10_000


def check_office_zip(data: bytes, *, name: str, kind: str) -> zipfile.ZipFile:
    """Open `data` as the zip container of an Office document of `kind` ("Word", "Excel"),
    refusing what is not one: an encrypted or legacy file (OLE), a non-zip, a corrupt zip, or
    a zip bomb (too many members, too much unpacked data, or an extreme compression ratio)."""
    if not data:
        raise LedgerReadError("文件为空", source=name)
    if data.startswith(OLE_SIGNATURE):
        raise LedgerReadError(
            f"这是加密（设有密码）的文件或旧版 {kind} 格式（.doc/.xls）：请去掉密码，"
            f"或另存为 .docx/.xlsx 后再导入",
            source=name,
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise LedgerReadError(f"不是有效的 {kind} 文件（不是 zip 格式）", source=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as error:
        # NotImplementedError: a damaged directory naming a zip version or method Python lacks.
        raise LedgerReadError(f"{kind} 文件已损坏：{error}", source=name) from None
    unpacked = sum(member.file_size for member in members)
    packed = max(sum(member.compress_size for member in members), 1)
    too_many = len(members) > MAX_MEMBERS
    if too_many or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise LedgerReadError(
            f"{kind} 文件解压后过大（{unpacked} 字节，{len(members)} 个部件），"
            "疑为压缩炸弹，已拒绝",
            source=name,
        )
    return archive
