"""Health: `/healthz` (no sign-in, no details, 200 or 503, one query, not logged as an error)
and `taizhang check` (every probe on a line, exit status 1 on a failure), from the same
probes (taizhang.jobs.health)."""

from __future__ import annotations

import datetime
import io
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

from taizhang.accounts.models import Profile
from taizhang.jobs import health
from taizhang.jobs.backups.record import BackupRecord, record_write
from taizhang.jobs.progress import worker_alive_put
from tests.factories import World, client_for
from tests.jobs.test_queue import REDIS_URL
from tests.jobs.workers import queue_on

pytestmark = pytest.mark.django_db
URL = "/healthz"


def test_the_url_is_healthz() -> None:
    assert reverse("web:healthz") == URL


def test_healthz_answers_ok_to_anyone_with_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        response = Client().get(URL)
    assert response.status_code == 200 and response.content == b"ok\n"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_is_not_sent_to_the_password_change(world: World) -> None:
    Profile.objects.filter(user=world.water).update(must_change_password=True)
    client = client_for(world, "water")
    assert client.get(reverse("web:home")).status_code == 302
    assert client.get(URL).status_code == 200


def test_healthz_takes_only_get_and_head() -> None:
    assert Client().head(URL).status_code == 200
    assert Client().post(URL).status_code == 405


def broken_cursor(*args: Any, **kwargs: Any) -> Any:
    raise DatabaseError("connection refused")


def broken_queue(*args: Any, **kwargs: Any) -> Any:
    raise OSError("unable to open database file")


@pytest.mark.parametrize("breaks", ["database", "queue", "disk"])
def test_healthz_answers_503_without_details_and_logs_no_error(
    breaks: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    if breaks == "database":
        monkeypatch.setattr(connection, "cursor", broken_cursor)
    elif breaks == "queue":
        monkeypatch.setattr(HUEY, "pending_count", broken_queue)
    with (
        override_settings(TAIZHANG_MIN_FREE_MB=10**12 if breaks == "disk" else 500),
        caplog.at_level(logging.WARNING),
    ):
        response = client.get(URL)
    assert response.status_code == 503 and response.content == b"fail\n"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


# --- taizhang check ----------------------------------------------------------------------------


def check(**settings: Any) -> tuple[bool, str]:
    """Run `taizhang check`: whether it passed, and what it printed."""
    out = io.StringIO()
    with override_settings(**settings):
        try:
            call_command("check", stdout=out, stderr=io.StringIO())
        except CommandError as error:
            return False, out.getvalue() + str(error)
    return True, out.getvalue()


def line(output: str, name: str) -> str:
    return next(each for each in output.splitlines() if f"] {name}: " in each)


def test_check_passes_and_prints_every_probe_with_its_details() -> None:
    passed, out = check(ALLOWED_HOSTS=["taizhang.example.gov.cn"])
    assert passed, out
    assert "System check identified no issues" in out
    names = [probe.__name__.removesuffix("_probe") for probe in health.CHECKS]
    assert len(names) >= 11
    for name in names:
        assert f"] {name}: " in out, name
    assert connection.vendor.lower()[:4] in line(out, "database").lower()
    assert "全部迁移已执行" in line(out, "migrations")
    assert "排队 0 个" in line(out, "queue") and "MB" in line(out, "free_space")
    assert "[正常] allowed_hosts: taizhang.example.gov.cn" in out
    assert out.rstrip().endswith("全部检查通过")


def test_an_unapplied_migration_fails_the_check(migrations_applied: None) -> None:
    # Every real migration recorded as applied (tests/conftest.py), then ledger's latest not.
    known = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
    latest = max(name for app, name in known if app == "ledger")
    MigrationRecorder(connection).record_unapplied("ledger", latest)
    passed, out = check()
    assert not passed
    assert f"[失败] migrations: 1 个迁移未执行（ledger.{latest}）" in out
    assert "taizhang migrate" in out and "1 项检查失败：migrations" in out


@pytest.mark.parametrize(
    ("settings", "name", "says"),
    [
        ({"DEBUG": True}, "debug", "生产环境必须关闭"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 50}, "secret_key", "示例密钥"),
        ({"SECRET_KEY": "short"}, "secret_key", "过短"),
        ({"ALLOWED_HOSTS": ["*"]}, "allowed_hosts", "请列出"),
        ({"TAIZHANG_MIN_FREE_MB": 10**12}, "free_space", "磁盘空间不足"),
    ],
)
def test_a_bad_setting_fails_the_check_naming_it(
    settings: dict[str, Any], name: str, says: str
) -> None:
    passed, out = check(**settings)
    assert not passed
    assert line(out, name).startswith("[失败]") and says in line(out, name)
    assert f"项检查失败：{name}" in out


