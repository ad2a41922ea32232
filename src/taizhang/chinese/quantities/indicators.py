"""Indicators: each target figure paired with the actual figure that measures it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from taizhang.chinese.quantities.sentences import (
    _LEADING_VERBS,
    _key,
    actuals,
    find_quantities,
    targets,
)
from taizhang.chinese.quantities.units import Indicator, Quantity


def match_indicators(targets: list[Quantity], actuals: list[Quantity]) -> list[Indicator]:
    """Pair each target with at most one actual of the same unit family and a similar subject.

    Subjects are compared without their opening verbs ("年度完成投资" ~ "完成投资"): pairs need
    a common substring of two characters and are taken best first by character-bigram Jaccard
    similarity; between equally similar actuals the one nearest the target wins (a total
    rather than its breakdown, "23个" rather than "24个" for a target of 23). A lone unmatched
    target still gets the lone unmatched actual of its family whose subject is empty
    ("已建成1623个"). Indicators follow the order of the targets.
    """
    pairs = _best_pairs(targets, actuals)
    return [_indicator(t, pairs.get(i)) for i, t in enumerate(targets)]


def task_indicators(goal: str, deadline_text: str, progress: str) -> list[Indicator]:
    """Indicators of one task: targets from goal and deadline, actuals from progress.

    A plan figure of the progress cell ("今年计划完成管网建设20公里") becomes a target too when
    the goal and deadline name nothing like it and an actual ("已完成管网建设约21公里") can be
    measured against it; plan figures without an actual would only repeat the text.
    """
    wanted = targets(goal, deadline_text)
    done = actuals(progress)
    planned = find_quantities(progress, default_kind="actual")
    for plan in (q for q in planned if q.kind == "plan"):
        if not any(_similarity(t, plan) for t in wanted) and any(
            _similarity(plan, a) for a in done
        ):
            wanted.append(plan)
    return match_indicators(wanted, done)


# --- matching ------------------------------------------------------------------------------


def _similarity(target: Quantity, actual: Quantity) -> float:
    """Bigram Jaccard of the two keys when they share 2 characters in a row, else 0."""
    if target.in_unit(actual.unit) is None:
        return 0.0
    one, other = _key(target.subject) or target.subject, _key(actual.subject) or actual.subject
    if one == other:
        return 1.0 if one else 0.0
    one_pairs, other_pairs = _bigrams(one), _bigrams(other)
    common = one_pairs & other_pairs
    return len(common) / len(one_pairs | other_pairs) if common else 0.0


def _bigrams(words: str) -> set[str]:
    return {words[i : i + 2] for i in range(len(words) - 1)}


def _best_pairs(targets: list[Quantity], actuals: list[Quantity]) -> dict[int, Quantity]:
    """Target index -> actual, best similarity first, each side used once."""
    scored = [
        (_similarity(t, a), -abs((a.in_unit(t.unit) or 0) - t.value), -t_index, a_index, t_index)
        for t_index, t in enumerate(targets)
        for a_index, a in enumerate(actuals)
    ]
    pairs: dict[int, Quantity] = {}
    used: set[int] = set()
    for similarity, _, _, a_index, t_index in sorted(scored, reverse=True):
        if similarity > 0 and t_index not in pairs and a_index not in used:
            pairs[t_index] = actuals[a_index]
            used.add(a_index)
    _pair_lone_figures(targets, actuals, pairs, used)
    return pairs


def _pair_lone_figures(
    targets: list[Quantity], actuals: list[Quantity], pairs: dict[int, Quantity], used: set[int]
) -> None:
    """Pair a family's one unmatched target with its one unmatched subjectless actual."""
    for t_index, target in enumerate(targets):
        if t_index in pairs:
            continue
        open_targets = [
            i
            for i, t in enumerate(targets)
            if i not in pairs and t.in_unit(target.unit) is not None
        ]
        bare = [
            i
            for i, a in enumerate(actuals)
            if i not in used and a.in_unit(target.unit) is not None and not _key(a.subject)
        ]
        if len(open_targets) == 1 and len(bare) == 1:
            pairs[t_index] = actuals[bare[0]]
            used.add(bare[0])


def _indicator(target: Quantity, actual: Quantity | None) -> Indicator:
    value = actual.in_unit(target.unit) if actual is not None else None
    percent = None
    if value is not None and target.value:
        percent = (value * 100 / target.value).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Indicator(
        target.subject, target.value, value, target.unit, percent,
        _doubt(target, actual), actual.subject if actual is not None else "",
    )  # fmt: skip


def _doubt(target: Quantity, actual: Quantity | None) -> str | None:
    """Why a pairing may be wrong: only the unit matched (an actual naming nothing but a verb),
    subjects that differ (neither, verbs dropped at both ends, holds the other), an
    approximate actual; None when solid."""
    if actual is None:
        return None
    one, other = _core(target.subject), _core(actual.subject)
    if not one or not other:
        return "unit_only"
    if one not in other and other not in one:
        return "subject"
    return "approximate" if actual.approximate else None


def _core(subject: str) -> str:
    """A subject's key without the verbs that may also close it ("小区改造" -> "小区")."""
    key = _key(subject)
    while ending := next((v for v in _LEADING_VERBS if v != key and key.endswith(v)), ""):
        key = key[: -len(ending)]
    return key
