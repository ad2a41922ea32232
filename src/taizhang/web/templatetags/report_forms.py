"""The report form of the task page (web/reports.ReportPanel): pre-filled from the draft or
the returned report, or, after a refused post, the form as posted."""

from __future__ import annotations

from typing import Any

from django import template

from taizhang.accounts import access
from taizhang.ledger.models import Task
from taizhang.reporting import drafts
from taizhang.reporting.models import Report
from taizhang.web.reports import ReportPanel, report_panel_for

register = template.Library()


@register.simple_tag(takes_context=True)
def report_panel(context: Any, task: Task, refused: ReportPanel | None = None) -> ReportPanel:
    """`refused`, the form of a refused post of this task shown again (web/reports), else the
    user's form for the task."""
    if refused is not None and refused.task.pk == task.pk:
        return refused
    return report_panel_for(context["request"].user, task)


@register.simple_tag(takes_context=True)
def returned_reports(context: Any) -> list[Report]:
    """The signed-in reporter's returned reports waiting to be written again (the home page):
    the latest report of one of its units on a task in an open round, when it was returned
    (of the reports accounts.access lists for the user, so every link opens)."""
    user = context["request"].user
    return drafts.reports_to_redo(access.unit_ids(user), access.listed_reports(user))