def test_an_unwritable_data_directory_fails_the_check(tmp_path: Any) -> None:
    # A file where the media directory should be: nothing can be written under it.
    (tmp_path / "media").write_text("")
    passed, out = check(DATA_DIR=tmp_path, MEDIA_ROOT=tmp_path / "media")
    assert not passed and line(out, "writable").startswith("[失败]")


def test_a_broken_queue_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(HUEY, "pending_count", broken_queue)
    passed, out = check()
    assert not passed and "任务队列无法访问" in line(out, "queue")


def test_the_worker_heartbeat_is_a_warning_until_the_worker_says_it_is_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("taizhang.jobs.progress.worker_alive_time", lambda: None)
    passed, out = check()
    assert passed and line(out, "worker").startswith("[注意]")
    monkeypatch.undo()
    worker_alive_put()
    passed, out = check()
    assert passed and line(out, "worker").startswith("[正常]")


def test_missing_libreoffice_and_fonts_are_warnings_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    passed, out = check()
    assert passed
    assert line(out, "office_tools").startswith("[注意]") and "LibreOffice" in out


def test_static_files_not_collected_are_a_warning(tmp_path: Any) -> None:
    passed, out = check(STATIC_ROOT=tmp_path)
    assert passed and "collectstatic" in line(out, "static_files")


def test_a_new_probe_is_one_line_and_one_that_raises_fails_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def archive_probe() -> health.Finding:
        raise RuntimeError("no archive")

    monkeypatch.setattr(health, "CHECKS", [*health.CHECKS, archive_probe])
    passed, out = check()
    assert not passed and "[失败] archive: RuntimeError('no archive')" in out
    assert "[正常] database" in out


def test_the_last_backup_is_checked_and_an_old_or_missing_one_is_a_warning(
    tmp_path: Any,
) -> None:
    with override_settings(TAIZHANG_BACKUP_DIR=tmp_path):
        passed, out = check(ALLOWED_HOSTS=["taizhang.example.gov.cn"])
        assert passed and "[注意] backup: 尚无成功的备份" in out  # a warning, not a failure
        now = timezone.now()
        record_write(BackupRecord(now - datetime.timedelta(hours=3), "/b/1.tar", 2048))
        _passed, out = check(ALLOWED_HOSTS=["taizhang.example.gov.cn"])
        assert line(out, "backup").startswith("[正常]") and "/b/1.tar（2 KB）" in out
        record_write(BackupRecord(now - datetime.timedelta(days=3), "/b/0.tar", 2048))
        _passed, out = check(ALLOWED_HOSTS=["taizhang.example.gov.cn"])
        assert line(out, "backup").startswith("[注意]") and "已超过 2 天" in out


def test_system_only_runs_djangos_checks_alone() -> None:
    out = io.StringIO()
    call_command("check", "--system-only", stdout=out)
    assert "no issues" in out.getvalue() and "database" not in out.getvalue()


def test_healthz_is_spared_the_https_redirect_that_other_pages_get() -> None:
    from django.conf import settings

    assert "^healthz$" in settings.SECURE_REDIRECT_EXEMPT
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/login/").status_code == 301
        assert client.get(URL).status_code == 200


@pytest.fixture
def redis_queue() -> Iterator[RedisStorage]:
    """A queue of its own in the test Redis: skipped when none answers, failed instead with
    TAIZHANG_REQUIRE_TOOLS=1 (as tests/jobs/test_queue.py)."""
    storage = RedisStorage(name=f"taizhang-health-{uuid.uuid4().hex}", url=REDIS_URL)
    try:
        storage.conn.ping()
    except Exception as error:
        message = f"no Redis answers at {REDIS_URL} ({error}); set TAIZHANG_TEST_REDIS_URL"
        if os.environ.get("TAIZHANG_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    yield storage
    storage.flush_all()


def test_the_queue_on_redis_answers_and_a_redis_that_does_not_fails(
    redis_queue: RedisStorage,
) -> None:
    with queue_on(redis_queue), override_settings(TAIZHANG_REDIS_URL=REDIS_URL):
        finding = health.queue_probe()
        assert finding.level == health.OK and finding.detail.startswith("Redis 127.0.0.1:6379")
    closed = RedisStorage(name="taizhang-health", url="redis://127.0.0.1:1/0")
    with queue_on(closed), override_settings(TAIZHANG_REDIS_URL="redis://127.0.0.1:1/0"):
        finding = health.queue_probe()
        assert finding.failed and "Redis 127.0.0.1:1/0" in finding.detail
        assert Client().get(URL).status_code == 503


def test_the_command_exits_1_naming_what_failed(tmp_path: Path) -> None:
    """`taizhang check` in a process of its own, on a fresh data directory never migrated."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TAIZHANG_", "DATABASE_URL"))
    }
    environment["TAIZHANG_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "taizhang.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "[失败] migrations: " in result.stdout and "项检查失败：migrations" in result.stderr
