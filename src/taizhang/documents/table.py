"""From a table of cell texts to a `LedgerDoc`: what every table reader (text, .docx, .xlsx)
shares once it has turned its file into rows of cells. Knows the ledger layout (header,
category rows, task rows), not the file format."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from taizhang.chinese.dates import parse_deadline
from taizhang.chinese.names import split_people, split_units_with_roles
from taizhang.chinese.numbers import parse_category_marker
from taizhang.chinese.statuses import status_code
from taizhang.documents.columns import header_columns, looks_like_header
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import (
    CategoryDoc,
    Column,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
    task_keys,
)

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_AS_OF = re.compile(r"截[至止]\s*(?:((?:19|20)\d{2})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ATTACHMENT = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$")
# An as-of phrase inside a title line ("…工作台账（截至2021年6月30日）") is no part of the
# title: the bracket holding it, or the bare phrase.
_AS_OF_PHRASE = re.compile(
    r"[（(][^（）()]*截[至止][^（）()]*[）)]"
    r"|截[至止]\s*(?:(?:19|20)\d{2}\s*年)?\s*\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]|底|末)?"
    r"|截[至止]目前"
)
# Lines of the title block that are no title: who filled it in, a line wholly in brackets
# ("（此件公开发布）", "（2021年6月）").
_NOT_TITLE = re.compile(r"填报单位|报送单位|制表|单位[:：]|^[（(][^（）()]*[）)]$")
_TASK_NUMBER = re.compile(r"^\d{1,5}$")


@dataclass
class RawRow:
    """One table row as a reader found it: cell texts (paragraphs joined by newlines) and
    where it stands in the file (`line` for text files, None where lines mean nothing)."""

    cells: list[str]
    line: int | None = None


@dataclass
class RawTable:
    """What a reader found: lines above the table (title block) and the table's rows."""

    source: str
    preamble: list[str] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)


def ledger_from_table(
    table: RawTable, *, year: int | None = None, columns: Mapping[str, str] | None = None
) -> LedgerDoc:
    """Read a `RawTable` in the ledger layout into a `LedgerDoc`. `year` overrides the year
    found in the title; `columns` maps column titles to keys where the office overrides the
    reading. Raises `LedgerReadError` naming the file and row of the first problem."""
    overrides = dict(columns or {})
    header_index = _find_header(table)
    header = table.rows[header_index]
    found = header_columns(
        header.cells,
        source=table.source,
        line=header.line,
        row=header_index + 1,
        overrides=overrides,
    )
    title = _title(table.preamble, source=table.source)
    doc = LedgerDoc(
        title=title,
        year=year or _year(table, title, found, header_index),
        columns=found,
        as_of=None,
        source_name=table.source,
    )
    doc.as_of = _as_of(table.preamble, doc.year)
    builder = _Builder(doc, table)
    builder.read_rows(header_index + 1)
    if not doc.tasks:
        raise LedgerReadError("台账表格中没有任务行", source=table.source)
    builder.check_keys()
    return doc


def category_marker(cells: list[str]) -> tuple[int, str] | None:
    """A category row's number and name, or None for any other row: a Chinese numeral in the
    first cell ("一", "一、name") and at most the name in the others."""
    marker = parse_category_marker(cells[0]) if cells else None
    rest = [cell.strip() for cell in cells[1:] if cell.strip()]
    if marker is None or (not marker[1] and len(rest) > 1):
        return None
    number, name = marker
    return number, name or (rest[0] if rest else "")


def _find_header(table: RawTable) -> int:
    for index, row in enumerate(table.rows):
        if looks_like_header(row.cells):
            return index
    raise LedgerReadError(
        "找不到台账表格（没有含“序号、工作目标任务、牵头领导、责任单位”等列名的表头行）",
        source=table.source,
    )


def _title(preamble: list[str], *, source: str) -> str:
    """The title: the lines above the table without 附件, as-of phrases and 填报单位 lines.
    Ledgers are told apart by title and year, so lines above the table that give no title
    are refused; a table with nothing above it has the empty title."""
    title = "".join(_title_part(line) for line in preamble)
    if not title and any(line.strip() for line in preamble):
        raise LedgerReadError(
            "找不到台账标题：表格上方只有附件、截至日期、填报单位等行，没有标题",
            source=source,
        )
    return title


def _title_part(line: str) -> str:
    text = _AS_OF_PHRASE.sub("", line).strip()
    if _ATTACHMENT.match(text) or _NOT_TITLE.search(text):
        return ""
    return text


def _year(table: RawTable, title: str, columns: list[Column], header_index: int) -> int:
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
                years.update(int(y) for y in _YEAR.findall(row.cells[i]))
    if years:
        return years.most_common(1)[0][0]
    raise LedgerReadError(
        "无法确定台账年份：标题中没有“XXXX年”，请用 --year 指定", source=table.source
    )


def _as_of(preamble: list[str], year: int) -> datetime.date | None:
    for line in preamble:
        found = _AS_OF.search(line)
        if found:
            try:
                return datetime.date(
                    int(found.group(1) or year), int(found.group(2)), int(found.group(3))
                )
            except ValueError:
                return None
    return None


