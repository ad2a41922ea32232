"""The body of a Word .docx as it streams out of the file: the main document part, found as
python-docx finds it, and its paragraphs and tables in document order (through content
controls and tracked insertions), each table row turned into the texts of its grid columns
when it ends and then dropped from the tree. The tree of a 50,000-task table (100 MB of XML)
would take over a gigabyte; read this way, a row at a time, it takes what its texts take.
`read_docx` finds the ledger tables among the blocks."""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Final

from docx.exceptions import PythonDocxError
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from taizhang.documents.errors import LedgerReadError

# lxml elements are untyped here (no stubs); `Element` names what the code expects.
Element = Any

_DOCUMENT: Final = qn("w:document")
_BODY: Final = qn("w:body")
_P: Final = qn("w:p")
_TBL: Final = qn("w:tbl")
_TR: Final = qn("w:tr")
_TC: Final = qn("w:tc")
_T: Final = qn("w:t")
_TAB: Final = qn("w:tab")
_NO_BREAK_HYPHEN: Final = qn("w:noBreakHyphen")
_VAL: Final = qn("w:val")
# Row and cell properties: cells before a row, a cell's span, a vertical merge.
_GRID_BEFORE: Final = f"{qn('w:trPr')}/{qn('w:gridBefore')}"
_GRID_SPAN: Final = f"{qn('w:tcPr')}/{qn('w:gridSpan')}"
_V_MERGE: Final = f"{qn('w:tcPr')}/{qn('w:vMerge')}"
# Wrappers around block-level content, rows or cells: content controls and custom XML.
_WRAPPERS: Final = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")})
_LINE_BREAKS: Final = frozenset({qn("w:br"), qn("w:cr")})
# Subtrees of a paragraph that hold no visible text of the paragraph itself: properties (their
# w:tab elements are tab stops), deleted and moved-away text, text boxes (and the VML fallback
# that repeats them), field codes.
_NO_TEXT: Final = frozenset(
    {
        qn("w:pPr"),
        qn("w:rPr"),
        qn("w:del"),
        qn("w:moveFrom"),
        qn("w:txbxContent"),
        qn("w:instrText"),
        qn("w:delInstrText"),
        "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
    }
)
_DOCUMENT_MAIN: Final = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_OFFICE_DOCUMENT: Final = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
_TYPES: Final = "http://schemas.openxmlformats.org/package/2006/content-types"
# The package's own small parts: nothing fetched, no entities expanded.
_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True)
# Word allows 63 columns; a gridSpan of a billion must not allocate a billion cells.
_MAX_COLUMNS: Final = 200
# What python-docx, zipfile, zlib and lxml raise while opening a damaged or foreign file:
# a missing part (KeyError), bad XML (lxml errors, SyntaxError), a bad CRC or zip header
# (BadZipFile, struct.error), bad compressed data (zlib.error, EOFError), an unknown
# compression method (NotImplementedError), bad values (ValueError and its UnicodeError).
_OPEN_ERRORS: Final = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    LookupError,
    SyntaxError,
    etree.LxmlError,
    PackageNotFoundError,
    PythonDocxError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    EOFError,
    OSError,
    NotImplementedError,
    RecursionError,
)


def main_part(archive: zipfile.ZipFile, *, name: str) -> str:
    """The zip path of the main document part, found as python-docx finds it: the package's
    officeDocument relationship, whose content type must be a Word document's."""
    try:
        types = etree.fromstring(archive.read("[Content_Types].xml"), _PARSER)
        names = set(archive.namelist())
        rels = archive.read("_rels/.rels") if "_rels/.rels" in names else b"<Relationships/>"
        targets = [
            relation.get("Target", "")
            for relation in etree.fromstring(rels, _PARSER)
            if relation.get("Type") == _OFFICE_DOCUMENT and relation.get("TargetMode") != "External"
        ]
        if not targets:
            raise KeyError("no officeDocument relationship")
        part = str(posixpath.normpath(targets[0].lstrip("/")))
        archive.getinfo(part)
        content_type = _content_type(types, part)
    except _OPEN_ERRORS as error:
        raise LedgerReadError(f"不是有效的 Word 文件（{_why(error)}）", source=name) from None
    if content_type != _DOCUMENT_MAIN:
        why = _why(ValueError(f"not a Word file, content type is '{content_type}'"))
        raise LedgerReadError(f"不是有效的 Word 文件（{why}）", source=name)
    return part


