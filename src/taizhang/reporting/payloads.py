"""What crosses from the forms and the API into the reporting services, typed."""

from __future__ import annotations

from typing import TypedDict

from django.utils.translation import gettext as _

from taizhang.chinese.quantities import FigureLines


class FigureData(TypedDict):
    """A figure of a report as stored in `Report.figures`: "完成投资 1200 万元" is
    {"name": "完成投资", "value": 1200.0, "unit": "万元"}."""

    name: str
    value: float
    unit: str


def figures_read(lines: FigureLines) -> list[FigureData]:
    """The figures read from typed lines (`read_figure_lines`), as a report stores them."""
    return [{"name": f.name, "value": float(f.value), "unit": f.unit} for f in lines.figures]


def with_unread_lines(progress: str, lines: FigureLines) -> str:
    """The progress with the typed lines that could not be read as figures after it, so
    nothing typed is lost (the web form and the API alike). A blank progress stays blank, and
    is refused as such."""
    if not progress.strip():
        return ""
    return "\n".join([progress.strip(), *(line for _number, line in lines.unread)])


def unread_notices(lines: FigureLines) -> list[str]:
    """One notice per typed line kept as text: beside the form's field, in the API's answer."""
    return [
        str(_("第%(n)s行未能识别为数据，已作为文字保留") % {"n": number})
        for number, _line in lines.unread
    ]
