"""Figures a reporter types, one or more a line, as people write them: "河道清淤约3公里",
"完成投资 1,200 万元", "完成投资１２００万元", "投资8200万元，完成年度计划的91%",
"管线：9000 米", "完成 5 公顷" (a unit outside the reader's list, written after the name)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from taizhang.chinese.quantities.numbers import _WIDTH
from taizhang.chinese.quantities.sentences import find_quantities

# Spaces and a colon between a name and its number ("管线：9000 米") would cut the name off
# the figure; spaces before a unit are only spacing.
_GAP_BEFORE_NUMBER = re.compile(r"[\s:：]+(?=[-0-9])")
_SPACES = re.compile(r"(?<=[0-9.])\s+|\s+(?=[%])")
# "名称 数值 单位" with any short unit, for units the sentence reader does not know ("完成 5
# 公顷"): the name stands apart from the number, as the form's hint asks.
_NAME_VALUE_UNIT = re.compile(
    r"^(?P<name>[^0-9]*[^0-9第\s:：])[\s:：]+(?P<value>-?[0-9]{1,15}(?:\.[0-9]{1,6})?)"
    r"\s*(?P<unit>[^\s0-9]{0,6})$"
)
_NEGATIVE = re.compile(r"-[0-9]")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?![0-9]))")


@dataclass(frozen=True)
class TypedFigure:
    """One figure of a typed line: what it counts, its number, its unit as written."""

    name: str
    value: Decimal
    unit: str


@dataclass
class FigureLines:
    """The figures read from typed lines, and the lines that could not be read, by number
    (from 1, blank lines counted) and as typed."""

    figures: list[TypedFigure] = field(default_factory=list)
    unread: list[tuple[int, str]] = field(default_factory=list)


def read_figure_lines(text: str) -> FigureLines:
    """Every figure of every line of `text`; a line with no figure, or with a figure whose
    name cannot be told, goes to `unread` whole (nothing of it is half read). Never raises."""
    result = FigureLines()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = read_figure_line(line)
        if found:
            result.figures += found
        else:
            result.unread.append((number, line.strip()))
    return result


def read_figure_line(line: str) -> list[TypedFigure]:
    """The figures of one typed line, or [] when it cannot be read whole."""
    spaced = _THOUSANDS.sub("", line.translate(_WIDTH).strip())
    plain = _SPACES.sub("", _GAP_BEFORE_NUMBER.sub("", spaced))
    # The sentence reader knows no negative numbers: "-3" is for the written form below.
    negative = _NEGATIVE.search(plain) is not None
    quantities = [] if negative else find_quantities(plain, default_kind="actual")
    if quantities and all(q.subject.strip() for q in quantities):
        return [TypedFigure(q.subject.strip(), q.value, q.unit) for q in quantities]
    # A figure without a name may still be written "名称 数值 单位" ("完成 5 公顷").
    written = _NAME_VALUE_UNIT.match(spaced)
    if written is None or not written["name"].strip():
        return []
    return [TypedFigure(written["name"].strip(), Decimal(written["value"]), written["unit"])]
