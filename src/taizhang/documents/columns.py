"""Column titles: the many ways offices title the same column, mapped to one logical key.
Shared by every reader of a table (text, .docx, .xlsx)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import Column

# Checked in this order; the first pattern that matches a title wins. Exact titles named by
# offices come first, then looser fragments.
_TITLE_PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    ("number", r"^(序号|编号|序)$"),
    ("co_units", r"(配合单位|协办单位|配合部门|协同单位)"),
    ("units", r"(责任单位|牵头单位|责任部门|牵头部门|主办单位|承办单位|实施单位)"),
    ("leaders", r"(领导)"),
    ("deadline", r"(完成时限|时间节点|完成时间|时限|完成期限|时间要求)"),
    ("progress", r"(进展情况|目前进展|推进情况|工作进展|进展|进度情况)"),
    ("status", r"^(完成情况|状态|进度状态|推进状态|完成状态)$"),
    ("remarks", r"^(备注|说明)$"),
    (
        "goal",
        r"(工作目标任务|项目名称|工作任务|目标任务|重点任务|任务内容|工作内容|主要任务|"
        r"工作目标|建设内容|实事名称|项目内容|任务)",
    ),
)

REQUIRED_KEYS: Final = ("number", "goal", "leaders", "units", "deadline", "progress")

_TITLE_NAMES: Final = {
    "number": "序号",
    "goal": "工作目标任务",
    "leaders": "牵头领导",
    "units": "责任单位",
    "deadline": "完成时限",
    "progress": "进展情况",
}


def normalize_title(text: str) -> str:
    """A header cell as one comparable string: all whitespace removed."""
    return re.sub(r"\s+", "", text)


def column_key(title: str) -> str | None:
    """The logical key of a column title, or None for a title no office variant matches."""
    text = normalize_title(title)
    if not text:
        return None
    for key, pattern in _TITLE_PATTERNS:
        if re.search(pattern, text):
            return key
    return None


def looks_like_header(cells: list[str]) -> bool:
    """Whether a row of cell texts is a ledger header: it has a goal column and at least two
    other known columns."""
    keys = {column_key(cell) for cell in cells}
    return "goal" in keys and len(keys - {None, "goal"}) >= 2


def header_columns(
    cells: list[str],
    *,
    source: str,
    line: int | None,
    row: int | None,
    overrides: Mapping[str, str] | None = None,
) -> list[Column]:
    """Map the header row's cells to columns; raise when a required column is missing or a key
    appears twice. Unknown titles are kept with key `extra`. `overrides` ({title: key}, the
    office's own reading) wins over the vocabulary."""
    chosen = {normalize_title(title): key for title, key in (overrides or {}).items()}
    columns: list[Column] = []
    seen: set[str] = set()
    for cell in cells:
        title = normalize_title(cell)
        key = chosen.get(title) or column_key(title) or "extra"
        if key in seen and key != "extra":
            # A second leader/unit column: 牵头单位 beside 责任单位 is lead + co.
            key = "co_units" if key == "units" and "co_units" not in seen else "extra"
        seen.add(key)
        columns.append(Column(key=key, title=title))
    missing = [key for key in REQUIRED_KEYS if key not in seen]
    if missing:
        names = "、".join(_TITLE_NAMES[key] for key in missing)
        raise LedgerReadError(f"台账表头缺少必需的列：{names}", source=source, line=line, row=row)
    return columns
