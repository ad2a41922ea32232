"""Deadlines: read the dates written in a 完成时限 cell.

A cell holds clauses ("5月底前完成选址，年底前建成。", "①6月底前；②年底前"); each clause that
names a date becomes a milestone. Every date phrase is reduced to (year reference, month, day
or "last day of the month"), so quarters, halves, 年底 and seasonal terms (汛期前, see
seasons.py) share one validation path. The rules and their sources: docs/chinese-rules.md.
"""

import calendar
import datetime
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

from taizhang.chinese.numbers import chinese_numeral_to_int
from taizhang.chinese.seasons import (
    SEASONAL_TERMS,
    SPRING_FESTIVAL,
    SeasonalTerm,
    spring_festival_eve,
)


@dataclass(frozen=True)
class Milestone:
    """One dated clause: its text (stripped) and the latest date it names."""

    text: str
    date: datetime.date


@dataclass(frozen=True)
class DeadlineParse:
    """Result of parse_deadline: milestones in order, the latest date, and warnings."""

    milestones: tuple[Milestone, ...]
    deadline: datetime.date | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _TwoFigureYear:
    """A year written with its last two figures ("99年底", "25年10月"): the year ending in them
    that is nearest the ledger's year."""

    figures: int  # 0..99


# A year reference: an explicit year, a two-figure year, a relative word (明年, 次年...) or
# None for "the year in force" (the ledger's year until an explicit year appears in the text).
_YearRef: TypeAlias = int | _TwoFigureYear | str | None
# (month, day); day None means the last day of the month.
_MonthDay: TypeAlias = tuple[int, int | None]


@dataclass(frozen=True)
class _Hit:
    """A date phrase found in a clause, before its year is resolved."""

    start: int
    end: int
    text: str
    year: _YearRef
    month: int
    day: int | None  # None: last day of the month
    term: SeasonalTerm | None = None  # set when the date is a default assumed for a term


# Words relative to the ledger's year, and words relative to the year in force (次年 in
# "2021年11月至次年3月" means the year after 2021, whatever the ledger's year).
_LEDGER_RELATIVE = {"今年": 0, "本年": 0, "明年": 1, "来年": 1, "去年": -1, "上年": -1}
_CONTEXT_RELATIVE = {"当年": 0, "同年": 0, "次年": 1, "翌年": 1}

_CN_DIGIT = "〇零一二三四五六七八九"
_CN_NUMERAL = "一二三四五六七八九十"
# A date phrase must start where a number starts: "14季度" is not 4季度 and "12021年底" is
# not 2021年底.
_NOT_AFTER_NUMBER = rf"(?<![0-9{_CN_DIGIT}十两百千万])"
_YEAR = (
    rf"(?:(?P<year>[0-9]{{4}}|[{_CN_DIGIT}]{{4}})年"
    rf"|(?P<word>{'|'.join([*_LEDGER_RELATIVE, *_CONTEXT_RELATIVE])}))"
)
_MONTH = rf"(?P<month>[0-9]{{1,2}}|[{_CN_NUMERAL}]{{1,3}})月"
# 日 may be left out where the day ends the clause or comes before 前 ("2021年11月15前").
_DAY = rf"(?P<day>[0-9]{{1,2}}|[{_CN_NUMERAL}]{{1,3}})(?:[日号]|(?=前|$))"
_MONTH_TAIL = rf"(?:{_DAY}|(?P<part>上旬|中旬|下旬|初|底|末|份))"

_NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?P<year>[0-9]{4})(?P<sep>[-./])(?P<month>[0-9]{1,2})(?P=sep)"
    r"(?P<day>[0-9]{1,2})(?![0-9])[日号]?"
)
# A year and month written as figures: "2024.10", "2024-10", "2024/10", "2024.10月底",
# "2024.10-12" (a range: its end); "2021-12/31" mixes separators and is no date. A 完成时限
# cell is read as a deadline, but a figure like "2024.10万元" or "2024.15" is still no date:
# the year is 19xx/20xx, the month 1..12, not followed by more digits or a unit of quantity.
_QUANTITY_UNIT = r"(?:[万亿千百元%个项件吨米亩人户家台辆套座次倍天日周年]|公里|平方)"
_RANGE_DASH = r"[-—–~～至到]"
_NUMERIC_MONTH = re.compile(
    r"(?<![0-9.])(?P<year>(?:19|20)[0-9]{2})\s*(?P<sep>[-./])\s*(?P<month>1[0-2]|0?[1-9])"
    rf"(?![0-9])(?!(?P=sep)[0-9]|[./][0-9])(?!\s*{_QUANTITY_UNIT})"
    rf"(?:\s*{_RANGE_DASH}\s*(?P<month_end>1[0-2]|0?[1-9])(?![0-9.]))?"
    r"(?:月份|月)?(?P<part>上旬|中旬|下旬|初|底|末)?"
)
# A year written with two figures before a month or 底/末: "24年10月", "24年底" (never
# "24年前", which is "24 years ago", nor "24年内").
_SHORT_YEAR = r"(?<![0-9])(?P<short_year>[0-9]{2})年"
_MONTH_DATE = re.compile(rf"{_NOT_AFTER_NUMBER}(?:{_YEAR}|{_SHORT_YEAR})?{_MONTH}{_MONTH_TAIL}?")
_SHORT_YEAR_END = re.compile(rf"{_SHORT_YEAR}[底末]")
# Q3, 2024Q3, 2024年Q3, Q4末: a quarter written the English way.
_Q_QUARTER = re.compile(
    r"(?<![A-Za-z0-9])(?:(?P<year>(?:19|20)[0-9]{2})\s*年?\s*)?[Qq](?P<quarter>[1-4])"
    r"(?![0-9])(?:季度)?(?:末|底)?"
)
_HALF_YEAR = re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR}?(?P<half>上|下)半年")
_QUARTER = re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR}?第?(?P<quarter>[一二三四1-4])季度(?:末|底)?")
_YEAR_END = re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR}(?:年?[底末内]|全年)")
# A year on its own counts only at the very end of a clause ("完成时限:2022年"); followed by
# more text it is usually a label ("2020年23个项目", "2021年度计划") rather than a date.
_YEAR_ALONE = re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR}$")
# ... or before 前 ("2022年前完成": by the end of 2022, see parse_deadline), unless 前 starts
# a count ("2021年前三季度", "2021年前10个月") ...
_YEAR_BEFORE = re.compile(
    rf"{_NOT_AFTER_NUMBER}{_YEAR}(?:以前|之前|前)(?![0-9{_CN_DIGIT}十两半几])"
)
# ... or before a verb of completion ("2023年建成投用", "2023年全面完成").
_YEAR_OF_COMPLETION = re.compile(
    rf"{_NOT_AFTER_NUMBER}{_YEAR}(?=(?:全面|基本|全部|正式)?(?:完成|建成|投用|竣工|开工|交付|实现))"
)
# 年底/年末/年内 without a year: not after a count or a word making it a span or a recurrence
# ("两年内", "半年内", "近年内", "每年底").
_NOT_A_SPAN = rf"(?<![0-9{_CN_DIGIT}十两百千万几数多半每近往历])"
_BARE_YEAR_END = re.compile(rf"{_NOT_A_SPAN}年[底末内]|全年")

