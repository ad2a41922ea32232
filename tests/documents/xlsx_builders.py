"""Build .xlsx ledgers with openpyxl the way offices make them in Excel or WPS: title rows
merged across above the header, an 附件 and a 截至 line, category rows merged across, a leader
or unit typed once and merged down over several tasks, Alt+Enter line breaks inside cells,
序号 typed as numbers, dates typed as dates, a 说明 sheet before the ledger, notes and empty
rows under the table, bordered empty columns to the right. Each builder returns file bytes."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

Value = str | int | float | datetime.date | datetime.datetime | None

HEADER = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"]
# Another office's titles: 牵头单位 beside 配合单位, 完成情况 as the status column.
VARIANT_HEADER = [
    "序号",
    "项目名称",
    "责任领导",
    "牵头单位",
    "配合单位",
    "时间节点",
    "目前进展",
    "完成情况",
]

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


@dataclass
class Sheet:
    """One worksheet: rows from row 1 (None is an untouched cell), ranges merged after typing
    (the values in them other than the top-left are gone, as in Excel), cell number formats."""

    title: str
    rows: Sequence[Sequence[Value]]
    merges: Sequence[str] = ()
    formats: dict[str, str] = field(default_factory=dict)
    hidden: bool = False
    boxed_columns: int = 0  # bordered, empty columns to the right, as offices leave them
    hidden_rows: Sequence[int] = ()
    # Columns hidden one by one ("F") or as one range ("H:XFD", a <col min max> group).
    hidden_columns: Sequence[str] = ()
    # Rows grouped (数据 > 组合) and the group collapsed: (first, last) rows of each group.
    collapsed_groups: Sequence[tuple[int, int]] = ()


def workbook(*sheets: Sheet) -> bytes:
    """The sheets as the bytes of one .xlsx file."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        ws = book.create_sheet(spec.title)
        _fill(ws, spec)
        if spec.hidden:
            ws.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(ws: Any, spec: Sheet) -> None:
    width = max((len(row) for row in spec.rows), default=0)
    for r, row in enumerate(spec.rows, 1):
        for c, value in enumerate(row, 1):
            if value is None:
                continue
            cell = ws.cell(row=r, column=c, value=value)
            multiline = isinstance(value, str) and "\n" in value
            cell.alignment = Alignment(wrap_text=multiline or len(str(value)) > 10)
            cell.border = _BOX
        for c in range(len(row) + 1, width + spec.boxed_columns + 1):
            ws.cell(row=r, column=c).border = _BOX
    for ref, number_format in spec.formats.items():
        ws[ref].number_format = number_format
    for ref in spec.merges:
        ws.merge_cells(ref)
    if spec.rows:
        ws.cell(row=1, column=1).font = Font(bold=True, size=16)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 30 if c in (2, 6) else 12
    _hide(ws, spec)


def _hide(ws: Any, spec: Sheet) -> None:
    for row in spec.hidden_rows:
        ws.row_dimensions[row].hidden = True
    for columns in spec.hidden_columns:
        first, _, last = columns.partition(":")
        ws.column_dimensions.group(first, last or first, hidden=True)
    for first, last in spec.collapsed_groups:
        # The rows at level 1 and the summary row below them marked collapsed; not marked
        # hidden themselves (Excel marks them too), so the outline alone must hide them.
        ws.row_dimensions.group(first, last, outline_level=1, hidden=False)
        ws.row_dimensions[last + 1].collapsed = True


# --- the official layout, as a county office keeps it -------------------------------------

