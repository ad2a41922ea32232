"""Sign-in throttling, as django-axes asks it (settings `AXES_*`): failures are counted per user
name AND client address, so an attacker elsewhere cannot lock the office out; and a pair that
has failed too often waits a delay that doubles with each further failure (1 minute, 2, 4 …,
capped), never a long lock. Axes records the failures itself (one atomic
`failures_since_start + 1` per failure, locked-out tries included); this module only reads.

Works for every view that signs in with `django.contrib.auth.authenticate`: ours and the
admin's."""

from __future__ import annotations

import datetime
import math
import unicodedata
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone


def login_name(raw: str | None) -> str:
    """A user name as throttling counts it: without surrounding spaces, NFKC-normalised (so
    " office " or a full-width "ｏｆｆｉｃｅ" count against the same allowance)."""
    return unicodedata.normalize("NFKC", (raw or "").strip())[:150]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is a trusted proxy (nginx in front of
    gunicorn), the X-Real-IP it sets. Otherwise every client would share the proxy's address
    and share its allowance."""
    remote = request.META.get("REMOTE_ADDR") or None
    forwarded = str(request.META.get("HTTP_X_REAL_IP", "")).strip()
    if remote in settings.TAIZHANG_TRUSTED_PROXIES and forwarded:
        return forwarded[:45]
    return remote


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised name from the credentials or the form."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    raw = credentials.get(field) if credentials else request.POST.get(field)
    return login_name(raw)


def recorded_failures(request: HttpRequest) -> tuple[int, datetime.datetime | None]:
    """The failures recorded for this request's name and address (any user agent), and when
    the last one was."""
    username = axes_username(request, getattr(request, "axes_credentials", None))
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    found = AccessAttempt.objects.filter(username=username, ip_address=ip).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    return found["failures"] or 0, found["last"]


def delay_after(failures: int) -> datetime.timedelta:
    """How long a name and address wait after this many failures: below the limit, the window
    in which failures add up; from the limit on, 1 minute doubled by each further failure,
    capped."""
    limit = settings.AXES_FAILURE_LIMIT
    if failures < limit:
        return datetime.timedelta(seconds=settings.TAIZHANG_LOGIN_WINDOW_SECONDS)
    cap = settings.TAIZHANG_LOGIN_MAX_DELAY_SECONDS
    return datetime.timedelta(seconds=min(60 * 2 ** min(failures - limit, 20), cap))


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: the delay for this request's name and address."""
    if request is None:
        return delay_after(0)
    return delay_after(recorded_failures(request)[0])


def minutes_left(request: HttpRequest) -> int:
    """Whole minutes (at least 1) until this name and address may try again."""
    failures, last = recorded_failures(request)
    if last is None:
        return 1
    left = last + delay_after(failures) - timezone.now()
    return max(1, math.ceil(left.total_seconds() / 60))
