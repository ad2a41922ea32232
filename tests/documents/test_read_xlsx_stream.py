"""The Excel reader reads sheets as they stream (documents/xlsx_stream.py: openpyxl's read-only
mode and one pass over the sheet's XML) into the same grid a full load of the workbook gives
(`xlsx_sheet.sheet_grid`), with merged ranges, hidden rows, columns and groups, and text an
office left under a merged range."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from taizhang.documents.read_xlsx import read_xlsx
from taizhang.documents.xlsx_sheet import Grid, sheet_grid
from taizhang.documents.xlsx_stream import sheet_layout, streamed_grid
from tests.documents.xlsx_builders import (
    HEADER,
    OFFICE_MERGES,
    OFFICE_ROWS,
    Sheet,
    office_ledger,
    two_sheet_ledger,
    variant_ledger,
    workbook,
)


def _grids(data: bytes) -> list[tuple[Grid, Grid]]:
    """Each sheet's grid as a full load gives it and as the stream gives it."""
    full = load_workbook(io.BytesIO(data), data_only=True)
    streamed = load_workbook(io.BytesIO(data), data_only=True, read_only=True)
    pairs = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for ws in streamed.worksheets:
            with archive.open(ws._worksheet_path) as source:
                grid = streamed_grid(ws, sheet_layout(source))
            pairs.append((sheet_grid(full[ws.title]), grid))
    streamed.close()
    return pairs


def _merged_over_values() -> bytes:
    """Text typed under a merged range, as some programs leave it (Excel clears it): a full
    load of the workbook drops all but the first cell's."""
    book = Workbook()
    ws = book.active
    ws.append(["2024年测试台账"])
    ws.append(HEADER)
    ws.append([1, "修路", "张三", "交通局", "年底前", "已开工", "旧备注"])
    ws.append([2, "修桥", "李四", "交通局", "年底前", "已开工", "残留的字"])
    ws.merged_cells.add("D3:D4")  # 交通局 typed again under the merge
    ws.merged_cells.add("G3:G4")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _hidden_everything() -> bytes:
    rows: list[list[Any]] = [list(row) for row in OFFICE_ROWS]
    rows[6] = [*rows[6], None, "草稿"]
    sheet = Sheet(
        "台账",
        rows,
        OFFICE_MERGES,
        hidden_rows=[7],
        hidden_columns=["A", "I:XFD"],
        collapsed_groups=[(10, 11)],
    )
    return workbook(sheet)


@pytest.mark.parametrize(
    "make",
    [
        office_ledger,
        variant_ledger,
        lambda: two_sheet_ledger(hidden_copy=True),
        _merged_over_values,
        _hidden_everything,
    ],
    ids=["office", "variant", "hidden-copy", "merged-over-values", "hidden-everything"],
)
def test_a_streamed_sheet_gives_the_grid_of_the_fully_loaded_sheet(
    make: Callable[[], bytes],
) -> None:
    for full, streamed in _grids(make()):
        assert sorted(streamed.merges) == sorted(full.merges)
        streamed.merges = full.merges
        assert streamed == full


def test_text_under_a_merged_range_is_not_read() -> None:
    doc = read_xlsx(_merged_over_values(), name="a.xlsx")
    first, second = doc.tasks
    assert [u.name for u in second.units] == ["交通局"]
    assert first.remarks == second.remarks == "旧备注"  # merged down, not 残留的字


def test_a_sheet_whose_stated_dimension_is_too_small_is_read_whole() -> None:
    data = office_ledger()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b'<dimension ref="A1:J14"/>', b'<dimension ref="A1"/>')
                assert b'<dimension ref="A1"/>' in content
            target.writestr(item, content)
    assert read_xlsx(out.getvalue(), name="a.xlsx") == read_xlsx(data, name="a.xlsx")
