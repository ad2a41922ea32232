"""Reader for ledgers saved as .csv from Excel or WPS ("另存为 CSV"): UTF-8 with or without a
BOM, or GBK/GB18030 (what Chinese Windows writes); commas, or tabs or semicolons; quoted cells
holding line breaks and doubled quotes; CRLF line ends; empty columns to the right; title
rows above the header (the title, then a run of commas). Turns the file into a `RawTable`;
`table.py` knows the ledger layout."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Final

from taizhang.documents.columns import combine_header, looks_like_header
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.read_text import decode_text
from taizhang.documents.table import RawRow, RawTable
from taizhang.documents.table_choice import ledger_from_rows

DELIMITERS: Final = (",", "\t", ";")
# The header is among the first records: a title, an 附件 line, a 截至 line may come first.
HEADER_SEARCH_RECORDS: Final = 15
# How much of a file `looks_like_csv` decodes to decide.
_SNIFF_BYTES: Final = 64 * 1024
_LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
# A date as Excel writes it into a CSV ("2021/12/31", "2021-12-31", maybe with a time).
_DATE = re.compile(r"^((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


def read_csv(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read a ledger from the bytes of a .csv file (see the module). Two ledgers stacked in
    the file (a second title and header further down) are listed; `table` picks one (1-based),
    else the first is read with a warning. `name` is used in messages; `year` overrides the
    year of the title; `columns` maps column titles to keys where the office overrides the
    reading. Raises `LedgerReadError` naming the file (and line) for anything that is not a
    ledger."""
    text = decode_text(data, name=name)
    raw = csv_table(text, source=name)
    return ledger_from_rows(raw, table=table, year=year, columns=columns)


def looks_like_csv(data: bytes) -> bool:
    """Whether text bytes are a delimited table with a ledger header among its first lines
    (a .csv saved under another name), not the tab-per-cell text layout."""
    head = data[:_SNIFF_BYTES]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return _delimiter(text) is not None
    return _delimiter(head.decode("utf-8", errors="replace")) is not None


def csv_table(text: str, *, source: str) -> RawTable:
    """The title block and rows of a CSV ledger: the records above the header are the title
    block (their non-empty cells), the header and every record below it are rows, each with
    the line it starts on."""
    delimiter = _delimiter(text)
    if delimiter is None:
        raise LedgerReadError(
            "找不到台账表格：前几行中没有用逗号（或制表符、分号）分隔、含“序号、工作目标任务、"
            "牵头领导、责任单位”等列名的表头行",
            source=source,
        )
    records = _records(text, delimiter, source=source)
    header_at = _header_index([cells for _, cells in records[: HEADER_SEARCH_RECORDS + 1]])
    table = RawTable(source=source)
    for _, cells in records[:header_at]:
        table.preamble.extend(line for cell in cells for line in cell.split("\n") if cell)
    table.rows = [RawRow(cells=cells, line=line) for line, cells in records[header_at:]]
    return table


def _delimiter(text: str) -> str | None:
    """The delimiter that makes one of the first records a ledger header, else None."""
    for delimiter in DELIMITERS:
        if delimiter not in text[:_SNIFF_BYTES]:
            continue
        try:
            records = _first_records(text, delimiter)
        except csv.Error:
            continue
        if _header_index(records) is not None:
            return delimiter
    return None


def _first_records(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text[:_SNIFF_BYTES], newline=""), delimiter=delimiter)
    records = []
    for cells in reader:
        records.append([_cell(cell) for cell in cells])
        if len(records) > HEADER_SEARCH_RECORDS:
            break
    return records


def _header_index(records: list[list[str]]) -> int | None:
    """The index of the header among the first records: a row of titles, or the top of a
    two-row header (时间节点 over 开工时间 / 完工时间)."""
    for index, cells in enumerate(records[:HEADER_SEARCH_RECORDS]):
        if index + 1 < len(records):
            combined = combine_header(cells, records[index + 1])
            if combined is not None and looks_like_header(combined):
                return index
        if looks_like_header(cells):
            return index
    return None


def _records(text: str, delimiter: str, *, source: str) -> list[tuple[int, list[str]]]:
    """Every record with the line it starts on; empty cells at the right end dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            texts = [_cell(cell) for cell in cells]
            while texts and not texts[-1]:
                texts.pop()
            records.append((start, texts))
            start = reader.line_num + 1
    except csv.Error as error:
        raise LedgerReadError(
            f"CSV 格式有误：{error}", source=source, line=reader.line_num
        ) from None
    return records


def _cell(text: str) -> str:
    """A cell as the office sees it: paragraphs stripped and joined by "\\n", a date as
    "2021年12月31日" (so deadlines read as Excel's own dates do)."""
    paragraphs = (part.strip() for part in _LINE_BREAKS.split(text))
    cell = "\n".join(part for part in paragraphs if part)
    date = _DATE.match(cell)
    if date:
        return f"{int(date.group(1))}年{int(date.group(2))}月{int(date.group(3))}日"
    return cell
