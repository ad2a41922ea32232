"""A county ledger for the office's column mapping: its progress is written under 落实情况,
beside a 工作进展 column holding last month's words, so the reader takes 工作进展 for the
progress until the office says otherwise. Used by the web, command-line and browser tests."""

from __future__ import annotations

import io

import openpyxl

TITLE = "2021年某县重点工作台账"
HEADER = ["序号", "工作任务", "牵头领导", "责任单位", "完成时限", "工作进展", "落实情况"]
DONE = "主体工程完成80%，累计完成投资3000万元"


def ledger_xlsx(
    *, header: list[str] = HEADER, done: str = DONE, title: str = TITLE, sheets: int = 1
) -> bytes:
    """A county ledger whose progress is written under 落实情况, beside a 工作进展 column that
    holds last month's words; with `sheets`, the same ledger again on further sheets."""
    book = openpyxl.Workbook()
    for number in range(sheets):
        sheet = book.active if number == 0 else book.create_sheet()
        sheet.title = f"台账{number + 1}"
        sheet.append([title if number == 0 else f"2021年第{number + 1}批项目台账"])
        sheet.append(header)
        sheet.append(["一", "民生工程"])
        for row in (
            [1, "建设北部供水工程", "张三", "水利局", "2021年12月底前", "上月：前期", done],
            [2, "新建公园两处", "李四", "住建局", "2021年10月底前", "上月：选址", "已完工"],
        ):
            sheet.append(row[: len(header)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
