"""The REST API (django-ninja); its OpenAPI document is at /api/openapi.json. Thin: endpoints
parse, ask accounts.access, call one selector or service, and answer JSON (Chinese as is,
not \\u-escaped). Errors are `{"detail": "…"}`: 400 for what the rules refuse, 401 for no
(valid) credentials, 403 only where the object is visible anyway, 404 for missing and
forbidden alike, 409 for an edit of a task someone else changed; 422 for a request that does
not fit the schema is `{"detail": [{"type", "loc", "msg"}, …]}`, the `msg` in Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.renderers import JSONRenderer

from taizhang.api import ledgers, reporting, supervision
from taizhang.api.auth import SessionAuth, TokenAuth
from taizhang.ledger.errors import ConflictError, EditError

# pydantic's messages for the checks of api/schemas.py, by error type; `%(…)s` are the
# error's context (its bounds). Other types keep pydantic's message.
ISSUE_MESSAGES = {
    "missing": gettext_lazy("必填"),
    "int_parsing": gettext_lazy("应为整数"),
    "int_type": gettext_lazy("应为整数"),
    "int_from_float": gettext_lazy("应为整数"),
    "float_parsing": gettext_lazy("应为数字"),
    "float_type": gettext_lazy("应为数字"),
    "finite_number": gettext_lazy("应为有限的数字"),
    "greater_than_equal": gettext_lazy("不能小于 %(ge)s"),
    "less_than_equal": gettext_lazy("不能大于 %(le)s"),
    "string_type": gettext_lazy("应为文字"),
    "string_too_short": gettext_lazy("至少 %(min_length)s 个字"),
    "string_too_long": gettext_lazy("最多 %(max_length)s 个字"),
    "too_long": gettext_lazy("最多 %(max_length)s 项"),
    "date_parsing": gettext_lazy("应为日期，如 2021-11-25"),
    "date_from_datetime_parsing": gettext_lazy("应为日期，如 2021-11-25"),
    "date_type": gettext_lazy("应为日期，如 2021-11-25"),
    "json_invalid": gettext_lazy("不是有效的 JSON"),
}


def in_chinese(issue: dict[str, Any]) -> dict[str, Any]:
    """A 422 issue with its message in Chinese where the type is known."""
    template = ISSUE_MESSAGES.get(issue.get("type", ""))
    if template is None:
        return issue
    try:
        return {**issue, "msg": str(template) % issue.get("ctx", {})}
    except (KeyError, TypeError):
        return issue


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params: Mapping[str, Any] = MappingProxyType({"ensure_ascii": False})


api = NinjaAPI(
    title="Taizhang API",
    version="1",
    description=(
        "重点工作台账接口。认证：`Authorization: Bearer <令牌>`（taizhang token create 用户名），"
        "或浏览器登录会话（写操作须带 CSRF 令牌）。"
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    renderer=ChineseJSONRenderer(),
    # The interactive docs load Swagger UI; only serve them from ninja's own static files
    # (when "ninja" is an installed app), never from a CDN.
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
)
api.add_router("/", ledgers.router)
api.add_router("/", reporting.router)
api.add_router("/", supervision.router)


@api.exception_handler(ConflictError)
def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(EditError)
def refused(request: HttpRequest, exc: EditError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    issues = [in_chinese(issue) for issue in exc.errors]
    return api.create_response(request, {"detail": issues}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("请先登录，或提供有效的接口令牌（Authorization: Bearer …）")},
        status=401,
    )
