"""The office's settings of supervision: a task's figure (指标), which overrides what was
read from the text or reported, by name; a ledger's light thresholds."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.services import audit_record
from taizhang.supervision.models import Figure, LightSettings


@transaction.atomic
def light_settings_set(
    *, ledger: Ledger, warn_days: int, pace_margin: Decimal, actor: User
) -> LightSettings:
    """The office sets a ledger's light thresholds, with an audit row."""
    if warn_days < 0 or not Decimal(0) <= pace_margin <= Decimal(100):
        raise ValueError("warn_days >= 0 and 0 <= pace_margin <= 100")
    settings, _ = LightSettings.objects.update_or_create(
        ledger=ledger, defaults={"warn_days": warn_days, "pace_margin": pace_margin}
    )
    audit_record(
        actor=actor,
        action="lights.settings",
        ledger=ledger,
        data={"warn_days": warn_days, "pace_margin": str(pace_margin)},
    )
    return settings


@transaction.atomic
def figure_set(
    *,
    task: Task,
    name: str,
    target: Decimal | None,
    actual: Decimal | None,
    unit: str,
    actor: User,
) -> Figure:
    """Create or replace the office's figure `name` of a task, with an audit row."""
    figure, _ = Figure.objects.update_or_create(
        task=task,
        name=name.strip(),
        defaults={
            "target": target,
            "actual": actual,
            "unit": unit.strip(),
            "updated_at": timezone.now(),
            "updated_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="figure.set",
        ledger=task.ledger,
        data={
            "task": task.number,
            "name": figure.name,
            "target": str(target),
            "actual": str(actual),
        },
    )
    return figure
