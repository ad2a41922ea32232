"""What the reporting services tell the layers above them, sent inside the writing
transaction (the pattern of `ledger.signals`). `round_closed`: a round was closed and its
statuses kept (`snapshots.round_statuses_write`), so `supervision` keeps each task's light
at the close beside its status."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: round_id (int)
round_closed = Signal()
