"""Figures in sentences: each figure's subject (what it counts) and kind (target, actual or
plan), and the figures of a task's cells."""

from __future__ import annotations

import functools
import re

from taizhang.chinese.quantities.numbers import (
    _CLAUSE_BREAKS,
    _QUOTES,
    _WIDTH,
    _clause_start,
    _Figure,
    _figures,
    _sentence_start,
)
from taizhang.chinese.quantities.units import KINDS, Quantity

# Kind markers hold until the end of the sentence or the next marker ("今年计划完成管网建设20
# 公里，新增…137万平方米" is all plan). In a goal cell 已 binds within its clause only: "在已建成
# 12所的基础上，再建设8所" asks for 8 more.
_MARKERS: dict[str, str] = {
    **dict.fromkeys(("计划", "拟", "预计"), "plan"),
    **dict.fromkeys(
        ("目前", "已", "累计", "截至", "截止", "至今", "现已", "今年以来", "实际"), "actual"
    ),
    **dict.fromkeys(
        ("总投资", "总建筑面积", "全长", "总长", "总面积", "力争", "目标", "任务"), "target"
    ),
}  # fmt: skip
_CLAUSE_MARKERS = ("已",)
# In a goal or deadline cell "2022年底前累计完成投资2.8亿元" is a cumulative target.
_PROGRESS_ONLY_MARKERS = ("累计", "至今", "今年以来")
_MARKER_PATTERN = re.compile("|".join(sorted(_MARKERS, key=len, reverse=True)))

# Dates and time words before a subject: the subject starts after them.
_DATE = re.compile(
    r"(?:[0-9]{4}|[〇零一二三四五六七八九]{4})年度?"
    r"|[0-9一二三四五六七八九十]{1,3}月(?:份|底|末|初|上旬|中旬|下旬|[0-9一二三四五六七八九十]{1,3}[日号])?"
    r"|[0-9]{1,2}[日号]|年[底末内]|[上下]半年|第?[一二三四1-4]季度[末底]?"
    r"|(?<=[底末内份旬日号年度])(?:前|以前|之前|以来)"
)


def _longest_first(words: str) -> tuple[str, ...]:
    """Space-separated words as a tuple, longest first, so prefixes never shadow longer words."""
    return tuple(sorted(words.split(), key=len, reverse=True))


# Words that open a clause without naming anything (stripped from the readable subject).
_LEADING_FILLERS = _longest_first(
    "目前 截至目前 截止目前 现已 已经 已有 已 累计 共计 总计 合计 共有 共 今年以来 今年 年内 全年 "
    "计划 拟 预计 力争 其中 约 再 另 仅 还 并 均 为 在 全市 全区 全县 同时 此外 实际 截至 截止 分别"
)
# Words between a subject and its number ("覆盖率达到41%", "服务不少于8万人次").
_TRAILING_FILLERS = _longest_first(
    "约 近 大约 将近 接近 达到 达 为 是 到 至 共 计 共计 合计 累计 总计 不少于 不低于 不超过 不足 "
    "超过 逾 提高到 提高至 提升到 提升至 增加到 增至 已 了 已完成 完成了 完成 有 仅 全部 由 分别"
)
# Verbs and modifiers that may open a subject; dropped for matching ("年度完成投资" -> "投资").
_LEADING_VERBS = _longest_first(
    "新建和改建 新改建 改扩建 新建 改建 扩建 新增 改造提升 巩固提升 改造 提升 建设 建成 完成 实施 "
    "开展 推进 打通 铺设 安装 更新 新购置 购置 拆除 发放 招聘 招录 培训 服务 惠及 带动 扶持 提供 "
    "可容纳 容纳 覆盖 投入 配备 整治 排查 收集 办结 办理 接待 减免 清理 引进 争取 落实 实现 启动 "
    "开工 完工 签订 改善 规划 涉及 拨付 年度 本年度 和 及 与 、"
)
# Where a subject read after the unit stops ("两座泵站已浇筑完成" -> 泵站).
_AFTER_STOPS = _longest_first(
    "的 已 正在 正 均 全部 基本 主体 开工 完工 建成 投用 投入 进行 进场 开展 完成 发放 提供 建立 "
    "对 免 实施 将 未 尚 仍 等 和 及 共 计划 预计 拟 达 为 占 是 提高 提升 增加 增长 降低 下降 减少"
)
_SCOPE_WORDS = ("工程", "项目")
_BOUNDS = ("以上", "以下", "以内")
# An age between a count and its noun: "3.8万名0至6岁儿童", "2万名60周岁以上老人".
_AGE = re.compile(r"[0-9]+(?:[至到~-][0-9]+)?周?岁(?:以上|以下)?")
_MAX_SUBJECT = 12


