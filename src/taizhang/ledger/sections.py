"""A joint task's progress in sections: one per unit that serves it, and a common one for text
no unit can be given. Pure: no Django (the stored form, with unit ids, is ledger/joint.py's).

Real ledgers give each unit of a shared task its own paragraph ("住建局：…", "【水利局】…",
"水利局方面，…"); a unit's accepted report replaces its own paragraph and leaves the others.

- `split(progress, unit_names)` reads sections out of a progress text: a line that starts with
  a unit's marker opens that unit's section, the lines after it stay with it until another
  unit's marker; lines before the first marker are the common section. A task served by one
  unit has no common section: all its text is that unit's.
- `compose(sections, prefix_names, unit_names)` writes the text back: the common section first,
  then the units' in the task's unit order (units no longer serving the task after them), one
  paragraph each, a unit's prefixed "住建局：" when `prefix_names` is on and the task is joint
  (never twice: a text that already opens with the unit's marker keeps it as written).
- `resplit(progress, previous, ...)` gives an edited text its sections again: the units' parts
  the edit left intact stay theirs (with their statuses), the rest is common.

compose(split(x)) == x for a text without markers (prefix off), and for a text whose markers
follow the task's unit order (prefix on); sections keep their text as written, markers and
all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from taizhang.chinese.statuses import StatusCode

# Progress of a task, least advanced first: the joint status "least" takes the first.
STATUS_ORDER = (
    StatusCode.NOT_STARTED,
    StatusCode.LAGGING,
    StatusCode.IN_PROGRESS,
    StatusCode.COMPLETED,
)

# Long names and the short forms offices write for them (both ways).
_SHORT_FORMS = {
    "住房和城乡建设局": "住建局",
    "教育体育局": "教体局",
    "卫生健康委员会": "卫健委",
    "卫生健康委": "卫健委",
    "农业农村局": "农业农村局",
    "文化广电和旅游局": "文广旅局",
    "发展和改革委员会": "发改委",
    "自然资源和规划局": "自然资源局",
    "生态环境局": "环保局",
    "人力资源和社会保障局": "人社局",
    "市场监督管理局": "市场监管局",
    "交通运输局": "交通局",
    "财政金融局": "财政局",
}
_PLACE = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}?市)(?=[\u4e00-\u9fff]{2,})")
_DELIMITERS = ("：", ":", "，", ",")
_BRACKETS = (("【", "】"), ("[", "]"), ("〔", "〕"), ("［", "］"))


@dataclass(frozen=True)
class Section:
    """One part of a task's progress: a unit's (by name) or the common one (unit None), and
    the status the unit's last accepted report gave its part ("" when none)."""

    unit: str | None
    text: str
    status: str = ""


def unit_aliases(name: str) -> list[str]:
    """The ways a progress text names a unit: its name, without or with a leading city
    ("济源市住建局", "市住建局"), and its known short or long form; longest first."""
    bare = _PLACE.sub("", name)
    forms = {name, bare, f"市{bare}"}
    for long, short in _SHORT_FORMS.items():
        if bare == long:
            forms.add(short)
        if bare == short:
            forms.add(long)
    return sorted(forms, key=lambda form: (-len(form), form))


def marker_unit(line: str, unit_names: Sequence[str]) -> str | None:
    """The unit whose marker opens this line ("住建局：", "【水利局】", "水利局方面，"), or
    None."""
    head = line.lstrip()
    for name in unit_names:
        for alias in unit_aliases(name):
            if _opens_with(head, alias):
                return name
    return None


def _opens_with(head: str, alias: str) -> bool:
    for opening, closing in _BRACKETS:
        if head.startswith(f"{opening}{alias}{closing}"):
            return True
    for spoken in (alias, f"{alias}方面"):
        if head.startswith(spoken) and head[len(spoken) : len(spoken) + 1] in _DELIMITERS:
            return True
    return False


