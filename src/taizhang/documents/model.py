"""The ledger document: a plain in-memory model of one ledger, in the middle of every reader
and every writer (like pandoc's AST). Readers produce it, writers consume it, and the database
side has exactly two doors (`ledger_import`, `ledger_document`)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

FORMAT: Final = "taizhang/ledger@1"

# Unit roles: `responsible` where a ledger has one 责任单位 column; `lead` and `co` where it
# separates 牵头单位 from 配合单位.
UNIT_ROLES: Final = ("responsible", "lead", "co")

# Logical column keys, in the order of the official layout.
COLUMN_KEYS: Final = (
    "number",
    "goal",
    "leaders",
    "units",
    "co_units",
    "deadline",
    "progress",
    "status",
    "remarks",
)


@dataclass(frozen=True)
class Column:
    """One column of the ledger table: its logical key and the title as the office wrote it."""

    key: str
    title: str


@dataclass(frozen=True)
class UnitRef:
    """A unit (organisation) serving a task, with its role."""

    name: str
    role: str = "responsible"


@dataclass(frozen=True)
class MilestoneDoc:
    """A dated clause of the deadline text (`5月底前完成选址` -> 2021-05-31)."""

    text: str
    date: datetime.date


@dataclass
class TaskDoc:
    """One task row of the ledger."""

    number: int
    goal: str
    leaders: list[str] = field(default_factory=list)
    units: list[UnitRef] = field(default_factory=list)
    deadline_text: str = ""
    deadline: datetime.date | None = None
    milestones: list[MilestoneDoc] = field(default_factory=list)
    progress: str = ""
    status: str | None = None
    status_label: str = ""
    remarks: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class CategoryDoc:
    """A category row (Chinese numeral and name) and the tasks under it."""

    number: int
    name: str
    tasks: list[TaskDoc] = field(default_factory=list)


@dataclass
class LedgerDoc:
    """A whole ledger. `warnings` are what the reader noticed but could read past; they are not
    part of the ledger's content and do not take part in equality."""

    title: str
    year: int
    columns: list[Column] = field(default_factory=list)
    categories: list[CategoryDoc] = field(default_factory=list)
    as_of: datetime.date | None = None
    source_name: str = field(default="", compare=False)
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def tasks(self) -> list[TaskDoc]:
        """All tasks in document order."""
        return [task for category in self.categories for task in category.tasks]


def task_keys(doc: LedgerDoc) -> list[str]:
    """Each task's identity: its number where numbers are unique in the ledger, else
    `category.number` (ledgers that number tasks afresh in each category)."""
    numbers = Counter(task.number for task in doc.tasks)
    if all(count == 1 for count in numbers.values()):
        return [str(task.number) for task in doc.tasks]
    return [f"{c.number}.{t.number}" for c in doc.categories for t in c.tasks]
