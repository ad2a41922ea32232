"""Where the figures are in a text: number-and-unit spans (285万平方米, 9,000个, ９０００元,
百分之三十, 两座, 七成, 1.2万至1.5万人) with their values, without ordinals, rates, dimensions,
durations and idioms."""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from taizhang.chinese.numbers import chinese_numeral_to_int
from taizhang.chinese.quantities.units import (
    _IDIOMS,
    _MULTIPLIERS,
    _NOT_AFTER_ANY_UNIT,
    _NOT_AFTER_UNIT,
    _UNITS,
    _plain,
)

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_INT = f"[{_CN_DIGITS}十百千]+(?:万[{_CN_DIGITS}十百千]+)?"
_CN_DIGIT_VALUES = dict(zip(_CN_DIGITS, "00122345678" + "9", strict=True))
# "四十五点六": a Chinese number may have decimals, digit by digit after 点.
_CN_NUMBER = f"{_CN_INT}(?:点[{_CN_DIGITS}]+)?"
# At most 15 digits and 6 decimals: longer digit strings are codes, not figures, and the
# arithmetic stays exact within Decimal's default 28 digits.
_ARABIC = r"[0-9]{1,3}(?:,[0-9]{3}){1,4}(?:\.[0-9]{1,6})?|[0-9]{1,15}(?:\.[0-9]{1,6})?"
_UNIT_ALTERNATIVES = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(
    rf"百分之(?P<percent>{_ARABIC}|{_CN_NUMBER})"
    rf"|(?:(?<![0-9.A-Za-z])(?P<arabic>{_ARABIC})|(?P<chinese>{_CN_NUMBER})"
    r"|(?P<bare>(?<=[逾近上超约])万|万(?=[余多])))"  # "近万户", "万余人": 10,000, approximate
    r"(?:(?P<before_mult>余|多)(?=[千万亿]))?"  # "2100余万张"
    rf"(?P<mult>[千万亿])??(?P<more>余|多)?[ \t\u3000]*"
    # "8.6万农村人口": people counted by a noun ending in 人口, the noun their subject.
    rf"(?:(?P<people>(?<=[千万亿])[\u4e00-\u9fff]{{0,4}}?人口|人口)|(?P<unit>{_UNIT_ALTERNATIVES}))"
    r"(?P<about>左右|上下)?"
)
# Full-width digits, ％ and ． become ASCII one for one, so spans stay valid in the input.
_WIDTH = str.maketrans("０１２３４５６７８９％．", "0123456789%.")
_NOT_BEFORE_CHINESE = "第同统唯每逐之某单"
_NOT_BEFORE_CHINESE_CHARACTERS = tuple(_NOT_BEFORE_CHINESE)
_APPROX_BEFORE = ("大约", "将近", "接近", "约", "近", "超过", "逾", "突破", "约占", "基本")
# 约 ends 签约, 履约, 预约 …: "已签约1180户" is no approximation.
_WORD_WITH_YUE = re.compile(r"[签履预节合违解特公条制邀]约\Z")
_APPROX_AFTER = ("以上", "左右", "上下")
# "约占年度计划的76%": 约占 makes the share approximate however far before it stands.
_APPROX_IN_CLAUSE = ("约占", "基本完成", "基本建成", "基本完工")
_APPROX_IN_CLAUSE_WORD = re.compile("|".join(_APPROX_IN_CLAUSE))
# A rate counts per something: 每户500元, 户均800元, 人均1.86万元, 单套面积90平方米,
# 标准为每人150元. It makes the figure right after it no figure, but not one further on ("按
# 每户600元标准发放补贴252万元" keeps 252万元).
_RATE = re.compile(
    r"每(?:平方米|公里|季度|[千万百十]|[户人个所套座家台辆间张床项单件名亩年月周天日处])"
)
_PER_HEAD = re.compile(
    r"[户人亩地日月年]均|平均|单[套个座间处价]|均价|(?<![0-9一二三四五六七八九十])[千万]人"
)
# Every match of _PER_HEAD holds one of these.
_PER_HEAD_CHARACTER = re.compile("[均单人]")
# A class of projects or firms is no amount: "10亿元以上项目25个", "亿元及以上产业项目".
_CLASS_OF = re.compile(r"及?以[上下]的?(?:重大|重点|产业|工业|招商)?(?:项目|企业)")
# "标准为每人150元": a standard is money; "按每户1500元标准为3000户困难家庭" keeps 3000户.
_STANDARD = re.compile(r"标准(?:为|是|提高到|提高至|达到)?\Z")
# Dimensions of a thing are no amount of it: 红线宽40米, 堤高6米, 埋深2米, 层高不低于8米.
_DIMENSION = re.compile(
    r"(?:宽|高|深|厚|直径|管径)度?(?:为|约|达|达到|不低于|不小于|不大于|不超过|控制在)?\Z"
)
_LENGTHS = ("米", "千米", "公里")
# A range: the lower end and its dash before a figure ("1.2万至1.5万人", "8-10座").
_RANGE_LOW = re.compile(
    rf"(?<![0-9.A-Za-z])(?P<low>{_ARABIC})(?P<mult>[千万亿])?(?:至|到|-|~|～|—|－)\Z"
)
_RANGE_DASHES = "至到-~～—－"
_BARE_HUNDREDS = frozenset("逾近上超约")

