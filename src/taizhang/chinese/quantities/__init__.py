"""Figures in ledger text: targets, actuals, and the indicators that compare them.

A figure is a number (285, 1.2, 9,000, ９０００, 两, 十二, 一百二十, 2万余) followed by a unit
from a fixed list (万元, 万平方米, 公里, 个, 套, %, ...). Each figure gets a subject (the noun
phrase it counts, read from the words before the number or after the unit) and a kind read from
the markers of its sentence: 计划/拟/预计 (and in progress cells 将/下一步/建成后/力争) make a
plan, 目前/已/累计/截至 an actual, 总投资/全长/目标 and a restated task ("为完成…任务") a target;
anything else takes the default of its cell (target in a goal or deadline
cell, actual in a progress cell). Dates, ordinals (第3), identifiers (3号), durations (3个月),
rates (每户500元, 户均800元, 500元/人), dimensions (红线宽40米), ranks (前10名) and idioms (一张网,
一户一策) are not figures. Each figure also gets a stage (done, started, pending, planned) from its
verb, and indicators match a target only with actuals whose stage can measure it, with a doubt
code when the match is weak. The rules are written down in docs/figures.md.
"""

from taizhang.chinese.quantities.indicators import match_indicators, task_indicators
from taizhang.chinese.quantities.lines import (
    FigureLines,
    TypedFigure,
    read_figure_line,
    read_figure_lines,
)
from taizhang.chinese.quantities.sentences import actuals, find_quantities, targets
from taizhang.chinese.quantities.units import DOUBTS, KINDS, STAGES, Indicator, Quantity

__all__ = [
    "DOUBTS",
    "KINDS",
    "STAGES",
    "FigureLines",
    "Indicator",
    "Quantity",
    "TypedFigure",
    "actuals",
    "find_quantities",
    "match_indicators",
    "read_figure_line",
    "read_figure_lines",
    "targets",
    "task_indicators",
]
