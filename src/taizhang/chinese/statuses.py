"""Progress statuses: map the Chinese words offices write to a small set of codes."""

import re
import unicodedata

STATUS_CODES: tuple[str, ...] = ("completed", "in_progress", "lagging", "not_started")

_LABELS: dict[str, str] = {
    "completed": "已完成",
    "in_progress": "正在推进",
    "lagging": "推进缓慢",
    "not_started": "未启动",
}

_WORDS: dict[str, str] = {
    "已完成": "completed",
    "提前完成": "completed",
    "超额完成": "completed",
    "完成": "completed",
    "正在推进": "in_progress",
    "序时推进": "in_progress",
    "按序时推进": "in_progress",
    "正常推进": "in_progress",
    "推进中": "in_progress",
    "进行中": "in_progress",
    "推进缓慢": "lagging",
    "进度滞后": "lagging",
    "滞后": "lagging",
    "慢序时": "lagging",
    "滞后序时": "lagging",
    "未启动": "not_started",
    "尚未启动": "not_started",
    "未开工": "not_started",
}

# Punctuation that may follow a status word and introduce an explanation, after NFKC
# (which turns the full-width forms into ASCII): "已完成(提前1个月)", "推进缓慢,受疫情影响".
_EXPLANATION_START = frozenset("(,;:、.-—[【")
_TRAILING_PUNCTUATION = "。.,;、!"
_WHITESPACE = re.compile(r"\s+")


def status_code(label: str) -> str | None:
    """Map a status label ("正在推进", " 已完成。", "推进缓慢，受疫情影响") to a code.

    Assumes the label is the content of a status cell. Normalises with NFKC, drops all
    whitespace and trailing punctuation, then accepts either an exact status word or a status
    word followed by punctuation and an explanation. Returns None for anything else; in
    particular "未完成" is not "completed" and a bare remark such as "资金已到位" is no status.
    """
    normalized = _normalize_label(label)
    exact = _WORDS.get(normalized)
    if exact is not None:
        return exact
    return _code_before_explanation(normalized)


def _normalize_label(label: str) -> str:
    """NFKC, no whitespace anywhere, no trailing sentence punctuation."""
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", label))
    return compact.rstrip(_TRAILING_PUNCTUATION)


def _code_before_explanation(normalized: str) -> str | None:
    """Code of the status word that opens the label and is followed by punctuation."""
    for word, code in _WORDS.items():
        rest = normalized.removeprefix(word)
        if rest != normalized and rest[:1] in _EXPLANATION_START:
            return code
    return None


def status_label_text(code: str) -> str:
    """Chinese display label of a status code, e.g. "lagging" -> "推进缓慢".

    Assumes code is one of STATUS_CODES; raises ValueError otherwise.
    """
    try:
        return _LABELS[code]
    except KeyError:
        raise ValueError(f"unknown status code: {code!r}") from None
