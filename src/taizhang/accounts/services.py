"""Writes of accounts: people with roles, API tokens (made, used, revoked); the office's
accounts on the web: created (alone, or one per unit of a ledger with none) with one-time
passwords, edited, reset, deactivated; a user's own password change."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.errors import AccountError
from taizhang.accounts.models import ApiToken, Profile, Role
from taizhang.ledger.models import Ledger, Person, TaskUnit, Unit
from taizhang.ledger.services import audit_record
from taizhang.reporting.selectors import expected_to_report


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


# One-time passwords: read aloud or typed from paper, so without the characters people
# confuse (0/O/o, 1/l/I).
PASSWORD_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"  # noqa: S105 -- an alphabet, not a password
PASSWORD_LENGTH = 10


def one_time_password() -> str:
    """A random password for an account the office creates or resets (`secrets`)."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _position in range(PASSWORD_LENGTH))


@dataclass(frozen=True)
class AccountFields:
    """What the office sets on an account: its role and, by role, its units (a reporter's)
    or its person (a leader's, 牵头领导)."""

    role: str
    display_name: str = ""
    units: tuple[Unit, ...] = ()
    person: Person | None = None
    phone: str = ""

    def cleaned(self) -> AccountFields:
        """Checked and trimmed: units only for a reporter (at least one), a person only for
        a leader (required); raises `AccountError`."""
        if self.role not in Role.values:
            raise AccountError(_("未知的角色"))
        display_name, phone = self.display_name.strip(), self.phone.strip()
        if len(display_name) > DISPLAY_NAME_MAX or len(phone) > PHONE_MAX:
            raise AccountError(_("显示名称或手机号码过长"))
        units = self.units if self.role == Role.REPORTER else ()
        if self.role == Role.REPORTER and not units:
            raise AccountError(_("填报账号须至少属于一个责任单位"))
        if any(unit.merged_into_id is not None for unit in units):
            raise AccountError(_("不能选择已并入其他单位的单位"))
        person = self.person if self.role == Role.LEADER else None
        if self.role == Role.LEADER and person is None:
            raise AccountError(_("牵头领导账号须关联一位领导"))
        return AccountFields(self.role, display_name, tuple(units), person, phone)


DISPLAY_NAME_MAX = 100  # Profile.display_name
PHONE_MAX = 30  # Profile.phone


def _apply(user: User, fields: AccountFields, **more: Any) -> Profile:
    # A superuser keeps /admin/ whatever role the office pages give it.
    user.is_staff = fields.role == Role.OFFICE or user.is_superuser
    user.save()
    profile, _ = Profile.objects.update_or_create(
        user=user,
        defaults={
            "role": fields.role,
            "display_name": fields.display_name,
            "person": fields.person,
            "phone": fields.phone,
            **more,
        },
    )
    profile.units.set(fields.units)
    return profile


def _described(user: User, fields: AccountFields) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "role": fields.role,
        "display_name": fields.display_name,
        "units": [unit.name for unit in fields.units],
        "person": fields.person.name if fields.person is not None else None,
    }


def username_check(username: str) -> str:
    """A new user name, trimmed; raises `AccountError` when malformed or taken."""
    username = username.strip()
    if not username or len(username) > USERNAME_MAX:
        raise AccountError(_("用户名须为 1 到 %(n)s 个字符") % {"n": USERNAME_MAX})
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise AccountError(_("用户名只能包含字母、数字和 @ . + - _")) from None
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("用户名“%(name)s”已被使用") % {"name": username})
    return username


USERNAME_MAX = 150  # User.username


@transaction.atomic
def account_add(*, username: str, fields: AccountFields, actor: User | None) -> tuple[User, str]:
    """A new account with a one-time password, returned once (only its hash is kept): the
    first sign-in must change it. Raises `AccountError`, creating nothing."""
    username = username_check(username)
    fields = fields.cleaned()
    password = one_time_password()
    user = User.objects.create_user(username=username, password=password)
    _apply(user, fields, must_change_password=True)
    audit_record(actor=actor, action="account.add", data=_described(user, fields))
    return user, password


@transaction.atomic
def account_update(*, user: User, fields: AccountFields, actor: User | None) -> User:
    """Change an account's role, display name, phone, units or person. The last active
    office account keeps its role, and no one changes his or her own role."""
    fields = fields.cleaned()
    current = getattr(getattr(user, "profile", None), "role", None)
    if current == Role.OFFICE and fields.role != Role.OFFICE:
        if actor is not None and actor.pk == user.pk:
            raise AccountError(_("不能修改自己的角色"))
        _check_other_office(user)
    _apply(user, fields)
    audit_record(actor=actor, action="account.update", data=_described(user, fields))
    return user


