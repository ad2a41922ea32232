"""Reads of the notification pages: the deliveries the office must look at."""

from __future__ import annotations

from django.db.models import QuerySet

from taizhang.notify.models import Delivery

TROUBLE = (Delivery.State.RETRYING, Delivery.State.FAILED)
# The office's page shows the most recent ones; the count says how many in all.
PAGE_SIZE = 200


def failed_deliveries() -> QuerySet[Delivery]:
    """Deliveries that failed: retrying (with their next attempt) or given up, the newest
    failures first, with what the page shows loaded in the same query."""
    return (
        Delivery.objects.filter(state__in=TROUBLE)
        .select_related("unit", "notification__user", "reminder__round")
        .order_by("-state", "next_attempt_at", "-pk")
    )


def failed_deliveries_count() -> int:
    """How many deliveries failed (retrying or given up): the office's home page shows it."""
    return Delivery.objects.filter(state__in=TROUBLE).count()
