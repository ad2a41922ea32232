"""`/healthz`: for a load balancer, a monitor or systemd, no sign-in. 200 "ok" when the
database and the task queue answer and the data directory has free space, 503 "fail"
otherwise; the body says nothing more (`taizhang check` gives the details to the operator).
Cheap: one `SELECT 1`, the queue's length, one statvfs (taizhang.jobs.health.VITAL)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from taizhang.jobs.health import healthy


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 "ok" or 503 "fail", as plain text."""
    if healthy():
        return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    response = HttpResponse("fail\n", content_type="text/plain; charset=utf-8", status=503)
    # An expected answer to a probe, not a server error: Django would log every 5xx as one
    # ("Service Unavailable: /healthz") on each probe while, say, the disk is full.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