def find_quantities(text: str, *, default_kind: str = "target") -> list[Quantity]:
    """Every figure in `text`, in order, with its subject and kind.

    default_kind is the kind of a figure whose sentence has no plan/actual/target marker: the
    default "target" suits goal and deadline cells, "actual" suits progress cells. Never raises
    on any text; raises ValueError for a default_kind outside KINDS.
    """
    if default_kind not in KINDS:
        raise ValueError(f"unknown kind: {default_kind}")
    plain = text.translate(_WIDTH)
    figures = list(_figures(plain))
    found: list[Quantity] = []
    for index, figure in enumerate(figures):
        previous = figures[index - 1] if index else None
        following = figures[index + 1] if index + 1 < len(figures) else None
        subject = _subject(plain, figure, previous, found[-1].subject if found else "")
        if not _key(subject):
            subject += _antecedent(plain, figure, figures[:index], found)
        kind = _kind(plain, figure, following, default_kind)
        span = text[figure.start : figure.end]
        found.append(Quantity(subject, figure.value, figure.unit, span, figure.approximate, kind))
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
    """Figures a progress cell (进展情况) reports as done or as they stand, plan figures left out.

    "今年计划…137万平方米。目前已完成…约165万平方米" gives 165 only.
    """
    return [q for q in find_quantities(progress, default_kind="actual") if q.kind == "actual"]


# --- kinds ---------------------------------------------------------------------------------


def _kind(text: str, figure: _Figure, following: _Figure | None, default: str) -> str:
    """Kind from the clause after the figure, else the nearest marker before it, else default."""
    after = _kind_after(text, figure, following)
    if after is not None:
        return after
    sentence = _sentence_start(text, figure.start)
    kind = default
    for marker in _MARKER_PATTERN.finditer(text, sentence, figure.start):
        between = text[marker.end() : figure.start]
        in_other_clause = any(c in _CLAUSE_BREAKS for c in between)
        if default == "target" and marker.group() in _CLAUSE_MARKERS and in_other_clause:
            continue
        if default == "target" and marker.group() in _PROGRESS_ONLY_MARKERS:
            continue
        # "占总投资的58.3%", "完成年度计划投资的35%": a share of the plan, not a planned figure.
        if between.startswith("的") or (figure.unit == "%" and between.endswith("的")):
            continue
        kind = _MARKERS[marker.group()]
    return kind


def _kind_after(text: str, figure: _Figure, following: _Figure | None) -> str | None:
    """'计划新建的3所学校已全部建成' is done; '剩余6座计划明年实施' is a plan."""
    end = figure.end
    while end < len(text) and text[end] not in _CLAUSE_BREAKS:
        end += 1
    if following is not None and following.start < end:
        return None  # the words after belong to the next figure
    words = text[figure.end : end]
    if any(m in words for m in ("计划", "拟", "预计")):
        return "plan"
    return "actual" if "已" in words else None


# --- subjects ------------------------------------------------------------------------------


