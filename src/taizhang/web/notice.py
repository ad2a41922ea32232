"""A unit's 督办通知单 from the dashboard: the office sets 截至, the day to reply by and the
督办编号 on a GET form, sees which tasks it will name, and downloads the .docx. The office
only (`accounts.access.can_send_notice`); the composing is supervision.notice's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from taizhang.accounts import access
from taizhang.documents.write_notice import write_notice
from taizhang.ledger.models import Ledger, Unit
from taizhang.supervision.notice import nothing_lit, notice_sheet, reply_date
from taizhang.supervision.selectors import default_as_of
from taizhang.web.exports import attachment_header
from taizhang.web.forms import NoticeForm
from taizhang.web.http import AuthedRequest
from taizhang.web.reminders import DOCX


@login_required
def unit_notice(request: AuthedRequest, ledger_id: int, unit_id: int) -> HttpResponse:
    """The form and the tasks the notice names; with `download`, the .docx."""
    if not access.can_send_notice(request.user):
        raise Http404(_("未找到，或您无权查看"))
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    default = default_as_of(ledger)
    form = NoticeForm(request.GET or None)
    context = {"ledger": ledger, "unit": unit, "form": form, "sheet": None, "empty": ""}
    if form.is_bound and not form.is_valid():
        return render(request, "web/notice.html", context, status=400)
    data = form.cleaned_data if form.is_bound else {}
    as_of = data.get("as_of") or default
    sheet = notice_sheet(
        ledger, unit, as_of, reply_by=data.get("reply_by"), number=data.get("number", "")
    )
    if sheet.tasks and "download" in request.GET:
        response = HttpResponse(write_notice(sheet), content_type=DOCX)
        name = f"督办通知单-{unit.name}-{as_of:%Y%m%d}.docx"
        response["Content-Disposition"] = attachment_header(name)
        return response
    if not form.is_bound:
        context["form"] = NoticeForm(initial={"as_of": as_of, "reply_by": reply_date(as_of)})
    context["sheet"] = sheet
    context["empty"] = "" if sheet.tasks else nothing_lit(unit, as_of)
    return render(request, "web/notice.html", context)
