"""Chinese numerals: plain conversion and the category markers that head ledger sections;
and a stored figure written as people write it."""

import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from types import ModuleType

# Characters cn2an understands as digits or units. Anything else is rejected before cn2an
# sees it, because cn2an's "normal" mode also accepts 点 (decimals), 负 (negatives) and a
# trailing 元 (money), none of which is a plain integer numeral.
_CHINESE_DIGITS = "零〇一壹幺二贰两三叁四肆五伍六陆七柒八捌九玖廿"
_CHINESE_UNITS = "十拾百佰千仟万亿"
_CHINESE_NUMERAL = re.compile(f"[{_CHINESE_DIGITS}{_CHINESE_UNITS}]+")

# A category cell is "一", "一、标题", "一. 标题", "（一）", "(一)标题" ... The numeral must
# be followed by the end, a separator or whitespace, so that "三季度" or "一是" (ordinary
# text that merely starts with a numeral) is not taken for a marker.
_NUMERAL_CLASS = f"[{_CHINESE_DIGITS}{_CHINESE_UNITS}]+"
_MARKER_SEPARATORS = "、.．,，:：;；\\s"
_BRACKETED_MARKER = re.compile(
    rf"[（(]\s*(?P<numeral>{_NUMERAL_CLASS})\s*[）)](?P<rest>.*)", re.DOTALL
)
_BARE_MARKER = re.compile(
    rf"(?P<numeral>{_NUMERAL_CLASS})(?:[{_MARKER_SEPARATORS}](?P<rest>.*))?", re.DOTALL
)


def chinese_numeral_to_int(text: str) -> int | None:
    """Convert a numeral ("二十三", "一百零五", "两", "叁", "12", "１２") to an int.

    Assumes the whole text (surrounding whitespace aside) is one numeral: Chinese counting
    form, digit-by-digit form ("二〇二一"), financial form (壹贰叁) or ASCII/full-width Arabic
    digits. Returns None for anything else, including "" and mixed text such as "第一";
    never raises.
    """
    normalized = unicodedata.normalize("NFKC", text).strip()
    if normalized.isascii() and normalized.isdigit():
        return int(normalized)
    if not _CHINESE_NUMERAL.fullmatch(normalized):
        return None
    return _cn2an_integer(normalized)


@functools.cache
def _cn2an() -> ModuleType:
    """cn2an, imported when first needed: importing it parses its YAML configuration three
    times (0.3-0.4 s), which every command, worker and test process paid at start-up."""
    import cn2an  # type: ignore[import-untyped, unused-ignore]

    module: ModuleType = cn2an
    return module


@functools.lru_cache(maxsize=1024)
def int_to_chinese_numeral(number: int) -> str:
    """A number in Chinese counting form: 10 -> 十, 11 -> 十一, 105 -> 一百零五 (kept for the
    numbers asked: cn2an took 30-50 us each, for each of a page's categories)."""
    return str(_cn2an().an2cn(number))


def _cn2an_integer(numeral: str) -> int | None:
    """Ask cn2an for the value of an all-numeral string; None when it refuses it."""
    try:
        value = _cn2an().cn2an(numeral, "normal")
    except Exception:  # cn2an signals bad input with assorted exception types
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def parse_category_marker(text: str) -> tuple[int, str] | None:
    """Read a category row's leading Chinese numeral: "一、提升医疗服务" -> (1, "提升医疗服务").

    Accepts a bare numeral ("十一"), a numeral followed by a separator (、 . ． , : ;) or
    whitespace, and a bracketed numeral ("（三）", "(三)"). Returns the number and the rest
    of the cell, stripped. Arabic digits ("1") and text without a leading numeral are not
    markers and give None, as does a numeral below 1.
    """
    stripped = text.strip()
    match = _BRACKETED_MARKER.fullmatch(stripped) or _BARE_MARKER.fullmatch(stripped)
    if match is None:
        return None
    number = chinese_numeral_to_int(match.group("numeral"))
    if number is None or number < 1:
        return None
    return number, _strip_marker_rest(match.group("rest") or "")


def _strip_marker_rest(rest: str) -> str:
    """Drop separators and whitespace left between the marker and the title."""
    return rest.strip().lstrip("、.．,，:：;；").strip()


def figure_text(value: object) -> str | None:
    """A figure as people write it, without exponent or trailing zeros: 3000.0 -> "3000",
    "2.50" -> "2.5", Decimal("1200.0000") -> "1200"; None when `value` is no finite number.
    The one writing of a stored figure: the pages', the task history's and the audit log's."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return format(number.normalize(), "f") if number.is_finite() else None