# 每月10日前报送, 每季度首月: a recurring duty, not a deadline.
_RECURRING = re.compile(r"每(?:个|一|两|半)?(?:年|季|月|周|星期|天|日|旬)")
# Split on sentence and clause punctuation (both widths: the raw text is split so that
# milestone texts keep their original characters). 、 is not a separator: it joins list
# items inside one clause ("邵原镇、南部岭区供水工程年底完成前期").
# Clause numbering is split on too, before NFKC could turn ① into a digit of the date that
# follows ("①6月底前" is not "16月底前"): circled and parenthesised numbers anywhere
# (①…⑳ ㉑… ❶ ➀ ⑴ ⒈ ㈠, （1） (1) （一）), ...
_CIRCLED_NUMBER = "\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3220-\u3229\u3251-\u325f\u32b1-\u32bf"
_BRACKETED_NUMBER = r"[（(]\s*(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[）)]"
_CLAUSE_SEPARATOR = re.compile(
    rf"[。｡；;，,！!？?﹐﹔\n\r\v\f\u2028\u2029{_CIRCLED_NUMBER}]|{_BRACKETED_NUMBER}"
)
# ... and at the start of a clause "1." "1、" "1）" "一、" and 一是/二是 are numbering too.
_LEADING_NUMBERING = re.compile(
    r"^(?:(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})\s*[.．、)）]|[一二三四五六七八九十]{1,3}是)"
)
_CLAUSE_EDGES = re.compile(r"^[\s。｡．.，,；;、：:！!？?]+|[\s。｡．.，,；;、：:！!？?]+$")

_PART_DAY: dict[str, int | None] = {"上旬": 10, "初": 10, "中旬": 20}
_QUARTER_MONTH = {"一": 3, "二": 6, "三": 9, "四": 12, "1": 3, "2": 6, "3": 9, "4": 12}


def parse_deadline(text: str, year: int) -> DeadlineParse:
    """Find the dates in a 完成时限 cell, relative to the ledger's year.

    Assumes text is one cell (several clauses/paragraphs allowed) and year is the ledger's
    year (1..9999). Each clause naming a date gives one milestone dated with the latest date
    it names; recurring clauses (每月...) and undated ones give none. An explicit year carries
    forward to later phrases without one. Invalid dates (2月30日, 13月) give a warning instead
    of a milestone. Never raises.

    Clause numbering (①②, （1）, (一), 1. 1、 一是/二是) separates clauses and is never read as
    digits of a date: "①6月底前；②年底前" gives 6-30 and 12-31. A seasonal or event term
    (汛期前, 春节前, 开学前, 供暖季前, 年中, 春季 ..., see seasons.py) in a clause with no other
    date gives its documented default with a warning naming it ("“汛期前”按5月31日计").
    A date in a later year than the ledger's is kept as written. A two-figure year (24年10月,
    99年底) is the year ending in those figures nearest the ledger's year: in a 2021 ledger
    99年底 is 1999-12-31 and 25年底 2025-12-31.

    A year without month counts as its last day where it ends a clause ("完成时限：2022年"),
    comes before a verb of completion ("2023年建成投用") or before 前 (以前, 之前): offices
    write "2022年前完成" for "by the end of 2022", so it is read as 2022-12-31, not as the
    last day of 2021; elsewhere a year is a label ("2021年度计划", "2020年23个小区"). A day
    may be written without 日 at the end of a clause or before 前 ("2021年11月15").
    """
    resolver = _YearResolver(ledger_year=year, current=year)
    milestones: list[Milestone] = []
    warnings: list[str] = []
    for raw_clause in _CLAUSE_SEPARATOR.split(text):
        clause = _clause_text(raw_clause)
        dates = _clause_dates(clause, resolver, warnings)
        if dates:
            milestones.append(Milestone(text=clause, date=max(dates)))
    deadline = max((m.date for m in milestones), default=None)
    return DeadlineParse(tuple(milestones), deadline, tuple(dict.fromkeys(warnings)))


def _clause_text(raw_clause: str) -> str:
    """The clause without surrounding punctuation, whitespace and leading numbering."""
    clause = _CLAUSE_EDGES.sub("", raw_clause)
    return _CLAUSE_EDGES.sub("", _LEADING_NUMBERING.sub("", clause))


@dataclass
class _YearResolver:
    """Turns year references into years, remembering the year in force."""

    ledger_year: int
    current: int

    def resolve(self, ref: _YearRef) -> int:
        """Year for a reference; relative words count from the ledger or the year in force."""
        if isinstance(ref, int):
            return ref
        if isinstance(ref, _TwoFigureYear):
            return _nearest_year_ending_in(ref.figures, self.ledger_year)
        if ref is None:
            return self.current
        if ref in _LEDGER_RELATIVE:
            return self.ledger_year + _LEDGER_RELATIVE[ref]
        return self.current + _CONTEXT_RELATIVE[ref]


