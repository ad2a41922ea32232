"""Reading an office's ledger file the way the office read it last time: the column mapping
saved with the stored edition of the same ledger is used again when the office gives none.
Shared by `taizhang import` and the web upload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.readers import read_ledger
from taizhang.ledger.selectors import recent_column_overrides, saved_column_overrides

# When a file cannot be read without a mapping (a required column under a title the
# vocabulary does not know), the saved mappings of this many most recently imported ledgers
# are tried; one is taken only when it reads the file as that same ledger.
SAVED_MAPPINGS_TRIED = 5


@dataclass
class Reading:
    """A ledger read from a file, with the column mapping it was read with ({title: key}) and
    whether that mapping is the one saved with the last edition."""

    doc: LedgerDoc
    columns: dict[str, str] = field(default_factory=dict)
    reused: bool = False


def ledger_read(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    sheet: str | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> Reading:
    """Read a ledger file. With `columns` (the office's mapping), read with it. Without, read
    with the mapping saved with the stored edition of the same ledger (title and year) when
    there is one and it still fits the file. Raises `LedgerReadError` as the readers do."""
    if columns is not None:
        doc = read_ledger(data, name=name, year=year, sheet=sheet, table=table, columns=columns)
        return Reading(doc=doc, columns=dict(columns))
    try:
        doc = read_ledger(data, name=name, year=year, sheet=sheet, table=table)
    except LedgerReadError:
        found = _read_with_a_saved_mapping(data, name=name, year=year, sheet=sheet, table=table)
        if found is None:
            raise
        return found
    saved = saved_column_overrides(doc)
    if not saved:
        return Reading(doc=doc)
    # Not kept while the file is read again: a 50,000-task ledger's document takes some 80 MB.
    del doc
    try:
        again = read_ledger(data, name=name, year=year, sheet=sheet, table=table, columns=saved)
    except LedgerReadError:
        # The columns changed since the last edition: the default reading stands.
        return Reading(doc=read_ledger(data, name=name, year=year, sheet=sheet, table=table))
    return Reading(doc=again, columns=saved, reused=True)


def _read_with_a_saved_mapping(
    data: bytes, *, name: str, year: int | None, sheet: str | None, table: int | None
) -> Reading | None:
    """The file read with the saved mapping of a recently imported ledger, when that reads it
    as the very ledger the mapping was saved with; else None."""
    for mapping in recent_column_overrides(SAVED_MAPPINGS_TRIED):
        try:
            doc = read_ledger(data, name=name, year=year, sheet=sheet, table=table, columns=mapping)
        except LedgerReadError:
            continue
        if saved_column_overrides(doc) == mapping:
            return Reading(doc=doc, columns=mapping, reused=True)
        del doc  # not kept while the next mapping is tried
    return None
