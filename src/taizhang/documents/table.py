"""From a table of cell texts to a `LedgerDoc`: what every table reader (text, .docx, .xlsx)
shares once it has turned its file into rows of cells. Knows the ledger layout (header,
category rows, task rows), not the file format."""

from __future__ import annotations

import calendar
import datetime
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import PurePath

from taizhang.documents.builder import TableBuilder
from taizhang.documents.columns import (
    combine_header,
    header_columns,
    header_warnings,
    looks_like_header,
)
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import (
    Column,
    LedgerDoc,
)
from taizhang.documents.rows import ATTACHMENT
from taizhang.documents.rows import RawRow as RawRow
from taizhang.documents.rows import RawTable as RawTable
from taizhang.documents.rows import category_marker as category_marker

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE = r"(?:((?:19|20)\d{2})\s*年)?\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号]|底|末)"
# The date the ledger's progress is as of, in the order they are looked for: a 截至 phrase
# ("（截至2021年6月30日）", "截止时间：2024年6月底"), else a line that is only a date
# ("2024年6月30日", "（2024年6月30日）"). The day it was filled in (填报日期：…) is not the
# day its progress is as of: that line is dropped.
_AS_OF = (
    re.compile(rf"截[至止](?:时间|日期)?\s*[:：]?\s*{_DATE}"),
    re.compile(rf"^[（(]?\s*{_DATE}\s*[）)]?$"),
)
# An as-of phrase inside a title line ("…工作台账（截至2021年6月30日）") is no part of the
# title: the bracket holding it, or the bare phrase.
_AS_OF_PHRASE = re.compile(
    r"[（(][^（）()]*截[至止][^（）()]*[）)]"
    r"|截[至止]\s*(?:(?:19|20)\d{2}\s*年)?\s*\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]|底|末)?"
    r"|截[至止]目前"
)
# Lines of the title block that are no title: who filled it in, a line wholly in brackets
# ("（此件公开发布）", "（2021年6月）"), a labelled line ("填报时间：…", "联系人：…", "单位：万元"),
# a subtitle after a dash ("——2024年上半年进展情况"), a line that is only a date or a period
# ("2024年6月", "2024年X月", "2024年第二季度", "2024年1-6月").
_NOT_TITLE = re.compile(
    r"填报单位|报送单位|制表|单位[:：]|^[（(][^（）()]*[）)]$"
    r"|^[^：:]{0,8}(?:时间|日期|单位|人|电话|盖章[）)]?)\s*[:：]"
    r"|^\s*[—–－-]"
    r"|^(?:(?:19|20)\d{2}\s*年)?\s*(?:度|全年|[上下]半年|第?[一二三四1-4]季度"
    r"|(?:[0-9]{1,2}|[XxＸ×]+|[一二三四五六七八九十]{1,3})\s*(?:[-—–~至]\s*[0-9]{1,2}\s*)?月份?"
    r"(?:\s*[0-9]{1,2}\s*[日号])?)?$"
)
# A title is complete once it ends with a word that ends a ledger's name; a line after a
# complete title is a subtitle, not more of the title. A title written on two lines
# ("济源市2024年《政府工作报告》" / "重点任务分解台账") is joined.
_TITLE_END = re.compile(
    r"(?:台账|清单|表|情况|一览|汇总|分工|方案|计划|安排|统计|明细|目录|名单)"
    r"(?:[（(][^（）()]*[）)])*$"
)
# A year a 完成时限 cell names: "2023年", or "2023.10" / "2023-10" / "2023/10" (not a decimal
# like 2023.5万元: the month is 1..12 and no digit follows).
_DEADLINE_YEAR = re.compile(
    r"(?<![0-9.])((?:19|20)\d{2})(?:\s*年|\s*[-./]\s*(?:1[0-2]|0?[1-9])(?![0-9]))"
)
_YEAR_IN_NAME = re.compile(r"((?:19|20)\d{2})")


