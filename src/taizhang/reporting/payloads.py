"""What crosses from the forms and the API into the reporting services, typed."""

from __future__ import annotations

from typing import TypedDict


class FigureData(TypedDict):
    """A figure of a report as stored in `Report.figures`: "完成投资 1200 万元" is
    {"name": "完成投资", "value": 1200.0, "unit": "万元"}."""

    name: str
    value: float
    unit: str
