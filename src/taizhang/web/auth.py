"""Sign-in. Throttling is django-axes's (settings `AXES_*`, the rules in accounts.signin): it
watches every `authenticate` call, ours and the admin's, and answers a name and address that
failed too often with `lockout` below instead of the page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from taizhang.accounts.signin import minutes_left


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Django's context, but the product's name in the title and header as on every
        other page: Django's view puts the host there as `site_name` (a `RequestSite`)."""
        context = super().get_context_data(**kwargs)
        context["site_name"] = settings.TAIZHANG_SITE_NAME
        return context


class LogoutView(auth_views.LogoutView):
    """Sign-out is a POST (the 退出 button's form, with its CSRF token), as Django's: a link
    must not sign anyone out. A GET, from an address typed or bookmarked, is sent to the home
    page (which has the button, or the sign-in page for no one signed in) instead of
    Django's empty 405."""

    http_method_names = ["get", "post", "options"]  # noqa: RUF012 (as Django declares it)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("web:home")


def lockout(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the Chinese answer to a throttled sign-in (web or admin), with
    the minutes left to wait, and that trying again while waiting doubles the wait (the right
    password too: answering otherwise would tell a guesser it was right); 429, so scripts can
    tell it from a wrong password."""
    message = _(
        "登录失败次数过多，请 %(minutes)s 分钟后再试。等待期间每登录一次（密码正确也一样）"
        "都会使等待时间加倍。"
    ) % {"minutes": minutes_left(request)}
    return render(request, "web/login_locked.html", {"message": message}, status=429)