def ledger_from_table(
    table: RawTable, *, year: int | None = None, columns: Mapping[str, str] | None = None
) -> LedgerDoc:
    """Read a `RawTable` in the ledger layout into a `LedgerDoc`. `year` overrides the year
    found in the title; `columns` maps column titles to keys where the office overrides the
    reading. Raises `LedgerReadError` naming the file and row of the first problem."""
    header_index, titles, header_rows = _find_header(table)
    header = table.rows[header_index]
    found = header_columns(
        titles,
        source=table.source,
        line=header.line,
        row=header_index + 1,
        overrides=dict(columns or {}),
    )
    warnings: list[str] = []
    title = _title(table.preamble, source=table.source, warnings=warnings)
    doc = LedgerDoc(
        title=title,
        year=year or _year(table, title, found, header_index, warnings),
        columns=found,
        as_of=None,
        source_name=table.source,
        warnings=warnings,
    )
    doc.as_of = _as_of(table.preamble, doc.year)
    doc.warnings.extend(header_warnings(doc.columns, columns))
    header_cells = [table.rows[header_index + i].cells for i in range(header_rows)]
    builder = TableBuilder(doc, table, header_cells)
    builder.read_rows(header_index + header_rows)
    if not doc.tasks:
        raise LedgerReadError("台账表格中没有任务行", source=table.source)
    builder.finish()
    return doc


def _find_header(table: RawTable) -> tuple[int, list[str], int]:
    """Where the header starts, its column titles, and how many rows it takes: two where the
    row under it holds sub-titles (时间节点 over 开工时间 / 完工时间), combined "top/bottom"."""
    rows = table.rows
    for index, row in enumerate(rows):
        if index + 1 < len(rows):
            combined = combine_header(row.cells, rows[index + 1].cells)
            if combined is not None and looks_like_header(combined):
                return index, combined, 2
        if looks_like_header(row.cells):
            return index, row.cells, 1
    raise LedgerReadError(
        "找不到台账表格（没有含“序号、工作目标任务、牵头领导、责任单位”等列名的表头行）",
        source=table.source,
    )


def _title(preamble: list[str], *, source: str, warnings: list[str]) -> str:
    """The title: the lines above the table without 附件, as-of phrases and 填报单位 lines.
    Ledgers are told apart by title and year, so where the lines above the table give no
    title the file's name stands in, with a warning; a table with nothing above it has the
    empty title."""
    title = ""
    for line in preamble:
        part = _title_part(line)
        if part and _TITLE_END.search(title):
            break
        title += part
    if not title and any(line.strip() for line in preamble):
        title = PurePath(source).stem
        warnings.append(
            f"表格上方只有附件、截至日期、填报单位等行，没有标题：以文件名“{title}”作标题"
        )
    return title


def _title_part(line: str) -> str:
    text = _AS_OF_PHRASE.sub("", line).strip()
    if ATTACHMENT.match(text) or _NOT_TITLE.search(text):
        return ""
    return text


def _year(
    table: RawTable,
    title: str,
    columns: list[Column],
    header_index: int,
    warnings: list[str],
) -> int:
    for text in [title, *table.preamble]:
        found = _YEAR.search(text)
        if found:
            return int(found.group(1))
    # No year above the table: take the year most deadlines name.
    deadline_at = [i for i, column in enumerate(columns) if column.key == "deadline"]
    years: Counter[int] = Counter()
    for row in table.rows[header_index + 1 :]:
        for i in deadline_at:
            if i < len(row.cells):
                years.update(int(y) for y in _DEADLINE_YEAR.findall(row.cells[i]))
    if years:
        return years.most_common(1)[0][0]
    named = _YEAR_IN_NAME.search(PurePath(table.source).name)
    if named:
        return int(named.group(1))
    this_year = datetime.datetime.now(datetime.UTC).year
    warnings.append(
        f"无法确定台账年份（标题、完成时限、文件名中都没有年份）：按{this_year}年读，"
        "可用 --year 指定"
    )
    return this_year


def _as_of(preamble: list[str], year: int) -> datetime.date | None:
    """The as-of date of the title block: a 截至 phrase first, else a date line (see _AS_OF);
    a month without a day (截至6月底) is its last day."""
    for pattern in _AS_OF:
        for line in preamble:
            found = pattern.search(line.strip())
            if found:
                return _date(int(found.group(1) or year), int(found.group(2)), found.group(3))
    return None


def _date(year: int, month: int, day: str | None) -> datetime.date | None:
    try:
        if day is None:
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
        return datetime.date(year, month, int(day))
    except (ValueError, calendar.IllegalMonthError):
        return None
