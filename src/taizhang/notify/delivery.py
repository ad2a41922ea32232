"""Outside channels (e-mail, group robots, SMS): a stub, replaced at integration by the
real module, which creates the deliveries and queues their sending."""

from __future__ import annotations

from collections.abc import Sequence

from taizhang.notify.models import Delivery, Notification, Reminder


def deliveries_create(
    *, notifications: Sequence[Notification] = (), reminders: Sequence[Reminder] = ()
) -> list[Delivery]:
    """Create the outside-channel deliveries of these notifications (to each user by the
    channels they chose) and reminders (to the unit's e-mail, phone, group robot), and
    queue their sending once the transaction commits."""
    return []
