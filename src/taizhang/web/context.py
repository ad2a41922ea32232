"""Template context: the user's role, so the navigation shows what the role may do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from taizhang.accounts import access


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    role = access.role_of(user)
    return {"role": role, "is_office": role == "office", "is_reporter": role == "reporter"}
