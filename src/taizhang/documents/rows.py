"""What a table row below the header is, before it is read as a task: the rows offices keep in
their ledger tables that are no task (合计 rows, legends, titles, 填报单位 lines), and the many ways
a 序号 cell numbers a task or a sub-item. Pure text rules, shared by every table reader through
`table.py`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from taizhang.chinese.numbers import chinese_numeral_to_int, parse_category_marker
from taizhang.documents.columns import looks_like_header


@dataclass(slots=True)
class RawRow:
    """One table row as a reader found it: cell texts (paragraphs joined by newlines) and
    where it stands in the file (`line` for text files, None where lines mean nothing).
    `placeholder` marks an empty row a reader left where it joined a row into the one above
    (so row numbers stay those of the file); it is skipped without a word. `parts` keeps the
    rows so joined."""

    cells: list[str]
    line: int | None = None
    placeholder: bool = False
    # A task written over several table rows under one merged 序号: each row's own cells
    # (merged cells filled in), while `cells` holds them joined. Empty for a one-row task.
    parts: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class RawTable:
    """What a reader found: lines above the table (title block) and the table's rows."""

    source: str
    preamble: list[str] = field(default_factory=list)
    rows: list[RawRow] = field(default_factory=list)


def category_marker(cells: list[str]) -> tuple[int, str] | None:
    """A category row's number and name, or None for any other row: a Chinese numeral in the
    first cell ("一", "一、name") and at most the name in the others."""
    marker = parse_category_marker(cells[0]) if cells else None
    rest = [cell.strip() for cell in cells[1:] if cell.strip()]
    if marker is None or (not marker[1] and len(rest) > 1):
        return None
    number, name = marker
    return number, name or (rest[0] if rest else "")


# 合计 / 小计 / 总计 / 共计 rows: the word opens the row (its 序号 or first text cell).
_TOTAL: Final = re.compile(
    r"^(合\s*计|小\s*计|总\s*计|共\s*计)\s*([:：（(\d０-９].*)?$|^累\s*计\s*([:：（(].*)?$",
    re.DOTALL,
)
# Legend and note rows: 注：… 说明：… 填表说明 … 备注：…, inside the table or under it.
_NOTE: Final = re.compile(
    r"^(注\s*\d*|注\s*[（(]?\d+[）)]?|说\s*明\s*\d*|填\s*表\s*说\s*明|填\s*报\s*说\s*明|"
    r"备\s*注|附\s*注|图\s*例)\s*[:：]|^(填表说明|填报说明|图例)"
)
# Lines of a title block met inside the table: who filled it in, the as-of line, 附件.
_FILLER: Final = re.compile(
    r"^(填\s*报\s*单\s*位|填\s*表\s*单\s*位|报\s*送\s*单\s*位|制\s*表\s*单\s*位|单\s*位\s*[:：]|"
    r"制\s*表\s*人|填\s*表\s*人|填\s*报\s*人|审\s*核\s*人|联\s*系\s*人|联\s*系\s*电\s*话|负\s*责\s*人)"
)
_AS_OF_LINE: Final = re.compile(r"^[（(]?\s*截\s*[至止]")
ATTACHMENT: Final = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?$")
# A title row: names the kind of document (台账, 清单, 一览表, …).
_TITLE_WORDS: Final = re.compile(r"(台账|清单|一览表|情况表|统计表|汇总表|进度表|推进表|计划表)$")

# 序号 cells. Digits may be full-width; NFKC makes them ASCII (but also turns ① into 1, so the
# circled digits are matched before normalising).
_PLAIN: Final = re.compile(r"^(\d{1,5})[.．、]?$")
_DOTTED: Final = re.compile(r"^(\d{1,5})\s*[-－—–~.．]\s*(\d{1,3})[.．、]?$")
_BRACKETED: Final = re.compile(r"^[（(]\s*(\d{1,3})\s*[）)]$|^(\d{1,3})\s*[）)]$")
_CIRCLED: Final = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def is_total_row(cells: list[str]) -> bool:
    """A 合计 / 小计 / 总计 row: one of its first two non-empty cells is the word alone, or the
    word then a count or a colon ("合计：16项", "小计3项"); "累计新增就业5000人" or
    "总计划投资5亿元" is a task's goal."""
    texts = [cell for cell in cells if cell][:2]
    return any(_TOTAL.match(text) for text in texts)


def note_text(cells: list[str]) -> str | None:
    """The text of a legend or note row (注：√为已完成… / 说明：… / 填表说明), else None: the
    row's first non-empty cell opens with the word, and the row holds at most one other text
    (a note merged across the table, or written in two cells)."""
    texts = [cell for cell in cells if cell]
    if not texts or len(texts) > 2 or not _NOTE.match(texts[0]):
        return None
    return "\n".join(texts)


def title_block_kind(cells: list[str]) -> str | None:
    """What a row of the title block met inside the table is ("填报单位", "截至日期", "附件",
    "标题"), else None. Only a row with one text (often merged across the width) can be one."""
    texts = list(dict.fromkeys(cell for cell in cells if cell))
    if len(texts) != 1:
        return None
    text = re.sub(r"\s+", "", texts[0])
    if _FILLER.match(text):
        return "填报单位"
    if _AS_OF_LINE.match(text):
        return "截至日期"
    if ATTACHMENT.match(text):
        return "附件"
    if _TITLE_WORDS.search(text) and len(text) <= 80:
        return "标题"
    return None


@dataclass(frozen=True)
class Number:
    """A 序号 cell read: `task` is a task's number, `sub` a sub-item's place under the task whose
    number is `parent` (None where the style does not say: （1）, ①), `label` the cell as
    written (whitespace removed), `style` how it is written ("plain", "dotted", "bracketed",
    "circled")."""

    label: str
    style: str
    task: int | None = None
    parent: int | None = None
    sub: int | None = None


def read_number(text: str) -> Number | None:
    """Read a 序号 cell: "3", "3.", "3、" (a task); "一" (a task numbered in Chinese, where
    the row is no category row); "3-1", "3.1", "3－1" (sub-item 1 of task 3); "（1）", "(1)",
    "1）", "①" (sub-item 1, or a task numbered that way where no task stands above it). None
    for anything else ("x", "1a")."""
    label = re.sub(r"\s+", "", text)
    if not label:
        return None
    if label in _CIRCLED:
        return Number(label=label, style="circled", sub=_CIRCLED.index(label) + 1)
    plain = unicodedata.normalize("NFKC", label)
    if found := _PLAIN.match(plain):
        return Number(label=label, style="plain", task=int(found.group(1)))
    if found := _DOTTED.match(plain):
        parent, sub = int(found.group(1)), int(found.group(2))
        return Number(label=label, style="dotted", parent=parent, sub=sub)
    if found := _BRACKETED.match(plain):
        return Number(label=label, style="bracketed", sub=int(found.group(1) or found.group(2)))
    numeral = chinese_numeral_to_int(label.rstrip("、.．"))
    if numeral is not None and numeral > 0 and not label[:1].isdigit():
        return Number(label=label, style="chinese", task=numeral)
    return None


def may_be_task(cells: list[str]) -> bool:
    """Whether a row may be a task whose merged cells lend their text to the rows below: no
    header, category, legend (注：√为已完成…), total or title row (a 合计 row right under the
    header must not take the rows below)."""
    return not (
        looks_like_header(cells)
        or category_marker(cells) is not None
        or note_text(cells) is not None
        or is_total_row(cells)
        or title_block_kind(cells) is not None
    )
