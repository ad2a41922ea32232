"""A ledger document reshaped for an export: the 预警 column added, one document per unit
(a joint task in each of its units'), or the 领导分管 version (one section per 牵头领导).
Pure: a `LedgerDoc` in, `LedgerDoc`s out, each a single pass over the tasks."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from taizhang.documents.cells import table_columns
from taizhang.documents.model import CategoryDoc, Column, LedgerDoc, TaskDoc

WARNING_COLUMN: Final = Column("warning", "预警")
# What a file name may not hold on Windows or in a zip (and the path separators).
_UNSAFE_NAME: Final = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
# Windows refuses these device names as a file's name, whatever its extension.
_WINDOWS_DEVICE: Final = re.compile(r"(?i)(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])\s*")
_NAME_CHARS: Final = 80


def add_warning_column(doc: LedgerDoc) -> LedgerDoc:
    """The document with the 预警 column last (each task's `warning` text), once."""
    columns = table_columns(doc)
    if not any(column.key == WARNING_COLUMN.key for column in columns):
        columns.append(WARNING_COLUMN)
    return replace(doc, columns=columns)


def _regrouped(
    doc: LedgerDoc, names_of: Callable[[TaskDoc], list[str]]
) -> dict[str, list[tuple[int, TaskDoc]]]:
    """Each name (a unit's, a leader's) in order of first appearance, with the tasks it
    names (their category's index beside each): a task named by it or by one of its
    sub-items, with the sub-items that name it or name no one (they are the task's)."""
    groups: dict[str, list[tuple[int, TaskDoc]]] = {}
    for index, category in enumerate(doc.categories):
        for task in category.tasks:
            own = names_of(task)
            wanted = list(dict.fromkeys(own + [n for s in task.subitems for n in names_of(s)]))
            for name in wanted:
                kept = [
                    s
                    for s in task.subitems
                    if name in names_of(s) or (not names_of(s) and name in own)
                ]
                groups.setdefault(name, []).append((index, replace(task, subitems=kept)))
    return groups


def _unit_names(task: TaskDoc) -> list[str]:
    return [unit.name for unit in task.units]


def _leader_names(task: TaskDoc) -> list[str]:
    return list(task.leaders)


def by_unit(doc: LedgerDoc) -> list[tuple[str, LedgerDoc]]:
    """One document per unit, in order of first appearance: its tasks under their own
    categories, titled "<title>（<unit>）". A joint task is in each of its units' documents;
    a sub-item goes with its task to the units it names (or to its task's, naming none)."""
    documents = []
    for name, tasks in _regrouped(doc, _unit_names).items():
        categories: dict[int, CategoryDoc] = {}
        for index, task in tasks:
            source = doc.categories[index]
            category = categories.setdefault(index, CategoryDoc(source.number, source.name))
            category.tasks.append(task)
        title = f"{doc.title}（{name}）"
        documents.append((name, replace(doc, title=title, categories=list(categories.values()))))
    return documents


def by_leader(doc: LedgerDoc) -> LedgerDoc:
    """The 领导分管 version: one section (a category row, "张三分管（3项）") per 牵头领导
    in order of first appearance, with that leader's tasks in document order, keeping their
    序号; a task led by two leaders is under each. Tasks without a leader end it, under
    "未明确牵头领导"."""
    groups = _regrouped(doc, _leader_names)
    unled = [
        (index, task)
        for index, category in enumerate(doc.categories)
        for task in category.tasks
        if not task.leaders and not any(s.leaders for s in task.subitems)
    ]
    sections = [
        CategoryDoc(number, f"{name}分管（{len(tasks)}项）", [task for _, task in tasks])
        for number, (name, tasks) in enumerate(groups.items(), start=1)
    ]
    if unled:
        sections.append(
            CategoryDoc(
                len(sections) + 1, f"未明确牵头领导（{len(unled)}项）", [t for _, t in unled]
            )
        )
    return replace(doc, title=f"{doc.title}（按领导分管）", categories=sections)


def file_name(name: str) -> str:
    """A unit's (or a title's) name made safe as a file name in a zip and on Windows: no
    path or reserved characters, not one of Windows' device names (CON, NUL, COM1, ...,
    which Windows refuses whatever the extension), and at most `_NAME_CHARS` characters, so
    that with its suffix it stays under the 255 bytes most file systems allow (a Chinese
    character is 3 bytes in UTF-8)."""
    safe = _UNSAFE_NAME.sub("_", name).strip(" .")[:_NAME_CHARS].rstrip(" .") or "_"
    if _WINDOWS_DEVICE.fullmatch(safe.split(".")[0]):
        return f"_{safe}"
    return safe
