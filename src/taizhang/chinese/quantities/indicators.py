"""Indicators: each target figure paired with the actual figure that measures it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from taizhang.chinese.quantities.sentences import find_quantities, targets
from taizhang.chinese.quantities.subjects import _LEADING_VERBS, _key
from taizhang.chinese.quantities.units import Indicator, Quantity, _family


def match_indicators(targets: list[Quantity], actuals: list[Quantity]) -> list[Indicator]:
    """Pair each target with at most one actual of the same unit family and a similar subject.

    Subjects are compared without their opening verbs ("年度完成投资" ~ "完成投资"): pairs need
    a common substring of two characters and are taken best first by character-bigram Jaccard
    similarity; between equally similar actuals the one nearest the target wins (a total
    rather than its breakdown, "23个" rather than "24个" for a target of 23). A lone unmatched
    target still gets the lone unmatched actual of its family whose subject is empty
    ("已建成1623个"). Indicators follow the order of the targets.

    The verb counts as well as the noun: an actual that only started (已开工21个) measures a
    target only when the target is itself a start (开工建设1800套); one not started or planned
    measures none. Each indicator carries a doubt code when its match is weak (see _doubt).
    """
    pairs, lone = _best_pairs(targets, actuals)
    return [_indicator(t, pairs.get(i), unit_only=i in lone) for i, t in enumerate(targets)]


def task_indicators(goal: str, deadline_text: str, progress: str) -> list[Indicator]:
    """Indicators of one task: targets from goal and deadline, actuals from progress.

    A plan figure of the progress cell ("今年计划完成管网建设20公里") becomes a target too when
    the goal and deadline name nothing like it and an actual ("已完成管网建设约21公里") can be
    measured against it; plan figures without an actual would only repeat the text.
    """
    wanted = targets(goal, deadline_text)
    found = find_quantities(progress, default_kind="actual")
    done = [q for q in found if q.kind == "actual"]  # what actuals(progress) gives
    smallest = _smallest_staged(done)
    done = [a for a in done if not _restates(a, wanted, smallest)]
    for plan in (q for q in found if q.kind == "plan"):
        if not any(_similarity(t, plan, stages=False) for t in wanted) and any(
            _similarity(plan, a) for a in done
        ):
            wanted.append(plan)
    return match_indicators(wanted, done)


# --- matching ------------------------------------------------------------------------------


def _restates(actual: Quantity, wanted: list[Quantity], smallest: dict[str, Quantity]) -> bool:
    """An actual that only repeats a target: equal to it, its verb saying nothing of the work,
    while the same progress reports a smaller figure of the family with a stage ("共24个项目，
    已开工21个": 24 is the task, 21 what happened). `smallest` is _smallest_staged's."""
    if actual.stage:
        return False
    repeats = any(
        actual.in_unit(t.unit) == t.value and _similarity(t, actual, stages=False) for t in wanted
    )
    other = smallest.get(_family(actual.unit))
    return repeats and other is not None and (other.in_unit(actual.unit) or 0) < actual.value


def _smallest_staged(done: list[Quantity]) -> dict[str, Quantity]:
    """By unit family, the smallest figure above 0 with a stage."""
    smallest: dict[str, Quantity] = {}
    for quantity in (q for q in done if q.stage and q.value):
        family = _family(quantity.unit)
        known = smallest.get(family)
        if known is None or (quantity.in_unit(known.unit) or 0) < known.value:
            smallest[family] = quantity
    return smallest


_ATTRACTING = ("招引", "引进", "招商", "签约")


def _measures(target: Quantity, actual: Quantity) -> bool:
    """Whether the actual's stage can measure the target: a start measures only a start, a
    figure not started (or a preparatory step) only a target of that step."""
    if actual.stage == "planned":
        return False
    if actual.stage == "pending":
        # Signing is what a target of attracting projects asks for: "招引亿元以上项目30个" is
        # measured by "已签约亿元以上项目32个".
        signs = "签约" in actual.subject or "签订" in actual.subject
        return target.stage == "pending" or (
            signs and any(word in target.subject for word in _ATTRACTING)
        )
    return actual.stage != "started" or target.stage == "started"


def _similarity(target: Quantity, actual: Quantity, *, stages: bool = True) -> float:
    """Bigram Jaccard of the two keys when they share 2 characters in a row, else 0; 0 too
    when `stages` and the actual's stage cannot measure the target."""
    if target.in_unit(actual.unit) is None or (stages and not _measures(target, actual)):
        return 0.0
    one, other = _key(target.subject) or target.subject, _key(actual.subject) or actual.subject
    if one == other:
        return 1.0 if one else 0.0
    one_pairs, other_pairs = _bigrams(one), _bigrams(other)
    common = one_pairs & other_pairs
    return len(common) / len(one_pairs | other_pairs) if common else 0.0


def _bigrams(words: str) -> set[str]:
    return {words[i : i + 2] for i in range(len(words) - 1)}


def _best_pairs(
    targets: list[Quantity], actuals: list[Quantity]
) -> tuple[dict[int, Quantity], set[int]]:
    """Target index -> actual, best similarity first, each side used once; and the targets
    paired by unit alone."""
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
    lone = _pair_lone_figures(targets, actuals, pairs, used)
    _pair_only_figures(targets, actuals, pairs, used)
    return pairs, lone


def _pair_lone_figures(
    targets: list[Quantity], actuals: list[Quantity], pairs: dict[int, Quantity], used: set[int]
) -> set[int]:
    """Pair a family's one unmatched target with its one unmatched subjectless actual, starts
    with starts ("已开工1650套") and the rest with the rest ("建成交付900套")."""
    lone: set[int] = set()
    for t_index, target in enumerate(targets):
        if t_index in pairs:
            continue
        starts = target.stage == "started"
        open_targets = [
            i
            for i, t in enumerate(targets)
            if i not in pairs
            and t.in_unit(target.unit) is not None
            and (t.stage == "started") == starts
        ]
        bare = [
            i
            for i, a in enumerate(actuals)
            if i not in used
            and a.in_unit(target.unit) is not None
            and not _key(a.subject)
            and _measures(target, a)
            and (a.stage == "started") == starts
        ]
        if len(open_targets) == 1 and len(bare) == 1:
            pairs[t_index] = actuals[bare[0]]
            used.add(bare[0])
            lone.add(t_index)
    return lone


def _pair_only_figures(
    targets: list[Quantity], actuals: list[Quantity], pairs: dict[int, Quantity], used: set[int]
) -> None:
    """Pair a family's only target with its only actual that can measure it when their nouns
    share a character but no two in a row ("中小学和幼儿园14所" and "学校已竣工9所"), and the
    actual's verb says what became of the work (a figure that only stands, "全市有学校120所",
    measures nothing here): the bar says its subjects differ. Nouns with nothing in common
    ("停车场" and "充电桩", both counted in 个) are other things."""
    for t_index, target in enumerate(targets):
        family = [t for t in targets if t.in_unit(target.unit) is not None]
        if t_index in pairs or len(family) != 1:
            continue
        measuring = [
            i
            for i, a in enumerate(actuals)
            if a.in_unit(target.unit) is not None
            and a.unit != "%"  # a share ("占全市总数的35%") is no progress of the task
            and a.stage
            and _measures(target, a)
            and _share_a_character(target, a)
        ]
        if len(measuring) == 1 and measuring[0] not in used:
            pairs[t_index] = actuals[measuring[0]]
            used.add(measuring[0])


def _share_a_character(target: Quantity, actual: Quantity) -> bool:
    """Whether the two nouns, without their verbs, have a character in common."""
    return bool(set(_core(target.subject)[0]) & set(_core(actual.subject)[0]))


def _doubt(target: Quantity, actual: Quantity, *, unit_only: bool) -> str | None:
    """Why a match may be wrong, as a code of DOUBTS, or None for a solid one.

    "unit_only": the actual names no subject and was paired by its unit alone; "subject": the
    two subjects differ (neither key holds the other); "stage": the target is a start but the
    actual says completion or nothing of its stage; "approximate": the actual is approximate
    (约/余/以上/逾/突破/基本…, or a range). The first that applies wins.
    """
    if unit_only:
        return "unit_only"
    if _subjects_differ(target.subject, actual.subject):
        return "subject"
    if target.stage == "started" and actual.stage != "started":
        return "stage"
    return "approximate" if actual.approximate else None


# Verbs that say what is done to a thing rather than name it: "新建学校" and "学校改造" are
# other works on the same noun; "改造老旧小区" and "小区改造" the same work.
_WORK_VERBS = ("新建", "改建", "扩建", "改扩建", "改造", "新增", "维修", "提升", "拆除", "迁建")


def _core(subject: str) -> tuple[str, frozenset[str]]:
    """A subject's key without the verbs that may also close it ("小区改造" -> "小区"), and the
    work verbs it names anywhere; the subject itself when nothing is left."""
    key = _key(subject)
    while ending := next((v for v in _LEADING_VERBS if v != key and key.endswith(v)), ""):
        key = key[: -len(ending)]
    return key or subject, frozenset(v for v in _WORK_VERBS if v in subject)


def _subjects_differ(target: str, actual: str) -> bool:
    """Neither core holds the other, or both name works and no work is the same."""
    (one, one_works), (other, other_works) = _core(target), _core(actual)
    if one not in other and other not in one:
        return True
    return bool(one_works and other_works and not one_works & other_works)


def _indicator(target: Quantity, actual: Quantity | None, *, unit_only: bool) -> Indicator:
    if actual is None:
        return Indicator(target.subject, target.value, None, target.unit, None)
    value = actual.in_unit(target.unit)
    percent = None
    if value is not None and target.value:
        percent = (value * 100 / target.value).quantize(Decimal("0.1"), ROUND_HALF_UP)
    doubt = _doubt(target, actual, unit_only=unit_only)
    return Indicator(
        target.subject, target.value, value, target.unit, percent, doubt, actual.subject
    )
