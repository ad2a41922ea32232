"""Choosing a reader by what a file is, not by its name alone."""

from __future__ import annotations

from pathlib import Path

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import read_json
from taizhang.documents.model import LedgerDoc
from taizhang.documents.read_text import read_text

TEXT_SUFFIXES = frozenset({".txt", ".text", ".tsv", ""})


def read_ledger(data: bytes, *, name: str, year: int | None = None) -> LedgerDoc:
    """Read ledger bytes into a `LedgerDoc`, picking the reader by content (JSON starts with
    `{`, zip containers are Office files) and then by suffix."""
    head = data.lstrip()[:1]
    suffix = Path(name).suffix.lower()
    if head == b"{" or suffix == ".json":
        return read_json(data, name=name)
    if data.startswith(b"PK\x03\x04") or suffix in {".docx", ".xlsx"}:
        raise LedgerReadError("暂不支持 Word/Excel 文件，请先另存为文本", source=name)
    return read_text(data, name=name, year=year)
