"""The bell: a signed-in user's notifications, paged, each marked read when opened, and all
of them at once. Thin views: the user's own only (accounts.access through the selector)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.notify import services
from taizhang.notify.selectors import user_notifications
from taizhang.web.http import AuthedRequest

PER_PAGE = 20


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    """The user's notifications, newest first, PER_PAGE a page."""
    pages = Paginator(user_notifications(request.user), PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    return render(request, "web/notifications.html", {"page": page})


@login_required
def notification_open(request: AuthedRequest, notification_id: int) -> HttpResponse:
    """Open one notification: it is marked read, and the page it links to opens (the list,
    for one without a link of this site)."""
    notification = access.access_notification(
        request.user, notification_id, user_notifications(request.user)
    )
    services.notification_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("web:notifications")


@login_required
@require_POST
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    """全部标为已读."""
    count = services.notifications_read_all(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": count})
    return redirect("web:notifications")
