"""Figures in sentences: each figure's subject (what it counts), kind (target, actual or plan)
and stage (done, started, pending, planned), and the figures of a task's cells."""

from __future__ import annotations

import functools
import itertools
import re

from taizhang.chinese.quantities.kinds import _kind, _stage
from taizhang.chinese.quantities.numbers import _WIDTH, _figures
from taizhang.chinese.quantities.subjects import (
    _antecedent,
    _key,
    _respective,
    _same,
    _subject,
    _with_owner,
)
from taizhang.chinese.quantities.units import KINDS, Quantity, _family


def find_quantities(text: str, *, default_kind: str = "target") -> list[Quantity]:
    """Every figure in `text`, in order, with its subject, kind and stage.

    default_kind is the kind of a figure whose sentence has no plan/actual/target marker: the
    default "target" suits goal and deadline cells, "actual" suits progress cells. Never raises
    on any text; raises ValueError for a default_kind outside KINDS.
    """
    if default_kind not in KINDS:
        raise ValueError(f"unknown kind: {default_kind}")
    return list(_found(text, default_kind))


# Cells repeat within a ledger ("年底前", "长期坚持", the same deadline for many tasks): a text
# met again is not read again. (`Quantity` is frozen: the figures are shared, the list not.)
@functools.lru_cache(maxsize=4096)
def _found(text: str, default_kind: str) -> tuple[Quantity, ...]:
    pieces = _pieces(text)
    if len(pieces) == 1:
        return tuple(_find(text, default_kind))
    return tuple(quantity for piece in pieces for quantity in _find(piece, default_kind))


# A clause longer than this (no 、，。；！？ or line break in it) is read in pieces of this
# length: a figure's subject and kind are looked for back to its clause's start, so one
# clause of thousands of characters (pasted text, no punctuation) cost the square of its
# length. Real cells' clauses are far shorter, and are read whole.
CLAUSE_MOST = 300
_LONG_CLAUSE = re.compile(rf"[^、，,。；;！!？?\n]{{{CLAUSE_MOST + 1},}}")


def _pieces(text: str) -> list[str]:
    """`text` cut inside each clause longer than CLAUSE_MOST, about every CLAUSE_MOST
    characters, each cut moved back up to 29 characters off a number (a run of digits longer
    than that is cut where it falls); `[text]` when no clause is that long."""
    cuts: list[int] = []
    for run in _LONG_CLAUSE.finditer(text):
        at = run.start() + CLAUSE_MOST
        while at < run.end():
            cut = next((c for c in range(at, at - 30, -1) if not _in_number(text, c)), at)
            cuts.append(cut)
            at = cut + CLAUSE_MOST
    if not cuts:
        return [text]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if a < b]


def _in_number(text: str, at: int) -> bool:
    """Whether a cut before text[at] would fall inside a number."""
    return text[at - 1].isdigit() or text[at].isdigit() or text[at] in ".．"


def _find(text: str, default_kind: str) -> list[Quantity]:
    """find_quantities of one piece of text."""
    plain = text.translate(_WIDTH)
    figures = list(_figures(plain))
    found: list[Quantity] = []
    nouns: dict[str, tuple[int, str]] = {}  # unit family -> start and key of its last noun
    # unit family -> start and subject of its last figure whose noun follows its unit ("38个签约
    # 项目"): the whole that 其余/剩余 count the rest of.
    wholes: dict[str, tuple[int, str]] = {}
    respective = "分别" in plain
    for index, figure in enumerate(figures):
        previous = figures[index - 1] if index else None
        following = figures[index + 1] if index + 1 < len(figures) else None
        subject = (respective and _respective(plain, figures, index)) or _subject(
            plain, figure, previous, found[-1].subject if found else ""
        )
        subject = _with_owner(plain, figure, subject)
        key = _key(subject)
        if not key:
            subject += _antecedent(plain, figure, nouns, wholes)
            key = _key(subject)
        if key:
            nouns[_family(figure.unit)] = (figure.start, key)
            if subject in plain[figure.end : figure.end + len(subject) + 4]:
                wholes[_family(figure.unit)] = (figure.start, subject)
        kind = _kind(plain, figure, following, default_kind)
        stage = _stage(plain, figure, previous, following, kind)
        span = text[figure.start : figure.end]
        found.append(
            Quantity(
                subject,
                figure.value,
                figure.unit,
                span,
                figure.approximate,
                kind,
                stage=stage,
                high=figure.high,
            )
        )
    return found


def targets(goal: str, deadline_text: str) -> list[Quantity]:
    """Target and plan figures of a task's goal (工作目标任务) and deadline (完成时限) cells.

    A figure the goal marks as done ("在已建成12所…的基础上") is no target and is left out; a
    figure written in both cells is kept once.
    """
    found = [*find_quantities(goal), *find_quantities(deadline_text)]
    kept: list[Quantity] = []
    for quantity in found:
        if quantity.kind != "actual" and not any(_same(quantity, k) for k in kept):
            kept.append(quantity)
    return kept


def actuals(progress: str) -> list[Quantity]:
    """Figures a progress cell (进展情况) reports as done or as they stand; plan figures and
    figures that restate the task ("为完成新增N个…任务") left out.

    "今年计划…137万平方米。目前已完成…约165万平方米" gives 165 only.
    """
    return [q for q in find_quantities(progress, default_kind="actual") if q.kind == "actual"]