def _nearest_year_ending_in(figures: int, near: int) -> int:
    """The year ending in the two `figures` nearest to `near` (in a 2021 ledger 99 is 1999 and
    25 is 2025); of two 50 years away, the earlier one. Stays within 1..9999."""
    same_century = near - near % 100 + figures
    years = [y for y in (same_century - 100, same_century, same_century + 100) if 1 <= y <= 9999]
    return min(years, key=lambda year: (abs(year - near), year))


def _clause_dates(clause: str, resolver: _YearResolver, warnings: list[str]) -> list[datetime.date]:
    """Valid dates of one clause in order; invalid ones are reported in warnings."""
    normalized = unicodedata.normalize("NFKC", clause)
    if _RECURRING.search(normalized):
        return []
    hits = list(_non_overlapping(_hits(normalized)))
    if any(hit.term is None for hit in hits):
        # An explicit date says what the office meant: "汛期前（5月20日前）".
        hits = [hit for hit in hits if hit.term is None]
    dates: list[datetime.date] = []
    for hit in hits:
        date = _hit_date(hit, resolver)
        if date is not None:
            dates.append(date)
        warning = _hit_warning(hit, date, resolver)
        if warning is not None:
            warnings.append(warning)
    return dates


def _hit_warning(hit: _Hit, date: datetime.date | None, resolver: _YearResolver) -> str | None:
    """The warning a hit gives: an invalid date, or the default assumed for a term."""
    if date is not None:
        return None if hit.term is None else f"“{hit.text}”按{date.month}月{date.day}日计"
    if hit.term is not None and hit.term.name == SPRING_FESTIVAL:
        return f"“{hit.text}”：{resolver.resolve(hit.year)}年春节日期未知，未计日期"
    return f"无效日期：{hit.text}"


def _hit_date(hit: _Hit, resolver: _YearResolver) -> datetime.date | None:
    """Date of a hit, or None when invalid.

    A valid date carrying its own year (explicit or a word like 明年) sets the year in force.
    """
    year = resolver.resolve(hit.year)
    if hit.term is not None and hit.term.name == SPRING_FESTIVAL:
        date = spring_festival_eve(year)
    else:
        date = _make_date(year, hit.month, hit.day)
    if date is not None and hit.year is not None:
        resolver.current = year
    return date


def _make_date(year: int, month: int, day: int | None) -> datetime.date | None:
    """datetime.date(year, month, day or last day), or None when that is no date."""
    if not (datetime.MINYEAR <= year <= datetime.MAXYEAR and 1 <= month <= 12):
        return None
    last_day = calendar.monthrange(year, month)[1]
    try:
        return datetime.date(year, month, last_day if day is None else day)
    except ValueError:
        return None


def _non_overlapping(hits: list[_Hit]) -> Iterator[_Hit]:
    """Earliest hits first, the longest at a position; hits overlapping a kept one dropped."""
    end = 0
    for hit in sorted(hits, key=lambda h: (h.start, h.start - h.end)):
        if hit.start >= end:
            end = hit.end
            yield hit


def _hits(clause: str) -> list[_Hit]:
    """Every date phrase any pattern finds in the (normalised) clause."""
    dated = [
        _Hit(m.start(), m.end(), m.group(), _year_ref(m), *month_day(m))
        for pattern, month_day in _PATTERNS
        for m in pattern.finditer(clause)
    ]
    if not _may_hold_a_term(clause):
        return dated
    seasonal = [
        _Hit(m.start(), m.end(), m.group(), _year_ref(m), term.month, term.day, term)
        for pattern, term in _SEASONAL_PATTERNS
        for m in pattern.finditer(clause)
    ]
    return dated + seasonal


