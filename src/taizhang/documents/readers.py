"""Choosing a reader by what a file is, not by its name alone."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

from taizhang.documents.convert import convert_with_libreoffice, is_legacy_office
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import read_json
from taizhang.documents.model import LedgerDoc
from taizhang.documents.read_csv import looks_like_csv, read_csv
from taizhang.documents.read_docx import read_docx
from taizhang.documents.read_text import read_text
from taizhang.documents.read_xlsx import read_xlsx
from taizhang.documents.safety import OLE_SIGNATURE, ZIP_SIGNATURE

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})


def read_ledger(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    sheet: str | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read ledger bytes into a `LedgerDoc`, picking the reader by content first: legacy
    Office files (.doc/.wps/.xls/.et) are converted with LibreOffice; zip containers are Word
    or Excel (by their parts, then by suffix); JSON starts with `{`; a .csv, or text whose
    first lines are a delimited table with a ledger header, is CSV; anything else is the text
    layout. `table` picks the N-th (1-based) ledger table of a file that holds several;
    `columns` maps column titles to keys where the office overrides the reading
    (`{"落实情况": "progress"}`). Raises `LedgerReadError` with one line naming the file, and
    nothing else: what a reader did not foresee in a damaged file is said in that line too."""
    try:
        return _read(data, name=name, year=year, sheet=sheet, table=table, columns=columns)
    except LedgerReadError:
        raise
    except (MemoryError, RecursionError):
        raise LedgerReadError("文件过大或结构嵌套过深，无法读取", source=name) from None
    except Exception as error:  # the last guard: one line, never a traceback
        detail = " ".join(str(error).split())[:120]
        reason = f"{type(error).__name__}：{detail}" if detail else type(error).__name__
        raise LedgerReadError(f"文件已损坏或格式异常，无法读取（{reason}）", source=name) from None


def _read(
    data: bytes,
    *,
    name: str,
    year: int | None,
    sheet: str | None,
    table: int | None,
    columns: Mapping[str, str] | None,
) -> LedgerDoc:
    suffix = Path(name).suffix.lower()
    legacy = is_legacy_office(data, name)
    if legacy is not None:
        data = convert_with_libreoffice(data, name=name, target=legacy)
        if legacy == "xlsx":
            return read_xlsx(data, name=name, year=year, sheet=sheet, table=table, columns=columns)
        return read_docx(data, name=name, year=year, table=table, columns=columns)
    if data.startswith((ZIP_SIGNATURE, OLE_SIGNATURE)) or suffix in {".docx", *EXCEL_SUFFIXES}:
        if _is_workbook(data, suffix):
            return read_xlsx(data, name=name, year=year, sheet=sheet, table=table, columns=columns)
        return read_docx(data, name=name, year=year, table=table, columns=columns)
    if data.lstrip()[:1] == b"{" or suffix == ".json":
        return read_json(data, name=name)
    if suffix == ".csv" or looks_like_csv(data):
        return read_csv(data, name=name, year=year, table=table, columns=columns)
    return read_text(data, name=name, year=year, table=table, columns=columns)


def _is_workbook(data: bytes, suffix: str) -> bool:
    """Whether an Office container is a workbook: by its parts (the zip's directory); an
    encrypted file (OLE) or a broken zip only by its name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return suffix in EXCEL_SUFFIXES
    if "word/document.xml" in names:
        return False
    return "xl/workbook.xml" in names or suffix in EXCEL_SUFFIXES