class _Builder:
    """Walks the rows below the header, building categories and tasks."""

    def __init__(self, doc: LedgerDoc, table: RawTable) -> None:
        self.doc = doc
        self.table = table
        self.width = len(doc.columns)
        self.category: CategoryDoc | None = None
        # Where each task was read, in document order: (its row, its 1-based table row,
        # its category).
        self.places: list[tuple[RawRow, int, CategoryDoc]] = []

    def read_rows(self, start: int) -> None:
        for index in range(start, len(self.table.rows)):
            self.read_row(self.table.rows[index], index + 1)

    def fail(self, message: str, raw: RawRow, row: int) -> LedgerReadError:
        return LedgerReadError(message, source=self.table.source, line=raw.line, row=row)

    def warn(self, message: str, raw: RawRow, row: int) -> None:
        self.doc.warnings.append(f"{self.where(raw, row)}：{message}")

    def read_row(self, raw: RawRow, row: int) -> None:
        cells = [cell.strip() for cell in raw.cells]
        if len(cells) > self.width and any(cells[self.width :]):
            raise self.fail(
                f"单元格过多：本行有{len(cells)}个单元格，表头只有{self.width}列", raw, row
            )
        cells = (cells + [""] * self.width)[: self.width]
        if not any(cells):
            return
        if looks_like_header(cells):
            return  # the header repeated (a table split across pages)
        marker = category_marker(cells)
        if marker is not None:
            number, name = marker
            self.category = CategoryDoc(number=number, name=name)
            self.doc.categories.append(self.category)
            return
        self.read_task(cells, raw, row)

    def read_task(self, cells: list[str], raw: RawRow, row: int) -> None:
        values = dict(zip((column.key for column in self.doc.columns), cells, strict=True))
        number = self.task_number(values.get("number", ""), raw, row)
        if not values.get("goal"):
            raise self.fail("任务行缺少工作目标任务", raw, row)
        task = TaskDoc(number=number, goal=values["goal"])
        task.leaders = split_people(values.get("leaders", ""))
        task.units = self.units(values)
        self.deadline(task, values.get("deadline", ""), raw, row)
        task.progress = values.get("progress", "")
        self.status(task, values.get("status", ""), values.get("remarks", ""))
        task.extra = {
            column.title: cell
            for column, cell in zip(self.doc.columns, cells, strict=True)
            if column.key == "extra" and cell
        }
        if self.category is None:
            self.warn("任务行之前没有分类行，归入未分类", raw, row)
            self.category = CategoryDoc(number=1, name="")
            self.doc.categories.append(self.category)
        self.category.tasks.append(task)
        self.places.append((raw, row, self.category))

    def check_keys(self) -> None:
        """Refuse a ledger where two tasks would have the same key (`task_keys`): the same
        序号 twice in a category, or in a category numeral used twice."""
        first: dict[str, int] = {}
        for index, key in enumerate(task_keys(self.doc)):
            if key not in first:
                first[key] = index
                continue
            raw, row, category = self.places[index]
            earlier_raw, earlier_row, earlier_category = self.places[first[key]]
            where = self.where(earlier_raw, earlier_row)
            number = self.doc.tasks[index].number
            if category is earlier_category:
                message = f"序号重复：本分类中序号{number}已在{where}用过"
            else:
                message = (
                    f"序号重复：分类序号{category.number}出现两次，其下序号{number}已在{where}用过"
                )
            raise self.fail(message, raw, row)

    @staticmethod
    def where(raw: RawRow, row: int) -> str:
        return f"第{raw.line}行" if raw.line is not None else f"表格第{row}行"

    def task_number(self, text: str, raw: RawRow, row: int) -> int:
        text = re.sub(r"[\s.．、]", "", text)
        if _TASK_NUMBER.match(text):
            return int(text)
        previous = self.doc.tasks[-1].number if self.doc.tasks else 0
        if text:
            raise self.fail(f"序号“{text}”不是数字，也不是分类序号", raw, row)
        self.warn(f"任务行没有序号，按顺序编为{previous + 1}", raw, row)
        return previous + 1

    def units(self, values: dict[str, str]) -> list[UnitRef]:
        """The task's units: 牵头单位 lead and 配合单位 co where the ledger has both columns;
        in a single 责任单位 column, responsible unless marked （牵头） or （配合）."""
        has_co = "co_units" in values
        refs: list[UnitRef] = []
        seen: set[str] = set()
        for key, role in (("units", "lead" if has_co else "responsible"), ("co_units", "co")):
            for name, hint in split_units_with_roles(values.get(key, "")):
                if name not in seen:
                    seen.add(name)
                    refs.append(UnitRef(name=name, role=role if has_co else hint or role))
        return refs

    def deadline(self, task: TaskDoc, text: str, raw: RawRow, row: int) -> None:
        parsed = parse_deadline(text, self.doc.year)
        task.deadline_text = text
        task.deadline = parsed.deadline
        task.milestones = [MilestoneDoc(text=m.text, date=m.date) for m in parsed.milestones]
        for warning in parsed.warnings:
            self.warn(f"任务{task.number}完成时限：{warning}", raw, row)

    @staticmethod
    def status(task: TaskDoc, status_text: str, remarks_text: str) -> None:
        remarks: list[str] = []
        for text in (status_text, remarks_text):
            if not text:
                continue
            code = status_code(text) if task.status is None else None
            if code is not None:
                task.status, task.status_label = code, text
            else:
                remarks.append(text)
        task.remarks = "\n".join(remarks)
