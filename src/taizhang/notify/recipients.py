"""Who a notification goes to: the active accounts of a unit's reporters, of a leader (a
person). Each a single query, whatever the number of units or people."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from django.contrib.auth.models import User

from taizhang.accounts.models import Profile, Role

Membership = Profile.units.through


def unit_reporters(unit_ids: Collection[int]) -> dict[int, list[int]]:
    """{unit id: the ids of its active reporter accounts}, for these units (in one query); a
    unit with none is left out."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.filter(
            unit_id__in=list(unit_ids),
            profile__role=Role.REPORTER,
            profile__user__is_active=True,
        )
        .order_by("unit_id", "profile__user_id")
        .values_list("unit_id", "profile__user_id")
    )
    for unit_id, user_id in rows:
        found[unit_id].append(user_id)
    return dict(found)


def reporters_of(unit_ids: Collection[int]) -> list[int]:
    """The ids of the active reporter accounts of any of these units, each once."""
    return sorted({user for users in unit_reporters(unit_ids).values() for user in users})


def leader_accounts(person_ids: Collection[int]) -> dict[int, list[int]]:
    """{person id: the ids of that person's active leader accounts}, in one query."""
    found: dict[int, list[int]] = defaultdict(list)
    rows = (
        User.objects.filter(
            is_active=True, profile__role=Role.LEADER, profile__person_id__in=list(person_ids)
        )
        .order_by("pk")
        .values_list("profile__person_id", "pk")
    )
    for person_id, user_id in rows:
        found[person_id].append(user_id)
    return dict(found)
