"""How the API knows who is asking: an API token (`Authorization: Bearer tz_…`, made with
`taizhang token create USERNAME`) or the browser's session, which must then carry the CSRF
token on unsafe methods. Either way the user is `request.auth`; what the user may do is
decided in accounts.access, never here."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from taizhang.accounts import access
from taizhang.accounts.services import token_user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; an unknown token or an inactive user is no one."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_user(token.strip()) if token.strip() else None
        return refuse_pending(user)


class SessionAuth(NinjaSessionAuth):
    """The signed-in browser session. CSRF is checked only once there is a session to ride on,
    so a request with no session (or a wrong token) answers 401, not a CSRF 403."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        user: User | None = super().__call__(request)
        return refuse_pending(user)


def refuse_pending(user: User | None) -> User | None:
    """A user who must still change the password the office gave is refused (403, saying
    so) until it is changed on the web: the API is no way around the change."""
    if user is not None and access.password_change_pending(user):
        raise HttpError(403, _("请先登录网页修改初始密码，再使用接口"))
    return user


def user_of(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by the auth classes above)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user
