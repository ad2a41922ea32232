"""Reader for a ledger in a Word .docx file: the paragraphs above the ledger table are the title
block, the table's rows are the ledger's rows. Works on the document's XML (in document order,
through content controls and tracked insertions), not on python-docx's paragraph and table
lists, which lose the order and repeat merged cells."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import docx
from docx.exceptions import PythonDocxError
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from taizhang.documents.columns import (
    column_key,
    combine_header,
    looks_like_header,
    normalize_title,
)
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.rows import may_be_task, note_text
from taizhang.documents.safety import check_office_zip
from taizhang.documents.table import RawRow, RawTable, ledger_from_table
from taizhang.documents.table_choice import FoundTable, caption, choose_table

# lxml elements are untyped here (no stubs); `Element` names what the code expects.
Element = Any

_P: Final = qn("w:p")
_TBL: Final = qn("w:tbl")
_TR: Final = qn("w:tr")
_TC: Final = qn("w:tc")
_T: Final = qn("w:t")
_TAB: Final = qn("w:tab")
_NO_BREAK_HYPHEN: Final = qn("w:noBreakHyphen")
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
# Word allows 63 columns; a gridSpan of a billion must not allocate a billion cells.
_MAX_COLUMNS: Final = 200
# The ledger's header is among the first rows of its table (a title row may come first).
_HEADER_WITHIN: Final = 5
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


def read_docx(
    data: bytes,
    *,
    name: str,
    year: int | None = None,
    table: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> LedgerDoc:
    """Read a ledger from the bytes of a Word .docx file. A ledger table is a table with a
    ledger header; following tables with as many columns (a table split across pages) or the
    same header are appended to it, a table with another header is the next ledger. `table`
    picks the N-th ledger (1-based), else the first is read with a warning naming the others.
    `name` is used in messages; `year` overrides the year of the title. Raises
    `LedgerReadError` for anything that is not a readable ledger."""
    check_office_zip(data, name=name, kind="Word")
    body = _open_body(data, name=name)
    found = docx_tables(body, source=name)
    if not found:
        raise LedgerReadError(
            "找不到台账表格（没有含“序号、工作目标任务、牵头领导、责任单位”等列名的表头行）",
            source=name,
        )
    choice = choose_table(found, table, name=name)
    raw, notes = choice.table.read()
    doc = ledger_from_table(raw, year=year, columns=columns)
    doc.tables = choice.tables
    doc.warnings[:0] = [choice.warning] if choice.warning else []
    doc.warnings.extend(notes)
    return doc


def _open_body(data: bytes, *, name: str) -> Element:
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except _OPEN_ERRORS as error:
        raise LedgerReadError(f"不是有效的 Word 文件（{_why(error)}）", source=name) from None
    if body is None:
        raise LedgerReadError("不是有效的 Word 文件（文档没有正文）", source=name)
    return body


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


@dataclass
class _Found:
    """One ledger of the document as it is gathered: the lines above it, its rows (of its
    table and the tables continuing it) and what was said about tables not read."""

    ledger: _FoundTable
    preamble: list[str]
    rows: list[RawRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def docx_tables(body: Element, *, source: str) -> list[FoundTable]:
    """The ledger tables of a document body (`w:body`), in order: each a table with a ledger
    header and the tables that continue it (split across pages), with its title block (the
    paragraphs above it, since the previous ledger) and warnings about tables after it that
    were not read. Merged cells are resolved: a horizontally merged cell's text stands in its
    first column, a vertically merged one's in every row it spans (see `_resolve`)."""
    found: list[_Found] = []
    lines: list[str] = []
    count = 0
    for block in _blocks(body):
        if block.tag == _P:
            lines.extend(_lines(paragraph_text(block)))
            continue
        count += 1
        grid = _grid(block)
        ledger = _FoundTable.find(grid)
        current = found[-1] if found else None
        if current is not None and (ledger is None or current.ledger.continued_by(ledger)):
            if message := current.ledger.append(grid, current.rows, ledger):
                current.warnings.append(f"文件中第{count}个表格{message}")
            continue
        if ledger is None:
            continue  # a small table before the ledger (填报单位, 联系人)
        preamble = [*lines, *ledger.above_header(grid)] if not found else ledger.above_header(grid)
        if found:
            _add_notes(found[-1], lines)
            preamble[:0] = [line for line in lines if note_text([line]) is None]
        found.append(_Found(ledger, preamble, ledger.rows(grid)))
        lines = []
    if found:
        _add_notes(found[-1], lines)
    return [_listed(item, source) for item in found]


