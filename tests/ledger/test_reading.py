"""Reading a file again with the mapping saved with its ledger's last edition
(ledger/reading.py): the first reading is not kept while the file is read again, and stands
when the saved mapping no longer fits."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.ledger import reading
from taizhang.ledger.reading import ledger_read
from taizhang.ledger.services import ledger_import
from tests.mapping_ledgers import ledger_xlsx

pytestmark = pytest.mark.django_db


def _stored_with_mapping() -> None:
    data = ledger_xlsx()
    mapping = {"落实情况": "progress"}
    doc = ledger_read(data, name="county.xlsx", columns=mapping).doc
    ledger_import(doc=doc, column_overrides=mapping)


def test_the_first_reading_is_not_kept_while_the_file_is_read_with_the_saved_mapping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stored_with_mapping()
    earlier: list[weakref.ref[LedgerDoc]] = []
    alive: list[bool] = []
    read_ledger = reading.read_ledger

    def remembering(data: bytes, **options: Any) -> LedgerDoc:
        gc.collect()
        alive.append(any(ref() is not None for ref in earlier))
        doc = read_ledger(data, **options)
        earlier.append(weakref.ref(doc))
        return doc

    monkeypatch.setattr(reading, "read_ledger", remembering)
    found = ledger_read(ledger_xlsx(done="已通水"), name="county-11.xlsx")
    assert found.reused and found.columns == {"落实情况": "progress"}
    assert alive == [False, False]


def test_the_default_reading_stands_when_the_saved_mapping_no_longer_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _stored_with_mapping()
    read_ledger = reading.read_ledger

    def refusing_the_mapping(data: bytes, **options: Any) -> LedgerDoc:
        if options.get("columns"):
            raise LedgerReadError("列对应不再适用", source=options["name"])
        return read_ledger(data, **options)

    monkeypatch.setattr(reading, "read_ledger", refusing_the_mapping)
    found = ledger_read(ledger_xlsx(done="已通水"), name="county-12.xlsx")
    assert not found.reused and found.columns == {}
    assert [t.progress for t in found.doc.tasks] == ["上月：前期", "上月：选址"]