def _content_type(types: Element, part: str) -> str:
    """A part's content type in `[Content_Types].xml`: its override, else its extension's
    default (both compared without case). Raises KeyError when it has none."""
    overrides = {
        item.get("PartName", "").lower(): item.get("ContentType", "")
        for item in types
        if item.tag == f"{{{_TYPES}}}Override"
    }
    defaults = {
        item.get("Extension", "").lower(): item.get("ContentType", "")
        for item in types
        if item.tag == f"{{{_TYPES}}}Default"
    }
    extension = posixpath.splitext(part)[1][1:].lower()
    found = overrides.get(f"/{part}".lower()) or defaults.get(extension)
    if found is None:
        raise KeyError(f"no content type for {part}")
    return str(found)


# A block of the body: (PARAGRAPH, its text) or (TABLE, its grid: see `_grid`).
Block = tuple[str, Any]
PARAGRAPH: Final = "paragraph"
TABLE: Final = "table"


def body_blocks(archive: zipfile.ZipFile, part: str, *, name: str) -> Iterator[Block]:
    """The paragraphs and tables directly in the document's body (`w:body`, through content
    controls), in order, read as the part streams in: each row of a table is turned into its
    grid row when it ends, then dropped from the tree, and so is each paragraph. Raises
    `LedgerReadError` for damaged XML or zip data and for a document without a body."""
    rows: list[list[str | None]] = []
    table: Element = None
    with _opened(archive, part, name=name) as source:
        events = etree.iterparse(
            source,
            events=("end",),
            tag=(_P, _TR, _TBL),
            resolve_entities=False,
            no_network=True,
            remove_blank_text=True,
        )
        for element in _ends(events, name=name):
            tag = element.tag
            if tag == _TR:
                owner = _container(element)
                if owner is not None and owner.tag == _TBL and _in_body(owner):
                    if owner is not table:
                        table, rows = owner, []
                    rows.append(_row_values(element))
                    _drop(element)
            elif _in_body(element):
                if tag == _P:
                    yield PARAGRAPH, paragraph_text(element)
                else:
                    yield TABLE, _grid(rows if element is table else [])
                    table, rows = None, []
                _drop(element)
        root = events.root
    if root is None or root.tag != _DOCUMENT or root.find(_BODY) is None:
        raise LedgerReadError("不是有效的 Word 文件（文档没有正文）", source=name)


def _opened(archive: zipfile.ZipFile, part: str, *, name: str) -> IO[bytes]:
    try:
        return archive.open(part)
    except _OPEN_ERRORS as error:
        raise LedgerReadError(f"不是有效的 Word 文件（{_why(error)}）", source=name) from None


def _ends(events: Any, *, name: str) -> Iterator[Element]:
    """The elements of `events` as they end; what the zip or the XML parser raises on damaged
    data is a `LedgerReadError`."""
    while True:
        try:
            _, element = next(events)
        except StopIteration:
            return
        except _OPEN_ERRORS as error:
            raise LedgerReadError(f"不是有效的 Word 文件（{_why(error)}）", source=name) from None
        yield element


def _container(element: Element) -> Element:
    """The nearest ancestor that is no content control or custom XML wrapper."""
    parent = element.getparent()
    while parent is not None and parent.tag in _WRAPPERS:
        parent = parent.getparent()
    return parent


def _in_body(element: Element) -> bool:
    """Whether a paragraph or table stands directly in the document's body."""
    body = _container(element)
    if body is None or body.tag != _BODY:
        return False
    root = body.getparent()
    return root is not None and root.tag == _DOCUMENT and root.getparent() is None


def _drop(element: Element) -> None:
    """Free an element once read, and what came before it under its parent (lxml's way of
    keeping a streamed tree small: the element itself stays until its parent ends)."""
    element.clear()
    parent = element.getparent()
    while element.getprevious() is not None:
        del parent[0]


