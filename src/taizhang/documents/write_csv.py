"""Writer for a ledger as CSV in the ledger's own layout, as Excel saves a ledger sheet: the
title (and the 截至 line) above the header, category rows with the numeral and the name, task
rows, each sub-item's row right after its task's. `read_csv` reads it back as the same ledger.
UTF-8 with a BOM, so Excel on Chinese Windows reads the characters right, and CRLF line ends."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from typing import Final

from taizhang.documents.cells import category_numeral, table_columns, task_cells, task_rows
from taizhang.documents.model import LedgerDoc

# A cell starting with one of these is a formula to Excel and WPS (CSV injection); a leading
# apostrophe makes it text there.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def write_csv(doc: LedgerDoc, *, as_of: datetime.date | None = None) -> bytes:
    """The ledger as CSV bytes: the title row, a （截至…） row when `as_of` (else the ledger's
    own date) is known, the header (the ledger's own columns, or the seed's seven), then per
    category a row with its numeral and name and the rows of its tasks and sub-items, every
    row as wide as the header. Multi-line cells keep their newlines inside quotes. A text that
    would start a formula gets a leading apostrophe (the one change a round trip sees)."""
    columns = table_columns(doc)
    width = len(columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")

    def row(cells: list[str]) -> None:
        padded = cells + [""] * (width - len(cells))
        writer.writerow([_as_text(cell) for cell in padded])

    row([doc.title])
    day = as_of or doc.as_of
    if day:
        row([f"（截至{day.year}年{day.month}月{day.day}日）"])
    row([column.title for column in columns])
    for category in doc.categories:
        numeral = category_numeral(category.number)
        row([numeral, category.name] if width > 1 else [f"{numeral}、{category.name}"])
        for task, parent in task_rows(category.tasks):
            row(task_cells(task, columns, parent))
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _as_text(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
