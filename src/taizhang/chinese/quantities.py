"""Figures in ledger text: targets, actuals, and the indicators that compare them.

A figure is a number (285, 1.2, 9,000, ９０００, 两, 十二, 一百二十, 2万余) followed by a unit
from a fixed list (万元, 万平方米, 公里, 个, 套, %, ...). Each figure gets a subject (the noun
phrase it counts, read from the words before the number or after the unit) and a kind read from
the markers of its sentence: 计划/拟/预计 make a plan, 目前/已/累计/截至 an actual, 总投资/全长/
力争/目标 a target; anything else takes the default of its cell (target in a goal or deadline
cell, actual in a progress cell). Dates, ordinals (第3), identifiers (3号), durations (3个月),
rates (每户500元, 500元/人) and idioms (一张网, 一户一策) are not figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from taizhang.chinese.numbers import chinese_numeral_to_int

KINDS: tuple[str, ...] = ("target", "actual", "plan")


@dataclass(frozen=True)
class Quantity:
    """One figure read from ledger text.

    value is the number in the unit as written ("285万平方米" -> 285, unit 万平方米); 万/亿/千
    in front of a counter are folded into the number ("1.2万人" -> 12000, unit 人), because 万人
    is no unit. Use in_unit() to compare figures written in different units of one family.
    """

    subject: str  # readable name of what is counted: "新增供热覆盖面积", "改善供热质量"
    value: Decimal
    unit: str
    text: str  # the matched span of the input, 约/余/左右 included
    approximate: bool  # 约/近/余/多/左右/上下
    kind: str  # "target", "actual" or "plan"

    def in_unit(self, unit: str) -> Decimal | None:
        """The value expressed in `unit` (1亿元 -> 10000 in 万元); None across families.

        A unit outside the reader's list is a family of its own.
        """
        mine, theirs = _UNITS.get(self.unit, (self.unit, 1)), _UNITS.get(unit, (unit, 1))
        if mine[0] != theirs[0]:
            return None
        return _plain(self.value * mine[1] / theirs[1])


@dataclass(frozen=True)
class Indicator:
    """A target figure and the actual matched to it, in the target's unit.

    percent is actual / target * 100 rounded half up to 0.1; None without an actual or when the
    target is 0.
    """

    name: str
    target: Decimal
    actual: Decimal | None
    unit: str
    percent: Decimal | None


# unit -> (family, factor to the family's base). Counters are their own family, except that 名
# counts people like 人 and 床 counts beds like 张.
_UNITS: dict[str, tuple[str, int]] = {
    "亿元": ("money", 10**8), "万元": ("money", 10**4), "元": ("money", 1),
    "平方公里": ("area", 10**6), "万平方米": ("area", 10**4), "平方米": ("area", 1),
    "万亩": ("mu", 10**4), "亩": ("mu", 1),
    "公里": ("length", 1000), "千米": ("length", 1000), "米": ("length", 1),
    "万立方米": ("volume", 10**4), "立方米": ("volume", 1),
    "万吨": ("weight", 10**4), "吨": ("weight", 1),
    "万千瓦": ("power", 10**4), "千瓦": ("power", 1),
    "%": ("percent", 1), "人次": ("人次", 1), "人": ("人", 1), "名": ("人", 1),
    "张": ("床", 1), "床": ("床", 1),
    **{counter: (counter, 1) for counter in "套个所座处条家台辆间项颗单件户"},
}  # fmt: skip
# What may not follow a unit: "3个月" is a duration, "2台账" and "5项目" are other words.
_NOT_AFTER_UNIT: dict[str, tuple[str, ...]] = {
    "个": ("月", "工作日", "百分点", "小时", "季度", "“", '"', "‘"),
    "人": ("民",), "名": ("单", "称", "录", "额"), "家": ("属", "庭", "长", "园", "电"),
    "台": ("账", "阶"), "处": ("理", "置", "于"), "所": ("有", "在", "属"), "项": ("目",),
    "单": ("位", "价", "套", "元", "独"), "户": ("籍", "外"), "条": ("件", "例", "款"),
    "元": ("旦", "宵"), "座": ("谈",), "套": ("餐",), "间": ("隔",),
}  # fmt: skip
_IDIOMS = ("一张网", "一张图", "一张蓝图", "一条龙", "一条心", "一家人")
_MULTIPLIERS = {"千": 1000, "万": 10**4, "亿": 10**8}

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_INT = f"[{_CN_DIGITS}十百千]+(?:万[{_CN_DIGITS}十百千]+)?"
# At most 15 digits and 6 decimals: longer digit strings are codes, not figures, and the
# arithmetic stays exact within Decimal's default 28 digits.
_ARABIC = r"[0-9]{1,3}(?:,[0-9]{3}){1,4}(?:\.[0-9]{1,6})?|[0-9]{1,15}(?:\.[0-9]{1,6})?"
_UNIT_ALTERNATIVES = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"百分之(?P<percent>{_ARABIC}|{_CN_INT})"
    rf"|(?:(?<![0-9.A-Za-z])(?P<arabic>{_ARABIC})|(?P<chinese>{_CN_INT}))"
    rf"(?P<mult>[千万亿])??(?P<more>余|多)?[ \t\u3000]*(?P<unit>{_UNIT_ALTERNATIVES})"
    r"(?P<about>左右|上下)?"
)
# Full-width digits, ％ and ． become ASCII one for one, so spans stay valid in the input.
_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_NOT_BEFORE_CHINESE = "第同统唯每逐之某单"
_APPROX_BEFORE = ("大约", "将近", "接近", "约", "近")
_RATE = re.compile(r"每(?:平方米|公里|季度|[户人个所套座家台辆间张床项单件名亩年月周天日])")

_SENTENCE_BREAKS = "。；;！!？?\n"
# Quotes are no break: "建设“四好农村路”120公里" names its subject inside them.
_CLAUSE_BREAKS = _SENTENCE_BREAKS + "，,、：:（）()【】《》[]〔〕 \t\u3000"
_QUOTES = str.maketrans("", "", "“”‘’\"'")

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


@dataclass(frozen=True)
class _Figure:
    """A figure before its subject and kind are read."""

    start: int
    end: int
    value: Decimal
    unit: str
    approximate: bool


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


# --- figures -------------------------------------------------------------------------------


def _figures(text: str) -> Iterator[_Figure]:
    """Number-and-unit spans that are figures, with their values."""
    for match in _FIGURE.finditer(text):
        value = _match_value(match)
        unit = match.group("unit") or "%"
        if value is None or _excluded(text, match, unit):
            continue
        start = match.start()
        before = text[max(0, start - 2) : start]
        approximate = before.endswith(_APPROX_BEFORE) or bool(
            match.group("more") or match.group("about")
        )
        yield _Figure(start, match.end(), value, unit, approximate)


def _match_value(match: re.Match[str]) -> Decimal | None:
    """The number of a figure match, multiplier applied."""
    if match.group("percent") is not None:
        return _number(match.group("percent"))
    number = _number(match.group("arabic") or match.group("chinese"))
    if number is None:
        return None
    return _plain(number * _MULTIPLIERS.get(match.group("mult") or "", 1))


def _number(written: str) -> Decimal | None:
    """Arabic ("9,000", "1.2") or Chinese ("十二", "两") number; None for "千" or "百" alone."""
    if written[0].isascii():
        return Decimal(written.replace(",", ""))
    if not (set(written) & set(_CN_DIGITS) or written.startswith("十")):
        return None
    integer = chinese_numeral_to_int(written)
    return None if integer is None else Decimal(integer)


def _excluded(text: str, match: re.Match[str], unit: str) -> bool:
    """Ordinals, rates, durations, other words and idioms that look like figures."""
    start, end = match.start(), match.end()
    following = text[end : end + 4]
    chinese = match.group("chinese")
    if text[start - 1 : start] == "第" or following.startswith("/"):
        return True
    if chinese and text[start - 1 : start] in tuple(_NOT_BEFORE_CHINESE):
        return True
    if following.startswith(_NOT_AFTER_UNIT.get(unit, ())):
        return True
    if chinese == "一" and (following.startswith("一") or text.startswith(_IDIOMS, start)):
        return True
    clause = text[_clause_start(text, start) : start]
    return bool(_RATE.search(clause))


def _clause_start(text: str, position: int, floor: int = 0) -> int:
    """Index just after the clause break before `position` (not before `floor`)."""
    index = position
    while index > floor and text[index - 1] not in _CLAUSE_BREAKS:
        index -= 1
    return index


def _sentence_start(text: str, position: int) -> int:
    index = position
    while index > 0 and text[index - 1] not in _SENTENCE_BREAKS:
        index -= 1
    return index


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
    """`words` without any of `openers` at its start, repeatedly."""
    while True:
        opener = next((o for o in openers if words.startswith(o)), None)
        if opener is None:
            return words
        words = words[len(opener) :]


def _key(subject: str) -> str:
    """A subject reduced for matching: fillers and opening verbs dropped."""
    while True:
        shorter = _strip(_strip(subject, _LEADING_FILLERS), _LEADING_VERBS)
        if shorter == subject:
            return subject
        subject = shorter


# --- matching ------------------------------------------------------------------------------


def _same(one: Quantity, other: Quantity) -> bool:
    return (one.value, one.unit, _key(one.subject)) == (
        other.value,
        other.unit,
        _key(other.subject),
    )


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
    return Indicator(target.subject, target.value, value, target.unit, percent)


def _plain(number: Decimal) -> Decimal:
    """A Decimal without exponent or trailing zeros: 12000, 1.2, 0.5, however many digits."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if not isinstance(exponent, int) or exponent <= 0:
        return normal
    with localcontext() as context:
        context.prec = len(normal.as_tuple().digits) + exponent
        return normal.quantize(Decimal(1))
