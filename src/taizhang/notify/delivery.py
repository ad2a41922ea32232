"""Deliveries through the outside channels: created in bulk where a notification or a 催办 is
made (`deliveries_create`), queued once the transaction commits, sent in batches by the
worker (`deliveries_send`), retried with backoff, and swept every minute (`deliveries_sweep`)
so that a lost queue message or a restarted worker loses nothing.

Each attempt is claimed first: one UPDATE that matches the row's state and attempt count as
read, and moves its `next_attempt_at` past the attempt (a lease). Of two workers that read
the same row, one claims it and the other updates nothing and skips it: a delivery is sent at
most once per attempt. A worker that dies mid-attempt leaves the row to the sweep, once the
lease is over."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.ledger.models import Unit
from taizhang.notify import preferences
from taizhang.notify.channels import ChannelClient, ChannelError, channels_open, sms_configured
from taizhang.notify.models import Channel, Delivery, Notification, Reminder
from taizhang.notify.wording import reminder_text
from taizhang.reporting.models import snapshot_deferred

PENDING = (Delivery.State.QUEUED, Delivery.State.RETRYING)
# A new delivery the queue did not send (a lost message, a stopped worker) is swept after this.
SWEEP_GRACE = timedelta(minutes=1)
# At most this many deliveries a sweep sends (the next sweep goes on).
SWEEP_LIMIT = 2000
# The outcomes of a batch's sends are written this many at a time: few commits, and little
# sent again should the worker die mid-batch.
RESULT_CHUNK = 25


def deliveries_create(
    *, notifications: Sequence[Notification] = (), reminders: Sequence[Reminder] = ()
) -> list[Delivery]:
    """Create the outside-channel deliveries of these notifications (to each user by the
    channels they chose) and reminders (to the unit's e-mail, phone, group robot), and
    queue their sending once the transaction commits.

    A fixed number of queries whatever the count: the users (with profile, person and
    preferences) and the reminders (with unit and round) are read in one go each, and the
    deliveries written by one bulk insert; the queue gets one message per
    TAIZHANG_NOTIFY_BATCH deliveries."""
    now = timezone.now()
    rows = [*_of_notifications(notifications, now), *_of_reminders(reminders, now)]
    if not rows:
        return []
    created = Delivery.objects.bulk_create(rows, batch_size=500)
    deliveries_queue([delivery.pk for delivery in created])
    return created


def deliveries_queue(ids: list[int]) -> None:
    """Queue the sending of deliveries `ids` once the transaction commits (a rolled-back one
    sends nothing)."""
    transaction.on_commit(lambda: _enqueue(ids))


def _enqueue(ids: list[int]) -> None:
    from taizhang.notify.tasks import deliveries_enqueue  # the queue sits above this module

    deliveries_enqueue(ids)


def _new(now: datetime, **fields: object) -> Delivery:
    return Delivery(created_at=now, next_attempt_at=now + SWEEP_GRACE, **fields)


def _of_notifications(notifications: Sequence[Notification], now: datetime) -> list[Delivery]:
    if not notifications:
        return []
    users = User.objects.select_related("profile__person").prefetch_related("notify_preferences")
    by_id = users.in_bulk({n.user_id for n in notifications})
    rows = []
    for notification in notifications:
        user = by_id.get(notification.user_id)
        if user is None:
            continue
        choices = preferences.choices_of(user.notify_preferences.all())
        for channel, address in preferences.outside_targets(user, notification.event, choices):
            if channel == Channel.SMS and not sms_configured():
                continue
            rows.append(
                _new(
                    now,
                    channel=channel,
                    notification=notification,
                    target=address,
                    subject=notification.title[:200],
                    body=_with_link(notification.body, notification.link),
                )
            )
    return rows


def _with_link(body: str, link: str) -> str:
    if not link:
        return body
    url = f"{settings.TAIZHANG_SITE_URL}{link}" if link.startswith("/") else link
    return f"{body}\n\n{_('查看')}：{url}".strip()


def _of_reminders(reminders: Sequence[Reminder], now: datetime) -> list[Delivery]:
    if not reminders:
        return []
    found = (
        Reminder.objects.select_related("unit", "round__ledger").defer(
            *snapshot_deferred("round__")
        )
    ).in_bulk([r.pk for r in reminders])
    rows = []
    for reminder in found.values():
        subject, body = reminder_text(reminder)
        for channel, target in unit_targets(reminder):
            rows.append(
                _new(
                    now,
                    channel=channel,
                    reminder=reminder,
                    unit=reminder.unit,
                    target=target,
                    subject=subject,
                    body=body,
                )
            )
    return rows


def unit_targets(reminder: Reminder) -> list[tuple[str, str]]:
    """Where a unit's reminder goes: its e-mail, its phone (when an SMS provider is set),
    its group robot."""
    unit = reminder.unit
    targets = []
    if unit.email:
        targets.append((Channel.EMAIL.value, unit.email))
    if unit.phone and sms_configured():
        targets.append((Channel.SMS.value, unit.phone))
    if unit.webhook_kind in (Channel.WECOM, Channel.DINGTALK) and unit.webhook_url:
        targets.append((unit.webhook_kind, unit.webhook_url))
    return targets


def _contacts(unit: Unit) -> dict[str, str]:
    """A unit's address on each channel it has."""
    found = {Channel.EMAIL.value: unit.email, Channel.SMS.value: unit.phone}
    if unit.webhook_kind in (Channel.WECOM, Channel.DINGTALK):
        found[unit.webhook_kind] = unit.webhook_url
    return {channel: address for channel, address in found.items() if address}


@transaction.atomic
def deliveries_readdress(*, source: Unit, target: Unit) -> int:
    """After `source` was merged into `target` (its deliveries now point at `target`): those
    still to be sent to the merged unit's addresses go to the target's address on the same
    channel instead; where it has none they fail, saying so, rather than retry the merged
    unit's old address. The number re-addressed or failed."""
    pending = Delivery.objects.filter(unit=target, state__in=PENDING)
    new = _contacts(target)
    changed = 0
    for channel, address in _contacts(source).items():
        rows = pending.filter(channel=channel, target=address)
        if channel in new:
            changed += rows.update(target=new[channel])
            continue
        changed += rows.update(
            state=Delivery.State.FAILED,
            next_attempt_at=None,
            last_error=_("“%(source)s”已并入“%(target)s”，后者没有该渠道的联系方式，未再发送")
            % {"source": source.name, "target": target.name},
        )
    return changed


def on_unit_merged(sender: object, *, source: Unit, target: Unit, **kwargs: object) -> None:
    """accounts.signals.unit_merged: re-address the pending deliveries."""
    deliveries_readdress(source=source, target=target)


# --- sending ------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)  # retrying or given up
    skipped: list[int] = field(default_factory=list)  # claimed by another worker, or not due


def backoff(attempt: int) -> timedelta | None:
    """The wait after failed attempt number `attempt` (1-based); None after the last."""
    steps = settings.TAIZHANG_NOTIFY_BACKOFF
    return timedelta(minutes=steps[attempt - 1]) if attempt <= len(steps) else None


def _due(now: datetime) -> Q:
    return Q(state__in=PENDING, next_attempt_at__lte=now) | Q(
        state=Delivery.State.QUEUED, attempts=0
    )


def deliveries_send(ids: Iterable[int], *, include_new: bool = True) -> SendResult:
    """Send the deliveries `ids` that are still to be sent (queued, or retrying and due):
    claimed together (one commit), sent with one client per channel, their results written
    RESULT_CHUNK at a time. A queue message sends new deliveries at once (`include_new`); the
    sweep sends only those whose time came."""
    now = timezone.now()
    due = _due(now) if include_new else Q(state__in=PENDING, next_attempt_at__lte=now)
    rows = list(Delivery.objects.filter(due, pk__in=list(ids)).select_related("unit"))
    claimed = _claim(rows)
    mine = {delivery.pk for delivery in claimed}
    result = SendResult(skipped=[d.pk for d in rows if d.pk not in mine])
    done: list[Delivery] = []
    with channels_open() as clients:
        for delivery in claimed:
            getattr(result, _attempt(delivery, clients)).append(delivery.pk)
            done.append(delivery)
            if len(done) >= RESULT_CHUNK:
                _record(done)
                done = []
    _record(done)
    return result


def delivery_attempt(delivery: Delivery, clients: dict[str, ChannelClient]) -> str:
    """One attempt at one `delivery`: "sent", "failed" (to be retried, or given up), or
    "skipped" when another worker claimed it first."""
    if not _claim([delivery]):
        return "skipped"
    outcome = _attempt(delivery, clients)
    _record([delivery])
    return outcome


def _claim(rows: list[Delivery]) -> list[Delivery]:
    """The rows this worker claims: each one UPDATE matching its state and attempts as read,
    all in one transaction. The lease (when the sweep may take a row again, should this
    worker die) is past the row's backoff and past the time the batch may take to send."""
    batch_time = timedelta(seconds=settings.TAIZHANG_NOTIFY_TIMEOUT * len(rows))
    claimed = []
    with transaction.atomic():
        now = timezone.now()
        for delivery in rows:
            attempt = delivery.attempts + 1
            lease = now + (backoff(attempt) or SWEEP_GRACE) + batch_time
            if Delivery.objects.filter(
                pk=delivery.pk, state=delivery.state, attempts=delivery.attempts
            ).update(attempts=attempt, next_attempt_at=lease):
                delivery.attempts = attempt
                claimed.append(delivery)
    return claimed


def _attempt(delivery: Delivery, clients: dict[str, ChannelClient]) -> str:
    """Send a claimed delivery and set its outcome on it (not yet written)."""
    try:
        clients[delivery.channel].send(delivery)
    except ChannelError as error:
        _failed(delivery, str(error))
        return "failed"
    except Exception as error:  # a bug or an unforeseen error: kept, never lost
        _failed(delivery, f"{type(error).__name__}: {error}")
        return "failed"
    delivery.state, delivery.sent_at = Delivery.State.SENT, timezone.now()
    delivery.next_attempt_at, delivery.last_error = None, ""
    return "sent"


def _failed(delivery: Delivery, error: str) -> None:
    wait = backoff(delivery.attempts)
    delivery.state = Delivery.State.RETRYING if wait is not None else Delivery.State.FAILED
    delivery.next_attempt_at = timezone.now() + wait if wait is not None else None
    delivery.last_error = error[:2000]


def _record(done: list[Delivery]) -> None:
    """Write the outcomes of attempts made (one transaction)."""
    if done:
        fields = ["state", "sent_at", "next_attempt_at", "last_error"]
        Delivery.objects.bulk_update(done, fields)


def deliveries_sweep(*, limit: int = SWEEP_LIMIT) -> SendResult:
    """Send every delivery whose time has come (a retry due, or a new one the queue did not
    send within SWEEP_GRACE): the worker runs this every minute."""
    now = timezone.now()
    due = Delivery.objects.filter(state__in=PENDING, next_attempt_at__lte=now)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    return deliveries_send(ids, include_new=False) if ids else SendResult()