def split(progress: str, unit_names: Sequence[str]) -> list[Section]:
    """Sections read from a progress text (see the module docstring); [] for an empty text.
    With one unit, the whole text is that unit's."""
    if not progress:
        return []
    if len(unit_names) == 1:
        return [Section(unit_names[0], progress)]
    owners: list[str | None] = []
    lines: dict[str | None, list[str]] = {}
    owner: str | None = None
    for line in progress.split("\n"):
        owner = marker_unit(line, unit_names) or owner
        if owner not in lines:
            owners.append(owner)
            lines[owner] = []
        lines[owner].append(line)
    return [Section(unit, "\n".join(lines[unit])) for unit in owners]


def ordered(sections: Iterable[Section], unit_names: Sequence[str]) -> list[Section]:
    """Sections in document order: the common one, the task's units in order, then units
    that no longer serve the task (in the order they came)."""
    rank = {name: i for i, name in enumerate(unit_names)}
    listed = list(sections)

    def place(item: tuple[int, Section]) -> tuple[int, int]:
        index, section = item
        if section.unit is None:
            return (0, index)
        return (1, rank[section.unit]) if section.unit in rank else (2, index)

    return [section for _, section in sorted(enumerate(listed), key=place)]


def compose(sections: Iterable[Section], prefix_names: bool, unit_names: Sequence[str]) -> str:
    """The progress text the document shows (see the module docstring)."""
    joint = len(unit_names) > 1
    texts = []
    for section in ordered(sections, unit_names):
        text = section.text
        if prefix_names and joint and section.unit is not None:
            text = _prefixed(section.unit, text)
        texts.append(text)
    return "\n".join(texts)


def _prefixed(unit: str, text: str) -> str:
    if marker_unit(text, [unit]) == unit:
        return text
    return f"{unit}：{text}"


def resplit(
    progress: str, previous: Sequence[Section], prefix_names: bool, unit_names: Sequence[str]
) -> list[Section]:
    """The sections of a progress text someone edited as a whole (the office's direct edit),
    keeping what the edit left alone: a unit's previous section found intact as whole lines
    (as written, or as `compose` prefixes it) stays that unit's, with its status; the other
    lines are the common section, with the common section's status. When that does not
    compose back to `progress` exactly (a unit's part was edited too, or text was moved
    between the units' parts), the sections are read afresh (`split`)."""
    lines = progress.split("\n")
    taken: set[int] = set()
    kept: list[Section] = []
    for section in previous:
        if section.unit is None:
            continue
        forms = [section.text]
        if prefix_names and len(unit_names) > 1:
            forms.insert(0, _prefixed(section.unit, section.text))
        if any(_take(lines, form.split("\n"), taken) for form in forms):
            kept.append(section)
    rest = [line for index, line in enumerate(lines) if index not in taken]
    if rest:
        common = [s.status for s in previous if s.unit is None]
        kept.insert(0, Section(None, "\n".join(rest), common[0] if common else ""))
    if compose(kept, prefix_names, unit_names) == progress:
        return kept
    return split(progress, unit_names)


def _take(lines: list[str], block: list[str], taken: set[int]) -> bool:
    """Mark the first run of `lines` equal to `block`, none of it taken yet, as taken."""
    for start in range(len(lines) - len(block) + 1):
        span = range(start, start + len(block))
        if lines[start : start + len(block)] == block and taken.isdisjoint(span):
            taken.update(span)
            return True
    return False


def with_section(sections: Sequence[Section], unit: str, text: str, status: str) -> list[Section]:
    """The sections with `unit`'s replaced by this text and status (added when it had none)."""
    new = Section(unit, text, status)
    if not any(section.unit == unit for section in sections):
        return [*sections, new]
    return [new if section.unit == unit else section for section in sections]


def least_status(sections: Sequence[Section], unit_names: Sequence[str], fallback: str) -> str:
    """The joint status "least": the least advanced status among the task's units' sections,
    a unit without a section status counting as `fallback` (the task's status before; an
    empty one counts for nothing). `fallback` when no unit has a status."""
    status_of = {s.unit: s.status for s in sections if s.unit is not None}
    statuses = {status_of.get(name) or fallback for name in unit_names}
    known = [status for status in statuses if status in STATUS_ORDER]
    return min(known, key=STATUS_ORDER.index) if known else fallback


__all__ = [
    "STATUS_ORDER",
    "Section",
    "compose",
    "least_status",
    "marker_unit",
    "ordered",
    "resplit",
    "split",
    "unit_aliases",
    "with_section",
]