OFFICE_ROWS: list[list[Value]] = [
    ["附件1"],
    ["2021年某县重点工作台账"],
    ["（截至2021年6月30日）"],
    ["序号", "工作目标\n任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备  注"],
    ["一", "民生保障", None, None, None, None, None],
    [
        1.0,
        "新建幼儿园3所。\n改扩建小学2所。",
        "张  三",
        "教体局",
        datetime.date(2021, 12, 31),
        "2所幼儿园主体完工。\n1所正在选址。",
        "正在推进",
    ],
    [2, "建设社区食堂10个。", None, None, "6月底前完成", "", "已完成"],
    [
        3,
        "改造老旧小区20个。",
        None,
        None,
        "年底前",
        "已开工12个。\r\n其余8个在设计。",
        "请示县政府",
    ],
    ["二、城市建设", None, None, None, None, None, None],
    [4, "修建城区道路5条。", "李四", "交通局、财政局", "2021年9月底前", "3条已通车。", None],
    [],
    ["注：1. 本表由县委督查室汇总。2. 每月5日前报送。"],
    ["填表人：王五    联系电话：12345678"],
    [],
]
OFFICE_MERGES = ["A2:G2", "A3:G3", "B5:G5", "C6:C8", "D6:D8", "A9:G9", "A12:G12"]


def office_ledger() -> bytes:
    """The official layout: 附件 line, a title and a 截至 line merged across, the header in row 4,
    a category row with its name merged across, one leader and one unit merged down over three
    tasks, a category typed as one merged cell "二、城市建设", Alt+Enter and CRLF line breaks,
    序号 1.0, a deadline typed as a date, a note merged across and a 填表人 line under the
    table, empty rows, and bordered empty columns H:J."""
    return workbook(
        Sheet("Sheet1", OFFICE_ROWS, OFFICE_MERGES, {"E6": "yyyy/m/d"}, boxed_columns=3)
    )


# --- another office: other column titles, header in row 3 --------------------------------

VARIANT_ROWS: list[list[Value]] = [
    ["2022年市政府重点项目推进台账"],
    ["填报单位：市发展改革委"],
    [*VARIANT_HEADER, "完成比例", "投资（亿元）"],
    ["一", "交通基础设施", None, None, None, None, None, None, None, None],
    [
        1,
        "建设东环路快速通道",
        "王五、赵六",
        "交通运输局",
        "自然资源局\n财政局",
        "3月底前开工；10月底前通车",
        "已完成路基施工。",
        "正在推进",
        0.9,
        2.5,
    ],
    [
        2,
        "新建公交场站2处",
        "赵六",
        "交通运输局",
        None,
        "年底前",
        None,
        "推进缓慢，受用地影响",
        0.25,
        1.0,
    ],
]
VARIANT_MERGES = ["A1:J1", "A2:J2", "B4:J4"]


def variant_ledger() -> bytes:
    """Other column titles (项目名称, 责任领导, 牵头单位, 配合单位, 时间节点, 目前进展, 完成情况),
    two columns Taizhang does not know (a percentage and a number), header in row 3 under a
    title and a 填报单位 line."""
    return workbook(Sheet("台账", VARIANT_ROWS, VARIANT_MERGES, {"I5": "0%", "I6": "0%"}))


# --- several sheets -----------------------------------------------------------------------

EXPLANATION_ROWS: list[list[Value]] = [
    ["填报说明"],
    ["1. 序号、工作目标任务、牵头领导、责任单位不得改动。"],
    ["2. 进展情况请写明截至月底的形象进度。"],
]


def two_sheet_ledger(*, hidden_copy: bool = False) -> bytes:
    """A 说明 sheet first and the ledger second (named 台账); with `hidden_copy`, a hidden old
    copy of another ledger comes before both."""
    sheets = [Sheet("说明", EXPLANATION_ROWS)]
    if hidden_copy:
        sheets.insert(0, Sheet("旧表", VARIANT_ROWS, VARIANT_MERGES, hidden=True))
    sheets.append(Sheet("台账", OFFICE_ROWS, OFFICE_MERGES, {"E6": "yyyy/m/d"}))
    return workbook(*sheets)


def simple_ledger(
    *body: Sequence[Value],
    header: Sequence[Value] = HEADER,
    above: Sequence[Sequence[Value]] = (["2024年测试台账"],),
    merges: Sequence[str] = (),
    formats: dict[str, str] | None = None,
    title: str = "Sheet1",
) -> bytes:
    """A one-sheet ledger: the rows `above` the header, the header, then `body`."""
    rows = [*above, header, *body]
    return workbook(Sheet(title, rows, merges, formats or {}))
