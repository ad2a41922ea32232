"""The export formats, one place: what each writes and how it is named and served."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from taizhang.documents.json_format import write_json
from taizhang.documents.model import LedgerDoc
from taizhang.documents.write_csv import iter_csv, write_csv
from taizhang.documents.write_docx import write_docx
from taizhang.documents.write_text import write_text
from taizhang.documents.write_xlsx import write_xlsx

Writer = Callable[[LedgerDoc, datetime.date | None, bytes | None], bytes]
StreamWriter = Callable[[LedgerDoc, datetime.date | None, bytes | None], Iterator[bytes]]


@dataclass(frozen=True)
class ExportFormat:
    """An export format: its writer, file suffix, content type and name for people, and its
    streaming writer where it has one (the chunks joined are `write`'s bytes)."""

    write: Writer
    suffix: str
    content_type: str
    label: str
    stream: StreamWriter | None = None


FORMATS: dict[str, ExportFormat] = {
    "docx": ExportFormat(
        lambda doc, as_of, template: write_docx(doc, as_of=as_of, template=template),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "xlsx": ExportFormat(
        lambda doc, as_of, template: write_xlsx(doc, as_of=as_of),
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
    ),
    "csv": ExportFormat(
        lambda doc, as_of, template: write_csv(doc, as_of=as_of),
        "csv",
        "text/csv",
        "CSV",
        stream=lambda doc, as_of, template: iter_csv(doc, as_of=as_of),
    ),
    "json": ExportFormat(
        lambda doc, as_of, template: write_json(doc), "json", "application/json", "JSON"
    ),
    "txt": ExportFormat(
        lambda doc, as_of, template: write_text(doc), "txt", "text/plain; charset=utf-8", "文本"
    ),
}


def export_ledger(
    doc: LedgerDoc,
    fmt: str,
    *,
    as_of: datetime.date | None = None,
    template: bytes | None = None,
) -> bytes:
    """The ledger in format `fmt` (a key of FORMATS). `as_of` adds the 截至 line (Word,
    Excel, CSV); `template` is an office's own Word template. Raises KeyError for an unknown
    format and ValueError for a template that cannot be used."""
    return FORMATS[fmt].write(doc, as_of, template)


def export_chunks(
    doc: LedgerDoc,
    fmt: str,
    *,
    as_of: datetime.date | None = None,
    template: bytes | None = None,
) -> Iterator[bytes]:
    """`export_ledger`'s bytes in chunks, for a streamed response (Django's
    `StreamingHttpResponse`): CSV as its rows are written; a format written whole (a zipped
    Word or Excel package, one JSON document) written now, as one chunk, so that its errors
    come before a response is begun. Raises as `export_ledger` does."""
    export = FORMATS[fmt]
    if export.stream is not None:
        return export.stream(doc, as_of, template)
    return iter([export.write(doc, as_of, template)])