def _why(error: Exception) -> str:
    """python-docx's reason in the user's words (its messages name memory addresses)."""
    text = str(error)
    if "spreadsheetml" in text:
        return "这是 Excel 文件，请存为 .xlsx 后导入"
    if "presentationml" in text:
        return "这是 PowerPoint 文件"
    if isinstance(error, etree.LxmlError | SyntaxError):
        return "文档内容的 XML 已损坏"
    if isinstance(error, zipfile.BadZipFile | zlib.error | struct.error | EOFError | OSError):
        return f"文件已损坏：{' '.join(text.split())[:120] or type(error).__name__}"
    if isinstance(error, KeyError | PackageNotFoundError):
        return "缺少 Word 文档的正文部件"
    return f"文件已损坏（{type(error).__name__}）"


def _blocks(container: Element) -> Iterator[Element]:
    """The paragraphs and tables directly in `container` (the body or a cell), in order,
    including those inside content controls."""
    for child in container:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _WRAPPERS:
            yield from _blocks(child)


def _children(container: Element, tag: str) -> Iterator[Element]:
    """The `tag` children of a table or row, including those inside content controls."""
    for child in container:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def paragraph_text(paragraph: Element) -> str:
    """The visible text of a `w:p`: runs (also inside hyperlinks, tracked insertions, fields
    and content controls), tabs, and line breaks as newlines; not deleted text, field codes or
    text boxes."""
    parts: list[str] = []
    _collect_text(paragraph, parts)
    return "".join(parts)


def _collect_text(element: Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _LINE_BREAKS:
            parts.append("\n")
        elif tag == _NO_BREAK_HYPHEN:
            parts.append("-")
        elif isinstance(tag, str) and tag not in _NO_TEXT:
            _collect_text(child, parts)


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def cell_text(cell: Element) -> str:
    """A `w:tc`'s text: its non-empty paragraph lines, stripped, joined by newlines. Tables
    nested in the cell are ignored."""
    lines: list[str] = []
    for block in _blocks(cell):
        if block.tag == _P:
            lines.extend(text_lines(paragraph_text(block)))
    return "\n".join(lines)


@dataclass
class _Slot:
    """One grid column of one row: the text of the cell covering it (in the cell's first
    column only), whether the cell starts here, and its vertical merge."""

    text: str
    first: bool
    merge: str | None  # None, "restart" or "continue"


def _grid(rows: list[list[str | None]]) -> list[list[str | None]]:
    """A table as rows of grid columns, from its rows' values (`_row_values`): a cell's own
    text in its first column, "" in the other columns it spans, the text of the merge's first
    cell where it continues a vertical merge, and None where no cell starts (a spanned column
    or room before/after a row). Columns where no row starts a cell (an artefact of uneven
    cell borders) are dropped."""
    width = max((len(row) for row in rows), default=0)
    keep = [c for c in range(width) if any(c < len(row) and row[c] is not None for row in rows)]
    return [[row[c] if c < len(row) else None for c in keep] for row in rows]


def _row_values(row: Element) -> list[str | None]:
    """A `w:tr` as the values of its grid columns (see `_grid`)."""
    slots = _slots(row)
    return [_slot_value(slots, c) for c in range(len(slots))]


def _slot_value(row: list[_Slot | None], column: int) -> str | None:
    slot = row[column] if column < len(row) else None
    if slot is None or not slot.first:
        return None
    return CONTINUE if slot.merge == "continue" else slot.text


# Stands for "continues the vertical merge above" until `_resolve` fills it in.
CONTINUE: Final = "\x00continue"


def _slots(row: Element) -> list[_Slot | None]:
    slots: list[_Slot | None] = [None] * _int_property(row, _GRID_BEFORE, 0)
    for cell in _children(row, _TC):
        span = max(_int_property(cell, _GRID_SPAN, 1), 1)
        merge = _vertical_merge(cell)
        slots.append(_Slot(cell_text(cell), True, merge))
        slots.extend(_Slot("", False, merge) for _ in range(span - 1))
        if len(slots) >= _MAX_COLUMNS:
            break
    return slots[:_MAX_COLUMNS]


def _int_property(element: Element, path: str, default: int) -> int:
    value = element.find(path)
    if value is None:
        return default
    try:
        return min(max(int(value.get(_VAL, default)), 0), _MAX_COLUMNS)
    except ValueError:
        return default


def _vertical_merge(cell: Element) -> str | None:
    merge = cell.find(_V_MERGE)
    if merge is None:
        return None
    return "restart" if merge.get(_VAL) == "restart" else "continue"
