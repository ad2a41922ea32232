"""Production settings are secure by default; development is opt-in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHOW = (
    "from django.conf import settings as s; import json; print(json.dumps({k: getattr(s, k, None) "
    "for k in ['DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS', "
    "'SESSION_COOKIE_HTTPONLY', 'X_FRAME_OPTIONS', 'LANGUAGE_CODE', 'TIME_ZONE', 'USE_TZ']}))"
)


def settings_with(tmp_path: Path, **env: str) -> dict[str, object]:
    environment = {k: v for k, v in os.environ.items() if k != "TAIZHANG_DEBUG"}
    environment.update(TAIZHANG_DATA_DIR=str(tmp_path), **env)
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'taizhang.settings'"
    code = f"{setup}; django.setup(); {SHOW}"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_production_defaults_are_secure(tmp_path: Path) -> None:
    values = settings_with(tmp_path)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert values["SESSION_COOKIE_HTTPONLY"] is True and values["X_FRAME_OPTIONS"] == "DENY"
    assert (values["LANGUAGE_CODE"], values["TIME_ZONE"], values["USE_TZ"]) == (
        "zh-hans",
        "Asia/Shanghai",
        True,
    )


def test_development_mode_is_opt_in(tmp_path: Path) -> None:
    values = settings_with(tmp_path, TAIZHANG_DEBUG="1")
    assert values["DEBUG"] is True and values["SESSION_COOKIE_SECURE"] is False


def test_a_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings_with(tmp_path)
    key_file = tmp_path / "secret_key"
    first = key_file.read_text()
    settings_with(tmp_path)
    assert key_file.read_text() == first and len(first) >= 50
    assert key_file.stat().st_mode & 0o077 == 0