_SENTENCE_BREAKS = "。；;！!？?\n"
# Quotes are no break: "建设“四好农村路”120公里" names its subject inside them.
_CLAUSE_BREAKS = _SENTENCE_BREAKS + "，,、：:（）()【】《》[]〔〕 \t\u3000"
_QUOTES = str.maketrans("", "", "“”‘’\"'")
_CLAUSE_BREAK = re.compile(f"[{re.escape(_CLAUSE_BREAKS)}]")
_SENTENCE_BREAK = re.compile(f"[{re.escape(_SENTENCE_BREAKS)}]")
_LAST_CLAUSE_BREAK = re.compile(f"[{re.escape(_CLAUSE_BREAKS)}][^{re.escape(_CLAUSE_BREAKS)}]*\\Z")
_LAST_SENTENCE_BREAK = re.compile(
    f"[{re.escape(_SENTENCE_BREAKS)}][^{re.escape(_SENTENCE_BREAKS)}]*\\Z"
)


# Dates and time words before a subject: the subject starts after them.
_DATE = re.compile(
    r"(?:[0-9]{4}|[〇零一二三四五六七八九]{4})年度?"
    r"|[0-9一二三四五六七八九十]{1,3}月(?:份|底|末|初|上旬|中旬|下旬|[0-9一二三四五六七八九十]{1,3}[日号])?"
    r"|[0-9]{1,2}[日号]|年[底末内]|[上下]半年|第?[一二三四1-4]季度[末底]?"
    r"|(?<=[底末内份旬日号年度])(?:前|以前|之前|以来)"
)


@dataclass(frozen=True)
class _Figure:
    """A figure before its subject and kind are read."""

    start: int
    end: int
    value: Decimal
    unit: str
    approximate: bool
    high: Decimal | None = None  # upper end of a range; value is its lower end
    noun: str = ""  # what is counted when the unit is inside it ("8.6万农村人口" -> 农村人口)


def _figures(text: str) -> Iterator[_Figure]:
    """Number-and-unit spans that are figures, with their values; "1.2万人至1.5万人", a range
    with its unit on both ends, is one figure."""
    held: _Figure | None = None
    for figure in _single_figures(text):
        if (
            held is not None
            and figure.unit == held.unit
            and text[held.end : figure.start] in tuple(_RANGE_DASHES)
        ):
            held = replace(held, end=figure.end, approximate=True, high=figure.value)
            continue
        if held is not None:
            yield held
        held = figure
    if held is not None:
        yield held


def _single_figures(text: str) -> Iterator[_Figure]:
    floor = 0  # where the words that may hold a rate for the next figure start
    skipped: tuple[int, str] | None = None  # end and unit of the last number left out
    for match in _FIGURE.finditer(text):
        value = _match_value(match, text)
        unit = "人" if match.group("people") else match.group("unit") or "%"
        if value is None or (unit == "成" and (value > 10 or match.group("mult"))):
            continue
        rate_after_rate = (
            skipped is not None
            and skipped[1] == unit
            and text[skipped[0] : match.start()] in ("和", "、", "及", "或")
        )
        if rate_after_rate or _excluded(text, match, unit, floor):
            # "每人每月780元和560元": the second value of a rate is a rate too.
            floor = max(floor, match.end())
            skipped = (match.end(), unit)
            continue
        skipped = None
        floor = match.end()
        if unit == "成":  # 七成 = 70%
            value, unit = value * 10, "%"
        yield _figure(text, match, value, unit)


