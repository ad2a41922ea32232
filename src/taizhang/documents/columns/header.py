"""Which rows are the header: a row of short known titles, or two rows where the top titles
span sub-titles in the row below (时间节点 over 开工时间 / 完工时间)."""

from __future__ import annotations

import re
from typing import Final

from taizhang.chinese.numbers import parse_category_marker
from taizhang.documents.columns.vocabulary import (
    GOAL_FALLBACK,
    MAX_CELL,
    MAX_TITLE,
    bare_title,
    column_key,
    normalize_title,
)

# A 序号 of a task or sub-item: 3, 3., 3-1, （1）, 1）, ①. No header cell is one.
_TASK_NUMBER: Final = re.compile(
    r"^(\d{1,5}[.．、]?|\d{1,5}[-－—–.．]\d{1,3}|[（(]\d{1,3}[）)]|\d{1,3}[）)]|[①-⑳])$"
)

# Kinds of sub-title: a run of sub-titles changes top cell where the kind changes.
_KINDS: Final = {
    "start": "time",
    "deadline": "time",
    "progress_month": "progress",
    "month": "progress",
}


def looks_like_header(cells: list[str]) -> bool:
    """Whether a row of cell texts is a ledger header: short titles, no task's 序号, a goal
    column and at least two other placed columns, and at least half its texts known titles.
    A task row (a long goal text, a number, names of people and units) or a category row
    never is, even where its goal says 任务 or 进展."""
    texts = [cell for cell in cells if cell and not cell.isspace()]
    if len(texts) < 3 or not _titles_only(texts):
        return False
    known: list[str] = []
    for count, text in enumerate(texts, 1):
        key = column_key(text)
        if key in (None, "extra") and GOAL_FALLBACK.search(normalize_title(text)):
            key = "goal?"  # 存在问题, 建议标题: the goal where the header has no other
        if key is not None:
            known.append(key)
        elif 2 * (count - len(known)) > len(texts):
            return False  # more than half unknown: decided without reading the rest
    placed = set(known) - {"goal", "goal?", "extra"}
    return bool({"goal", "goal?"} & set(known)) and len(placed) >= 2


def _titles_only(texts: list[str]) -> bool:
    """No text is a task's 序号 and the first is no category marker (一、…)."""
    if any(len(text) < 8 and _TASK_NUMBER.match(text.strip()) for text in texts):
        return False
    return len(texts[0]) > MAX_TITLE or parse_category_marker(texts[0].strip()) is None


def combine_header(top: list[str], bottom: list[str]) -> list[str] | None:
    """The column titles of a two-row header, "top/bottom" per column ("时间节点/开工时间",
    "进展情况/本月进展", "序号"), when `bottom` holds sub-titles under `top` cells that span
    them; else None (a task row, a category row, a header repeated, anything else).

    Readers give a horizontal merge as its text in the first column and "" in the others (the
    same text repeated is read alike); a vertical merge down from the top row as "" in
    `bottom` or as the top text repeated. A sub-title must stand under a top cell spanning more
    than one column, be short and no 序号, and at least one must be a known title."""
    if any(len(cell) > MAX_CELL for cell in top):
        return None  # a task's text: no header
    width = max(len(top), len(bottom))
    uppers = [normalize_title(cell) for cell in top]
    lowers = [normalize_title(cell) for cell in bottom] + [""] * (width - len(bottom))
    widened = _widen(uppers, lowers) if len(uppers) < width else uppers
    if widened is None:
        return None
    uppers = widened
    if sum(1 for text in uppers if text) < 2 or not _titles_only([t for t in uppers if t]):
        return None
    if any(len(bare_title(text)) > MAX_TITLE for text in uppers):
        return None
    owners = _owners(uppers)
    titles: list[str] = []
    known = spanned = False
    for column, lower in enumerate(lowers):
        owner = owners[column]
        if not lower or lower == owner:
            titles.append(owner)
            continue
        if not _is_subtitle(lower) or (owner and not _spans(owners, column)):
            return None
        title = f"{owner}/{lower}" if owner else lower
        known = known or column_key(lower) is not None
        spanned = spanned or bool(owner)
        titles.append(title)
    return titles if known and spanned else None


def _widen(uppers: list[str], lowers: list[str]) -> list[str] | None:
    """The top row with its spans put back where a reader left them out (text taken from a
    Word table has one cell per merged cell): each run of sub-titles in `lowers` stands under
    one top cell, or under one top cell per kind of sub-title in it (开工时间 | 完工时间 under
    时间节点, 本月进展 | 累计进展 under 进展情况). None where the rows do not fit so."""
    runs: list[list[int]] = []
    for column, text in enumerate(lowers):
        if text and runs and runs[-1][-1] == column - 1:
            runs[-1].append(column)
        elif text:
            runs.append([column])
    over_runs = len(uppers) - (len(lowers) - sum(len(run) for run in runs))
    by_kind = [group for run in runs for group in _kinds(run, lowers)]
    if over_runs == len(by_kind):
        groups = by_kind
    elif over_runs == len(runs):
        groups = runs
    else:
        return None
    starts = {group[0]: len(group) for group in groups}
    widened: list[str] = []
    cells = iter(uppers)
    column = 0
    while column < len(lowers):
        span = starts.get(column, 1)
        widened += [next(cells, ""), *[""] * (span - 1)]
        column += span
    return widened


def _kinds(run: list[int], lowers: list[str]) -> list[list[int]]:
    """A run of sub-titles split where the kind of title changes (time, progress, units ...)."""
    groups: list[list[int]] = []
    last = ""
    for column in run:
        key = column_key(lowers[column])
        kind = last if key is None else _KINDS.get(key, "units" if key == "co_units" else key)
        if not groups or kind != last:
            groups.append([])
        groups[-1].append(column)
        last = kind
    return groups


def _owners(uppers: list[str]) -> list[str]:
    """The top title over each column: its own, or that of the cell spanning it from the left."""
    owners: list[str] = []
    for text in uppers:
        owners.append(text or (owners[-1] if owners else ""))
    return owners


def _spans(owners: list[str], column: int) -> bool:
    """Whether the top title over `column` spans more than that one column."""
    neighbours = (owners[i] for i in (column - 1, column + 1) if 0 <= i < len(owners))
    return owners[column] in neighbours


def _is_subtitle(text: str) -> bool:
    return (
        len(bare_title(text)) <= MAX_TITLE
        and not _TASK_NUMBER.match(text)
        and parse_category_marker(text) is None
    )
