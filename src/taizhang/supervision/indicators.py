"""A task's indicators (指标): targets read from its goal and deadline text, actuals from its
progress text, then the figures of its latest accepted report, then the office's corrections,
each later source overriding the earlier by name."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from taizhang.chinese.quantities import task_indicators


@dataclass(frozen=True)
class IndicatorView:
    name: str
    target: Decimal | None
    actual: Decimal | None
    unit: str
    percent: Decimal | None
    source: str  # "text", "report" or "office"

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "target": _number(self.target),
            "actual": _number(self.actual),
            "unit": self.unit,
            "percent": _number(self.percent),
            "source": self.source,
        }


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
        IndicatorView(i.name, i.target, i.actual, i.unit, i.percent, "text")
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
    report (actuals); `office` are `Figure` rows (name, target, actual, unit)."""
    views = list(_from_text(goal, deadline_text, progress))
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
        index = next((k for k, v in enumerate(views) if v.name == row.name), None)
        view = IndicatorView(
            row.name, row.target, row.actual, row.unit, percent(row.target, row.actual), "office"
        )
        if index is None:
            views.append(view)
        else:
            views[index] = view
    return views
