"""Walks the rows under a ledger's header and builds its categories, tasks and sub-items. Rows
that are no task (合计, legends, titles, a repeated header, blank rows) are left out with a
warning naming the row; nothing in a row refuses the file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from taizhang.chinese.dates import parse_deadline
from taizhang.chinese.names import split_people, split_units_with_roles
from taizhang.chinese.statuses import parse_legend, status_code
from taizhang.documents.columns import column_key, month_of, normalize_title
from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.documents.rows import (
    Number,
    RawRow,
    RawTable,
    category_marker,
    is_total_row,
    note_text,
    read_number,
    title_block_kind,
)

# Keys of which a ledger has at most one column; the others (month, contact, extra) repeat.
_SINGLE_KEYS = frozenset(
    {"number", "goal", "leaders", "units", "co_units", "deadline", "progress", "status"}
)
_SUB_STYLES = frozenset({"dotted", "bracketed", "circled"})
# Cells a merged 序号 usually spans with it: where merges are lost, they are the row above's.
_MERGED_KEYS = frozenset({"number", "leaders", "units", "co_units"})
# A progress cell this short that is a status word is also the status (no status column).
_STATUS_AS_PROGRESS = 12


@dataclass
class _Placed:
    """A task or sub-item read, where it was read, and the cells it was read from (kept so a
    continuation row can be joined to it)."""

    task: TaskDoc
    raw: RawRow
    row: int
    cells: list[str]
    category: CategoryDoc
    parent: TaskDoc | None
    style: str


class TableBuilder:
    """Builds `doc`'s categories and tasks from the table rows below its header."""

    def __init__(self, doc: LedgerDoc, table: RawTable, header_rows: list[list[str]]) -> None:
        self.doc = doc
        self.table = table
        self.width = len(doc.columns)
        self.headers = [[normalize_title(cell) for cell in cells] for cells in header_rows]
        self.header_titles = {title for row in self.headers for title in row if title} | {
            part for column in doc.columns for part in column.title.split("/") if part
        }
        self.category: CategoryDoc | None = None
        self.placed: list[_Placed] = []
        self.current: _Placed | None = None  # the last task (not sub-item) of the category
        self.legend: dict[str, str] = {}
        self.blank: list[str] = []
        # Where tasks before any category row began: warned of only if categories follow.
        self.unfiled: tuple[RawRow, int] | None = None
        self.has_number = any(c.key == "number" for c in doc.columns)
        self.has_status = any(c.key == "status" for c in doc.columns)
        # Text of cells beyond the header's columns, for the task read from the same row.
        self.pending_extra: dict[str, str] = {}

    # --- walking the rows ----------------------------------------------------------------

    def read_rows(self, start: int) -> None:
        rows = list(enumerate(self.table.rows[start:], start + 1))
        for _, raw in rows:  # a legend under the table decodes the symbols above it
            text = note_text(self.cells(raw))
            if text is not None:
                self.legend.update(parse_legend(text))
        self.next_number = self.numbers_ahead(rows)
        for row, raw in rows:
            self.read_row(raw, row)

    def numbers_ahead(self, rows: list[tuple[int, RawRow]]) -> dict[int, int | None]:
        """For each row, the number of the next task row below it in its category (None where
        no numbered task follows before the next category row)."""
        number_at = next((i for i, c in enumerate(self.doc.columns) if c.key == "number"), None)
        ahead: dict[int, int | None] = {}
        following: int | None = None
        for row, raw in reversed(rows):
            ahead[row] = following
            cells = self.cells(raw)
            if category_marker(cells[: self.width]) is not None:
                following = None
            elif number_at is not None and (number := read_number(cells[number_at])):
                following = number.task if number.style == "plain" else following
        return ahead

    def cells(self, raw: RawRow) -> list[str]:
        cells = [cell.strip() for cell in raw.cells]
        return (cells + [""] * self.width)[: max(self.width, len(cells))]

    def read_row(self, raw: RawRow, row: int) -> None:
        self.pending_extra = {}
        cells = self.cells(raw)
        if not any(cells):
            if not raw.placeholder:
                self.blank.append(self.where(raw, row))
            return
        skipped = self.skipped_as(cells)
        if skipped is not None:
            self.warn(f"{skipped}，未作为任务读入", raw, row)
            return
        marker = category_marker(cells[: self.width])
        if marker is not None:
            self.category = CategoryDoc(number=marker[0], name=marker[1])
            self.doc.categories.append(self.category)
            self.current = None
            return
        if len(cells) > self.width:
            cells = self.fold_excess(cells, raw, row)
        self.read_task(cells, raw, row)

    def skipped_as(self, cells: list[str]) -> str | None:
        """What a row that is no task was taken for, or None for a category or task row."""
        if self.is_repeated_header(cells):
            return "重复的表头行（表格跨页时重复的表头）"
        if is_total_row(cells):
            return "合计行"
        text = note_text(cells)
        if text is not None:
            return (
                "注释说明行（其中的状态图例已用于识别状态）" if parse_legend(text) else "注释说明行"
            )
        kind = title_block_kind(cells)
        if kind == "标题" and self.placed and self.goal_cell(cells):
            return None  # a task whose goal ends in 清单, 计划表 …, not a title
        if kind is not None and category_marker(cells) is None:
            return f"表格中的{kind}行"
        return None

    def is_repeated_header(self, cells: list[str]) -> bool:
        """The header again (each page of a split table): its cells are the header's titles,
        maybe not all of them. A task row that merely looks like a header is none."""
        titles = [normalize_title(cell) for cell in cells[: self.width]]
        if titles in self.headers:
            return True
        texts = [title for title in titles if title]
        return len(texts) >= 2 and all(title in self.header_titles for title in texts)

    def goal_cell(self, cells: list[str]) -> str:
        at = next((i for i, c in enumerate(self.doc.columns) if c.key == "goal"), None)
        return cells[at] if at is not None and at < len(cells) else ""

    def fold_excess(self, cells: list[str], raw: RawRow, row: int) -> list[str]:
        """Cells beyond the header's columns: their text is kept as extra columns named by
        place ("第8列"), with a warning, instead of refusing the row."""
        more = {f"第{i}列": cell for i, cell in enumerate(cells[self.width :], self.width + 1)}
        kept = {title: cell for title, cell in more.items() if cell}
        if kept:
            self.warn(
                f"单元格过多：本行有{len(cells)}个单元格，表头只有{self.width}列，"
                f"多出的内容按其他列保留（{'、'.join(kept)}）",
                raw,
                row,
            )
            self.pending_extra = kept
        return cells[: self.width]

    # --- tasks and sub-items --------------------------------------------------------------

    def read_task(self, cells: list[str], raw: RawRow, row: int) -> None:
        values = self.values(cells)
        number_text = values.get("number", "")
        if not values.get("goal") and not number_text and self.placed:
            self.join_previous(cells, raw, row)
            return
        if not number_text and values.get("goal") and self.continues_unmerged(row):
            self.join_as_part(cells, raw, row)
            return
        if number_text and not any(
            cell
            for column, cell in zip(self.doc.columns, cells, strict=False)
            if column.key != "number"
        ):
            self.warn(f"只有序号“{number_text}”的空行", raw, row)
            return
        if not values.get("goal"):
            self.warn("任务行缺少工作目标任务，其余各列照读", raw, row)
        number = read_number(number_text)
        parent = self.parent_for(number)
        task = self.task(cells, values, raw, row, number, parent)
        if parent is None:
            category = self.ensure_category(raw, row)
            category.tasks.append(task)
        else:
            category = self.current.category if self.current else self.ensure_category(raw, row)
            parent.subitems.append(task)
            self.inherit(task, parent)
        if parent is None:
            self.parts_as_subitems(task, raw, row)
        style = number.style if number is not None else "none"
        placed = _Placed(task, raw, row, cells, category, parent, style)
        self.placed.append(placed)
        if parent is None:
            self.current = placed

    def parts_as_subitems(self, task: TaskDoc, raw: RawRow, row: int) -> None:
        """A task written over several rows under one merged 序号, each row with a goal of its
        own (开工建设县老年养护楼 | 5月底前; 开工建设老年大学 | 12月底前): each row is also a
        sub-item, so each goal keeps its own deadline, units and progress. The task keeps
        the rows joined, as the document shows it. Where the goal column is merged over the
        rows, a second goal-like column (主要内容 beside 项目名称) that differs row by row
        gives the sub-items their goals."""
        if len(raw.parts) < 2:
            return
        parts = [(part + [""] * self.width)[: self.width] for part in raw.parts]
        goal_at = self.distinct_goal_column(parts)
        if goal_at is None:
            return
        for cells in parts:
            values = self.values(cells)
            values["goal"] = cells[goal_at]
            sub = self.task(cells, values, raw, row, None, task)
            self.inherit(sub, task)
            task.subitems.append(sub)

    def distinct_goal_column(self, parts: list[list[str]]) -> int | None:
        """The goal column, or else a second goal-like column, whose text is its own and
        different in every row of a task written over several rows; None when there is none."""
        candidates = [i for i, c in enumerate(self.doc.columns) if c.key == "goal"]
        candidates += [
            i
            for i, c in enumerate(self.doc.columns)
            if c.key == "extra" and column_key(c.title) == "goal"
        ]
        for index in candidates:
            texts = [cells[index] for cells in parts]
            if all(texts) and len(set(texts)) == len(texts):
                return index
        return None

    def parent_for(self, number: Number | None) -> TaskDoc | None:
        """The task a row numbered `number` is a sub-item of, or None for a task: 3-1 / 3.1
        under task 3; （1） or ① under a task numbered another way."""
        current = self.current
        if number is None or number.style not in _SUB_STYLES or current is None:
            return None
        if number.style == "dotted":
            # Under task 3 itself, not under a "3-1" read as a task for want of a task 3.
            numbered = current.style != "dotted" and current.task.number == number.parent
            return current.task if numbered else None
        return current.task if current.style != number.style else None

    def task(
        self,
        cells: list[str],
        values: dict[str, str],
        raw: RawRow,
        row: int,
        number: Number | None,
        parent: TaskDoc | None,
    ) -> TaskDoc:
        task = TaskDoc(number=0, goal=values.get("goal", ""))
        self.number(task, values.get("number", ""), number, parent, raw, row)
        task.leaders = split_people(values.get("leaders", ""))
        task.units = self.units(values)
        self.deadline(task, values.get("deadline", ""), raw, row)
        task.progress = values.get("progress", "")
        self.columns_beyond(task, cells, raw, row)
        self.status(task, values.get("status", ""), values.get("remarks", ""), raw, row)
        if self.pending_extra:
            task.extra.update(self.pending_extra)
            self.pending_extra = {}
        return task

    def number(
        self,
        task: TaskDoc,
        text: str,
        number: Number | None,
        parent: TaskDoc | None,
        raw: RawRow,
        row: int,
    ) -> None:
        if parent is not None:
            task.number = len(parent.subitems) + 1
            task.label = number.label if number is not None else ""
            return
        previous = self.last_task_number()
        if number is not None and number.task is not None:
            task.number = number.task
            task.label = number.label if number.style == "chinese" else ""
            return
        task.number = previous + 1
        if number is not None and number.sub is not None and number.style != "dotted":
            task.number = number.sub  # tasks numbered （1）（2） or ①② under a category
            task.label = number.label
        elif number is not None and number.parent is not None:
            task.label = number.label
            self.warn(
                f"序号“{task.label}”之上没有任务{number.parent}，作为任务读入，编为{task.number}",
                raw,
                row,
            )
        elif text:
            task.label = re.sub(r"\s+", "", text)
            self.warn(f"序号“{task.label}”不是任务序号，按顺序编为{task.number}", raw, row)
        elif self.has_number:
            self.warn(f"任务行没有序号，按顺序编为{task.number}", raw, row)

    def last_task_number(self) -> int:
        """The number of the last task read in any category (0 before the first)."""
        for placed in reversed(self.placed):
            if placed.parent is None:
                return placed.task.number
        return 0

    def ensure_category(self, raw: RawRow, row: int) -> CategoryDoc:
        if self.category is None:
            self.unfiled = (raw, row)
            self.category = CategoryDoc(number=1, name="")
            self.doc.categories.append(self.category)
        return self.category

    @staticmethod
    def inherit(task: TaskDoc, parent: TaskDoc) -> None:
        """A sub-item's row without leaders or units serves under its task's."""
        if not task.leaders:
            task.leaders = list(parent.leaders)
        if not task.units:
            task.units = list(parent.units)

    def join_previous(self, cells: list[str], raw: RawRow, row: int) -> None:
        """A row with neither 序号 nor goal continues the row above (a task written over two
        rows without merged cells): its cells join the task's as further paragraphs."""
        placed = self.placed.pop()
        joined = [
            "\n".join(part for part in (old, new) if part)
            for old, new in zip(placed.cells, cells, strict=False)
        ]
        siblings = placed.parent.subitems if placed.parent else placed.category.tasks
        _drop_last(siblings, placed.task)
        self.warn("本行没有序号和工作目标任务，内容并入上一项任务", raw, row)
        if placed.parent is None and self.current is placed:
            self.current = self.placed_task_before()
        self.read_again(joined, placed, placed.raw)

    def continues_unmerged(self, row: int) -> bool:
        """Whether a row with a goal but no 序号 is more of the task above whose 序号 was merged
        over both rows where merges are lost (CSV, text): numbering it on would give the
        number the next task row has."""
        current = self.current
        return (
            self.has_number
            and current is not None
            and bool(self.placed)
            and self.placed[-1] is current
            and self.next_number.get(row) == current.task.number + 1
        )

    def join_as_part(self, cells: list[str], raw: RawRow, row: int) -> None:
        """Join a row to the task above as one more of its rows, as a merged 序号 would: its
        empty 序号, leader and unit cells take the task's, and `parts_as_subitems` decides
        whether the rows are also sub-items."""
        placed = self.placed.pop()
        _drop_last(placed.category.tasks, placed.task)
        self.current = self.placed_task_before()
        parts = placed.raw.parts or [placed.cells]
        last = parts[-1]
        filled = [
            cell or (last[i] if column.key in _MERGED_KEYS and i < len(last) else "")
            for i, (column, cell) in enumerate(zip(self.doc.columns, cells, strict=False))
        ]
        rows = [(part + [""] * self.width)[: self.width] for part in [*parts, filled]]
        joined = [
            "\n".join(dict.fromkeys(text for text in column if text))
            for column in zip(*rows, strict=True)
        ]
        self.warn(f"本行没有序号，按上一行任务{placed.task.number}的又一行读入", raw, row)
        more = RawRow(cells=joined, line=placed.raw.line, parts=[*parts, filled])
        self.read_again(joined, placed, more)

    def read_again(self, cells: list[str], placed: _Placed, raw: RawRow) -> None:
        """Read a task's row again, joined with the row below, in the category it was in (a
        category row may stand between)."""
        category, self.category = self.category, placed.category
        self.read_task(cells, raw, placed.row)
        if category is not placed.category:
            self.category, self.current = category, None

    def placed_task_before(self) -> _Placed | None:
        return next((p for p in reversed(self.placed) if p.parent is None), None)

    # --- cells ---------------------------------------------------------------------------

    def values(self, cells: list[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        for column, cell in zip(self.doc.columns, cells, strict=False):
            if column.key in _SINGLE_KEYS or column.key == "remarks":
                values.setdefault(column.key, cell)
        return values

    def columns_beyond(self, task: TaskDoc, cells: list[str], raw: RawRow, row: int) -> None:
        """Month columns, 本月进展, 开工时间, contacts and unplaced columns."""
        months: list[tuple[int, EntryDoc]] = []
        for index, (column, cell) in enumerate(zip(self.doc.columns, cells, strict=False)):
            if not cell:
                continue
            if column.key in ("extra", "contact"):
                task.extra[column.title] = cell
            elif column.key == "month":
                month = month_of(column.title)
                months.append((month or index, EntryDoc(column.title, cell, month)))
            elif column.key == "progress_month":
                month = self.doc.as_of.month if self.doc.as_of else None
                task.entries.append(EntryDoc(_bottom(column.title), cell, month))
            elif column.key == "start":
                self.start(task, column, cell, raw, row)
        task.entries.extend(entry for _, entry in months)
        if months and not any(c.key == "progress" for c in self.doc.columns):
            task.progress = max(months, key=lambda pair: pair[0])[1].text

    def start(self, task: TaskDoc, column: Column, cell: str, raw: RawRow, row: int) -> None:
        """开工时间 under a two-row 时间节点 header: a milestone dated by the cell."""
        parsed = parse_deadline(cell, self.doc.year)
        if parsed.deadline is None:
            task.extra[column.title] = cell
            self.warn(f"{_bottom(column.title)}“{cell}”中没有日期，按其他列保留", raw, row)
            return
        text = f"{_bottom(column.title)}：{cell}"
        task.milestones.insert(0, MilestoneDoc(text=text, date=parsed.deadline))

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
            self.warn(f"{self.name(task)}完成时限：{warning}", raw, row)

    def status(
        self, task: TaskDoc, status_text: str, remarks_text: str, raw: RawRow, row: int
    ) -> None:
        """The status from the status column, else from 备注; the label as written. A status
        cell that cannot be read keeps its text as the label, with a warning."""
        remarks: list[str] = []
        if status_text:
            code = status_code(status_text, self.legend)
            task.status, task.status_label = code, status_text
            if code is None:
                self.warn(
                    f"{self.name(task)}的状态“{status_text}”无法识别为已完成、正在推进、"
                    "推进缓慢或未启动，原文保留",
                    raw,
                    row,
                )
        if remarks_text:
            code = status_code(remarks_text, self.legend) if task.status is None else None
            if code is not None:
                if task.status_label:
                    remarks.append(task.status_label)
                task.status, task.status_label = code, remarks_text
            else:
                remarks.append(remarks_text)
        task.remarks = "\n".join(remarks)
        if task.status is None and not self.has_status and self.status_sized(task.progress):
            # A ledger without a status column whose progress cell is only a status ("已完成").
            code = status_code(task.progress, self.legend)
            if code is not None:
                task.status, task.status_label = code, task.progress

    @staticmethod
    def status_sized(text: str) -> bool:
        """Whether a progress cell is short enough to be only a status word (not a symbol or
        a colour, which mean nothing outside a status column)."""
        return 2 <= len(text) <= _STATUS_AS_PROGRESS

    # --- after the last row --------------------------------------------------------------

    def finish(self) -> None:
        if self.unfiled is not None and len(self.doc.categories) > 1:
            self.warn("任务行之前没有分类行，归入未分类", *self.unfiled)
        if self.blank:
            self.doc.warnings.append(f"{'、'.join(self.blank)}：空行，已略过")
        for first, again in self.repeated_numbers():
            number = again.task.number
            self.warn(
                f"序号{number}重复（本分类中已在{self.where(first.raw, first.row)}用过），"
                "两项均保留",
                again.raw,
                again.row,
            )

    def repeated_numbers(self) -> Iterator[tuple[_Placed, _Placed]]:
        first: dict[tuple[int, int], _Placed] = {}
        for placed in self.placed:
            if placed.parent is not None:
                continue
            key = (id(placed.category), placed.task.number)
            if key in first:
                yield first[key], placed
            else:
                first[key] = placed

    # --- words ---------------------------------------------------------------------------

    def warn(self, message: str, raw: RawRow, row: int) -> None:
        self.doc.warnings.append(f"{self.where(raw, row)}：{message}")

    @staticmethod
    def where(raw: RawRow, row: int) -> str:
        return f"第{raw.line}行" if raw.line is not None else f"表格第{row}行"

    @staticmethod
    def name(task: TaskDoc) -> str:
        return f"任务{task.label or task.number}"


def _drop_last(tasks: list[TaskDoc], task: TaskDoc) -> None:
    """Take `task`, the last one read, off its list (by identity: equal tasks may repeat)."""
    if tasks and tasks[-1] is task:
        tasks.pop()


def _bottom(title: str) -> str:
    """The sub-title of a combined two-row title ("进展情况/本月进展" -> "本月进展")."""
    return title.rsplit("/", 1)[-1]
