"""System checks of notify's settings (`taizhang check`, and before `serve` and `migrate`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

SITE_URL_MISSING = "taizhang.W001"


@register()
def email_links_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """E-mail configured (TAIZHANG_EMAIL_HOST set) but no TAIZHANG_SITE_URL: the links in the
    messages would be bare paths ("/ledgers/3/mine/") that no mail program can open."""
    if settings.TAIZHANG_EMAIL_CONFIGURED and not settings.TAIZHANG_SITE_URL:
        return [
            Warning(
                "TAIZHANG_EMAIL_HOST is set but TAIZHANG_SITE_URL is not: the links in e-mail "
                "will be bare paths that cannot be opened from the message.",
                hint="Set TAIZHANG_SITE_URL to the site's address as users reach it, "
                "e.g. https://taizhang.example.gov.cn",
                id=SITE_URL_MISSING,
            )
        ]
    return []
