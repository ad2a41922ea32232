"""Reads of accounts."""

from __future__ import annotations

from django.contrib.auth.models import User

from taizhang.accounts.models import ApiToken


def token_list(*, user: User) -> list[ApiToken]:
    """A user's API tokens (prefix, name, created, last used, expiry), oldest first."""
    return list(ApiToken.objects.filter(user=user).order_by("created_at", "pk"))
