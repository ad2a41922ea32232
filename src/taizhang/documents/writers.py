"""The export formats, one place: what each writes and how it is named and served; and the
layouts an export comes in (`LAYOUTS`: the ledger, one file per unit in a zip, the 领导分管
version), with the optional 预警 column (`export_files`)."""

from __future__ import annotations

import datetime
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from taizhang.documents.groups import add_warning_column, by_leader, by_unit, file_name
from taizhang.documents.json_format import write_json
from taizhang.documents.layouts import LAYOUTS as LAYOUTS
from taizhang.documents.layouts import LEADERS as LEADERS
from taizhang.documents.layouts import LEDGER as LEDGER
from taizhang.documents.layouts import UNITS as UNITS
from taizhang.documents.model import LedgerDoc
from taizhang.documents.pdf import docx_to_pdf
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
    "pdf": ExportFormat(
        lambda doc, as_of, template: docx_to_pdf(write_docx(doc, as_of=as_of, template=template)),
        "pdf",
        "application/pdf",
        "PDF",
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


# Formats with a 预警 column (the table formats people read); JSON and text keep the ledger's.
WARNING_FORMATS: Final = frozenset({"docx", "xlsx", "csv", "pdf"})
# Formats written by an outside program (LibreOffice): always in the background on the web.
SLOW_FORMATS: Final = frozenset({"pdf"})
ZIP_CONTENT_TYPE: Final = "application/zip"


@dataclass(frozen=True)
class ExportFile:
    """An export's bytes (in chunks, as `export_chunks` gives them), download name and type."""

    chunks: Iterator[bytes]
    filename: str
    content_type: str


def export_files(
    doc: LedgerDoc,
    fmt: str,
    *,
    layout: str = LEDGER,
    as_of: datetime.date | None = None,
    template: bytes | None = None,
    warnings: bool = False,
    name_note: str = "",
) -> ExportFile:
    """The ledger exported in format `fmt` and `layout` (a key of LAYOUTS): the ledger
    itself, the 领导分管 version, or one file per unit in a zip (named by unit). `warnings`
    adds the 预警 column (the tasks' `warning`) in the formats of WARNING_FORMATS.
    `name_note` follows the title in the download's name ("（红灯）" for a selection). Raises
    as `export_ledger` does (a file written whole is written before the first chunk is
    given), and KeyError for an unknown layout."""
    export = FORMATS[fmt]
    LAYOUTS[layout]
    if warnings and fmt in WARNING_FORMATS:
        doc = add_warning_column(doc)
    if layout == LEADERS:
        doc = by_leader(doc)
    stem = file_name(doc.title) + (file_name(name_note) if name_note else "")
    if layout != UNITS:
        name = f"{stem}.{export.suffix}"
        chunks = export_chunks(doc, fmt, as_of=as_of, template=template)
        return ExportFile(chunks, name, export.content_type)
    t = template
    taken: set[str] = set()
    members = (
        (
            _unused(file_name(unit), export.suffix, taken),
            export_chunks(part, fmt, as_of=as_of, template=t),
        )
        for unit, part in by_unit(doc)
    )
    name = f"{stem}（按单位）.zip"
    return ExportFile(zip_chunks(members), name, ZIP_CONTENT_TYPE)


def _unused(stem: str, suffix: str, taken: set[str]) -> str:
    """`stem.suffix`, or `stem（2）.suffix`... when two units' safe names coincide ("住建/城管",
    "住建:城管"): a zip's repeated name is one file once unpacked. Adds the name to `taken`."""
    name, number = f"{stem}.{suffix}", 1
    while name.casefold() in taken:
        number += 1
        name = f"{stem}（{number}）.{suffix}"
    taken.add(name.casefold())
    return name


class _Sink:
    """An output zipfile writes into without seeking (so it writes data descriptors), whose
    bytes are taken out as they come."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> Iterator[bytes]:
        if self.parts:
            yield b"".join(self.parts)
            self.parts.clear()


def zip_chunks(members: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """A zip of the named members, in chunks as each member's chunks are compressed: never
    the whole archive in memory. Fixed timestamps, so the same files give the same bytes."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        for name, chunks in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as member:
                for chunk in chunks:
                    member.write(chunk)
                    yield from sink.take()
            yield from sink.take()
    yield from sink.take()
