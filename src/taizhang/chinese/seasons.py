"""Seasonal and event terms in deadlines (汛期前, 春节前, 开学前 ...) and the dates they stand for.

Offices write "汛期前完成" where they mean a date everyone in the county knows. The reader
takes a documented default for each term, and says so in a warning, so that the office can
correct the date where its own calendar differs. Every default and its reason is listed in
docs/chinese-rules.md (a test keeps the two in step).
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class SeasonalTerm:
    """A term, the regular expression that finds it, and its default (month, day).

    day None means the last day of the month. For 春节前 the date depends on the year and
    comes from spring_festival_eve instead (month and day are then 0).
    """

    name: str
    pattern: str
    month: int
    day: int | None
    reason: str


SPRING_FESTIVAL = "春节前"

# Longer terms first where one contains another (主汛期前 before 汛期前, 秋季开学前 before 秋季).
# A new term needs one of its characters in dates._TERM_CHARACTERS, the cheap pre-check.
SEASONAL_TERMS: tuple[SeasonalTerm, ...] = (
    SeasonalTerm("主汛期前", r"主汛期(?:到来|来临)?[以之]?前", 6, 30, "北方主汛期7月1日起"),
    SeasonalTerm(
        "汛期前", r"(?:入汛|汛期(?:到来|来临)?|汛)[以之]?前", 5, 31, "多数省份汛期6月1日起"
    ),
    SeasonalTerm(SPRING_FESTIVAL, r"春节[以之]?前", 0, 0, "除夕，按当年农历"),
    SeasonalTerm("元旦前", r"元旦[以之]?前", 12, 31, "1月1日元旦之前一日（当年年底）"),
    SeasonalTerm("五一前", r"(?:五一|劳动节)[以之]?前", 4, 30, "5月1日之前一日"),
    SeasonalTerm("七一前", r"七一[以之]?前", 6, 30, "7月1日之前一日"),
    SeasonalTerm("国庆前", r"国庆节?[以之]?前", 9, 30, "10月1日之前一日"),
    SeasonalTerm(
        "春季开学前", r"春季(?:学期)?开学[以之]?前", 2, None, "春季学期2月下旬至3月初开学"
    ),
    SeasonalTerm("开学前", r"(?:秋季(?:学期)?)?开学[以之]?前", 8, 31, "秋季学期9月1日开学"),
    SeasonalTerm(
        "供暖季前",
        r"(?:冬季)?(?:供暖|采暖|供热)(?:季|期)?(?:开始)?[以之]?前",
        11,
        14,
        "北方法定供暖期11月15日起",
    ),
    SeasonalTerm("麦收前", r"(?:麦收|夏收|三夏)[以之]?前", 5, 31, "黄淮麦收5月底至6月上旬"),
    SeasonalTerm("秋收前", r"(?:秋收|三秋)[以之]?前", 9, 30, "秋收10月起"),
    # The year prefix and what may follow are handled in dates.py: "2021年中", "今年年中前".
    SeasonalTerm("年中", r"中(?:[以之]?前|左右)?", 6, 30, "上半年末"),
    SeasonalTerm("春季前", r"春季[以之]?前", 2, None, "春季3月起（气象季节）"),
    SeasonalTerm("夏季前", r"夏季[以之]?前", 5, 31, "夏季6月起"),
    SeasonalTerm("秋季前", r"秋季[以之]?前", 8, 31, "秋季9月起"),
    SeasonalTerm("冬季前", r"(?:冬季|入冬)[以之]?前", 11, 30, "冬季12月起"),
    SeasonalTerm("春季", r"春季[末底内]?", 5, 31, "春季3—5月"),
    SeasonalTerm("夏季", r"夏季[末底内]?", 8, 31, "夏季6—8月"),
    SeasonalTerm("秋季", r"秋季[末底内]?", 11, 30, "秋季9—11月"),
    SeasonalTerm("冬季", r"冬季[末底内]?", 12, 31, "冬季12月—次年2月，台账按当年年底"),
)

# 春节 (the first day of the lunar year), 1990-2050: the published dates, each checked against
# the second new moon after the winter solstice (Beijing time) computed with Meeus's
# algorithm; 2034 is the one year where the rule does not hold (leap 11th month in 2033).
_SPRING_FESTIVAL: dict[int, tuple[int, int]] = {
    1990: (1, 27), 1991: (2, 15), 1992: (2, 4), 1993: (1, 23), 1994: (2, 10),
    1995: (1, 31), 1996: (2, 19), 1997: (2, 7), 1998: (1, 28), 1999: (2, 16),
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22),
    2005: (2, 9), 2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26),
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31),
    2015: (2, 19), 2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5),
    2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19),
    2035: (2, 8), 2036: (1, 28), 2037: (2, 15), 2038: (2, 4), 2039: (1, 24),
    2040: (2, 12), 2041: (2, 1), 2042: (1, 22), 2043: (2, 10), 2044: (1, 30),
    2045: (2, 17), 2046: (2, 6), 2047: (1, 26), 2048: (2, 14), 2049: (2, 2),
    2050: (1, 23),
}  # fmt: skip
SPRING_FESTIVAL_YEARS = range(min(_SPRING_FESTIVAL), max(_SPRING_FESTIVAL) + 1)


def spring_festival_eve(year: int) -> datetime.date | None:
    """除夕 of the given year (the day before 春节), or None outside 1990-2050.

    "春节前" in a ledger of year Y is read as the eve of the 春节 that falls in Y.
    """
    day = _SPRING_FESTIVAL.get(year)
    if day is None:
        return None
    return datetime.date(year, *day) - datetime.timedelta(days=1)
