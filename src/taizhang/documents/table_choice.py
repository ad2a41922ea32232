"""Files holding several ledger tables (Word tables with different headers, several sheets with
a ledger header, two tables stacked in one sheet): every table reader lists what it found here,
in the same words, and reads the one chosen: `table=N` (1-based), else the first, with a
warning naming the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.stacked import split_stacked
from taizhang.documents.table import RawTable, ledger_from_table

# Titles are cut to this many characters in the list of tables.
_CAPTION_LENGTH: Final = 40


@dataclass
class FoundTable:
    """One ledger table of a file: where it is, in the user's words (`工作表“2021年”`, a
    Word table's title), how many non-empty rows it has under its header, and how to read it
    into a `RawTable` (with the reader's own warnings about it) once chosen."""

    place: str
    rows: int
    read: Callable[[], tuple[RawTable, list[str]]]

    def describe(self, number: int) -> str:
        """One line of `LedgerDoc.tables`: `表格1：工作表“2021年”（16行）`."""
        return f"表格{number}：{self.place}（{self.rows}行）"


@dataclass
class Choice:
    """The table to read, the lines of `LedgerDoc.tables` (empty for a file of one table) and
    the warning naming the tables not read (None when nothing needs saying)."""

    table: FoundTable
    tables: list[str]
    warning: str | None


def choose_table(found: list[FoundTable], table: int | None, *, name: str) -> Choice:
    """Pick the `table`-th (1-based) of the tables `found`, else the first. A file of several
    tables read without a choice gets a warning naming the others; a `table` out of range is
    a `LedgerReadError` listing the tables. `found` must not be empty. Tables with no row
    under their header (an empty template sheet, a header left on its own) are not listed
    unless no table has rows."""
    found = [item for item in found if item.rows] or found[:1]
    lines = [item.describe(number) for number, item in enumerate(found, 1)]
    if table is not None and not 1 <= table <= len(found):
        listed = "；".join(lines)
        raise LedgerReadError(
            f"没有表格{table}：文件中只有{len(found)}个台账表格（{listed}）", source=name
        )
    index = (table or 1) - 1
    if len(found) == 1:
        return Choice(found[0], [], None)
    warning = None
    if table is None:
        others = "；".join(line for number, line in enumerate(lines) if number != index)
        warning = (
            f"文件中有{len(found)}个台账表格，读入的是{lines[index]}；未读入：{others}"
            "（用 --table N 选择其他表格）"
        )
    return Choice(found[index], lines, warning)


def caption(lines: list[str]) -> str:
    """A short title for a table from the lines above it: the first line that is no 附件
    line, no 截至 line and no 填报单位 line, cut to a readable length ("" when none)."""
    for line in lines:
        text = "".join(line.split())
        if not text or text.startswith(("附件", "（截至", "(截至", "截至", "截止", "填报单位")):
            continue
        if len(text) > _CAPTION_LENGTH:
            return text[: _CAPTION_LENGTH - 1] + "…"
        return text
    return ""


def ledger_from_rows(
    raw: RawTable,
    *,
    table: int | None = None,
    year: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read a table of rows (a CSV, a text file) that may stack several ledgers (a second
    title and header further down): list them, read the one chosen (`table`, else the
    first, with a warning naming the others)."""
    parts = split_stacked(raw)
    found = [
        FoundTable(
            place=_stacked_place(part.table, part.header_line, len(parts)),
            rows=sum(1 for row in part.table.rows if any(row.cells)) - 1,
            read=_as_read(part.table),
        )
        for part in parts
    ]
    choice = choose_table(found, table, name=raw.source)
    chosen, _ = choice.table.read()
    doc = ledger_from_table(chosen, year=year, columns=columns)
    doc.tables = choice.tables
    doc.warnings[:0] = [choice.warning] if choice.warning else []
    return doc


def _as_read(table: RawTable) -> Callable[[], tuple[RawTable, list[str]]]:
    return lambda: (table, [])


def _stacked_place(table: RawTable, header_line: int, count: int) -> str:
    title = caption(table.preamble)
    if count == 1:
        return f"“{title}”" if title else "台账表格"
    return f"第{header_line}行起的" + (f"“{title}”" if title else "表格")
