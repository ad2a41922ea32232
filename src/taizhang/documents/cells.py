"""What every table writer (text, .docx, .xlsx, .csv) puts in each cell: the ledger's own
columns (or the seed's seven), a task's cell texts, a category's numeral."""

from __future__ import annotations

from typing import Final

import cn2an

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


def table_columns(doc: LedgerDoc) -> list[Column]:
    """The columns to write: the ledger's own, or the seed's seven when it has none."""
    return list(doc.columns) or list(DEFAULT_COLUMNS)


def category_numeral(number: int) -> str:
    """A category's number as the Chinese numeral of the document (10 -> 十, 11 -> 十一)."""
    return str(cn2an.an2cn(number))


def task_cells(task: TaskDoc, columns: list[Column]) -> list[str]:
    """A task's cell texts in column order; paragraphs (and the names in a leader or unit cell)
    are separated by newlines. The status label goes to the status column, or to 备注 when
    the ledger has no status column; remarks go to 备注, or after the status when the ledger
    has no 备注 column. Co units go to 配合单位; without that column every unit goes to the
    units column, a lead or co unit marked （牵头） or （配合）."""
    keys = {column.key for column in columns}
    if "co_units" in keys:
        units = "\n".join(u.name for u in task.units if u.role != "co")
    else:
        units = "\n".join(u.name + _ROLE_MARKS.get(u.role, "") for u in task.units)
    status_key = "status" if "status" in keys else "remarks"
    remarks_key = "remarks" if "remarks" in keys else "status"
    fixed = {
        "number": str(task.number),
        "goal": task.goal,
        "leaders": "\n".join(task.leaders),
        "units": units,
        "co_units": "\n".join(u.name for u in task.units if u.role == "co"),
        "deadline": task.deadline_text,
        "progress": task.progress,
    }
    cells = []
    for column in columns:
        if column.key in fixed:
            cells.append(fixed[column.key])
        elif column.key == "extra":
            cells.append(task.extra.get(column.title, ""))
        else:
            parts = [task.status_label] if column.key == status_key and task.status_label else []
            if column.key == remarks_key and task.remarks:
                parts.append(task.remarks)
            cells.append("\n".join(parts))
    return cells
