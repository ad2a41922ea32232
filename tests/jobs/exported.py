"""What an export job's file is checked against: the ledger's export written now."""

from __future__ import annotations

import io
import zipfile

from taizhang.documents.writers import export_ledger
from taizhang.ledger.models import Ledger
from taizhang.ledger.selectors import ledger_document

# Parts of a package that carry the time it was written (Excel's core.xml).
TIMESTAMPED = {"docProps/core.xml"}


def is_export_of(data: bytes, ledger: Ledger, fmt: str) -> bool:
    """Whether `data` is the ledger's export in `fmt`: the same bytes, or for a Word or Excel
    package (a zip, whose entries carry the time they were written) the same parts with the
    same contents, but the document's creation time."""
    expected = export_ledger(ledger_document(ledger), fmt)
    if fmt not in ("docx", "xlsx"):
        return data == expected
    return _parts(data) == _parts(expected)


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {n: package.read(n) for n in package.namelist() if n not in TIMESTAMPED}
