"""Writes of accounts: people with roles, API tokens, sign-in failures."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

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


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str = "") -> str:
    """A new API token for the user; returned once, only its hash is kept."""
    token = "tz_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=token[:8], key_hash=token_hash(token))
    audit_record(actor=user, action="token.create", data={"prefix": token[:8]})
    return token


def token_user(token: str) -> User | None:
    """The active user a token belongs to, or None."""
    found = (
        ApiToken.objects.select_related("user__profile").filter(key_hash=token_hash(token)).first()
    )
    if found is None or not found.user.is_active:
        return None
    now = timezone.now()
    # At most once a minute: otherwise every API read would also be a write.
    if found.last_used_at is None or now - found.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user
