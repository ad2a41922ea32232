"""The office corrects or adds a task's figure (指标): it overrides what was read from the
text or reported, by name."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from taizhang.ledger.models import Task
from taizhang.ledger.services import audit_record
from taizhang.supervision.models import Figure


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
