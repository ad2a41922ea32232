"""The column vocabulary: the many ways offices title the same column, mapped to one logical
key, and the month a month column is for. Pure text rules; where each title was seen, and why
the patterns stand in this order, is in docs/ledger-vocabulary.md."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from taizhang.chinese.numbers import chinese_numeral_to_int

# A column title is short; a text longer than this (brackets left out) is a task's text.
MAX_TITLE: Final = 16
# Nor is any cell this long, bracketed notes and all: such a text is never looked at.
MAX_CELL: Final = 64

_CN_MONTH: Final = "十二|十一|一|二|三|四|五|六|七|八|九|十"
_MONTH_NUMBER: Final = rf"(?:1[0-2]|0?[1-9]|{_CN_MONTH})"
_PROGRESS_WORDS: Final = (
    r"(?:工作)?(?:进展情况|进展|完成情况|推进情况|落实情况|工作情况|情况|进度|完成)"
)
# 1月, 1月份, 一月, 1月进展, 2021年3月, 1-2月, 1—3月份进展 (the month a column ends with).
_MONTH: Final = re.compile(
    rf"^(?:(?:19|20)\d\d年)?(?:{_MONTH_NUMBER}月?份?[-－—–~～至到])?({_MONTH_NUMBER})月份?"
    rf"(?:底|末)?{_PROGRESS_WORDS}?$"
)
# 一季度, 第1季度进展, 上半年: the month the period ends with.
_QUARTER: Final = re.compile(rf"^第?([一二三四1-4])季度{_PROGRESS_WORDS}?$")
_HALF: Final = re.compile(rf"^([上下])半年{_PROGRESS_WORDS}?$")

# Checked in this order on the title without whitespace and brackets; the first pattern that
# matches wins. `extra` is a column we know and keep as it is, without a warning; the first
# `extra` row holds the words that would otherwise pass for progress, leaders or a deadline
# (上月进展情况 is no progress, 1-6月完成投资 no month entry).
_TITLE_PATTERNS: Final[tuple[tuple[str, str], ...]] = (
    ("number", r"^(序号|编号|序|排序|顺序号|[Nn][Oo]\.?|№|(项目|任务|事项|工作)编号)$"),
    ("progress_month", r"^(本月|当月|本期|月度)(工作)?(进展|完成|推进|落实|进度)"),
    (
        "extra",
        r"(上月|上期|上周|上年|下月|下步|下一步|存在|问题|困难|措施|举措|打算|投资|资金|金额|意见|"
        r"实际(完成|开工|竣工|完工)(时间|日期)|计量单位|[\d一二三四五六七八九十]月份?(计划|目标)|"
        r"序时进度|完成率|完成比例|百分比|得分|分值|权重)",
    ),
    ("leaders", r"(领导|[市县区]长$)"),
    ("co_units", r"(配合|协办|协同|协助|协作|参与|会办)(单位|部门|科室|处室)?"),
    (
        "units",
        r"((责任|牵头|主办|承办|实施|主责|落实|执行|办理|建设|业主|主管|汇总)"
        r"(单位|部门|科室|处室|股室|主体)(?!负责人|联系人)|责任主体|(单位|部门)$)",
    ),
    ("contact", r"(责任人|联系人|联络员|经办人|填报人|负责人|电话|手机|联系方式|姓名)"),
    ("start", r"((开工|开始|启动)(时间|日期)?$)"),
    (
        "deadline",
        r"(完工|竣工|完成(时间|时限|期限|日期|节点)|办结(时间|时限)|时限|期限|时间节点|时间安排|"
        r"时间要求|进度安排|进度计划|计划进度|节点安排|截止(时间|日期)|结束时间|计划完成|^时间$)",
    ),
    (
        "status",
        r"(^(完成|办结|销号)情况$|状态|^是否(完成|办结|销号|按期)|灯|预警|进度评价|评价等次|等次$)",
    ),
    (
        "progress",
        r"(进展|进度|(落实|推进|完成|办理|执行|实施|开展|整改|工作|办结)情况|成效|工作动态)",
    ),
    ("remarks", r"^(备注|说明|附注|备考|其他)$"),
    ("goal", r"(任务|项目|事项|实事|内容|目标|要点|名称|指标|工作|规模)"),
    ("extra", r"(地点|地址|性质|类别|类型|分类|领域|板块|年度|级别|层级)"),
)
_COMPILED: Final = tuple((key, re.compile(pattern)) for key, pattern in _TITLE_PATTERNS)
_BRACKETS: Final = re.compile(r"[（(【\[][^（）()【】\[\]]*[）)】\]]")
_LEAD_UNITS: Final = re.compile(r"(牵头|主办|主责)")
_UNITS_THEN_CO: Final = re.compile(r"(责任|牵头|主办)(单位|部门).*(配合|协办|协同|协助)")


def normalize_title(text: str) -> str:
    """A header cell as one comparable string: all whitespace removed."""
    return "".join(text.split())


def bare_title(text: str) -> str:
    """A title without whitespace and without its bracketed notes ("完成时限（年底前）" ->
    "完成时限"), or the title itself where it is all brackets."""
    text = normalize_title(text)
    return _BRACKETS.sub("", text) or text


# Month and quarter columns of a plan or target, not of what was done ("1月计划", "季度目标/
# 一季度"): kept as they are.
_PLAN = re.compile(r"计划|目标|安排|任务")
# Titles that hold a ledger's matters where it has no goal column (整改, 建议办理, 督办 ledgers):
# the first such column is the goal (`header_columns`).
GOAL_FALLBACK = re.compile(
    r"^(?!.*(?:类别|类型|编号|序号|代码|分类)).*(?:问题|事项|建议|提案|议案|标题|名称|事由|诉求)"
)


def column_key(title: str) -> str | None:
    """The logical key of a column title, or None for a title no office variant matches (and
    for any text longer than a title). `extra` is a known column kept as it is (总投资,
    存在问题, 上月进展情况, ...). A combined two-row title "top/bottom" is decided by the
    bottom title where it is known, else by the top. 完成情况 alone gives `status`;
    `header_columns` makes it the progress where the header has no other progress column."""
    if len(title) > MAX_CELL:
        return None
    return _title_key(normalize_title(title))


@lru_cache(maxsize=4096)
def _title_key(text: str) -> str | None:
    top, slash, bottom = text.partition("/")
    if slash and top and bottom:
        return _combined_key(top, bottom)
    return _key(text)


def _combined_key(top: str, bottom: str) -> str | None:
    upper, lower = _key(top), _key(bottom)
    if upper == "units" and lower == "co_units" and _LEAD_UNITS.search(top):
        return "units"  # one column "牵头单位/配合单位": the lead unit first, roles marked
    if lower == "month" and _PLAN.search(top):
        return "extra"  # "月度推进计划/3月", "季度目标/一季度": the plan, not the progress
    return lower or _key(top + bottom) or upper


def _key(text: str) -> str | None:
    bare = bare_title(text)
    if len(bare) > MAX_TITLE:
        return None
    if month_of(bare) is not None:
        return "extra" if _PLAN.search(bare) else "month"
    for key, pattern in _COMPILED:
        if pattern.search(bare):
            if key == "co_units" and _UNITS_THEN_CO.search(bare):
                return "units"  # "牵头单位及配合单位" in one column
            return key
    return None


def month_of(title: str) -> int | None:
    """The month (1-12) a month column is for: 1月, 1月份, 一月, 1月进展 -> 1; a span names
    its last month (1-2月 -> 2); a quarter or half-year its last month (一季度 -> 3, 上半年 ->
    6). None for any other title. A combined title "进展情况/3月" is read by its bottom part."""
    if len(title) > MAX_CELL:
        return None
    text = bare_title(normalize_title(title).rpartition("/")[2])
    if found := _MONTH.match(text):
        number = found.group(1)
        return int(number) if number.isdigit() else chinese_numeral_to_int(number)
    if found := _QUARTER.match(text):
        quarter = found.group(1)
        return 3 * (int(quarter) if quarter.isdigit() else "一二三四".index(quarter) + 1)
    if found := _HALF.match(text):
        return 6 if found.group(1) == "上" else 12
    return None
