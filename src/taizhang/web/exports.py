"""Download responses for the export formats the documents package writes."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpResponse

from taizhang.documents.json_format import write_json
from taizhang.documents.model import LedgerDoc
from taizhang.documents.write_text import write_text

EXPORTS: dict[str, tuple[Callable[[LedgerDoc], bytes], str, str]] = {
    "json": (write_json, "application/json", "json"),
    "txt": (write_text, "text/plain; charset=utf-8", "txt"),
}


def export_response(doc: LedgerDoc, fmt: str) -> HttpResponse:
    """The ledger as a download in `fmt`, named after its title."""
    writer, content_type, suffix = EXPORTS[fmt]
    response = HttpResponse(writer(doc), content_type=content_type)
    filename = quote(f"{doc.title}.{suffix}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
