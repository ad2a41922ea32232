"""What the accounts app's services tell the layers above them, sent inside the writing
transaction (the pattern of ledger.signals). Sent by services only.

- `unit_merged` (kwargs: source, target: Unit), after `merging.unit_merge` moved every row
  of the merged unit to the one it joined: notify re-addresses the deliveries still to be
  sent, which carry the merged unit's e-mail, phone or robot address."""

from __future__ import annotations

from django.dispatch import Signal

unit_merged = Signal()
