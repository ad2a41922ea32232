"""Reads of accounts, and of units as the office keeps them (with their members)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from taizhang.accounts.models import ApiToken, Profile
from taizhang.ledger.models import TaskUnit, Unit
from taizhang.prepared import Prepared


def token_list(*, user: User) -> list[ApiToken]:
    """A user's API tokens (prefix, name, created, last used, expiry), oldest first."""
    return list(ApiToken.objects.filter(user=user).order_by("created_at", "pk"))


def unit_rows(*, search: str = "") -> QuerySet[Unit]:
    """The current units (none merged into another) for the office's list, by name, with
    `member_count` (active accounts) and `task_count` (current tasks served) counted in the
    same query; `search` matches the name, contact, phone or e-mail."""
    members = (
        Profile.units.through.objects.filter(unit=OuterRef("pk"), profile__user__is_active=True)
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]
    )
    tasks = (
        TaskUnit.objects.filter(unit=OuterRef("pk"), task__removed_at__isnull=True)
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n")
    )
    units = Unit.objects.filter(merged_into__isnull=True).annotate(
        member_count=Coalesce(Subquery(members), 0), task_count=Coalesce(Subquery(tasks), 0)
    )
    if search.strip():
        term = search.strip()
        units = units.filter(
            Q(name__icontains=term)
            | Q(contact_name__icontains=term)
            | Q(phone__icontains=term)
            | Q(email__icontains=term)
        )
    return units.order_by("name")


def unit_choices() -> QuerySet[Unit]:
    """The units a picker offers: the current ones, by name."""
    return Unit.objects.filter(merged_into__isnull=True).order_by("name")


def account_rows(*, search: str = "") -> QuerySet[User]:
    """Every account for the office's list, by user name, with its profile, person and units
    loaded (a fixed number of queries); `search` matches the user or display name."""
    users = User.objects.select_related("profile__person").prefetch_related(
        Prefetch("profile__units", Unit.objects.order_by("name"))
    )
    if search.strip():
        term = search.strip()
        users = users.filter(Q(username__icontains=term) | Q(profile__display_name__icontains=term))
    return users.order_by("username")


def _profile_query(user_id: int) -> QuerySet[Profile]:
    return Profile.objects.filter(user_id=user_id)


_PROFILE = Prepared(_profile_query)


def profile_load(user: User) -> User:
    """`user` with its profile (or none) read and kept where `user.profile` finds it, by a
    query compiled once: every page asks for the role, and the ORM's descriptor built and
    compiled its query each time. A profile already read is kept."""
    related = User.profile.related
    if not related.is_cached(user):
        found = _PROFILE.objects(user.pk)
        related.set_cached_value(user, found[0] if found else None)
    return user
