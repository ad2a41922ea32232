"""What every table writer (text, .docx, .xlsx, .csv) puts in each cell: the ledger's own
columns (or the seed's seven), a task's (or a sub-item's) cell texts, a category's numeral,
and the rows in the order they are written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from taizhang.chinese.numbers import int_to_chinese_numeral
from taizhang.documents.model import Column, LedgerDoc, TaskDoc

DEFAULT_COLUMNS: Final = (
    Column("number", "序号"),
    Column("goal", "工作目标任务"),
    Column("leaders", "牵头领导"),
    Column("units", "责任单位"),
    Column("deadline", "完成时限"),
    Column("progress", "进展情况"),
    Column("remarks", "备注"),
)
# How an office marks a unit's part in one 责任单位 column; `table.py` reads them back.
_ROLE_MARKS: Final = {"lead": "（牵头）", "co": "（配合）"}
# The milestone a `start` column (开工时间 under 时间节点) is kept as: "开工时间：<cell>".
START_PREFIX: Final = "开工时间："
# Columns whose cell is the task's entry titled like the column (its bottom title).
_ENTRY_KEYS: Final = frozenset({"month", "progress_month"})
_MONTH: Final = re.compile(r"(1[0-2]|0?[1-9])\s*月")


def table_columns(doc: LedgerDoc) -> list[Column]:
    """The columns to write: the ledger's own, or the seed's seven when it has none."""
    return list(doc.columns) or list(DEFAULT_COLUMNS)


def category_numeral(number: int) -> str:
    """A category's number as the Chinese numeral of the document (10 -> 十, 11 -> 十一)."""
    return int_to_chinese_numeral(number)


def task_rows(tasks: list[TaskDoc]) -> Iterator[tuple[TaskDoc, TaskDoc | None]]:
    """A category's rows in the order they are written: each task, then its sub-items, each
    with its parent (None for a task)."""
    for task in tasks:
        yield task, None
        for subitem in task.subitems:
            yield subitem, task


def bottom_title(column: Column) -> str:
    """A column's own title under a two-row header ("进展情况/本月进展" -> "本月进展"); the
    title itself for a column of a one-row header."""
    return column.title.rsplit("/", 1)[-1]


def task_cells(task: TaskDoc, columns: list[Column], parent: TaskDoc | None = None) -> list[str]:
    """A task's (or, with its `parent`, a sub-item's) cell texts in column order; paragraphs
    (and the names in a leader or unit cell) are separated by newlines. The 序号 is the
    sub-item's label as written (else `3-1`). The status label goes to the status column, or
    to 备注 when the ledger has no status column; remarks go to 备注, or after the status
    when the ledger has no 备注 column. Co units go to 配合单位; without that column every
    unit goes to the units column, a lead or co unit marked （牵头） or （配合）. A month or
    本月进展 column holds the entry titled like the column; 开工时间 the text of the milestone
    "开工时间：…"; a contact or unplaced column the `extra` cell of its title."""
    keys = {column.key for column in columns}
    if "co_units" in keys:
        units = "\n".join(u.name for u in task.units if u.role != "co")
    else:
        units = "\n".join(u.name + _ROLE_MARKS.get(u.role, "") for u in task.units)
    fixed = {
        "number": task.display_number(parent),
        "goal": task.goal,
        "leaders": "\n".join(task.leaders),
        "units": units,
        "co_units": "\n".join(u.name for u in task.units if u.role == "co"),
        "deadline": task.deadline_text,
        "progress": task.progress,
        "start": _start(task),
        "warning": task.warning,
    }
    status_key = "status" if "status" in keys else "remarks"
    remarks_key = "remarks" if "remarks" in keys else "status"
    cells = []
    for column in columns:
        if column.key in fixed:
            cells.append(fixed[column.key])
        elif column.key in _ENTRY_KEYS:
            cells.append(_entry_text(task, column))
        elif column.key in (status_key, remarks_key):
            parts = [task.status_label] if column.key == status_key and task.status_label else []
            if column.key == remarks_key and task.remarks:
                parts.append(task.remarks)
            cells.append("\n".join(parts))
        else:  # contact, extra, and any key this writer does not know
            cells.append(task.extra.get(column.title, ""))
    return cells


def _start(task: TaskDoc) -> str:
    for milestone in task.milestones:
        if milestone.text.startswith(START_PREFIX):
            return milestone.text.removeprefix(START_PREFIX)
    return ""


def _entry_text(task: TaskDoc, column: Column) -> str:
    """The entry titled like the column; for a month column whose title says more than the
    entry's ("3月份", "2021年3月"), the entry of the same month."""
    title = bottom_title(column)
    for entry in task.entries:
        if entry.title == title:
            return entry.text
    found = _MONTH.search(title) if column.key == "month" else None
    month = int(found.group(1)) if found else None
    for entry in task.entries:
        if month is not None and entry.month == month:
            return entry.text
    return ""
