"""Content-Security-Policy: every asset is served by Taizhang itself (no CDN, no inline
script), so the policy can be strict. And input no view can store (NUL bytes, integers too
big for any database) is refused with 400 before it reaches one, except a number typed into
a form that bounds it itself (`checks_numbers`: the form says so by the field). A user who
must change the password the office gave is sent to that page first."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.middleware import get_user
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from taizhang.accounts import access
from taizhang.accounts.selectors import profile_load
from taizhang.web.templatetags.cached_url import reversed_once

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class MethodNotAllowedPageMiddleware:
    """A page's address that takes only a form's POST (a figure, light settings, a report),
    opened as a page: a Chinese page saying so, with the way home, rather than the empty 405
    Django's `require_POST` answers, which the browser shows as its own error. The address
    is where a refused form comes back to, so a reload or a copied link meets it. The API's
    405s (JSON) are left as they are; the Allow header stays."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or request.path.startswith("/api/"):
            return response
        page = render_to_string("405.html", {"site_name": settings.TAIZHANG_SITE_NAME})
        answer = HttpResponse(page, status=405, content_type="text/html; charset=utf-8")
        if "Allow" in response.headers:
            answer.headers["Allow"] = response.headers["Allow"]
        return answer


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", POLICY)
        return response


# The largest integer a database id (bigint) holds; a bigger one is a 500 on both databases.
MAX_INTEGER = 2**63 - 1
DIGITS = re.compile(r"[+-]?[0-9]+")
# Free text that may well be a long number (a password, a search for an account number).
TEXT_PARAMETERS = frozenset(
    {"q", "password", "text", "progress", "goal", "remarks", "comment", "figures_text"}
)


def has_nul(text: str) -> bool:
    return "\x00" in text


def too_big(key: str, value: str) -> bool:
    """A parameter that is a whole number no database integer can hold (counted by its
    digits first: Python refuses to convert a number thousands of digits long)."""
    if key in TEXT_PARAMETERS or not DIGITS.fullmatch(value.strip()):
        return False
    digits = value.strip().lstrip("+-").lstrip("0")
    return len(digits) > len(str(MAX_INTEGER)) or int(digits or "0") > MAX_INTEGER


View = TypeVar("View", bound=Callable[..., Any])
# The attribute of a view that names the parameters its forms bound themselves.
NUMBERS_CHECKED = "numbers_checked"


def checks_numbers(*form_classes: type[forms.Form]) -> Callable[[View], View]:
    """Marks a view whose forms check the numbers typed into them: a number too big for any
    database in one of their fields (`bounds_numbers`) is let through to the form, which
    gives the page back with its error by the field and the rest of the input kept, rather
    than the site's 400 page. Ids and choices (a row the view looks up) stay refused."""
    names = frozenset(
        name
        for form in form_classes
        for name, field in form.base_fields.items()
        if bounds_numbers(field)
    )

    def mark(view: View) -> View:
        setattr(view, NUMBERS_CHECKED, names)
        return view

    return mark


def bounds_numbers(field: forms.Field) -> bool:
    """Whether a form field takes any number typed into it without reaching a database as
    an integer: text (kept as text), a whole number between a least and a greatest value, a
    decimal of at most so many digits."""
    if isinstance(field, forms.DecimalField):
        bounded = field.min_value is not None and field.max_value is not None
        return bounded or field.max_digits is not None
    if isinstance(field, forms.IntegerField):
        return field.min_value is not None and field.max_value is not None
    return isinstance(field, forms.CharField)


def numbers_checked(request: HttpRequest) -> frozenset[str]:
    """The parameters whose numbers the view of `request` bounds itself (`checks_numbers`)."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return frozenset()
    return frozenset(getattr(view, NUMBERS_CHECKED, ()))


def bad_parameters(params: QueryDict, checked: Callable[[], frozenset[str]] = frozenset) -> bool:
    """NUL bytes anywhere, or integers beyond any database's, in GET or form parameters (but
    in those `checked` names: the view's forms bound them, `checks_numbers`)."""
    for key, values in params.lists():
        if has_nul(key):
            return True
        for value in values:
            if has_nul(value) or (too_big(key, value) and key not in checked()):
                return True
    return False