def _figure(text: str, match: re.Match[str], value: Decimal, unit: str) -> _Figure:
    """The figure of a match, its approximation and, for a range, its lower end."""
    start, end = match.start(), match.end()
    clause = text[_clause_start(text, start) : start]
    bound = text.startswith(_APPROX_AFTER, end)
    approximate = (
        (clause.endswith(_APPROX_BEFORE) and not _WORD_WITH_YUE.search(clause))
        or _APPROX_IN_CLAUSE_WORD.search(clause) is not None
        or bool(match.group("more") or match.group("before_mult") or match.group("about"))
        or _bare(match, text)
        or bound
    )
    if bound:
        end += 2
    people = match.group("people") or ""
    noun = people if len(people) > 2 else ""
    dashed = match.group("arabic") and text[start - 1 : start] in _RANGE_DASHES
    low = _RANGE_LOW.search(text, max(0, start - 24), start) if dashed else None
    if low is None:
        return _Figure(start, end, value, unit, approximate, noun=noun)
    written = Decimal(low.group("low").replace(",", ""))
    factor = _MULTIPLIERS.get(low.group("mult") or match.group("mult") or "", 1)
    if low.group("mult") and unit.startswith(low.group("mult")):  # "2万～3万亩"
        factor = 1
    if not low.group("mult") and written * factor > value:
        factor = 1  # "8000至1万人": 8000万 would pass the upper end, so 8000 stands as written
    return _Figure(low.start(), end, _plain(written * factor), unit, True, high=value, noun=noun)


def _match_value(match: re.Match[str], text: str) -> Decimal | None:
    """The number of a figure match, multiplier applied."""
    if match.group("percent") is not None:
        # 百分之百 is 100 %, as 百分之六十 is 60 %.
        return Decimal(100) if match.group("percent") == "百" else _number(match.group("percent"))
    if match.group("bare"):
        return _plain(Decimal(10**4) * _MULTIPLIERS.get(match.group("mult") or "", 1))
    written = match.group("arabic") or match.group("chinese")
    number = _number(written)
    if number is None and _bare(match, text):
        number = Decimal(100 if written == "百" else 1000)  # "逾百人", "上千户", "百余人"
    if number is None:
        return None
    return _plain(number * _MULTIPLIERS.get(match.group("mult") or "", 1))


def _bare(match: re.Match[str], text: str) -> bool:
    """Whether a match is a bare 百, 千 or 万 read as a number: after 逾/近/上/超/约 or before
    余/多 ("逾百人", "上千户", "百余人", "近万户", "百余万人次")."""
    if match.group("bare"):
        return True
    return match.group("chinese") in ("百", "千") and (
        text[match.start() - 1 : match.start()] in _BARE_HUNDREDS
        or match.group("more") is not None
        or match.group("before_mult") is not None  # "百余万人次": 百 before 余万
    )


def _number(written: str) -> Decimal | None:
    """Arabic ("9,000", "1.2") or Chinese ("十二", "两") number; None for "千" or "百" alone."""
    if written[0].isascii():
        return Decimal(written.replace(",", ""))
    whole, _, decimals = written.partition("点")
    if not (set(whole) & set(_CN_DIGITS) or whole.startswith("十")):
        return None
    integer = chinese_numeral_to_int(whole)
    if integer is None:
        return None
    if not decimals:
        return Decimal(integer)
    return _plain(Decimal(f"{integer}.{''.join(_CN_DIGIT_VALUES[c] for c in decimals)}"))


