"""Writers and readers agree: any ledger written in the text layout or as JSON reads back the
same."""

from __future__ import annotations

from hypothesis import given, settings

from taizhang.documents.cells import DEFAULT_COLUMNS
from taizhang.documents.json_format import ledger_to_dict, read_json, write_json
from taizhang.documents.model import LedgerDoc
from taizhang.documents.read_text import read_text
from taizhang.documents.write_text import write_text
from tests.documents.strategies import ledgers


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_any_ledger_written_as_text_reads_back_the_same(doc: LedgerDoc) -> None:
    back = read_text(write_text(doc), name="generated.txt")
    doc.columns = list(DEFAULT_COLUMNS)
    assert ledger_to_dict(back) == ledger_to_dict(doc)


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_any_ledger_written_as_json_reads_back_the_same(doc: LedgerDoc) -> None:
    assert read_json(write_json(doc), name="generated.json") == doc


def test_the_seed_written_as_text_reads_back_the_same(seed_bytes: bytes) -> None:
    doc = read_text(seed_bytes, name="seed.txt")
    assert read_text(write_text(doc), name="again.txt") == doc


def test_other_offices_ledgers_round_trip_through_every_table_writer() -> None:
    from taizhang.documents.read_docx import read_docx
    from taizhang.documents.read_xlsx import read_xlsx
    from taizhang.documents.write_docx import write_docx
    from taizhang.documents.write_xlsx import write_xlsx
    from tests.conftest import FIXTURES

    for path in sorted((FIXTURES / "text").glob("*.txt")):
        doc = read_text(path.read_bytes(), name=path.name)
        assert read_text(write_text(doc), name="a.txt") == doc, path.name
        assert read_docx(write_docx(doc), name="a.docx") == doc, path.name
        assert read_xlsx(write_xlsx(doc), name="a.xlsx") == doc, path.name
