"""The audit trail: one row for every write a service makes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from taizhang.ledger.models import AuditEvent, Ledger


def audit_record(
    *,
    actor: User | None,
    action: str,
    ledger: Ledger | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row."""
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        ledger=ledger,
        data=data or {},
    )
