"""Why an indicator's bar could be wrong, in words: the one place a doubt (`Indicator.doubt`,
kept as a code with the two subjects) and the office's check of it are worded, for the
dashboard, the task page and the API alike."""

from __future__ import annotations

from django.utils.translation import gettext as _

SUBJECT, UNIT_ONLY, APPROXIMATE, STAGE = "subject", "unit_only", "approximate", "stage"
DOUBTS = (SUBJECT, UNIT_ONLY, APPROXIMATE, STAGE)
# What the office said of a figure read from the progress text (`Figure.verdict`).
CONFIRMED, CORRECTED, NOT_FIGURE = "confirmed", "corrected", "not_figure"
VERDICTS = (CONFIRMED, CORRECTED, NOT_FIGURE)


def doubt_text(doubt: str | None, *, name: str = "", actual_name: str = "") -> str:
    """The reason a bar is drawn hatched ("" when the indicator is not in doubt)."""
    if not doubt:
        return ""
    if doubt == SUBJECT:
        if actual_name:
            return _("主语不同：目标是“%(target)s”，进展是“%(actual)s”") % {
                "target": name,
                "actual": actual_name,
            }
        return _("主语不同：进展中的数字未必是“%(target)s”") % {"target": name}
    if doubt == UNIT_ONLY:
        return _("仅单位相同：进展中的数字没有写明是什么")
    if doubt == APPROXIMATE:
        return _("数字为约数")
    if doubt == STAGE:
        return _("进展是开工，目标是完工")
    return _("识别结果可能有误")


def verdict_text(verdict: str | None) -> str:
    """What the office's check of a figure says ("" without one)."""
    return {
        CONFIRMED: _("督查室已核实"),
        CORRECTED: _("督查室已更正"),
        NOT_FIGURE: _("督查室判定：不是该目标的完成数"),
    }.get(verdict or "", "")
