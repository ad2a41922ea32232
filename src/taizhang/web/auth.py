"""Sign-in with throttling: too many failures for one user name or one address within the
window block further tries (counted in the database, so every worker process agrees)."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import LoginFailure


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy (nginx in front of
    gunicorn), the X-Real-IP it sets. Otherwise every client would share the proxy's address
    and five failures by anyone would lock everyone out."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = str(request.META.get("HTTP_X_REAL_IP", "")).strip()
    if remote in settings.TAIZHANG_TRUSTED_PROXIES and forwarded:
        return forwarded[:45]
    return remote


def login_name(raw: str) -> str:
    """A user name as sign-in compares it: without surrounding spaces, NFKC-normalised (so
    " office " or a full-width "ｏｆｆｉｃｅ" count against the same allowance)."""
    return unicodedata.normalize("NFKC", raw.strip())[:150]


def login_blocked(username: str, ip: str | None) -> bool:
    """Whether this name or address has failed too often within the window."""
    since = timezone.now() - datetime.timedelta(seconds=settings.TAIZHANG_LOGIN_WINDOW_SECONDS)
    who = Q(username=username) | Q(ip=ip) if ip else Q(username=username)
    failures = LoginFailure.objects.filter(who, at__gte=since).count()
    return failures >= settings.TAIZHANG_LOGIN_MAX_FAILURES


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = login_name(self.data.get("username") or "")
        ip = client_ip(self.request) if self.request else None
        if login_blocked(username, ip):
            raise self.get_throttled_error()
        try:
            return super().clean()
        except Exception:
            LoginFailure.objects.create(username=username, ip=ip, at=timezone.now())
            raise

    def get_throttled_error(self) -> Any:
        from django.core.exceptions import ValidationError

        minutes = settings.TAIZHANG_LOGIN_WINDOW_SECONDS // 60
        return ValidationError(
            _("登录失败次数过多，请 %(minutes)s 分钟后再试。") % {"minutes": minutes},
            code="throttled",
        )


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        LoginFailure.objects.filter(username=login_name(form.get_user().get_username())).delete()
        return super().form_valid(form)
