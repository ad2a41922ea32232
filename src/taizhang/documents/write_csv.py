"""Writer for a ledger as CSV in the ledger's own layout, as Excel saves a ledger sheet: the
title (and the 截至 line) above the header, category rows with the numeral and the name, task
rows, each sub-item's row right after its task's. `read_csv` reads it back as the same ledger.
UTF-8 with a BOM, so Excel on Chinese Windows reads the characters right, and CRLF line ends.
`iter_csv` streams it (e.g. to Django's `StreamingHttpResponse`); `write_csv` is its bytes."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterator
from typing import Final

from taizhang.documents.cells import category_numeral, table_columns, task_cells, task_rows
from taizhang.documents.model import LedgerDoc
from taizhang.documents.xml_text import CHUNK

# A cell starting with one of these is a formula to Excel and WPS (CSV injection); a leading
# apostrophe makes it text there.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def write_csv(doc: LedgerDoc, *, as_of: datetime.date | None = None) -> bytes:
    """The ledger as CSV bytes: the title row, a （截至…） row when `as_of` (else the ledger's
    own date) is known, the header (the ledger's own columns, or the seed's seven), then per
    category a row with its numeral and name and the rows of its tasks and sub-items, every
    row as wide as the header. Multi-line cells keep their newlines inside quotes. A text that
    would start a formula gets a leading apostrophe (the one change a round trip sees)."""
    return b"".join(iter_csv(doc, as_of=as_of))


def iter_csv(doc: LedgerDoc, *, as_of: datetime.date | None = None) -> Iterator[bytes]:
    """`write_csv`'s bytes in chunks as the rows are written: the BOM, then rows of about
    `xml_text.CHUNK` characters at a time, so a big ledger is never held whole as CSV. The
    chunks joined are `write_csv`'s bytes."""
    yield codecs.BOM_UTF8
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in _rows(doc, as_of):
        writer.writerow(row)
        if out.tell() >= CHUNK:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue().encode("utf-8")


def _rows(doc: LedgerDoc, as_of: datetime.date | None) -> Iterator[list[str]]:
    """The rows' cells, every row as wide as the header, formulas made text."""
    columns = table_columns(doc)
    width = len(columns)

    def row(cells: list[str]) -> list[str]:
        padded = cells + [""] * (width - len(cells))
        return [_as_text(cell) for cell in padded]

    yield row([doc.title])
    day = as_of or doc.as_of
    if day:
        yield row([f"（截至{day.year}年{day.month}月{day.day}日）"])
    yield row([column.title for column in columns])
    for category in doc.categories:
        numeral = category_numeral(category.number)
        yield row([numeral, category.name] if width > 1 else [f"{numeral}、{category.name}"])
        for task, parent in task_rows(category.tasks):
            yield row(task_cells(task, columns, parent))


def _as_text(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
