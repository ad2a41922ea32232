"""What the reporting services tell the layers above them (`supervision`, `notify`), sent
inside the writing transaction by the services only, never by models' save() (the pattern of
`ledger.signals`). The receivers write in the same transaction: what they write exists
exactly when the event does."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: round_ (Round), just opened.
round_opened = Signal()
# kwargs: round_id (int): a round was closed and its statuses kept
# (`snapshots.round_statuses_write`), so `supervision` keeps each task's light at the close.
round_closed = Signal()
# kwargs: report (Report), just accepted or returned (its `state` says which).
report_reviewed = Signal()
# kwargs: comment (Comment), a 批示 just written.
comment_added = Signal()
