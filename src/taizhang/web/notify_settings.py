"""Notification pages: "通知设置", where any signed-in user chooses which events reach them by
which channel (and gives their e-mail and phone), and the office's list of failed deliveries
with 重试. Thin: parse, ask accounts.access, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from taizhang.accounts import access
from taizhang.notify.errors import NotifyError
from taizhang.notify.models import Channel
from taizhang.notify.preferences import (
    PERSONAL_CHANNELS,
    preference_grid,
    user_email,
    user_phone,
)
from taizhang.notify.selectors import PAGE_SIZE, failed_deliveries, failed_deliveries_count
from taizhang.notify.services import deliveries_retry, preferences_save
from taizhang.web.forms import database_id
from taizhang.web.http import AuthedRequest


@login_required
@require_http_methods(["GET", "POST"])
def notify_settings(request: AuthedRequest) -> HttpResponse:
    """The user's grid event × channel (checkbox `EVENT:CHANNEL` on), e-mail and phone."""
    user = request.user
    email, phone = user_email(user), user_phone(user)
    if request.method == "POST":
        email, phone = request.POST.get("email", ""), request.POST.get("phone", "")
        pairs = (value.partition(":") for value in request.POST.getlist("on"))
        enabled = {(event, channel) for event, _colon, channel in pairs}
        try:
            preferences_save(user=user, enabled=enabled, email=email, phone=phone)
        except NotifyError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("通知设置已保存"))
            return redirect("web:notify_settings")
    channels = [(c, Channel(c).label) for c in PERSONAL_CHANNELS]
    context = {
        "grid": preference_grid(user),
        "channels": channels,
        "email": email,
        "phone": phone,
    }
    return render(request, "web/notify_settings.html", context)


def _require_sees_failed_deliveries(request: AuthedRequest) -> None:
    """Anyone the gate does not show the failed deliveries gets the 404 of a missing page."""
    if not access.can_see_failed_deliveries(request.user):
        raise Http404(_("未找到，或您无权查看"))


@login_required
def failed_delivery_list(request: AuthedRequest) -> HttpResponse:
    """The office's list of deliveries that failed (retrying or given up)."""
    _require_sees_failed_deliveries(request)
    context = {
        "deliveries": failed_deliveries()[:PAGE_SIZE],
        "total": failed_deliveries_count(),
        "page_size": PAGE_SIZE,
    }
    return render(request, "web/failed_deliveries.html", context)


@login_required
@require_POST
def failed_delivery_retry(request: AuthedRequest) -> HttpResponseBase:
    """重试 one delivery (`delivery`) or all of them (no `delivery`): whoever sees the list."""
    _require_sees_failed_deliveries(request)
    raw = request.POST.get("delivery")
    if raw is not None and not database_id(raw):
        messages.error(request, _("发送记录编号无效"))
        return redirect("web:failed_deliveries")
    ids = None if raw is None else [int(raw)]
    count = deliveries_retry(actor=request.user, ids=ids)
    if count:
        messages.success(request, _("已重新发送%(count)d条") % {"count": count})
    else:
        messages.error(request, _("没有需要重试的发送记录"))
    return redirect("web:failed_deliveries")