def _check_other_office(user: User) -> None:
    """Refuse to take away the last active office account."""
    others = User.objects.filter(is_active=True).exclude(pk=user.pk)
    office = Q(profile__role=Role.OFFICE) | Q(is_superuser=True)
    if not others.filter(office).exists():
        raise AccountError(_("这是最后一个可用的督查室账号，不能停用或改为其他角色"))


@transaction.atomic
def account_password_reset(*, user: User, actor: User | None) -> str:
    """A new one-time password for the account, returned once; the next sign-in must
    change it."""
    password = one_time_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    Profile.objects.filter(user=user).update(must_change_password=True)
    audit_record(
        actor=actor, action="account.password_reset", data={"username": user.get_username()}
    )
    return password


@transaction.atomic
def account_set_active(*, user: User, active: bool, actor: User | None) -> User:
    """Deactivate (停用) or reactivate an account: never one's own, nor the last active
    office account. A deactivated user cannot sign in and its API tokens stop working."""
    if actor is not None and actor.pk == user.pk:
        raise AccountError(_("不能停用或启用自己的账号"))
    if not active and user.is_active:
        profile_role = getattr(getattr(user, "profile", None), "role", None)
        if profile_role == Role.OFFICE or user.is_superuser:
            _check_other_office(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = "account.activate" if active else "account.deactivate"
    audit_record(actor=actor, action=action, data={"username": user.get_username()})
    return user


@transaction.atomic
def password_change(*, user: User, password: str) -> User:
    """The user's own new password, checked by the project's password validators (and
    refused when it is the current one); clears `must_change_password`."""
    if user.check_password(password):
        raise AccountError(_("新密码不能与原密码相同"))
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise AccountError("；".join(error.messages)) from None
    user.set_password(password)
    user.save(update_fields=["password"])
    Profile.objects.filter(user=user).update(must_change_password=False)
    audit_record(
        actor=user, action="account.password_change", data={"username": user.get_username()}
    )
    return user


@dataclass(frozen=True)
class IssuedAccount:
    """An account created in one step for a unit, with its one-time password (kept in
    memory only, for the sheet)."""

    unit: str
    username: str
    password: str


def unit_username(unit: Unit) -> str:
    """The user name for a unit's reporter account: "u" and the unit's id in four digits
    (u0012), with "-2", "-3", ... when taken. Pinyin is not at hand offline, and an id is
    short, unique and what the sheet shows next to the unit's name."""
    base = f"u{unit.pk:04d}"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


@transaction.atomic
def accounts_for_units(*, ledger: Ledger, actor: User | None) -> list[IssuedAccount]:
    """One reporter account for each unit serving a current task of the ledger (sub-items
    too) that has no active reporter, with a one-time password; none when every unit has
    one. The passwords are returned once and never stored in clear."""
    issued = []
    for unit in units_without_reporter(ledger):
        user, password = account_add(
            username=unit_username(unit),
            fields=AccountFields(role=Role.REPORTER, display_name=unit.name, units=(unit,)),
            actor=actor,
        )
        issued.append(IssuedAccount(unit.name, user.get_username(), password))
    audit_record(
        actor=actor,
        action="account.add_for_units",
        ledger=ledger,
        data={"accounts": [a.username for a in issued]},
    )
    return issued


def collective_units(ledger: Ledger) -> list[Unit]:
    """The collective phrases (各乡镇, 有关单位) serving a current task of the ledger, by name:
    no account is made for them (`units_without_reporter`)."""
    serving = TaskUnit.objects.filter(
        unit=OuterRef("pk"), task__ledger=ledger, task__removed_at__isnull=True
    )
    units = Unit.objects.filter(Exists(serving), merged_into__isnull=True).order_by("name")
    return [unit for unit in units if not expected_to_report(unit.name)]


def units_without_reporter(ledger: Ledger) -> list[Unit]:
    """The units serving a current task of the ledger that no active reporter belongs to,
    by name; collective phrases (各乡镇, 有关单位) are no unit anyone reports as."""
    serving = TaskUnit.objects.filter(
        unit=OuterRef("pk"), task__ledger=ledger, task__removed_at__isnull=True
    )
    reporters = Profile.units.through.objects.filter(
        unit=OuterRef("pk"), profile__role=Role.REPORTER, profile__user__is_active=True
    )
    units = Unit.objects.filter(Exists(serving), ~Exists(reporters), merged_into__isnull=True)
    return [unit for unit in units.order_by("name") if expected_to_report(unit.name)]
