"""Errors a reader raises for a file it cannot read as a ledger."""

from __future__ import annotations


class LedgerReadError(Exception):
    """A file that is not a readable ledger: says which file, where, and why, in one line."""

    def __init__(
        self, message: str, *, source: str, line: int | None = None, row: int | None = None
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.row = row
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"第{self.line}行")
        if self.row is not None:
            where.append(f"表格第{self.row}行")
        place = f" {'，'.join(where)}" if where else ""
        return f"{self.source}{place}：{self.message}"