def _year_ref(match: re.Match[str]) -> _YearRef:
    """The match's year reference: explicit year, relative word, or None."""
    groups = match.groupdict()
    if groups.get("year"):
        return chinese_numeral_to_int(groups["year"])
    if groups.get("short_year"):
        return _TwoFigureYear(int(groups["short_year"]))
    return groups.get("word")


def _number(text: str | None) -> int:
    """Arabic or Chinese number; 0 (an invalid month/day) when unreadable."""
    value = None if text is None else chinese_numeral_to_int(text)
    return 0 if value is None else value


def _month_day_of_numeric(m: re.Match[str]) -> _MonthDay:
    return _number(m.group("month")), _number(m.group("day"))


def _month_day_of_month(m: re.Match[str]) -> _MonthDay:
    if m.group("day") is not None:
        return _number(m.group("month")), _number(m.group("day"))
    return _number(m.group("month")), _PART_DAY.get(m.group("part") or "")


def _month_day_of_numeric_month(m: re.Match[str]) -> _MonthDay:
    month = _number(m.group("month_end") or m.group("month"))
    return month, _PART_DAY.get(m.group("part") or "")


def _month_day_of_half(m: re.Match[str]) -> _MonthDay:
    return (6 if m.group("half") == "上" else 12), None


def _month_day_of_quarter(m: re.Match[str]) -> _MonthDay:
    return _QUARTER_MONTH[m.group("quarter")], None


def _month_day_of_year_end(_m: re.Match[str]) -> _MonthDay:
    return 12, None


# Every pattern with the function reading (month, day) from its match. The year is read the
# same way for all of them, by _year_ref.
_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], _MonthDay]], ...] = (
    (_NUMERIC_DATE, _month_day_of_numeric),
    (_NUMERIC_MONTH, _month_day_of_numeric_month),
    (_MONTH_DATE, _month_day_of_month),
    (_SHORT_YEAR_END, _month_day_of_year_end),
    (_Q_QUARTER, _month_day_of_quarter),
    (_HALF_YEAR, _month_day_of_half),
    (_QUARTER, _month_day_of_quarter),
    (_YEAR_END, _month_day_of_year_end),
    (_YEAR_ALONE, _month_day_of_year_end),
    (_YEAR_BEFORE, _month_day_of_year_end),
    (_YEAR_OF_COMPLETION, _month_day_of_year_end),
    (_BARE_YEAR_END, _month_day_of_year_end),
)


# A verb of completion may follow 年中 ("年中建成"); anything else makes it no date
# ("一年中", "今年中央", "年中考核").
_COMPLETION = r"(?:全面|基本|全部|正式)?(?:完成|建成|投用|竣工|开工|交付|实现|启动|出台|形成)"


def _seasonal_pattern(term: SeasonalTerm) -> re.Pattern[str]:
    """The pattern of a term, optionally after a year ("2022年汛期前", "明年春节前")."""
    if term.name == "年中":
        # The 年 of 年中 may be the year's own ("2021年中", "今年年中").
        return re.compile(
            rf"{_NOT_AFTER_NUMBER}(?:{_YEAR}年?|{_NOT_A_SPAN}年)(?:{term.pattern})"
            rf"(?=$|{_COMPLETION})"
        )
    return re.compile(rf"{_NOT_AFTER_NUMBER}{_YEAR}?(?:{term.pattern})")


_SEASONAL_PATTERNS: tuple[tuple[re.Pattern[str], SeasonalTerm], ...] = tuple(
    (_seasonal_pattern(term), term) for term in SEASONAL_TERMS
)
# A character every term but 年中, 五一 and 七一 holds: most clauses hold none, and this is
# much cheaper than the term patterns.
_TERM_CHARACTERS = frozenset("汛节旦劳庆学暖热收夏秋冬春")


def _may_hold_a_term(clause: str) -> bool:
    return not _TERM_CHARACTERS.isdisjoint(clause) or any(
        word in clause for word in ("年中", "五一", "七一")
    )
