"""The office's audit log: every AuditEvent, filtered by date range, user and action, paged
(the same queries for 10 events or 1,000,000), and the same filter exported as CSV, streamed.
Read only: no page changes or deletes an event. Thin: parse, ask accounts.access, call the
ledger.audit_log selectors, render."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from taizhang.accounts import access
from taizhang.ledger.audit_details import audit_details
from taizhang.ledger.audit_log import (
    AuditFilters,
    action_label,
    actor_name,
    audit_actions,
    audit_events,
    audit_rows,
)
from taizhang.ledger.services.audit import audit_record
from taizhang.web.exports import attachment_header
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers

ONE_DAY = datetime.timedelta(days=1)
PAGE_SIZE = 50
# The days whose bounds (local midnight, the next day's, in UTC) stay dates.
FIRST_DAY, LAST_DAY = datetime.date.min + ONE_DAY, datetime.date.max - ONE_DAY
# A cell starting so is a formula to a spreadsheet (CSV injection): it is written as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    user = forms.CharField(
        label=gettext_lazy("用户"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("用户名或显示名称")}),
    )
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(code, f"{action_label(code)}（{code}）") for code in audit_actions()]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)  # noqa: S101  # for the type checker
        action.choices = [("", _("全部操作")), *choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("结束日期不能早于开始日期"))
        for name in ("since", "until"):
            day = data.get(name)
            # A day's bounds, in local time and then UTC, must be dates too.
            if day and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, _("日期超出范围"))
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            since=data.get("since"),
            until=data.get("until"),
            user=(data.get("user") or "").strip(),
            action=data.get("action") or "",
        )


def _filter_form(request: AuthedRequest) -> AuditFilterForm:
    """The filter as asked, for the office only (anyone else: the 404 of a missing page)."""
    if not access.can_read_audit_log(request.user):
        raise Http404(_("未找到，或您无权查看"))
    return AuditFilterForm(request.GET or None)


def _page(request: AuthedRequest, form: AuditFilterForm, status: int = 200) -> HttpResponse:
    """The page of events the form selects; a form with errors shows them and no event."""
    refused = form.is_bound and not form.is_valid()
    events = audit_events(form.filters() if form.is_bound and not refused else AuditFilters())
    page = Paginator(events.none() if refused else events, PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    events_shown = list(page)
    rows = [
        {
            "at": event.at,
            "actor": actor_name(event),
            "action": action_label(event.action),
            "code": event.action,
            "ledger": event.ledger.title if event.ledger is not None else "",
            "details": details,
        }
        for event, details in zip(events_shown, audit_details(events_shown), strict=True)
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "web/office/audit_log.html", context, status=status)


@checks_numbers(AuditFilterForm)
@login_required
@require_safe
def audit_log(request: AuthedRequest) -> HttpResponse:
    """The events the filter selects, newest first, a page at a time."""
    return _page(request, _filter_form(request))


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list[str]]) -> Iterator[bytes]:
    writer = csv.writer(_Echo())
    yield "\ufeff".encode()  # Excel opens UTF-8 as such only after this mark
    for row in rows:
        cells = ["'" + cell if cell.startswith(FORMULA_START) else cell for cell in row]
        yield writer.writerow(cells).encode()


@checks_numbers(AuditFilterForm)
@login_required
@require_safe
def audit_export(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    """The events of the same filter as CSV, streamed as it is read; the export is itself
    recorded. A bad filter answers the page with its message, and nothing is exported."""
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400)
    filters = form.filters() if form.is_bound else AuditFilters()
    audit_record(
        actor=request.user,
        action="audit.export",
        data={
            "since": str(filters.since or ""),
            "until": str(filters.until or ""),
            "user": filters.user,
            "action": filters.action,
        },
    )
    response = StreamingHttpResponse(
        _csv_lines(audit_rows(filters)), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = attachment_header(
        _("审计记录-%(stamp)s.csv") % {"stamp": stamp}
    )
    return response