def _subject(text: str, figure: _Figure, previous: _Figure | None, inherited: str) -> str:
    """Readable name of what a figure counts, read before the number or after the unit."""
    floor = previous.end if previous is not None else 0
    clause = _clause_start(text, figure.start, floor)
    before = _trim_before(text[clause : figure.start])
    after, linked = _after_unit(text, figure.end)
    if before.endswith("等"):  # "湨河等30公里水系治理": the list names places, not the thing
        name = after
    elif before.endswith("的"):  # "今年计划建设的10座中转站"
        name = after or before[:-1]
    elif after and not linked:  # "4个景区", "完成68个行政村": what follows is what is counted
        name = after if _key(before) else before + after
    elif after:  # "改善215万平方米的供热质量"
        name = before + after
    else:
        name = before or (inherited if clause == floor and previous is not None else "")
    return name.translate(_QUOTES)[-_MAX_SUBJECT:]


def _antecedent(text: str, figure: _Figure, earlier: list[_Figure], found: list[Quantity]) -> str:
    """The noun a parallel clause leaves out: "新建公共厕所30座，改造提升20座" -> 公共厕所.

    It is the subject, without its verbs, of the nearest earlier figure of the same sentence
    and unit.
    """
    sentence = _sentence_start(text, figure.start)
    for other, quantity in zip(reversed(earlier), reversed(found), strict=True):
        if other.start < sentence:
            break
        if quantity.unit == figure.unit and _key(quantity.subject):
            return _key(quantity.subject)
    return ""


def _trim_before(segment: str) -> str:
    """The words before a number without dates, project names and filler words."""
    dates = list(_DATE.finditer(segment))
    if dates:
        segment = segment[dates[-1].end() :]
    # The subject follows the last 的 or adverb inside the words: "…适应症的儿童", "补贴已对接商户".
    cuts = [segment.rfind(word, 0, len(segment) - 1) for word in ("的", "已", "正在")]
    inner = max(
        (cut + (2 if segment.startswith("正在", cut) else 1) for cut in cuts if cut >= 0), default=0
    )
    segment = segment[inner:]
    for scope in _SCOPE_WORDS:
        # "玉阳湖工业供水工程年度完成投资": the project name ends where an adverb or verb starts.
        cut = segment.rfind(scope)
        rest = segment[cut + len(scope) :]
        if cut >= 0 and _key(rest) and _key(rest) != rest:
            segment = rest
    segment = _strip(segment, _LEADING_FILLERS)
    while True:
        shorter = segment.removesuffix(
            next((w for w in _TRAILING_FILLERS if segment.endswith(w)), "")
        )
        if shorter == segment:
            return segment
        segment = shorter


def _after_unit(text: str, end: int) -> tuple[str, bool]:
    """The noun right after a unit, and whether 的 links it ("215万平方米的供热质量")."""
    for bound in _BOUNDS:
        if text.startswith(bound, end):
            end += len(bound)
    linked = text.startswith("的", end)
    start = end + linked
    age = _AGE.match(text, start)
    start = stop = age.end() if age else start
    while stop < len(text) and stop - start < _MAX_SUBJECT:
        char = text[stop]
        if char in _CLAUSE_BREAKS or char.isdigit() or text.startswith(_AFTER_STOPS, stop):
            break
        stop += 1
    return text[start:stop], linked


def _strip(words: str, openers: tuple[str, ...]) -> str:
    """`words` without any of `openers` at its start, repeatedly (the first of `openers` that
    fits each time, as they are longest first)."""
    return words[_openers_pattern(openers).match(words).end() :]  # type: ignore[union-attr]


@functools.cache
def _openers_pattern(openers: tuple[str, ...]) -> re.Pattern[str]:
    # An alternation tries its words in order, as the loop it replaces did, in C.
    return re.compile("(?:" + "|".join(map(re.escape, openers)) + ")*")


@functools.lru_cache(maxsize=4096)
def _key(subject: str) -> str:
    """A subject reduced for matching: fillers and opening verbs dropped."""
    while True:
        shorter = _strip(_strip(subject, _LEADING_FILLERS), _LEADING_VERBS)
        if shorter == subject:
            return subject
        subject = shorter


def _same(one: Quantity, other: Quantity) -> bool:
    return (one.value, one.unit, _key(one.subject)) == (
        other.value,
        other.unit,
        _key(other.subject),
    )
