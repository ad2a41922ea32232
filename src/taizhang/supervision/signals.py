"""What the supervision services tell the layers above them (`notify`), sent inside the
writing transaction by the services only, never by models' save()."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: bulletin (Bulletin), just issued.
bulletin_issued = Signal()
# kwargs: ledger_id (int), red (list[tuple[int, datetime.date]]): tasks or sub-items that take
# reports (not split) whose light turned red, each with the date it did (`TaskState.red_from`).
tasks_turned_red = Signal()
