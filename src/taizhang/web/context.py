"""Template context: the user's role, so the navigation shows what the role may do (a link
with a gate of its own in accounts.access asks that gate); the bell's count of unread
notifications."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from taizhang.accounts import access
from taizhang.notify.selectors import unread_count


def roles(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None:
        return {}
    role = access.role_of(user)
    return {
        "role": role,
        "is_office": role == "office",
        "is_reporter": role == "reporter",
        "sees_failed_deliveries": access.can_see_failed_deliveries(user),
    }


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The bell's unread count, for a signed-in user: a callable, so that the count is asked
    (one query) only by a page that shows the bell, and never for no one signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": functools.partial(unread_count, user)}


def site(request: HttpRequest) -> dict[str, Any]:
    """The product's name for the page titles and the header (settings.TAIZHANG_SITE_NAME)."""
    return {"site_name": settings.TAIZHANG_SITE_NAME}
