"""A worksheet of an Excel ledger read as it streams out of the file, into the `xlsx_sheet.Grid`
the rest of the reader works on: the cells' values from openpyxl's read-only mode (no object
kept per cell: loading a 50,000-task sheet whole took some 400 MB), and, from one pass of our
own over the sheet's XML, what read-only mode leaves out (`SheetLayout`: merged ranges, hidden
rows and columns, collapsed outline groups). The grid is the one `xlsx_sheet.sheet_grid` makes
of a fully loaded sheet."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Final

from lxml import etree
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from taizhang.documents.xlsx_sheet import MAX_COLUMN, Grid, add_merge, cell_text

_MAIN: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW: Final = f"{_MAIN}row"
_COL: Final = f"{_MAIN}col"
_MERGE: Final = f"{_MAIN}mergeCell"
_OUTLINE: Final = f"{_MAIN}outlinePr"
# Row attributes that are no dimension (openpyxl keeps a row's dimension only for others).
_NO_DIMENSION: Final = frozenset({"r", "spans"})

# (min_col, min_row, max_col, max_row), as openpyxl's `CellRange.bounds`.
Bounds = tuple[int, int, int, int]


@dataclass(frozen=True)
class RowLook:
    """A row's dimension: hidden, its outline level, whether its group is collapsed."""

    hidden: bool = False
    level: int = 0
    collapsed: bool = False


@dataclass
class SheetLayout:
    """What a sheet's XML says besides its cells' values, read as openpyxl reads it: row
    dimensions by row, hidden column ranges (min, max) by their first column, merged ranges
    in the file's order, and whether outline summaries stand below their groups."""

    rows: dict[int, RowLook] = field(default_factory=dict)
    columns: dict[int, tuple[int, int | None, bool]] = field(default_factory=dict)
    merges: list[Bounds] = field(default_factory=list)
    summary_below: bool = True

    def hidden_rows(self) -> set[int]:
        """Rows hidden by hand or inside a collapsed outline group (whose summary row, below
        the group or above it as the sheet says, is marked collapsed)."""
        hidden = {row for row, look in self.rows.items() if look.hidden}
        step = -1 if self.summary_below else 1
        for row, look in self.rows.items():
            if not look.collapsed:
                continue
            inner = row + step
            while (
                inner_look := self.rows.get(inner)
            ) is not None and inner_look.level > look.level:
                hidden.add(inner)
                inner += step
        return hidden

    def hidden_columns(self) -> set[int]:
        """Columns hidden by hand or in a hidden group (one `<col min max hidden>` range)."""
        hidden: set[int] = set()
        for low, high, is_hidden in self.columns.values():
            if is_hidden and low:
                hidden.update(range(low, min(high or low, MAX_COLUMN) + 1))
        return hidden


def sheet_layout(source: IO[bytes]) -> SheetLayout:
    """Read a worksheet part's layout (`SheetLayout`), dropping each row from the tree once
    read. Raises what lxml and openpyxl raise for damaged XML or a bad range."""
    layout = SheetLayout()
    row_number = 0
    events = etree.iterparse(
        source,
        events=("end",),
        tag=(_ROW, _COL, _MERGE, _OUTLINE),
        resolve_entities=False,
        no_network=True,
        huge_tree=True,
    )
    for _, element in events:
        tag, attributes = element.tag, element.attrib
        if tag == _ROW:
            row_number = _row_number(attributes.get("r"), row_number)
            if {key for key in attributes if not key.startswith("{")} - _NO_DIMENSION:
                layout.rows[row_number] = RowLook(
                    hidden=_flag(attributes.get("hidden", False)),
                    level=int(attributes.get("outlineLevel", 0)),
                    collapsed=_flag(attributes.get("collapsed", False)),
                )
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
        elif tag == _COL:
            low = int(attributes["min"])
            get_column_letter(low)  # openpyxl refuses a column out of range
            high = attributes.get("max")
            hidden = _flag(attributes.get("hidden", False))
            layout.columns[low] = (low, int(high) if high is not None else None, hidden)
        elif tag == _MERGE:
            layout.merges.append(CellRange(attributes.get("ref")).bounds)
        elif tag == _OUTLINE and "summaryBelow" in attributes:
            layout.summary_below = _flag(attributes["summaryBelow"])
    return layout


def _row_number(text: str | None, previous: int) -> int:
    """A row's number as openpyxl reads it: its `r`, else the one after the previous row."""
    if text is None:
        return previous + 1
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _flag(value: str | bool) -> bool:
    """An XML boolean as openpyxl reads it: "false", "f" and "0" are false."""
    if isinstance(value, str) and value in ("false", "f", "0"):
        return False
    return bool(value)


def streamed_grid(ws: Any, layout: SheetLayout) -> Grid:
    """The visible cells of a read-only worksheet (see `Grid`), as `xlsx_sheet.sheet_grid`
    gives them for the same sheet fully loaded: texts hidden under a merged range (all but
    its first cell's) are no text, as openpyxl drops them when it loads merged cells."""
    texts = _texts(ws)
    firsts = _clear_merged(texts, layout.merges)
    hidden_rows = layout.hidden_rows()
    hidden_columns = sorted(layout.hidden_columns())
    hidden_set = frozenset(hidden_columns)
    grid = Grid(hidden_rows=hidden_rows, hidden_column_numbers=hidden_set)
    width = max((max(row) for row in texts.values() if row), default=0)
    for number in list(texts):
        row = texts.pop(number)
        if not row:
            continue
        if number in hidden_rows:
            grid.hidden_text_rows.add(number)
        elif not hidden_set:
            grid.cells[number] = row
        else:
            for column, text in row.items():
                if column in hidden_set:
                    grid.hidden_columns.setdefault(column, {})[number] = text
                else:
                    visible = column - bisect.bisect_left(hidden_columns, column)
                    grid.cells.setdefault(number, {})[visible] = text
    if hidden_columns:
        grid.sheet_columns = [c for c in range(1, width + 1) if c not in hidden_set]
    for bounds in layout.merges:
        add_merge(grid, firsts.get(bounds, ""), hidden_columns, bounds)
    return grid


def _texts(ws: Any) -> dict[int, dict[int, str]]:
    """The non-empty texts of a read-only sheet by row and column, in the file's order."""
    texts: dict[int, dict[int, str]] = {}
    for cells in _rows(ws):
        for cell in cells:
            value = cell.value
            if value is None:
                continue
            text = cell_text(value, cell.number_format)
            if text:
                texts.setdefault(cell.row, {})[cell.column] = text
    return texts


def _rows(ws: Any) -> Iterator[Any]:
    # The dimension the file states may be wrong (too small drops cells, too large makes
    # millions of empty ones): each row is read as far as its own cells go.
    ws.reset_dimensions()
    return iter(ws.iter_rows())


def _clear_merged(texts: dict[int, dict[int, str]], merges: list[Bounds]) -> dict[Bounds, str]:
    """Drop the texts under merged ranges but in their first cells, and return those first
    cells' texts by range (hidden ones too: a merge shows its text where it is visible)."""
    firsts: dict[Bounds, str] = {}
    rows = sorted(texts)
    for bounds in merges:
        min_col, min_row, max_col, max_row = bounds
        first = texts.get(min_row, {}).get(min_col)
        if first:
            firsts[bounds] = first
        start, end = bisect.bisect_left(rows, min_row), bisect.bisect_right(rows, max_row)
        for number in rows[start:end]:
            row = texts[number]
            for column in [c for c in row if min_col <= c <= max_col]:
                if (number, column) != (min_row, min_col):
                    del row[column]
    return firsts
