"""Progress statuses: map the words, symbols and lights offices write to a small set of codes.

A status cell holds a status word ("正在推进", "已竣工", "滞后序时"), a symbol ("√", "○")
decoded through the ledger's own legend row when it has one, or a light ("绿灯", "黄", "红色").
Where each word comes from, and every default, is in docs/chinese-rules.md.
"""

import re
import unicodedata
from collections.abc import Mapping
from enum import StrEnum


class StatusCode(StrEnum):
    """The progress statuses: the one place their codes are defined (ledger.models.Status, the
    JSON format, the dashboard and the bulletin all take them from here)."""

    COMPLETED = "completed"
    IN_PROGRESS = "in_progress"
    LAGGING = "lagging"
    NOT_STARTED = "not_started"


STATUS_CODES: tuple[str, ...] = tuple(code.value for code in StatusCode)

# The Chinese display label of each status, in STATUS_CODES order.
STATUS_LABELS: dict[StatusCode, str] = {
    StatusCode.COMPLETED: "已完成",
    StatusCode.IN_PROGRESS: "正在推进",
    StatusCode.LAGGING: "推进缓慢",
    StatusCode.NOT_STARTED: "未启动",
}


def _words(code: str, *words: str) -> dict[str, str]:
    return dict.fromkeys(words, code)


# Whole status words (the cell is the word, or the word then punctuation and an explanation).
# Prefixes are never enough: "已完成主体施工" or "滞后于计划" is a progress remark.
_WORDS: dict[str, str] = {
    **_words(
        StatusCode.COMPLETED,
        "已完成", "提前完成", "超额完成", "完成", "全面完成", "已全面完成", "已竣工", "已完工",
        "竣工", "完工", "已竣工验收", "已投用", "建成投用", "已建成投用", "已投入使用",
        "已建成", "已投产", "已交付", "已交付使用", "已办结", "办结", "已销号", "已整改",
        "整改完成", "已整改到位", "已落实",
    ),
    **_words(
        StatusCode.IN_PROGRESS,
        "正在推进", "序时推进", "按序时推进", "按序时进度推进", "正常推进", "推进中",
        "进行中", "在建", "在建中", "建设中", "施工中", "已开工", "开工建设", "已开工建设",
        "超序时", "超序时进度", "快于序时", "快于序时进度", "超进度", "达进度", "达序时",
        "按计划推进", "按计划进行", "有序推进", "稳步推进", "正在实施", "实施中",
        "已启动", "持续推进", "部分完成", "正在整改", "整改中", "部分整改",
        "达序推进", "达序时推进", "达到序时进度", "符合序时进度", "正在办理", "办理中",
        "落实中", "正在落实", "加快推进", "正常", "正常推进中", "未办结", "尚未办结",
        "持续整改", "持续推进中", "长期坚持", "常态化推进",
    ),
    **_words(
        StatusCode.LAGGING,
        "推进缓慢", "进展缓慢", "进度缓慢", "推进较慢", "进度滞后", "滞后", "严重滞后",
        "慢序时", "慢于序时", "慢于序时进度", "滞后序时", "滞后序时进度", "落后序时",
        "欠进度", "低于序时进度", "未达序时进度", "未达到序时进度", "未按序时推进",
        "未按期完成", "逾期未完成", "超期",
    ),
    **_words(
        StatusCode.NOT_STARTED,
        "未启动", "尚未启动", "暂未启动", "暂未开启", "未开工", "尚未开工", "暂未开工",
        "未开始", "尚未开始", "未实施", "尚未实施", "未整改",
        "待办理", "待办", "未办理", "尚未办理", "待启动",
    ),
}  # fmt: skip

# Symbols by default, when the ledger has no legend or its legend leaves the symbol out.
# Look-alikes share one entry (○ 〇 ◯; √ ✓ ✔ ☑; × ✗ ✘ ╳ ✕ ☓ X): a legend naming one of them
# names the others too.
_SAME_SYMBOL: dict[str, str] = {
    "✓": "√", "✔": "√", "☑": "√",
    "〇": "○", "◯": "○",
    "✗": "×", "✘": "×", "╳": "×", "✕": "×", "☓": "×", "X": "×", "x": "×",
}  # fmt: skip
_SYMBOL_DEFAULTS: dict[str, str] = {
    "√": StatusCode.COMPLETED,
    "●": StatusCode.COMPLETED,
    "★": StatusCode.COMPLETED,
    "○": StatusCode.IN_PROGRESS,
    "☆": StatusCode.IN_PROGRESS,
    "△": StatusCode.LAGGING,
    "▲": StatusCode.LAGGING,
    "×": StatusCode.NOT_STARTED,
}
# Symbols read only through a legend (no safe default): ◎ ◉ ▽ ▼ ■ □ ◆ ◇.
_SYMBOLS = "√✓✔☑○〇◯●◎◉☆★△▲▽▼×✗✘╳✕☓■□◆◇"
# Lights: 绿 on pace, 黄 and 红 behind (the label keeps which). 蓝 and 橙 mean different things
# in different places (blue is the best mark in some lists, a mild warning in others), so they
# are read only through a legend.
_COLOUR_DEFAULTS: dict[str, str] = {
    "绿": StatusCode.IN_PROGRESS,
    "黄": StatusCode.LAGGING,
    "红": StatusCode.LAGGING,
}
_COLOUR = re.compile(r"亮?(?P<colour>[红黄绿蓝橙])(?:灯|色|牌|标)?")

