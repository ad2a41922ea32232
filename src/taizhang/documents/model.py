"""The ledger document: a plain in-memory model of one ledger, in the middle of every reader
and every writer (like pandoc's AST). Readers produce it, writers consume it, and the database
side has exactly two doors (`ledger_import`, `ledger_document`)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import Final

FORMAT: Final = "taizhang/ledger@2"
# Earlier versions `read_json` still reads: @1 had no sub-items, labels or month entries.
OLD_FORMATS: Final = ("taizhang/ledger@1",)

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
# Keys of columns that are read but are none of the above:
# - `start`: 开工时间 under a two-row 时间节点 header, kept as a milestone;
# - `progress_month`: 本月进展 beside 累计进展, kept as the month's entry;
# - `month`: one column of a monthly ledger (1月 … 12月), kept as that month's entry;
# - `contact`: 责任人 / 联系人 / 联系电话, kept in `extra` without a warning;
# - `extra`: a column that could not be placed, kept in `extra` and named in a warning.
# (An export may add one more, `warning`: the 预警 column, `documents.groups`; never read.)
MORE_COLUMN_KEYS: Final = ("start", "progress_month", "month", "contact", "extra")


@dataclass(frozen=True)
class Column:
    """One column of the ledger table: its logical key and the title as the office wrote it."""

    key: str
    title: str


@dataclass(frozen=True, slots=True)
class UnitRef:
    """A unit (organisation) serving a task, with its role."""

    name: str
    role: str = "responsible"


@dataclass(frozen=True, slots=True)
class MilestoneDoc:
    """A dated clause of the deadline text (`5月底前完成选址` -> 2021-05-31)."""

    text: str
    date: datetime.date


@dataclass(frozen=True, slots=True)
class EntryDoc:
    """One dated entry of a task's progress beside the current one: a month's column of a
    monthly ledger ("3月"), or 本月进展 beside 累计进展. `month` is 1-12 where known."""

    title: str
    text: str
    month: int | None = None


@dataclass(slots=True)
class TaskDoc:
    """One task row of the ledger, or one sub-item row under a task (`subitems`). A sub-item's
    `number` is its place under its task (1, 2, ...) and `label` its number as written
    ("3-1", "3.1", "（1）", "①"); a task's `label` is empty. A sub-item's leaders are its own,
    or its task's when its row names none."""

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
    label: str = ""
    entries: list[EntryDoc] = field(default_factory=list)
    subitems: list[TaskDoc] = field(default_factory=list)
    # The light and its first reason ("红灯：…") an export writes in its 预警 column; not
    # read from a file, not part of the ledger's content.
    warning: str = field(default="", compare=False)

    def display_number(self, parent: TaskDoc | None = None) -> str:
        """The number shown in the 序号 column: the label as written, else `3-1` for a
        sub-item of task 3, else the task's number."""
        if self.label:
            return self.label
        return f"{parent.number}-{self.number}" if parent is not None else str(self.number)


@dataclass(slots=True)
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
    # Every ledger table the file holds, described in one line each ("表格1：…（16行）"), when
    # there is more than one; the reader read the one chosen (`table=N`, else the first).
    tables: list[str] = field(default_factory=list, compare=False)

    @property
    def tasks(self) -> list[TaskDoc]:
        """All tasks in document order."""
        return [task for category in self.categories for task in category.tasks]


def task_keys(doc: LedgerDoc) -> list[str]:
    """Each task's identity: its number where no number is used in two categories, else
    `category.number` (ledgers that number tasks afresh in each category). A number that
    still repeats (the same 序号 twice in a category, a mistake the reader warns of) gets
    `-2`, `-3` ... on its later occurrences, so every key is unique and the other tasks keep
    the keys they have in the edition without the mistake."""
    categories_of: dict[int, set[int]] = {}
    for index, category in enumerate(doc.categories):
        for task in category.tasks:
            categories_of.setdefault(task.number, set()).add(index)
    if all(len(found) == 1 for found in categories_of.values()):
        keys = [str(task.number) for task in doc.tasks]
    else:
        keys = [f"{c.number}.{t.number}" for c in doc.categories for t in c.tasks]
    return _unique(keys)


def subitem_keys(task_key: str, subitems: list[TaskDoc]) -> list[str]:
    """The sub-items' identities: their task's key and their place under it (`3/1`); one
    that repeats (two sub-items numbered alike, possible in JSON) gets `-2`, `-3` ..."""
    return _unique([f"{task_key}/{subitem.number}" for subitem in subitems])


def _unique(keys: list[str]) -> list[str]:
    """The keys with `-2`, `-3` ... on the later occurrences of one that repeats."""
    seen: Counter[str] = Counter()
    unique = []
    for key in keys:
        seen[key] += 1
        unique.append(key if seen[key] == 1 else f"{key}-{seen[key]}")
    return unique


def all_task_docs(doc: LedgerDoc) -> list[tuple[str, TaskDoc, TaskDoc | None]]:
    """Every task and sub-item in document order with its key and its parent (None for a
    task): what an importer or a per-row writer walks."""
    rows: list[tuple[str, TaskDoc, TaskDoc | None]] = []
    for key, task in zip(task_keys(doc), doc.tasks, strict=True):
        rows.append((key, task, None))
        keys = subitem_keys(key, task.subitems)
        rows.extend((sub_key, sub, task) for sub_key, sub in zip(keys, task.subitems, strict=True))
    return rows
