"""Every write of notify: notifications (the bell), the office's 催办 of units that have not
reported, and the schedule's reminders before, on and after a round's due date. Each hands
what it wrote to the outside channels (`delivery.deliveries_create`) once per batch.

A reminder reaches a unit twice over: the unit's own addresses (its e-mail, phone, group
robot: the reminder's deliveries) and each of its reporters (a notification in the bell, and
through the channels the reporter chose).

Also a user's choices of channel (notification settings) and the office's 重试 of failed
deliveries."""

from __future__ import annotations

import datetime
import re
from collections.abc import Collection, Sequence

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Profile
from taizhang.ledger.models import Unit
from taizhang.ledger.services import audit_record
from taizhang.notify.delivery import deliveries_create, deliveries_queue
from taizhang.notify.errors import NotifyError
from taizhang.notify.models import Delivery, Event, Notification, Preference, Reminder
from taizhang.notify.preferences import PERSONAL_CHANNELS
from taizhang.notify.recipients import unit_reporters
from taizhang.notify.selectors import TROUBLE
from taizhang.notify.wording import reminder_body, reminder_title
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import missing_units

MESSAGE_MAX = 500
# The office's 催办 of a unit is not sent again within this time: a double click or a form
# sent twice would otherwise reach every unit twice (e-mail, robots, SMS).
REMIND_AGAIN_AFTER = datetime.timedelta(minutes=10)


class ReminderError(Exception):
    """A 催办 the rules refuse, with a message for the office."""


def notifications_insert(
    notifications: Sequence[Notification], *, again: bool = True
) -> list[Notification]:
    """Store these notifications (in one insert; the caller is atomic), leaving out those
    whose `dedup_key` the user already has (or that repeat one in the batch), and return
    the ones stored. Hands nothing to the outside channels: see `notifications_create`."""
    keyed = [n for n in notifications if n.dedup_key]
    seen: set[tuple[int, str]] = set()
    if keyed:
        stored = Notification.objects.filter(
            user_id__in={n.user_id for n in keyed}, dedup_key__in={n.dedup_key for n in keyed}
        ).values_list("user_id", "dedup_key")
        seen = set(stored)
    fresh = []
    for note in notifications:
        key = (note.user_id, note.dedup_key)
        if note.dedup_key and key in seen:
            continue
        seen.add(key)
        fresh.append(note)
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(fresh)
    except IntegrityError:
        # Another process stored one of the same keys since they were read: read them again
        # (once: a second conflict is not that).
        if not keyed or not again:
            raise
        return notifications_insert(fresh, again=False)


@transaction.atomic
def notifications_create(*, notifications: Sequence[Notification]) -> list[Notification]:
    """Store these notifications (`notifications_insert`: once per `dedup_key` and user) and
    hand the stored ones to the outside channels."""
    created = notifications_insert(notifications)
    if created:
        deliveries_create(notifications=created)
    return created


@transaction.atomic
def reminders_send(
    *, round_: Round, units: Sequence[Unit] | None = None, message: str = "", actor: User
) -> list[Reminder]:
    """The office's 催办: remind these units (None: every unit that has not reported) of the
    open round, with an optional message: a `Reminder` for each (kind manual), a notification
    to each of its reporters, their deliveries, an audit row. Refused, with nothing written,
    for a closed round, a unit that has reported everything, an empty choice, a message too
    long, or a unit the office reminded of the round less than REMIND_AGAIN_AFTER ago with
    no new message (when reminding every unit, those are left out; refused if that leaves
    none; a new message is always sent). The round is
    locked, so two requests at once are checked one after the other."""
    round_ = Round.objects.select_for_update().select_related("ledger").get(pk=round_.pk)
    if not round_.is_open:
        raise ReminderError(_("该轮次已关闭，不能催办"))
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise ReminderError(_("催办内容过长（最多 %(n)s 字）") % {"n": MESSAGE_MAX})
    missing = missing_units(round_)
    chosen = _not_again(round_, _chosen(missing, units), every=units is None, message=message)
    reminders = _remind(round_, chosen, Reminder.Kind.MANUAL, actor, message, timezone.localdate())
    audit_record(
        actor=actor,
        action="round.remind",
        ledger=round_.ledger,
        data={"round": round_.pk, "units": [u.pk for u in chosen], "message": message},
    )
    return reminders