# Punctuation that may follow a status word and introduce an explanation, after NFKC
# (which turns the full-width forms into ASCII): "已完成(提前1个月)", "推进缓慢,受疫情影响".
_EXPLANATION_START = frozenset("(,;:、.-—[【")
_TRAILING_PUNCTUATION = "。.,;、!"
_WHITESPACE = re.compile(r"\s+")


def status_code(label: str, legend: Mapping[str, str] | None = None) -> str | None:
    """Map a status label ("正在推进", " 已竣工。", "√", "黄灯", "推进缓慢，受疫情影响") to a code.

    Assumes the label is the content of a status cell and legend, when given, is the
    ledger's own legend (symbol or light -> code, as parse_legend returns it). Normalises
    with NFKC, drops all whitespace and trailing punctuation, then accepts:
    - a status word, alone or followed by punctuation or a line break and an explanation;
    - a symbol or a light, alone, followed by an explanation, or followed by a status word
      (which then decides: "○已完成" is completed). Symbols and lights are read through
      legend where it names them, else by default (docs/chinese-rules.md).
    Returns None for anything else; in particular "未完成" is not "completed" and a remark
    such as "资金已到位" is no status. Never raises.
    """
    lookup = _legend_lookup(legend or {})
    first_line = label.strip().split("\n", 1)[0]
    if first_line != label.strip():  # a line break ends a status like punctuation does
        code = _label_code(_normalize_label(first_line), lookup)
        if code is not None:
            return code
    return _label_code(_normalize_label(label), lookup)


def _label_code(normalized: str, legend: Mapping[str, str]) -> str | None:
    word = _word_code(normalized)
    if word is not None:
        return word
    return _marker_code(normalized, legend)


def _normalize_label(label: str) -> str:
    """NFKC, no whitespace anywhere, no trailing sentence punctuation."""
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", label))
    return compact.rstrip(_TRAILING_PUNCTUATION)


def _word_code(normalized: str) -> str | None:
    """Code of a status word that is the whole label or opens it before punctuation."""
    exact = _WORDS.get(normalized)
    if exact is not None:
        return exact
    for word, code in _WORDS.items():
        rest = normalized.removeprefix(word)
        if rest != normalized and rest[:1] in _EXPLANATION_START:
            return code
    return None


def _marker_code(normalized: str, legend: Mapping[str, str]) -> str | None:
    """Code of a label opened by a symbol or a light, or None."""
    marker = _leading_marker(normalized)
    if marker is None:
        return None
    key, rest = marker
    if rest and rest[0] not in _EXPLANATION_START:
        return _word_code(rest)
    return legend.get(key) or _default_code(key)


def _leading_marker(text: str) -> tuple[str, str] | None:
    """(canonical key, rest of the text) of the symbol or light that opens text."""
    if not text:
        return None
    # A letter X is a cross only alone or before punctuation ("X（未启动）"), not in "XX路".
    if text[0] in _SYMBOLS or (text[0] in "Xx" and text[1:2] in ("", *_EXPLANATION_START)):
        return _SAME_SYMBOL.get(text[0], text[0]), text[1:]
    match = _COLOUR.match(text)
    if match is None:
        return None
    return _colour_key(match.group("colour")), text[match.end() :]


def _colour_key(colour: str) -> str:
    """Canonical key of a light: "绿灯", "绿色", "亮绿灯" and "绿" are one light."""
    return f"{colour}灯"


def _default_code(key: str) -> str | None:
    if key in _SYMBOL_DEFAULTS:
        return _SYMBOL_DEFAULTS[key]
    return _COLOUR_DEFAULTS.get(key[:1]) if key.endswith("灯") else None


