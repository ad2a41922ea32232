"""Writer for a ledger as a flat CSV table: one row per task, for sorting and filtering in a
spreadsheet or loading into other tools. UTF-8 with a BOM, so Excel on Chinese Windows reads the
characters right, and CRLF line ends."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Final

from taizhang.documents.cells import table_columns, task_cells
from taizhang.documents.model import LedgerDoc

# A cell starting with one of these is a formula to Excel and WPS (CSV injection); a leading
# apostrophe makes it text there.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def write_csv(doc: LedgerDoc) -> bytes:
    """The ledger as CSV bytes: a header row, then one row per task with 分类序号 (the category's
    number, 1 for 一), 分类, the ledger's own columns (or the seed's seven), 截止日期 (ISO, empty
    when the deadline has no date) and 状态代码 (`completed`, ..., empty when none). Multi-line
    cells keep their newlines inside quotes. A text that would start a formula gets a leading
    apostrophe."""
    columns = table_columns(doc)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["分类序号", "分类", *(column.title for column in columns), "截止日期", "状态代码"]
    )
    for category in doc.categories:
        for task in category.tasks:
            cells = [
                str(category.number),
                category.name,
                *task_cells(task, columns),
                task.deadline.isoformat() if task.deadline else "",
                task.status or "",
            ]
            writer.writerow([_as_text(cell) for cell in cells])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def _as_text(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell
