"""Production settings are secure by default; development is opt-in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.settings_reader import settings_in


def settings_with(tmp_path: Path, **env: str) -> dict[str, Any]:
    """The settings a fresh process reads with this environment (TAIZHANG_DEBUG unset)."""
    return settings_in(tmp_path, drop=["TAIZHANG_DEBUG"], **env)


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


PRIVATE = (
    "import django, os, stat; os.environ['DJANGO_SETTINGS_MODULE'] = 'taizhang.settings'; "
    "django.setup(); from django.db import connection; connection.ensure_connection(); "
    "from django.core.files.base import ContentFile; "
    "from django.core.files.storage import default_storage; "
    "print(default_storage.save('reports/2026/03/a.pdf', ContentFile(b'%PDF')))"
)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_the_data_directory_database_key_and_uploads_are_private(tmp_path: Path) -> None:
    data = tmp_path / "taizhang"
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    environment.update(TAIZHANG_DATA_DIR=str(data))
    # A umask that would leave everything readable by every local user.
    command = f'umask 022 && exec {sys.executable} -c "{PRIVATE}"'
    result = subprocess.run(
        ["sh", "-c", command], env=environment, capture_output=True, text=True, check=True
    )
    saved = data / "media" / result.stdout.strip()
    assert mode(data) == 0o700
    assert mode(data / "taizhang.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "media") == 0o700 and mode(saved.parent) == 0o700
    assert mode(saved) == 0o600


def test_an_existing_database_file_is_left_as_it_is(tmp_path: Path) -> None:
    database = tmp_path / "taizhang.sqlite3"
    database.write_bytes(b"")
    database.chmod(0o640)
    settings_with(tmp_path)
    assert mode(database) == 0o640


PG = "postgres://taizhang@127.0.0.1:5432/taizhang"


def database_options(tmp_path: Path, **env: str) -> dict[str, Any]:
    """The default database's OPTIONS a fresh process reads with this environment (none of
    this process's DATABASE_URL or TAIZHANG_PG_* variables)."""
    values = settings_in(tmp_path, drop=["DATABASE_URL", "TAIZHANG_PG_*"], **env)
    options: dict[str, Any] = values["DATABASES"]["default"].get("OPTIONS", {})
    return options


def test_postgresql_prepares_repeated_statements_by_default(tmp_path: Path) -> None:
    options = database_options(tmp_path, DATABASE_URL=PG)
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_postgresql_prepared_statements_can_be_turned_off_or_tuned(tmp_path: Path) -> None:
    off = database_options(tmp_path, DATABASE_URL=PG, TAIZHANG_PG_PREPARE_THRESHOLD="OFF")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    first = database_options(tmp_path, DATABASE_URL=PG, TAIZHANG_PG_PREPARE_THRESHOLD=" 0 ")
    assert first == {"server_side_binding": True, "prepare_threshold": 0}


@pytest.mark.parametrize("value", ["five", "²", "-1", "1.5"])
def test_a_bad_prepare_threshold_is_refused_by_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=f"TAIZHANG_PG_PREPARE_THRESHOLD={value!r}"):
        database_options(tmp_path, DATABASE_URL=PG, TAIZHANG_PG_PREPARE_THRESHOLD=value)


def test_sqlite_gets_no_postgresql_options(tmp_path: Path) -> None:
    options = database_options(tmp_path, TAIZHANG_PG_PREPARE_THRESHOLD="5")
    assert "server_side_binding" not in options and "prepare_threshold" not in options
    assert options["transaction_mode"] == "IMMEDIATE"
