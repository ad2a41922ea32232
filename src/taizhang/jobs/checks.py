"""System checks of the schedules' settings (`taizhang check`, and before `run_huey`,
`migrate` and `serve`): a time of day that cannot be read stops the worker at start, not at
its first scheduled run in the night."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.daytime import time_of_day

BAD_TIME_OF_DAY = "taizhang.E001"
# The settings read with `daytime.time_of_day`, and what each time of day starts.
TIMES_OF_DAY = {
    "TAIZHANG_BACKUP_AT": gettext_lazy("每天的自动备份"),
    "TAIZHANG_REMIND_AT": gettext_lazy("每天的催办提醒"),
}


@register()
def times_of_day_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    """An error for each of TIMES_OF_DAY that is not a time of day "HH:MM"."""
    errors: list[CheckMessage] = []
    for name, starts in TIMES_OF_DAY.items():
        value = getattr(settings, name)
        try:
            time_of_day(value)
        except (ValueError, TypeError):
            errors.append(
                Error(
                    _("%(name)s 的值 %(value)r 不是有效的时刻，%(starts)s无法按时进行")
                    % {"name": name, "value": value, "starts": starts},
                    hint=_("请写成“时:分”，从 00:00 到 23:59，例如 02:30"),
                    id=BAD_TIME_OF_DAY,
                )
            )
    return errors