def _add_notes(item: _Found, lines: list[str]) -> None:
    """Notes written as paragraphs under a ledger table (注：◆为已完成…) are rows of it for
    `table.py`, which reads their legend and names them in a warning."""
    item.rows.extend(RawRow(cells=[line]) for line in lines if note_text([line]) is not None)


def _listed(item: _Found, source: str) -> FoundTable:
    title = caption(item.preamble)
    rows = sum(1 for row in item.rows[item.ledger.body_at :] if any(row.cells))

    def read() -> tuple[RawTable, list[str]]:
        table = RawTable(source=source, preamble=item.preamble, rows=item.rows)
        return table, item.warnings

    return FoundTable(place=f"“{title}”" if title else "无标题的表格", rows=rows, read=read)


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


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def cell_text(cell: Element) -> str:
    """A `w:tc`'s text: its non-empty paragraph lines, stripped, joined by newlines. Tables
    nested in the cell are ignored."""
    lines: list[str] = []
    for block in _blocks(cell):
        if block.tag == _P:
            lines.extend(_lines(paragraph_text(block)))
    return "\n".join(lines)


@dataclass
class _Slot:
    """One grid column of one row: the text of the cell covering it (in the cell's first
    column only), whether the cell starts here, and its vertical merge."""

    text: str
    first: bool
    merge: str | None  # None, "restart" or "continue"


def _grid(table: Element) -> list[list[str | None]]:
    """The table as rows of grid columns: a cell's own text in its first column, "" in the
    other columns it spans, the text of the merge's first cell where it continues a vertical
    merge, and None where no cell starts (a spanned column or room before/after a row).
    Columns where no row starts a cell (an artefact of uneven cell borders) are dropped."""
    rows = [_slots(row) for row in _children(table, _TR)]
    width = max((len(row) for row in rows), default=0)
    keep = [c for c in range(width) if any(_starts(row, c) for row in rows)]
    return [[_slot_value(row, c) for c in keep] for row in rows]


def _starts(row: list[_Slot | None], column: int) -> bool:
    slot = row[column] if column < len(row) else None
    return slot is not None and slot.first


def _slot_value(row: list[_Slot | None], column: int) -> str | None:
    slot = row[column] if column < len(row) else None
    if slot is None or not slot.first:
        return None
    return _CONTINUE if slot.merge == "continue" else slot.text


# Stands for "continues the vertical merge above" until `_resolve` fills it in.
_CONTINUE: Final = "\x00continue"


def _slots(row: Element) -> list[_Slot | None]:
    slots: list[_Slot | None] = [None] * _int_property(row, "w:trPr", "w:gridBefore", 0)
    for cell in _children(row, _TC):
        span = max(_int_property(cell, "w:tcPr", "w:gridSpan", 1), 1)
        merge = _vertical_merge(cell)
        slots.append(_Slot(cell_text(cell), True, merge))
        slots.extend(_Slot("", False, merge) for _ in range(span - 1))
        if len(slots) >= _MAX_COLUMNS:
            break
    return slots[:_MAX_COLUMNS]


def _int_property(element: Element, properties: str, name: str, default: int) -> int:
    value = element.find(f"{qn(properties)}/{qn(name)}")
    if value is None:
        return default
    try:
        return min(max(int(value.get(qn("w:val"), default)), 0), _MAX_COLUMNS)
    except ValueError:
        return default


def _vertical_merge(cell: Element) -> str | None:
    merge = cell.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    if merge is None:
        return None
    return "restart" if merge.get(qn("w:val")) == "restart" else "continue"


