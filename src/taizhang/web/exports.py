"""Download responses for the export formats."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from taizhang.documents.model import LedgerDoc
from taizhang.documents.writers import FORMATS, export_ledger

EXPORTS = FORMATS


def export_response(doc: LedgerDoc, fmt: str) -> HttpResponse:
    """The ledger as a download in `fmt`, named after its title."""
    export = FORMATS[fmt]
    response = HttpResponse(export_ledger(doc, fmt), content_type=export.content_type)
    response["Content-Disposition"] = attachment_header(f"{doc.title}.{export.suffix}")
    return response


def attachment_header(filename: str) -> str:
    """The Content-Disposition of a download named `filename` (Django's RFC 6266 form)."""
    return content_disposition_header(True, filename) or "attachment"
