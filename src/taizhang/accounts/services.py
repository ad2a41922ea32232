"""Writes of accounts: people with roles, API tokens (made, used, revoked)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import ApiToken, Profile, Role
from taizhang.ledger.models import Person, Unit
from taizhang.ledger.services import audit_record


@transaction.atomic
def account_create(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    units: list[Unit] | None = None,
    person: Person | None = None,
) -> User:
    """Create a user with a role (and its units or person), or update the existing one."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(password)
    user.is_staff = role == Role.OFFICE
    user.save()
    profile, _ = Profile.objects.update_or_create(
        user=user, defaults={"role": role, "display_name": display_name, "person": person}
    )
    profile.units.set(units or [])
    audit_record(actor=None, action="account.create", data={"username": username, "role": role})
    return user


class TokenError(ValueError):
    """A token command that cannot be carried out (message in Chinese)."""


# The latest day a token may be valid through: later dates are typing slips, and near the end
# of the calendar (9999-12-31) the arithmetic of dates overflows.
LAST_EXPIRY_DAY = datetime.date(2100, 12, 31)
TOKEN_NAME_MAX = 100  # ApiToken.name


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first moment after `day`, local time."""
    next_day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time()))


def too_late_message() -> str:
    return _("过期日期不能晚于 %(day)s") % {"day": LAST_EXPIRY_DAY.isoformat()}


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str = "",
    expires_at: datetime.datetime | None = None,
    actor: User | None = None,
) -> str:
    """A new API token for the user, valid until `expires_at` (or until revoked), which is
    after now and no later than the end of `LAST_EXPIRY_DAY`; returned once, only its hash is
    kept. A name longer than the stored field is refused (PostgreSQL would refuse it too)."""
    if len(name) > TOKEN_NAME_MAX:
        raise TokenError(_("令牌名称不能超过 %(n)s 个字符") % {"n": TOKEN_NAME_MAX})
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(_("过期时间必须晚于现在"))
    if expires_at is not None and expires_at > _end_of(LAST_EXPIRY_DAY):
        raise TokenError(too_late_message())
    token = "tz_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, prefix=token[:8], key_hash=token_hash(token), expires_at=expires_at
    )
    data = {"prefix": token[:8], "user": user.get_username(), "expires_at": _iso(expires_at)}
    audit_record(actor=actor or user, action="token.create", data=data)
    return token


@transaction.atomic
def token_revoke(*, prefix: str, actor: User | None = None) -> ApiToken:
    """Delete the one token whose prefix starts with `prefix`; refuses when none or several
    match, naming them, so a short prefix never revokes the wrong token."""
    prefix = prefix.strip()
    found = list(
        ApiToken.objects.select_related("user").filter(prefix__startswith=prefix)[:10]
        if prefix
        else []
    )
    if not found:
        raise TokenError(_("没有以 %(prefix)s 开头的令牌") % {"prefix": prefix})
    if len(found) > 1:
        names = "、".join(f"{t.prefix}（{t.user.get_username()}）" for t in found)
        raise TokenError(
            _("有多个令牌以 %(prefix)s 开头：%(names)s；请给出更长的前缀")
            % {"prefix": prefix, "names": names}
        )
    (token,) = found
    data = {"prefix": token.prefix, "user": token.user.get_username(), "name": token.name}
    token.delete()
    audit_record(actor=actor, action="token.revoke", data=data)
    return token


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_user(token: str) -> User | None:
    """The active user an unexpired token belongs to, or None."""
    found = (
        ApiToken.objects.select_related("user__profile").filter(key_hash=token_hash(token)).first()
    )
    now = timezone.now()
    if found is None or not found.user.is_active:
        return None
    if found.expires_at is not None and found.expires_at <= now:
        return None
    # At most once a minute: otherwise every API read would also be a write.
    if found.last_used_at is None or now - found.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
