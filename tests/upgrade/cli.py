"""Running this checkout's `taizhang` in a subprocess against a database and data directory
of its own (the backup and upgrade tests move data between engines, which one test process
on one database cannot), and PostgreSQL databases made for a test and dropped after.

PostgreSQL: TAIZHANG_TEST_POSTGRES_URL, else DATABASE_URL when it is PostgreSQL; without
either (a SQLite-only run) the tests that need it skip."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORLD = Path(__file__).with_name("world.py")

FACTS = """
import json
from django.apps import apps
from django.core.management import call_command
from taizhang.ledger.models import Ledger
from taizhang.reporting.models import Round
exports = []
for pk in Ledger.objects.order_by("pk").values_list("pk", flat=True):
    call_command("export", pk, format="json", output="%(folder)s/ledger-%%s.json" %% pk)
    exports.append("ledger-%%s" %% pk)
closed = Round.objects.filter(snapshot__isnull=False).order_by("pk")
for ledger, pk in closed.values_list("ledger_id", "pk"):
    out = "%(folder)s/round-%%s.json" %% pk
    call_command("export", ledger, format="json", round=pk, output=out)
    exports.append("round-%%s" %% pk)
rows = {m._meta.label_lower: m._base_manager.count()
        for m in apps.get_models(include_auto_created=True) if m._meta.managed}
print(json.dumps({"rows": rows, "exports": exports}))
"""


def postgres_server() -> str | None:
    url = os.environ.get("TAIZHANG_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


needs_postgres = pytest.mark.skipif(
    postgres_server() is None,
    reason="needs PostgreSQL (TAIZHANG_TEST_POSTGRES_URL or a PostgreSQL DATABASE_URL)",
)


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    import psycopg

    server = postgres_server()
    assert server is not None
    base, _, _ = server.rpartition("/")
    name = f"taizhang_backup_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Site:
    """One Taizhang installation: a data directory and a database (SQLite in the data
    directory unless `database_url`)."""

    def __init__(self, data: Path, database_url: str | None = None) -> None:
        self.data = data
        self.database_url = database_url
        data.mkdir(parents=True, exist_ok=True)

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TAIZHANG_", "DATABASE_URL", "DJANGO_"))
        }
        env |= {
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "TAIZHANG_DATA_DIR": str(self.data),
            "TAIZHANG_QUEUE_IMMEDIATE": "1",
            "DJANGO_SETTINGS_MODULE": "tests.site_settings",  # a fast password hasher
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(
        self, *args: str, stdin: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run(
            [sys.executable, "-m", "taizhang.cli", *args],
            env=self.env(),
            input=stdin,
            capture_output=True,
            check=False,
            timeout=600,
        )
        if check and done.returncode:
            raise AssertionError(f"taizhang {' '.join(args)}: {done.stderr.decode()}")
        return done

    @classmethod
    def migrated(cls, data: Path, template: Path) -> Site:
        """A new SQLite installation as `taizhang migrate` leaves it, from a copy of
        `template` (the `migrated_sqlite` fixture's database: migrating costs seconds)."""
        site = cls(data)
        for suffix in ("", "-wal"):  # the WAL is checkpointed at exit; copied if it is not
            if template.with_name(template.name + suffix).exists():
                shutil.copyfile(f"{template}{suffix}", data / f"{template.name}{suffix}")
        return site

    def shell(self, code: str) -> bytes:
        return self.run("shell", stdin=code.encode()).stdout

    def facts(self, first: str = "") -> dict[str, Any]:
        """In one `taizhang shell`: rows per table, and the `taizhang export` (JSON) of every
        ledger and every closed round, by name ("ledger-1", "round-3"). `first`: code the
        same shell runs before (a process start less); its connections are closed after it,
        so what it did not commit is not read."""
        folder = self.data / "exports"
        folder.mkdir(exist_ok=True)
        code = FACTS % {"folder": str(folder)}
        if first:
            code = f"{first}\nfrom django.db import connections\nconnections.close_all()\n{code}"
        facts = json.loads(self.shell(code).splitlines()[-1])
        facts["exports"] = {
            name: (folder / f"{name}.json").read_bytes() for name in facts["exports"]
        }
        return dict(facts)

    def rows(self) -> dict[str, int]:
        return dict(self.facts()["rows"])

    def exports(self) -> dict[str, bytes]:
        return dict(self.facts()["exports"])

    def files(self) -> dict[str, str]:
        """sha256 of every file in the media directory, by path."""
        import hashlib

        media = self.data / "media"
        return {
            p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(media.rglob("*"))
            if p.is_file()
        }
