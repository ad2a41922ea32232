"""Download responses for the export formats."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse

from taizhang.documents.model import LedgerDoc
from taizhang.documents.writers import FORMATS, export_ledger

EXPORTS = FORMATS


def export_response(doc: LedgerDoc, fmt: str) -> HttpResponse:
    """The ledger as a download in `fmt`, named after its title."""
    export = FORMATS[fmt]
    response = HttpResponse(export_ledger(doc, fmt), content_type=export.content_type)
    filename = quote(f"{doc.title}.{export.suffix}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