def _legend_lookup(legend: Mapping[str, str]) -> dict[str, str]:
    """The legend with its keys made canonical; entries that are no marker or code dropped."""
    lookup: dict[str, str] = {}
    for key, code in legend.items():
        marker = _leading_marker(_normalize_label(key))
        if marker is not None and not marker[1] and code in STATUS_CODES:
            lookup[marker[0]] = code
    return lookup


# --- legends ---------------------------------------------------------------------------------

_LEGEND_PREFIX = re.compile(r"^(?:填表说明|说明|注释|备注|图例|注)[0-9]?[:：]")
_ITEM_SEPARATOR = re.compile(r"[,;。\n]")
_QUOTES = "\"'“”‘’「」『』"
_KEY = re.compile(rf"[{_QUOTES}]?(?P<key>[{_SYMBOLS}]|亮?[红黄绿蓝橙](?:灯|色|牌)?)[{_QUOTES}]?")
# Desc(key): "已完成(√)", the one form where the description comes first.
_REVERSED = re.compile(rf"(?P<desc>[^,;()]+?)\({_KEY.pattern}\)")
_NUMBERING = re.compile(r"^[0-9]{1,2}[.、)]|[0-9]{1,2}[.、)]?$")
_CONNECTORS = re.compile(r"^(?:表示|代表|意为|为|即|是|指|:|=|-|—|~)+|(?:表示|、|-)+$")
# A status word after these is not that status: "未完成", "不完成", "基本完成".
_NEGATION = ("未", "没", "不", "非", "无", "基本")


def parse_legend(text: str) -> dict[str, str]:
    """Read a legend row: "注：√为已完成，○为正在推进" -> {"√": "completed", "○": "in_progress"}.

    Assumes text is one legend row or cell. Handles a leading 注/说明/填表说明/备注/图例,
    numbering ("1.“√”表示已完成"), quotes around symbols, the connectors 为/表示/代表/即/是/:,
    separators (，；。、 and none at all), lights ("绿灯：按序时推进；黄灯：进度滞后") and the
    reversed form "已完成（√）". A description is read as a status word, or as the longest
    status word it contains that no negation (未 不 没 非 无 基本) precedes: "严重滞后" is lagging,
    "未完成" is dropped. Returns {} when the text holds no legend. Never raises.
    """
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    compact = _LEGEND_PREFIX.sub("", compact)
    legend: dict[str, str] = {}
    for item in _ITEM_SEPARATOR.split(compact):
        for key, description in _legend_pairs(item):
            code = _description_code(description)
            if code is not None:
                legend.setdefault(key, code)
    return legend


def is_legend(text: str) -> bool:
    """Whether a row's text is a legend: opened by 注/说明/填表说明/备注/图例 and a colon, or
    describing two or more symbols or lights ("√为已完成，×为未完成"); a single "√已完成"
    is a status, not a legend."""
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    if _LEGEND_PREFIX.match(compact):
        return True
    described = {
        key
        for item in _ITEM_SEPARATOR.split(compact)
        for key, description in _legend_pairs(item)
        if description
    }
    return len(described) >= 2


def _legend_pairs(item: str) -> list[tuple[str, str]]:
    """(key as written, description) pairs of one legend item."""
    item = _NUMBERING.sub("", item)
    reversed_pairs = [(m.group("key"), m.group("desc")) for m in _REVERSED.finditer(item)]
    if reversed_pairs:
        return [(key, _NUMBERING.sub("", desc.lstrip("、"))) for key, desc in reversed_pairs]
    keys = list(_KEY.finditer(item))
    ends = [key.start() for key in keys[1:]] + [len(item)] if keys else []
    return [
        (key.group("key"), _strip_connectors(item[key.end() : end]))
        for key, end in zip(keys, ends, strict=True)
    ]


def _strip_connectors(description: str) -> str:
    """Drop numbering, connectors and quotes around a description."""
    previous = None
    while previous != description:
        previous = description
        description = _CONNECTORS.sub("", _NUMBERING.sub("", description)).strip(_QUOTES)
    return description


def _description_code(description: str) -> str | None:
    """Code of a legend description: a status word, else the longest one it contains."""
    code = _word_code(_normalize_label(description))
    if code is not None:
        return code
    for word in sorted(_WORDS, key=len, reverse=True):
        at = description.find(word)
        if at >= 0 and not description[:at].endswith(_NEGATION):
            return _WORDS[word]
    return None


def status_label_text(code: str) -> str:
    """Chinese display label of a status code, e.g. "lagging" -> "推进缓慢".

    Assumes code is one of STATUS_CODES; raises ValueError otherwise.
    """
    try:
        return STATUS_LABELS[StatusCode(code)]
    except ValueError:
        raise ValueError(f"unknown status code: {code!r}") from None
