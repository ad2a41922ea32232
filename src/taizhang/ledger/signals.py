"""What the ledger's services tell the layers above them, sent inside the writing
transaction. The only one: `tasks_changed`, after tasks were written (an edit, an accepted
report, an import, a joint-task recomposition), so `supervision` rebuilds its stored state.
Sent by services only, never by models' save()."""

from __future__ import annotations

from collections.abc import Collection

from django.dispatch import Signal

# kwargs: ledger_id (int), task_ids (Collection[int] | None: None for the whole ledger)
tasks_changed = Signal()


def tasks_written(ledger_id: int, task_ids: Collection[int] | None) -> None:
    """Tell the receivers that these tasks (None: any task of the ledger) were written."""
    tasks_changed.send(sender=None, ledger_id=ledger_id, task_ids=task_ids)
