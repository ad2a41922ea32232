"""Where the figures are in a text: number-and-unit spans (285万平方米, 9,000个, ９０００元,
百分之三十, 两座) with their values, without ordinals, rates, durations and idioms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from taizhang.chinese.numbers import chinese_numeral_to_int
from taizhang.chinese.quantities.units import (
    _IDIOMS,
    _MULTIPLIERS,
    _NOT_AFTER_UNIT,
    _UNITS,
    _plain,
)

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


@dataclass(frozen=True)
class _Figure:
    """A figure before its subject and kind are read."""

    start: int
    end: int
    value: Decimal
    unit: str
    approximate: bool


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
