"""A task's indicators (指标): targets read from its goal and deadline text, actuals from its
progress text, then the office's checks of what was read (confirmed, corrected, not a figure:
each holds for the progress text it was made on), then the figures of its latest accepted
report, then the office's own figures, each later source overriding the earlier by name.

An indicator read from the text may be in doubt (`doubt`: the subjects differ, only the unit
matched, the actual is approximate, the stages differ); `supervision.doubts` words it."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from taizhang.chinese.quantities import task_indicators
from taizhang.supervision.doubts import CONFIRMED, NOT_FIGURE, doubt_text


@dataclass(frozen=True)
class IndicatorView:
    name: str
    target: Decimal | None
    actual: Decimal | None
    unit: str
    percent: Decimal | None
    source: str  # "text", "report" or "office"
    doubt: str | None = None  # `doubts.DOUBTS`: why the figure read may be wrong
    actual_name: str = ""  # the subject of the actual read from the text
    checked: str | None = None  # `doubts.VERDICTS`: the office's check of the figure read

    @property
    def uncertain(self) -> bool:
        return self.doubt is not None

    @property
    def doubt_label(self) -> str:
        return doubt_text(self.doubt, name=self.name, actual_name=self.actual_name)

    def facts(self) -> dict[str, Any]:
        """As stored (`TaskState.indicators`): the doubt kept as data, not yet in words."""
        return {
            "name": self.name,
            "target": _number(self.target),
            "actual": _number(self.actual),
            "unit": self.unit,
            "percent": _number(self.percent),
            "source": self.source,
            "doubt": self.doubt,
            "actual_name": self.actual_name,
            "checked": self.checked,
        }

    def as_dict(self) -> dict[str, Any]:
        """As the pages and the API give it (`shown`)."""
        return shown(self.facts())


def shown(facts: dict[str, Any], *, worded: bool = True) -> dict[str, Any]:
    """A stored indicator (`IndicatorView.facts`, or one stored before doubts were kept) as
    the pages and the API give it: `uncertain`, the doubt's code and its words (`worded`;
    else an empty `doubt_label`, for a caller that words each doubt once)."""
    doubt = facts.get("doubt") or None
    label = ""
    if worded:
        label = doubt_text(
            doubt, name=facts.get("name") or "", actual_name=facts.get("actual_name") or ""
        )
    return {
        **{key: facts.get(key) for key in ("name", "target", "actual", "unit", "percent")},
        "source": facts.get("source", "text"),
        "uncertain": doubt is not None,
        "doubt": doubt,
        "doubt_label": label,
        "checked": facts.get("checked") or None,
    }


def progress_digest(progress: str) -> str:
    """What an office check is keyed by, with the task and the indicator's name: the progress
    text it was made on (a changed text is read and doubted afresh)."""
    return hashlib.sha256(progress.encode()).hexdigest()


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def percent(target: Decimal | None, actual: Decimal | None) -> Decimal | None:
    """actual / target in percent, to 0.1; None without both or with a zero target."""
    if target is None or actual is None or target == 0:
        return None
    return (actual / target * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=50_000)
def _from_text(goal: str, deadline_text: str, progress: str) -> tuple[IndicatorView, ...]:
    # Cached by the texts themselves: a dashboard of 10,000 tasks reads each text once.
    return tuple(
        IndicatorView(i.name, i.target, i.actual, i.unit, i.percent, "text", i.doubt, i.actual_name)
        for i in task_indicators(goal, deadline_text, progress)
    )


def _matches(view: IndicatorView, name: str, unit: str) -> bool:
    same_unit = not unit or not view.unit or unit == view.unit
    return same_unit and (name in view.name or view.name in name)


def task_indicator_views(
    *,
    goal: str,
    deadline_text: str,
    progress: str,
    report_figures: Iterable[dict[str, Any]] = (),
    office: Iterable[Any] = (),
) -> list[IndicatorView]:
    """The task's indicators. `report_figures` are {name, value, unit} of its latest accepted
    report (actuals); `office` are `Figure` rows (name, target, actual, unit; with a
    `verdict`, the office's check of a figure read from the text)."""
    views = list(_from_text(goal, deadline_text, progress))
    office = list(office)
    checks = [row for row in office if row.verdict]
    if checks:
        views = _checked(views, checks, progress_digest(progress))
    for figure in report_figures:
        name, unit = str(figure.get("name", "")), str(figure.get("unit", ""))
        value = _decimal(figure.get("value"))
        if value is None or not name:
            continue  # stored before figures were validated: never let one break a page
        index = next((k for k, v in enumerate(views) if _matches(v, name, unit)), None)
        if index is None:
            views.append(IndicatorView(name, None, value, unit, None, "report"))
        else:
            old = views[index]
            views[index] = IndicatorView(
                old.name, old.target, value, old.unit, percent(old.target, value), "report"
            )
    for row in office:
        if row.verdict:
            continue
        index = next((k for k, v in enumerate(views) if v.name == row.name), None)
        view = IndicatorView(
            row.name, row.target, row.actual, row.unit, percent(row.target, row.actual), "office"
        )
        if index is None:
            views.append(view)
        else:
            views[index] = view
    return views


def text_views(goal: str, deadline_text: str, progress: str) -> tuple[IndicatorView, ...]:
    """The indicators read from a task's texts alone (what the office checks)."""
    return _from_text(goal, deadline_text, progress)


_STORED = Decimal("0.0001")  # the places `Figure.actual` keeps


def _checked(views: list[IndicatorView], checks: list[Any], digest: str) -> list[IndicatorView]:
    """The text's indicators with the office's checks made on this progress text: confirmed
    (while the same actual is read), corrected (its actual), or not a figure (no actual)."""
    found = {row.name: row for row in checks if row.progress_digest == digest}
    result = []
    for view in views:
        row = found.get(view.name)
        if row is None or view.source != "text":
            result.append(view)
        elif row.verdict == CONFIRMED:
            same = view.actual is not None and row.actual == view.actual.quantize(_STORED)
            result.append(replace(view, doubt=None, checked=CONFIRMED) if same else view)
        else:
            actual = None if row.verdict == NOT_FIGURE else row.actual
            result.append(
                replace(
                    view,
                    actual=actual,
                    percent=percent(view.target, actual),
                    source="office",
                    doubt=None,
                    checked=row.verdict,
                )
            )
    return result