def _chosen(missing: list[Unit], units: Sequence[Unit] | None) -> list[Unit]:
    """The units to remind: those asked for, each of which must still have to report."""
    if units is None:
        if not missing:
            raise ReminderError(_("各单位均已报送，无需催办"))
        return missing
    if not units:
        raise ReminderError(_("请选择要催办的单位"))
    waiting = {unit.pk for unit in missing}
    done = [unit.name for unit in units if unit.pk not in waiting]
    if done:
        raise ReminderError(
            _("%(units)s 本轮没有待报送的任务，无需催办") % {"units": "、".join(done)}
        )
    return list({unit.pk: unit for unit in units}.values())


def _not_again(round_: Round, chosen: list[Unit], *, every: bool, message: str) -> list[Unit]:
    """The chosen units less those the office reminded of the round lately with nothing new
    (no message, or the message they were sent then): refused when a unit asked for by name
    was, or when reminding every unit leaves none. A new message is never a repeat: what the
    office wrote reaches the unit (a 一键催办 then a word to one unit, or the reverse)."""
    sent_lately = Reminder.objects.filter(
        round=round_,
        kind=Reminder.Kind.MANUAL,
        unit_id__in=[unit.pk for unit in chosen],
        created_at__gt=timezone.now() - REMIND_AGAIN_AFTER,
    ).values_list("unit_id", "message")
    lately = {pk for pk, sent in sent_lately if not message or sent.strip() == message}
    minutes = int(REMIND_AGAIN_AFTER.total_seconds() // 60)
    if every:
        left = [unit for unit in chosen if unit.pk not in lately]
        if not left:
            raise ReminderError(_("%(n)s分钟内已催办过各未报送单位，请勿重复催办") % {"n": minutes})
        return left
    again = [unit.name for unit in chosen if unit.pk in lately]
    if again:
        raise ReminderError(
            _("%(units)s %(n)s分钟内已催办过，请勿重复催办（如需补充要求，请填写新的催办内容）")
            % {"units": "、".join(again), "n": minutes}
        )
    return chosen


@transaction.atomic
def reminders_due_send(*, round_: Round, kind: str, today: datetime.date) -> list[Reminder]:
    """The schedule's reminder of kind before, due or overdue for `today`: to each unit of the
    open round that has not reported and has not had this kind of reminder today. The round
    is locked, so two workers running it at once remind each unit once; the constraint
    `reminder_scheduled_once` holds it if anything else tried."""
    round_ = Round.objects.select_for_update().select_related("ledger").get(pk=round_.pk)
    if not round_.is_open:
        return []
    done = set(
        Reminder.objects.filter(round=round_, kind=kind, sent_on=today).values_list(
            "unit_id", flat=True
        )
    )
    units = [unit for unit in missing_units(round_) if unit.pk not in done]
    if not units:
        return []
    reminders = _remind(round_, units, kind, None, "", today)
    audit_record(
        actor=None,
        action="round.remind_scheduled",
        ledger=round_.ledger,
        data={"round": round_.pk, "kind": kind, "units": [u.pk for u in units]},
    )
    return reminders


def _remind(
    round_: Round,
    units: list[Unit],
    kind: str,
    actor: User | None,
    message: str,
    today: datetime.date,
) -> list[Reminder]:
    """Write the reminders of these units, a notification to each of their reporters, and
    hand both to the outside channels (in one call)."""
    now = timezone.now()
    reminders = Reminder.objects.bulk_create(
        Reminder(
            round=round_,
            unit=unit,
            kind=kind,
            actor=actor,
            message=message,
            sent_on=today,
            created_at=now,
        )
        for unit in units
    )
    reporters = unit_reporters([unit.pk for unit in units])
    link = reverse("web:my_tasks", args=[round_.ledger_id])
    manual = kind == Reminder.Kind.MANUAL
    notes = [
        Notification(
            user_id=user_id,
            event=Event.REMINDER if manual else Event.ROUND_DUE,
            title=reminder_title(round_, kind, today),
            body=reminder_body(round_, unit, message, today),
            link=link,
            created_at=now,
            dedup_key="" if manual else f"{kind}:{round_.pk}:{unit.pk}:{today.isoformat()}",
        )
        for unit in units
        for user_id in reporters.get(unit.pk, [])
    ]
    created = notifications_insert(notes)
    deliveries_create(notifications=created, reminders=reminders)
    return reminders


@transaction.atomic
def notification_read(*, notification: Notification) -> Notification:
    """Mark one notification read (once: the first time stays). No audit row: reading one's
    own messages changes nothing anyone else sees."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_read_all(*, user: User) -> int:
    """Mark all the user's unread notifications read; how many were."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


# A mainland mobile number, with an optional +86 / 86 prefix and spaces or dashes.
PHONE = re.compile(r"^(\+?86)?1[3-9]\d{9}$")


def clean_phone(phone: str) -> str:
    """The phone number without spaces and dashes; "" stays ""; anything else refused."""
    compact = re.sub(r"[\s-]", "", phone)
    if compact and not PHONE.match(compact):
        raise NotifyError(_("手机号码格式不正确：%(phone)s") % {"phone": phone})
    return compact


def clean_email(email: str) -> str:
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise NotifyError(_("电子邮箱格式不正确：%(email)s") % {"email": email}) from error
    return email


@transaction.atomic
def preferences_save(
    *, user: User, enabled: Collection[tuple[str, str]], email: str, phone: str
) -> None:
    """Save a user's notification settings: for every event and personal channel whether it
    is on (`enabled` holds the pairs that are), and the user's own e-mail and phone. Bad
    input raises `NotifyError` and changes nothing."""
    email, phone = clean_email(email), clean_phone(phone)
    valid = {e.value for e in Event}
    unknown = [pair for pair in enabled if pair[0] not in valid or pair[1] not in PERSONAL_CHANNELS]
    if unknown:
        raise NotifyError(_("未知的通知选项：%(pair)s") % {"pair": unknown[0]})
    rows = [
        Preference(user=user, event=e, channel=c, enabled=(e, c) in enabled)
        for e in sorted(valid)
        for c in PERSONAL_CHANNELS
    ]
    Preference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "event", "channel"],
        update_fields=["enabled"],
    )
    User.objects.filter(pk=user.pk).update(email=email)
    user.email = email
    Profile.objects.filter(user=user).update(phone=phone)
    audit_record(
        actor=user,
        action="notify_preferences_save",
        data={"enabled": sorted(f"{e}:{c}" for e, c in enabled), "email": email, "phone": phone},
    )


@transaction.atomic
def deliveries_retry(*, actor: User, ids: Collection[int] | None = None) -> int:
    """Try failed deliveries again now (`ids`, or every retrying and failed one when None):
    they become due at once and are queued when the transaction commits. A delivery given
    up gets one more attempt. How many were retried."""
    found = Delivery.objects.filter(state__in=TROUBLE)
    if ids is not None:
        found = found.filter(pk__in=list(ids))
    retried = list(found.values_list("pk", flat=True))
    if not retried:
        return 0
    now = timezone.now()
    Delivery.objects.filter(pk__in=retried).update(
        state=Delivery.State.RETRYING, next_attempt_at=now
    )
    audit_record(actor=actor, action="notify_deliveries_retry", data={"deliveries": retried})
    deliveries_queue(retried)
    return len(retried)
