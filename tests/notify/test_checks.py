"""`taizhang check` warns when e-mail is configured without TAIZHANG_SITE_URL: the links in
messages would be bare paths no mail program opens."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.checks import run_checks

from taizhang.notify.checks import SITE_URL_MISSING
from tests.settings_reader import settings_in


def warned(settings: Any, *, email: bool, site: str) -> bool:
    settings.TAIZHANG_EMAIL_CONFIGURED, settings.TAIZHANG_SITE_URL = email, site
    return SITE_URL_MISSING in {message.id for message in run_checks()}


def test_email_without_the_site_url_is_warned(settings: Any) -> None:
    assert warned(settings, email=True, site="")
    assert not warned(settings, email=True, site="https://taizhang.example.gov.cn")
    assert not warned(settings, email=False, site="")  # no e-mail: the links are the bell's


def check_output(tmp_path: Path, **env: str) -> str:
    """What `check` says in a fresh process with this environment."""
    environment = {
        k: v for k, v in os.environ.items() if k not in ("TAIZHANG_EMAIL_HOST", "TAIZHANG_SITE_URL")
    }
    environment.update(
        TAIZHANG_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="taizhang.settings", **env
    )
    code = "import django; django.setup(); from django.core.management import call_command; "
    code += "call_command('check', '--system-only')"  # Django's checks, not the operator's
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout + result.stderr


def test_the_warning_follows_the_environment(tmp_path: Path, settings: Any) -> None:
    # In a process of its own, as an operator runs it: warned.
    assert SITE_URL_MISSING in check_output(tmp_path, TAIZHANG_EMAIL_HOST="smtp.example.gov.cn")

    # The other environments, read as a fresh process reads them, then checked here.
    def warned_with(**env: str) -> bool:
        read = settings_in(tmp_path, drop=["TAIZHANG_EMAIL_HOST", "TAIZHANG_SITE_URL"], **env)
        return warned(
            settings, email=read["TAIZHANG_EMAIL_CONFIGURED"], site=read["TAIZHANG_SITE_URL"]
        )

    assert warned_with(TAIZHANG_EMAIL_HOST="smtp.example.gov.cn")
    assert not warned_with(
        TAIZHANG_EMAIL_HOST="smtp.example.gov.cn",
        TAIZHANG_SITE_URL="https://taizhang.example.gov.cn",
    )
    assert not warned_with()