def bad_json(request: HttpRequest) -> bool:
    """A NUL byte in a JSON body, raw or escaped (PostgreSQL refuses it in any text)."""
    body = request.body
    return b"\x00" in body or b"\\u0000" in body.lower()


def bad_request(request: HttpRequest) -> bool:
    """Input no view should see: a NUL byte in the path, a header, a cookie, a parameter or a
    JSON body; an integer in the path or a parameter that no database can store."""
    path = request.path
    if has_nul(path):
        return True
    if any(has_nul(v) for v in request.META.values() if isinstance(v, str)):
        return True
    if any(has_nul(k) or has_nul(v) for k, v in request.COOKIES.items()):
        return True
    if path.startswith("/api/"):
        # The API checks its own path, query and body against its schema (bounded ids, no
        # NUL in text) and answers 422 naming the field, as its OpenAPI documents.
        return False
    if any(too_big("", part) for part in path.split("/")):
        return True
    # Asked only when a parameter holds too big a number (the URL is resolved once more).
    checked = cache(lambda: numbers_checked(request))
    if bad_parameters(request.GET, checked):
        return True
    if request.content_type == "application/json":
        return bad_json(request)
    return request.method == "POST" and bad_parameters(request.POST, checked)


class BadInputMiddleware:
    """Answers input that would break the database (a 500 on PostgreSQL, or on both) with 400
    and a clear message before any view, sign-in included, touches it; nothing is changed."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if bad_request(request):
            return refusal(request)
        return self.get_response(request)


def refusal(request: HttpRequest) -> HttpResponse:
    message = _("请求含有无法处理的字符或过大的数字，请检查输入后重试。")
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=400, json_dumps_params={"ensure_ascii": False}
        )
    # The site's 400 page, rendered without the request: nothing the request carries (its
    # session, its user, its parameters) is read to answer it. Answered before the middleware
    # that adds them, it is given the site's policy and frame refusal itself; a cookie with a
    # NUL byte is expired, or every later request (the page's stylesheet, 回到首页) would be
    # refused again: the browser stores the expiry before it asks for the stylesheet.
    page = render_to_string(
        "400.html", {"message": message, "site_name": settings.TAIZHANG_SITE_NAME}
    )
    response = HttpResponseBadRequest(page, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Frame-Options"] = "DENY"
    for name, value in request.COOKIES.items():
        if has_nul(value) and not has_nul(name):
            response.delete_cookie(name)
    return response


class PasswordChangeMiddleware:
    """A signed-in user who must change the password the office gave (accounts.access.
    password_change_pending) is sent to the password change from every page but that one,
    signing out, static files and /healthz (which reads no session). The API answers its own
    refusal (api.auth)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._exempt(request.path) or not access.password_change_pending(request.user):
            return self.get_response(request)
        return redirect("web:password_change")

    @staticmethod
    def _exempt(path: str) -> bool:
        # Reversed once per process (three `reverse` cost ~0.1 ms a request).
        allowed = (
            reversed_once("web:password_change"),
            reversed_once("web:logout"),
            reversed_once("web:healthz"),
        )
        return path in allowed or path.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/")))


class ProfileMiddleware:
    """Right after Django's `AuthenticationMiddleware`: the signed-in user, when a page first
    asks for it, comes with its profile (`accounts.selectors.profile_load`, one query compiled
    once instead of the ORM's). Who is signed in is Django's to say, as before (its
    `get_user`, the same session and backend)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user = SimpleLazyObject(lambda: _with_profile(request))  # type: ignore[assignment]
        return self.get_response(request)


def _with_profile(request: HttpRequest) -> Any:
    user = get_user(request)
    return profile_load(user) if user.is_authenticated else user
