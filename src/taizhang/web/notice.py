"""A unit's 督办通知单 from the dashboard: the office sets 截至, the day to reply by and the
督办编号 on a GET form, sees which tasks it will name, and downloads the .docx. The office
only (`accounts.access.can_send_notice`); the composing is supervision.notice's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from taizhang.accounts import access
from taizhang.documents.write_notice import notice_file_name, write_notice, write_notices_zip
from taizhang.ledger.models import Ledger, Unit
from taizhang.supervision.notice import nothing_lit, notice_sheet, red_units, reply_date
from taizhang.supervision.selectors import default_as_of, parse_as_of, valid_date
from taizhang.supervision.services import notice_downloaded
from taizhang.web.exports import attachment_header
from taizhang.web.forms import NoticeForm
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers
from taizhang.web.reminders import DOCX


@checks_numbers(NoticeForm)
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
        notice_downloaded(
            ledger=ledger, actor=request.user, as_of=as_of, units=[unit.name], number=sheet.number
        )
        response = HttpResponse(write_notice(sheet), content_type=DOCX)
        name = notice_file_name(sheet, f"{as_of:%Y%m%d}")
        response["Content-Disposition"] = attachment_header(name)
        return response
    if not form.is_bound:
        context["form"] = NoticeForm(initial={"as_of": as_of, "reply_by": reply_date(as_of)})
    context["sheet"] = sheet
    context["empty"] = "" if sheet.tasks else nothing_lit(unit, as_of)
    return render(request, "web/notice.html", context)


@login_required
def red_unit_notices(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """The 督办通知单 of every unit with a red task as of `?as_of=` (the dashboard's date), one
    .docx each in a .zip, each replying by 5 working days on; none red: back, with a word."""
    if not access.can_send_notice(request.user):
        raise Http404(_("未找到，或您无权查看"))
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    given = request.GET.get("as_of", "").strip()
    if given and not valid_date(given):
        messages.error(request, _("截至日期“%(given)s”不是有效日期") % {"given": given[:20]})
        return redirect("web:dashboard", ledger_id=ledger.pk)
    as_of = parse_as_of(given, default_as_of(ledger))
    sheets = [
        notice_sheet(ledger, unit, as_of, rows=rows) for unit, rows in red_units(ledger, as_of)
    ]
    if not sheets:
        messages.info(request, _("截至该日没有亮红灯的责任单位，无需督办。"))
        return redirect(f"{reverse('web:dashboard', args=[ledger.pk])}?as_of={as_of:%Y-%m-%d}")
    units = [sheet.unit for sheet in sheets]
    notice_downloaded(ledger=ledger, actor=request.user, as_of=as_of, units=units)
    day = f"{as_of:%Y%m%d}"
    response = HttpResponse(write_notices_zip(sheets, day), content_type="application/zip")
    response["Content-Disposition"] = attachment_header(f"督办通知单-红灯单位-{day}.zip")
    return response
