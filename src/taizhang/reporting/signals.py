"""What the reporting services tell the layers above them (`notify`), sent inside the writing
transaction by the services only, never by models' save(). The receivers write in the same
transaction: what they write exists exactly when the event does."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: round_ (Round), just opened.
round_opened = Signal()
# kwargs: report (Report), just accepted or returned (its `state` says which).
report_reviewed = Signal()
# kwargs: comment (Comment), a 批示 just written.
comment_added = Signal()