def _excluded(text: str, match: re.Match[str], unit: str, floor: int = 0) -> bool:
    """Ordinals, rates, dimensions, durations, other words and idioms that look like figures.

    floor is the end of the previous figure: a rate word before it belongs to that one."""
    start, end = match.start(), match.end()
    following = text[end : end + 4]
    chinese = match.group("chinese")
    if text[start - 1 : start] == "第" or following.startswith("/"):
        return True
    if unit in ("名", "位") and text[start - 1 : start] == "前":  # 位居前10名: a rank
        return True
    if _in_slogan(text, start, end):
        return True
    if chinese and text[start - 1 : start] in _NOT_BEFORE_CHINESE_CHARACTERS:
        return True
    if following.startswith(_NOT_AFTER_UNIT.get(unit, ())):
        return True
    if following.startswith(_NOT_AFTER_ANY_UNIT):
        return True
    if chinese == "一" and (following.startswith("一") or text.startswith(_IDIOMS, start)):
        return True
    opened = _clause_start(text, start, min(floor, start))
    if opened and text[opened - 1] in "）)":
        # A bracket inside a noun is no break for its rate: "每千人口执业（助理）医师数达到2.9人".
        opened = _clause_start(text, _clause_start(text, opened - 1, floor) - 1, min(floor, start))
    clause = text[opened:start]
    if clause[-1:] in _RANGE_DASHES:
        clause = clause[: len(clause) - len(_range_low_text(clause))]
    if unit in _LENGTHS and _DIMENSION.search(clause):
        return True
    if "每" in clause and _RATE.search(clause):
        return True
    if unit.endswith("元") and _CLASS_OF.match(text, end):
        return True
    if unit.endswith("元") and "标准" in clause and _STANDARD.search(clause):
        return True
    return (
        unit != "%"
        and _PER_HEAD_CHARACTER.search(clause) is not None
        and _PER_HEAD.search(clause) is not None
    )


def _in_slogan(text: str, start: int, end: int) -> bool:
    """A count inside a short quoted slogan: “三个一批”, “两个确保”, “高效办成一件事”."""
    opened = text.rfind("“", max(0, start - 8), start)
    return opened >= 0 and "”" in text[end : end + 6] and "”" not in text[opened:start]


def _range_low_text(clause: str) -> str:
    """The lower end of a range at the end of `clause` ("1.2万至"), or ""."""
    low = _RANGE_LOW.search(clause)
    return low.group() if low else ""


# Clauses and sentences are found by a regular-expression scan within this many characters,
# and beyond it by bisecting an index of the text's breaks (built once per text): a scan is
# cheaper for the short cells ledgers hold, the index keeps a long cell linear.
_SCAN = 160


def _bracketed(text: str, figure_start: int, figure_end: int) -> int:
    """Where the bracket opens when a figure stands alone in brackets ("年度任务（120台）"),
    else -1."""
    if text[figure_start - 1 : figure_start] in ("（", "(") and text[
        figure_end : figure_end + 1
    ] in (
        "）",
        ")",
    ):
        return figure_start - 1
    return -1


def _clause_start(text: str, position: int, floor: int = 0) -> int:
    """Index just after the clause break before `position` (not before `floor`)."""
    if position - floor <= _SCAN:
        last = _LAST_CLAUSE_BREAK.search(text, floor, position)
        return last.start() + 1 if last else floor
    clauses = _breaks(text)[0]
    index = bisect_left(clauses, position) - 1
    return clauses[index] + 1 if index >= 0 and clauses[index] >= floor else floor


def _clause_end(text: str, position: int) -> int:
    """Index of the first clause break at or after `position`, or the end of `text`."""
    return _break_at_or_after(text, position, _CLAUSE_BREAK, 0)


def _sentence_start(text: str, position: int) -> int:
    """Index just after the sentence break before `position`, or 0."""
    if position <= _SCAN:
        last = _LAST_SENTENCE_BREAK.search(text, 0, max(position, 0))
        return last.start() + 1 if last else 0
    sentences = _breaks(text)[1]
    index = bisect_left(sentences, position) - 1
    return sentences[index] + 1 if index >= 0 else 0


def _sentence_end(text: str, position: int) -> int:
    """Index of the first sentence break at or after `position`, or the end of `text`."""
    return _break_at_or_after(text, position, _SENTENCE_BREAK, 1)


def _break_at_or_after(text: str, position: int, pattern: re.Pattern[str], kind: int) -> int:
    """The first break of `pattern` at or after `position`, or the end of `text`: searched
    directly near `position`, else looked up in the text's index of breaks (`_breaks`, whose
    list `kind` holds the same breaks)."""
    found = pattern.search(text, position, position + _SCAN)
    if found or position + _SCAN >= len(text):
        return found.start() if found else len(text)
    breaks = _breaks(text)[kind]
    index = bisect_left(breaks, position)
    return breaks[index] if index < len(breaks) else len(text)


@functools.lru_cache(maxsize=16)
def _breaks(text: str) -> tuple[list[int], list[int]]:
    """Where the clause breaks and the sentence breaks of a long `text` are, in order."""
    clauses = [match.start() for match in _CLAUSE_BREAK.finditer(text)]
    return clauses, [index for index in clauses if text[index] in _SENTENCE_BREAKS]
