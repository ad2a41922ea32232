"""When a figure stands: its kind (target, actual or plan) from the markers of its sentence, and
its stage (done, started, pending, planned) from the verb of its clause."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left

from taizhang.chinese.quantities.numbers import (
    _CLAUSE_BREAKS,
    _DATE,
    _SCAN,
    _bracketed,
    _clause_end,
    _clause_start,
    _Figure,
    _sentence_end,
    _sentence_start,
)
from taizhang.chinese.quantities.subjects import _key, _past_verb_list, _strip_trailing

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
# In a progress cell these speak of the future as 计划 does: "下一步将铺设…", "建成后可新增…",
# "力争9月底前达到120名". In a goal cell the whole cell is wanted, so they change nothing.
_FUTURE_MARKERS = ("将", "下一步", "建成后", "投用后", "力争", "争取在")
# 目标, 任务 and the scope words bind within their clause only: "新签约项目38个，总投资236.8亿元，
# 其中10亿元以上项目4个" gives 4 the sentence's kind, not 总投资's.
_CLAUSE_MARKERS = ("已", "目标", "任务", "总投资", "总建筑面积", "全长", "总长", "总面积")
# In a goal or deadline cell "2022年底前累计完成投资2.8亿元" is a cumulative target.
_PROGRESS_ONLY_MARKERS = ("累计", "至今", "今年以来")
# "超计划16项", "未按计划开工项目12项": 计划 inside a noun reports what happened; so does a
# programme's name, a verb before 计划 or a quote after it ("学生营养改善计划惠及学生3.76万人",
# "“春风计划”已…").
_PROGRAMME = "改善|行动|提升|培育|扶持|振兴|关爱|培养|支持|促进|帮扶|资助|护航|助力"
# A clause of a progress cell that opens with the period so far reports what happened, whatever
# plan came before: "全年计划完成投资56亿元，1-10月完成投资48.6亿元" (48.6 is an actual). Its
# months are [0-9一二三四五六七八九十]{1,2}, a dash (-—至~～) and [0-9…]{1,2}月份?; or
# 前[一二三两]季度, or 上半年; each at the text's start or after a clause break.
_MONTH_DIGITS = "0123456789一二三四五六七八九十"
_OPENS_CLAUSE = "(?<![^，,；;。：:\n]{0})"  # after its first character: the start, or a break
_PERIOD_SO_FAR = (
    *(
        f"{digit}{_OPENS_CLAUSE.format(digit)}[{_MONTH_DIGITS}]?(?:-|—|至|~|～)"
        f"[{_MONTH_DIGITS}]{{1,2}}月份?"
        for digit in _MONTH_DIGITS
    ),
    f"前{_OPENS_CLAUSE.format('前')}[一二三两]季度",
    f"上{_OPENS_CLAUSE.format('上')}半年",
)
# The markers, longest first, then the period so far. Every alternative opens with a plain
# character (lookbehinds come after it: 将 not after 已/并/均 nor before 近; 计划 not after 按/超
# nor a programme's verb, nor before a closing quote), so a scan skips in C every character
# that opens none: this pattern is scanned over every sentence before every figure.
_MARKER_PATTERN = re.compile(
    "|".join(
        (
            "将(?<![已并均]将)(?!近)"
            if word == "将"
            else f"计(?<![按超]计)(?<!(?:{_PROGRAMME})计)划(?![”》])"
            if word == "计划"
            else re.escape(word)
        )
        for word in sorted((*_MARKERS, *_FUTURE_MARKERS), key=len, reverse=True)
    )
    + "|"
    + "|".join(_PERIOD_SO_FAR)
)
# After the figure: "其余6个计划明年实施" is a plan, "其余6个按计划推进" is not.
_PLAN_AFTER = re.compile("(?<![按超])计划|拟|预计")
# A progress sentence that restates the task: "为完成新增停车泊位2000个的目标任务，已建成…".
_RESTATED = re.compile(
    r"为完成|为实现|围绕|按照|对照|紧扣|任务为|目标为|年度目标|全年目标|目标任务"
)
# "剩余4公里年底前完工", "其余6个计划于10月建成": words after the figure that put it ahead.
_AHEAD = re.compile(
    r"(?<![按超])计划|拟|预计|将(?!近)|力争"
    r"|(?:底|末|日|月|年)前(?:全部|再)?(?:完成|建成|完工|竣工|交付|投用)"
)
# A completion due by a month or year: "明年3月完工", "年内建成", "6月底前竣工".
_DUE = re.compile(
    r"(?:年|月|季度|底|末|旬)(?:份|底|末)?(?:前|内)?(?:全部|再)?(?:完成|建成|完工|竣工|交付|投用)"
)
_PUT_OFF = re.compile(r"顺延|推迟|延期|延至|延后")

# After a sentence's noun-only head: its scope, or the share of it done.
_SCOPE_NEXT = ("总投资", "总建筑面积", "总面积", "全长", "总长")
_SHARE_DONE = re.compile(r"已[^，,；;。]*的(?:[0-9.]+%|[一二三四五六七八九]成)")
_BRACKETED_SHARE = re.compile(r"[（(][^（()）]*[）)]的")
_FIRST_BREAK_OR_DIGIT = re.compile(rf"[0-9{re.escape(_CLAUSE_BREAKS)}]")
_TASK_AFTER = re.compile(r"的?(?:目标任务|年度任务|目标|任务)")
# A clause that goes on about the figure before it: "3所新建学校，已全部投入使用".
_PREDICATE = re.compile(r"已|均|全部|现已|目前已|正在|尚|未")

# Stages, tried in this order on the words of the figure's clause.
_STAGES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # 待 waits for a step: 待开工, 待验收 (not 待遇, 接待, 招待, 期待, 对待); 未, not 未成年人.
    ("pending", re.compile(
        r"未(?!成年)|尚无|(?<![接招期对])待(?!遇)|正在办理|办理中|正在开展前期|前期阶段"
    )),
    # A step before the works is no progress of them: "24个小区已全部完成招标".
    ("pending", re.compile(r"招标|招投标|选址|立项|可研|前期|审批|征地|签约|评审|公示|图纸设计")),
    # The main works finished are a start of the whole: "主体工程完工", "已完成主体工程10座".
    ("started", re.compile(r"主体[^，,；。]{0,4}(?:完工|完成|封顶|竣工)|(?:完成|完工)主体|封顶")),
    ("done", re.compile(r"完工|建成|竣工|交付|投用|投入使用|投入运行|开通|通车|验收|办结|完成")),
    ("started", re.compile(r"开工|开建|启动|动工|进场|施工|在建|正在|开始建设")),
)  # fmt: skip


def _kind(text: str, figure: _Figure, following: _Figure | None, default: str) -> str:
    """Kind from the clause after the figure, else the nearest marker before it, else default."""
    if default == "actual" and _TASK_AFTER.match(text, figure.end):
        return "target"  # "完成危旧房改造600户的任务已下达": the task, not what was done
    bracket = _bracketed(text, figure.start, figure.end)
    if bracket > 0 and text[:bracket].endswith(("任务", "目标", "计划")):
        return "target"  # "占年度任务（120台）的71.7%": the size of the task, in brackets
    after = _kind_after(text, figure, following, default)
    if after is not None:
        return after
    clause = _clause_start(text, figure.start)
    sentence = _sentence_start(text, figure.start)
    kind = default
    if clause - sentence > _SCAN:  # a long sentence: its earlier markers from the index
        kind, sentence = _kind_before_clause(text, figure.start, clause, default), clause
    for marker in _MARKER_PATTERN.finditer(text, sentence, figure.start):
        between = text[marker.end() : figure.start]
        in_clause = marker.start() >= clause
        # "占总投资的58.3%", "完成年度计划投资的35%": a share of the plan, not a planned figure.
        # "完成计划（50个）的90%": the plan's size in brackets between keeps it a share.
        share = (in_clause or _BRACKETED_SHARE.fullmatch(between) is not None) and (
            figure.unit == "%" and between.endswith("的")
        )
        kind = (
            _marker_kind(marker.group(), between, default, in_clause=in_clause, share=share) or kind
        )
    if default == "actual" and kind == "actual" and _restates_task(text, figure, following):
        return "target"
    return kind


def _marker_kind(word: str, between: str, default: str, *, in_clause: bool, share: bool) -> str:
    """The kind a marker gives the figure after it, or "" when it gives none there. `between`
    holds the words from the marker to the figure."""
    if word not in _MARKERS and word not in _FUTURE_MARKERS:  # the period so far: "1-10月"
        return "actual" if default == "actual" else ""
    if word in _FUTURE_MARKERS:
        # In a goal cell what is striven for is wanted: "年度计划投资260亿元，力争新开工项目45个"
        # ends the plan there.
        return "plan" if default == "actual" else "target"
    if word == "实际" and default == "target" and _names_a_noun(between):
        return ""  # "实际到位资金180亿元" in a goal cell names what is asked for
    if word in _CLAUSE_MARKERS and not in_clause and (default == "target" or word != "已"):
        return ""
    if default == "target" and word in _PROGRESS_ONLY_MARKERS:
        return ""
    if between.startswith("的") or share:
        return ""
    return _MARKERS[word]


def _names_a_noun(words: str) -> bool:
    """Whether the words after 实际 name a thing ("到位资金", "使用面积", "种粮农民"), so that
    实际 is inside a noun, rather than only verbs ("完成", "完成了"), so that it is an adverb."""
    cut = _FIRST_BREAK_OR_DIGIT.search(words)
    return bool(_key(_strip_trailing(words[: cut.start() if cut else len(words)])))


def _kind_before_clause(text: str, position: int, clause: int, default: str) -> str:
    """The kind the markers of earlier clauses of the sentence give a figure at `position` in
    the clause starting at `clause`: the last marker that gives one wins, else `default`."""
    starts, kinds = _markers(text, default)
    index = bisect_left(starts, clause) - 1
    if index < 0 or starts[index] < _sentence_start(text, position):
        return default
    return kinds[index]


@functools.lru_cache(maxsize=16)
def _markers(text: str, default: str) -> tuple[list[int], list[str]]:
    """Where the markers of `text` that give a kind to figures of later clauses stand, and the
    kind each gives; read once per text, so a long sentence is not scanned once per figure."""
    starts, kinds = [], []
    for marker in _MARKER_PATTERN.finditer(text):
        # The words after a marker up to the next number or break tell 实际 an adverb or not.
        after = text[marker.end() : _clause_end(text, marker.end()) + 1]
        kind = _marker_kind(marker.group(), after, default, in_clause=False, share=False)
        if kind:
            starts.append(marker.start())
            kinds.append(kind)
    return starts, kinds


def _kind_after(text: str, figure: _Figure, following: _Figure | None, default: str) -> str | None:
    """'计划新建的3所学校已全部建成' is done; '剩余6座计划明年实施' is a plan."""
    end = _clause_end(text, figure.end)
    if following is not None and following.start < end:
        return None  # the words after belong to the next figure
    words = text[figure.end : end]
    if _PLAN_AFTER.search(words):
        return "plan"
    if default == "actual" and "已" not in words and _AHEAD.search(words):
        return "plan"
    if default == "actual" and "已" not in words and _DUE.search(words):
        # "其余8处受冬季施工影响顺延至明年3月完工": the rest, or works put off, due by a date.
        rest = text.startswith(("其余", "剩余", "剩下"), _clause_start(text, figure.start))
        if rest or _PUT_OFF.search(words):
            return "plan"
    return "actual" if "已" in words else None


def _restates_task(text: str, figure: _Figure, following: _Figure | None) -> bool:
    """A progress figure that names the task rather than what was done: after 为完成/围绕/…
    in its clause, at the head of a sentence followed by what was done ("2021年24个老旧小区改造
    项目，目前…"), or the whole of which the same clause then gives a part ("126条…已完成120条")."""
    clause = _clause_start(text, figure.start)
    before = text[clause : figure.start]
    end = _clause_end(text, _past_verb_list(text, figure.end))  # "14所新建、改扩建学校已竣工9所"
    opener = _RESTATED.search(before)
    if opener and "已" not in before[opener.end() :] and not before.endswith("的"):
        # 按照/对照 also open a rule ("按照每人600元的标准发放…"): only a task restates.
        loose = opener.group() in ("按照", "对照", "紧扣")
        if not loose or any(w in text[figure.end : end] for w in ("目标", "任务", "计划")):
            return True
    if following is not None and following.start < end:
        between = text[figure.end : following.start]
        same_unit = following.unit == figure.unit
        # "126条…已完成120条", "第二批8个项目完成5个": a part of it, after 已 or a stage verb.
        part = "已" in between or bool(_stage_of(between))
        return same_unit and part and "已" not in before and "完成" not in before
    after = text[figure.end : end]
    if not after and _heads_its_progress(text, figure, clause, end, following):
        return True
    return (
        bool(after)
        and not after.endswith("中")  # "12个乡镇中，已有10个…": the whole stands, an actual
        and text[end : end + 1] in ("，", ",", "：", ":")
        and not _goes_on_about(text, end, following)
        and not _stage_of(after)
        and not any(word in after for word in ("已", "均", "全部", "共"))
        and _topic_start(text, _sentence_start(text, figure.start)) >= figure.start
    )


def _words_before_topic(head: str) -> str:
    """What stands before a sentence's first figure once dates and punctuation are gone."""
    return _DATE.sub("", head).strip("，,：: \t")


def _heads_its_progress(
    text: str, figure: _Figure, clause: int, end: int, following: _Figure | None
) -> bool:
    """A sentence that opens with a noun and its figure only, then gives its scope (总投资…),
    a smaller part of it done after 已 in its unit or the share of it done: "城市更新项目12个，
    总投资35.2亿元，今年已完成投资…", "背街小巷改造46条，目前已完工41条", "博物馆新馆布展面积
    4200㎡，已完成布展的六成". The head is the task, not what was done ("募集见习岗位846个，已有
    512名…上岗" and "挂牌督办隐患18项，已完成整改15项" stay what was done)."""
    words = text[clause : figure.start]
    if not words or text[end : end + 1] not in ("，", ","):
        return False
    if _topic_start(text, _sentence_start(text, figure.start)) < clause:
        return False  # more than dates before the head's clause
    noun_only = (
        _key(words) == words == _strip_trailing(words)
        and not _stage_of(words)
        and not _MARKER_PATTERN.search(words)
    )
    next_end = _clause_end(text, end + 1)
    if not noun_only or following is None or following.start >= next_end:
        return False
    scope_next = text.startswith(_SCOPE_NEXT, end + 1)
    # "背街小巷改造46条，目前已完工41条": a smaller part of it done follows in the same unit.
    part_done = (
        following.unit == figure.unit
        and following.value < figure.value
        and "已" in text[end : following.start]
    )
    return scope_next or part_done or bool(_SHARE_DONE.search(text, end, _sentence_end(text, end)))


@functools.lru_cache(maxsize=64)
def _topic_start(text: str, sentence: int) -> int:
    """Where the first word of the sentence starting at `sentence` stands that is neither a
    date nor punctuation (what _words_before_topic keeps), or the sentence's end."""
    position, end = sentence, _sentence_end(text, sentence)
    while position < end:
        date = _DATE.match(text, position, end)
        if date and date.end() > position:
            position = date.end()
        elif text[position] in "，,：: \t":
            position += 1
        else:
            return position
    return end


@functools.lru_cache(maxsize=64)
def _sentence_stage(text: str, sentence: int) -> str:
    """The stage the verbs of a whole sentence name: done if any names a completion."""
    words = text[sentence : _sentence_end(text, sentence)]
    return "done" if _STAGES[3][1].search(words) else _stage_of(words)


def _stage(
    text: str, figure: _Figure, previous: _Figure | None, following: _Figure | None, kind: str
) -> str:
    """The stage of a figure from the verb after it in its clause, else the one before it."""
    if kind == "plan":
        return "planned"
    end = _clause_end(text, figure.end)
    if following is not None:
        end = min(end, following.start)
    floor = previous.end if previous is not None else 0
    before = text[_clause_start(text, figure.start, floor) : figure.start]
    after_stage = _stage_of(text[figure.end : end])
    if after_stage:
        return after_stage
    stage = _stage_of(before)
    if stage:
        return stage
    if kind == "target":
        if _words_before_topic(before):
            return ""  # "改造城镇老旧小区1.5万户，启动…": its own verb, no stage word
        # A target heading its clause takes the verbs of its sentence: "24个项目，应于6月底前
        # 开工，年底前完成" is done.
        return _sentence_stage(text, _sentence_start(text, figure.start))
    if before.endswith("等"):
        # A list's count waits for the list's verb: "东园小区、翠园小区等4个小区，…仍在施工".
        return _stage_of(text[figure.end : _sentence_end(text, figure.end)])
    if _goes_on_about(text, end, following):
        # "3所新建学校，已全部投入使用": the next clause says what became of them.
        return _stage_of(text[end + 1 : _clause_end(text, end + 1)])
    return ""


def _goes_on_about(text: str, end: int, following: _Figure | None) -> bool:
    """Whether the clause after `end` (a clause break) is the predicate of the figure before:
    it opens with 已/均/全部… and has no figure of its own ("目前已完工82套" has)."""
    if text[end : end + 1] not in ("，", ","):
        return False
    next_end = _clause_end(text, end + 1)
    own_figure = following is not None and following.start < next_end
    return not own_figure and _PREDICATE.match(text, end + 1) is not None


# Any word of any stage: most clauses name none, and are told so by one search, not five.
_ANY_STAGE = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _STAGES))


def _stage_of(words: str) -> str:
    if not _ANY_STAGE.search(words):
        return ""
    for stage, pattern in _STAGES:
        if pattern.search(words):
            return stage
    return ""
