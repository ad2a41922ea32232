"""Reader for a ledger as text is commonly extracted from a Word table: a row starts after a
blank line, each cell starts with a tab, and paragraphs inside a cell are separated by blank
lines (or plain line breaks). Lines above the first row are the title block."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Mapping

from taizhang.documents.columns import looks_like_header
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.rows import note_text, title_block_kind
from taizhang.documents.stacked import header_titles
from taizhang.documents.table import RawRow, RawTable
from taizhang.documents.table_choice import ledger_from_rows

_LINE_END = re.compile(r"\r\n|\r|\n")
_ROW_START = re.compile(r"^\s*(\d{1,5}|[一二三四五六七八九十]{1,3})\s*$")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_text(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read a ledger from the bytes of a text file (UTF-8, UTF-16 with BOM, or GB18030/GBK).
    Two ledgers one after the other (a second title and header) are listed; `table` picks one
    (1-based), else the first is read with a warning. `name` is used in messages. Raises
    `LedgerReadError` for anything that is not a ledger."""
    raw = split_table(decode_text(data, name=name), source=name)
    return ledger_from_rows(raw, table=table, year=year, columns=columns)


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
        # Lines without a tab at the end of the current row (after a blank line), and those
        # of each finished row by its index: where a title of a next ledger may hide.
        self.tail: list[tuple[int, str]] = []
        self.tails: dict[int, list[tuple[int, str]]] = {}

    def feed(self, number: int, line: str) -> None:
        if line.startswith("\t"):
            self.cell(number, line[1:])
        elif not line.strip():
            self.blank_before = True
            return
        elif self.row is None:
            self.table.preamble.append(line.strip())
        else:
            if self.blank_before or self.tail:
                self.tail.append((number, line.strip()))
            self.row[-1].append(line.strip())
        self.blank_before = False

    def cell(self, number: int, text: str) -> None:
        row = self.row
        if row is None or (self.blank_before and self.starts_row(row, text)):
            self.finish()
            row, self.row_line = [], number
            self.row = row
        self.tail = []
        row.append([text.strip()] if text.strip() else [])

    def starts_row(self, row: list[list[str]], text: str) -> bool:
        if self.width is None or len(row) >= self.width:
            return True
        # A title, 附件, 截至 or 填报单位 line written as a row of one cell inside the table.
        if len(row) == 1 and title_block_kind(["\n".join(row[0])]) is not None:
            return True
        return bool(_ROW_START.match(text))

    def finish(self) -> None:
        if self.row is None:
            return
        cells = ["\n".join(paragraphs) for paragraphs in self.row]
        if self.tail:
            self.tails[len(self.table.rows)] = self.tail
            self.tail = []
        self.table.rows.append(RawRow(cells=cells, line=self.row_line))
        if self.width is None and looks_like_header(cells):
            self.width = len(cells)
        self.row = None


def split_table(text: str, *, source: str) -> RawTable:
    """Split extracted text into the title block and rows of cells."""
    splitter = _Splitter(source)
    for number, line in enumerate(_lines(text), 1):
        splitter.feed(number, line)
    splitter.finish()
    _untangle_titles(splitter.table, splitter.tails)
    return splitter.table


def _lines(text: str) -> Iterator[str]:
    """The text's lines (ended by \r\n, \r or \n) one at a time: a 50,000-task ledger has
    half a million, and a list of them all would hold the text a second time."""
    start = 0
    for end in _LINE_END.finditer(text):
        yield text[start : end.start()]
        start = end.end()
    yield text[start:]


def _stands_alone(text: str, *, under_table: bool) -> bool:
    if title_block_kind([text]) is not None:
        return True
    return under_table and note_text([text]) is not None


def _untangle_titles(table: RawTable, tails: dict[int, list[tuple[int, str]]]) -> None:
    """Title lines of a next ledger (its title, 截至 or 填报单位 line) stand between the last
    row of one ledger and the header of the next without a tab, and notes (注：…, 填表人：…)
    under the table after its last row, so they were read as more paragraphs of the row
    above: give them back as rows of their own (`table.py` reads and reports them)."""
    for index in sorted(tails, reverse=True):
        tail = tails[index]
        header_at = index + 1
        last = index == len(table.rows) - 1
        if not (last or header_titles(table.rows, index + 1)):
            continue
        if not all(_stands_alone(text, under_table=last) for _, text in tail):
            continue
        row = table.rows[index]
        paragraphs = row.cells[-1].split("\n")
        row.cells[-1] = "\n".join(paragraphs[: len(paragraphs) - len(tail)])
        table.rows[header_at:header_at] = [RawRow(cells=[text], line=n) for n, text in tail]
