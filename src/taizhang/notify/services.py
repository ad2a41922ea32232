"""Writes of the notification pages: a user's choices of channel, the office's 重试."""

from __future__ import annotations

import re
from collections.abc import Collection

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Profile
from taizhang.ledger.services.audit import audit_record
from taizhang.notify.errors import NotifyError
from taizhang.notify.models import Delivery, Event, Preference
from taizhang.notify.preferences import PERSONAL_CHANNELS
from taizhang.notify.selectors import TROUBLE

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
    transaction.on_commit(lambda: _enqueue(retried))
    return len(retried)


def _enqueue(ids: list[int]) -> None:
    from taizhang.notify.tasks import deliveries_enqueue

    deliveries_enqueue(ids)