class _FoundTable:
    """A ledger table once found: its header (one row, or two where sub-titles stand under a
    title spanning them) and width, and how to read its rows and the rows of the tables that
    continue it."""

    def __init__(self, titles: list[str], header_at: int, header_rows: int, width: int) -> None:
        self.titles = titles
        self.header_at = header_at
        self.header_rows = header_rows
        self.width = width
        keys = [column_key(title) for title in titles]
        self.number_at = keys.index("number") if "number" in keys else 0

    @property
    def body_at(self) -> int:
        """The index of the first row under the header."""
        return self.header_at + self.header_rows

    @classmethod
    def find(cls, grid: list[list[str | None]]) -> _FoundTable | None:
        """The ledger of a table whose first rows hold a ledger header, else None. A header of
        two rows is found even when its top row alone is not recognised."""
        width = len(grid[0]) if grid else 0
        for index, row in enumerate(grid[:_HEADER_WITHIN]):
            own = _own_texts(row)
            if index + 1 < len(grid):
                combined = combine_header(own, _own_texts(grid[index + 1]))
                if combined is not None and looks_like_header(combined):
                    return cls(combined, index, 2, width)
            if looks_like_header(own):
                return cls([normalize_title(title) for title in own], index, 1, width)
        return None

    def above_header(self, grid: list[list[str | None]]) -> list[str]:
        """Texts of the rows above the header (a title written inside the table)."""
        return [
            line
            for row in grid[: self.header_at]
            for cell in _own_texts(row)
            for line in _lines(cell)
        ]

    def rows(self, grid: list[list[str | None]], start: int = 0) -> list[RawRow]:
        """The table's rows from `start` with merged cells resolved; header rows give their
        texts to no row below them."""
        header = range(self.header_at - start, self.body_at - start)
        resolved = _resolve(grid[start:], self.number_at, header)
        return [
            RawRow(cells=cells, line=None, placeholder=empty, parts=parts)
            for cells, empty, parts in resolved
        ]

    def continued_by(self, other: _FoundTable) -> bool:
        """Whether a following table with a header continues this ledger (its header
        repeated on the next page)."""
        return other.titles == self.titles

    def append(
        self, grid: list[list[str | None]], rows: list[RawRow], header: _FoundTable | None
    ) -> str:
        """Append a following table's rows when it continues the ledger (as many columns, or
        the same header repeated); else return why it was not read ("" for a table without
        text)."""
        if header is not None:
            # The header repeated on the next page: its rows are kept as placeholders (row
            # numbers stay those of the tables) and said nothing about.
            more = header.rows(grid, 0)
            for row in more[header.header_at : header.body_at]:
                row.cells, row.placeholder = [""] * len(row.cells), True
            rows.extend(more)
            return ""
        if grid and len(grid[0]) == self.width:
            rows.extend(self.rows(grid, 0))
            return ""
        if not any(cell for row in grid for cell in _own_texts(row)):
            return ""
        width = len(grid[0]) if grid else 0
        return f"有{width}列，与台账表格的{self.width}列不同，未读入"


def _titles(header: list[str]) -> list[str]:
    return [normalize_title(title) for title in header]


def _own_texts(row: list[str | None]) -> list[str]:
    """A row's cell texts without what vertical merges bring down from above."""
    return ["" if cell is None or cell == _CONTINUE else cell for cell in row]


def _resolve(
    grid: list[list[str | None]], number_at: int, header: range = range(0)
) -> list[tuple[list[str], bool, list[list[str]]]]:
    """Fill vertically continued cells with the text of the cell where the merge starts,
    unless it starts in a header, category, legend, total or title row (their text is no
    task's leader or unit); the rows of `header` fill nothing, and a cell continuing a
    merge over both header rows is "". A row that continues a task's 序号 is more of that
    task, not a task of its own: its cells are added to the task's row as further paragraphs
    and it is left empty, a placeholder (so row numbers in messages stay those of the
    table). Returns each row's cells, whether it is such a placeholder, and for a task so
    continued the rows it was joined from (`RawRow.parts`)."""
    above: dict[int, str] = {}
    resolved: list[tuple[list[str], bool, list[list[str]]]] = []
    task_at: int | None = None
    for index, row in enumerate(grid):
        own = _own_texts(row)
        fills = index not in header and may_be_task(own)
        cells = [above.get(c, "") if cell == _CONTINUE else own[c] for c, cell in enumerate(row)]
        for c, cell in enumerate(row):
            if cell != _CONTINUE:
                above[c] = cell if (fills and cell) else ""
        continues_task = number_at < len(row) and row[number_at] == _CONTINUE
        if continues_task and above.get(number_at) and task_at is not None:
            task, _, parts = resolved[task_at]
            if not parts:
                parts.append(list(task))
            parts.append(cells)
            _extend(task, row, own)
            resolved.append(([""] * len(row), True, []))
            continue
        task_at = len(resolved) if fills else None
        resolved.append((cells, False, []))
    return resolved


def _extend(task: list[str], row: list[str | None], own: list[str]) -> None:
    for c, cell in enumerate(row):
        if cell != _CONTINUE and own[c] and own[c] != task[c]:
            task[c] = f"{task[c]}\n{own[c]}" if task[c] else own[c]
