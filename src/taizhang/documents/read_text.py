"""Reader for a ledger as text is commonly extracted from a Word table: a row starts after a
blank line, each cell starts with a tab, and paragraphs inside a cell are separated by blank
lines (or plain line breaks). Lines above the first row are the title block."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

from taizhang.documents.columns import looks_like_header
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.table import RawRow, RawTable, ledger_from_table

_ROW_START = re.compile(r"^\s*(\d{1,5}|[一二三四五六七八九十]{1,3})\s*$")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(
    data: bytes, *, name: str, year: int | None = None, columns: Mapping[str, str] | None = None
) -> LedgerDoc:
    """Read a ledger from the bytes of a text file (UTF-8, UTF-16 with BOM, or GB18030/GBK).
    `name` is used in messages. Raises `LedgerReadError` for anything that is not a ledger."""
    text = decode_text(data, name=name)
    return ledger_from_table(split_table(text, source=name), year=year, columns=columns)


def decode_text(data: bytes, *, name: str) -> str:
    """Decode a text file: a BOM decides; else UTF-8, else GB18030 (a superset of GBK and
    GB2312, what Chinese Windows writes). Binary data and other encodings are refused."""
    if not data.strip():
        raise LedgerReadError("文件为空", source=name)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data, encoding, name)
    if b"\x00" in data:
        raise LedgerReadError("不是文本文件（含有二进制内容）", source=name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = _decode(data, "gb18030", name)
    if _control_share(text) > 0.01:
        raise LedgerReadError("不是文本文件（含有二进制内容）", source=name)
    return text


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise LedgerReadError(
            f"无法识别的文本编码（第{error.start + 1}字节起）：请存为 UTF-8 或 GB18030/GBK",
            source=name,
        ) from None


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls / max(len(text), 1)


class _Splitter:
    """Turns lines into rows of cells. Until the header is known, a tab line after a blank line
    starts a row; afterwards only once the current row has all its cells (a blank line also
    separates paragraphs of a cell), or when the line is clearly the next row's number."""

    def __init__(self, source: str) -> None:
        self.table = RawTable(source=source)
        self.width: int | None = None
        self.row: list[list[str]] | None = None
        self.row_line = 0
        self.blank_before = True

    def feed(self, number: int, line: str) -> None:
        if line.startswith("\t"):
            self.cell(number, line[1:])
        elif not line.strip():
            self.blank_before = True
            return
        elif self.row is None:
            self.table.preamble.append(line.strip())
        else:
            self.row[-1].append(line.strip())
        self.blank_before = False

    def cell(self, number: int, text: str) -> None:
        row = self.row
        if row is None or (self.blank_before and self.starts_row(row, text)):
            self.finish()
            row, self.row_line = [], number
            self.row = row
        row.append([text.strip()] if text.strip() else [])

    def starts_row(self, row: list[list[str]], text: str) -> bool:
        if self.width is None or len(row) >= self.width:
            return True
        return bool(_ROW_START.match(text))

    def finish(self) -> None:
        if self.row is None:
            return
        cells = ["\n".join(paragraphs) for paragraphs in self.row]
        self.table.rows.append(RawRow(cells=cells, line=self.row_line))
        if self.width is None and looks_like_header(cells):
            self.width = len(cells)
        self.row = None


def split_table(text: str, *, source: str) -> RawTable:
    """Split extracted text into the title block and rows of cells."""
    splitter = _Splitter(source)
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1):
        splitter.feed(number, line.rstrip("\n"))
    splitter.finish()
    return splitter.table
