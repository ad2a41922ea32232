"""Upgrades: the database this release's predecessor made with its own commands
(tests/fixtures/upgrade/, built by build_predecessor.py) is migrated to the current schema and
reads back equal: every ledger's and closed round's JSON export byte for byte, every report,
revision and attachment row still there, every file's sha256. On SQLite by `migrate` in place
(in a `taizhang shell`); on PostgreSQL by `taizhang backup` of the old file restored (at its
migration state, then migrated forward) into an empty database, as an office moving up does.

And an archive from an older migration state: restored at that state, then migrated."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.upgrade.cli import Site, needs_postgres, postgres_database

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "upgrade"
KEPT = (
    "ledger.ledger",
    "ledger.task",
    "ledger.taskrevision",
    "ledger.auditevent",
    "reporting.round",
    "reporting.report",
    "reporting.attachment",
    "reporting.comment",
    "auth.user",
    "accounts.profile",
)


def predecessor() -> dict[str, Any]:
    return dict(json.loads((FIXTURE / "predecessor.json").read_text(encoding="utf-8")))


def predecessor_site(folder: Path) -> Site:
    """A copy of the predecessor's data directory: its SQLite database and media files."""
    site = Site(folder)
    database = gzip.decompress((FIXTURE / "taizhang.sqlite3.gz").read_bytes())
    (folder / "taizhang.sqlite3").write_bytes(database)
    shutil.copytree(FIXTURE / "media", folder / "media")
    return site


# Code for the `taizhang shell` that then reads the facts (Site.facts): every migration
# applied, as `showmigrations` shows them (after migrating in place, for the SQLite test).
ALL_APPLIED = """
from io import StringIO
from django.core.management import call_command
shown = StringIO()
call_command("showmigrations", stdout=shown)
assert "[X]" in shown.getvalue() and "[ ]" not in shown.getvalue(), shown.getvalue()
"""


def assert_as_the_predecessor_left_it(site: Site, first: str = "") -> None:
    """Its exports, the rows of the kept tables and its files are the predecessor's (`first`:
    what the same `taizhang shell` runs before, Site.facts)."""
    facts, made = site.facts(first), predecessor()
    expected = {p.stem: p.read_bytes() for p in (FIXTURE / "exports").glob("*.json")}
    assert facts["exports"] == expected
    for table in KEPT:
        assert facts["rows"][table] == made["rows"][table], table
    assert made["rows"]["reporting.attachment"] > 0
    assert site.files() == made["files"]


def test_the_predecessors_database_migrates_on_sqlite_and_reads_back_equal(tmp_path: Path) -> None:
    site = predecessor_site(tmp_path / "old")
    # Migrated by the command, then read by a process of its own, as an upgrade does: nothing
    # `migrate` left in memory can hide what the next start finds.
    site.run("migrate", "--noinput")
    assert_as_the_predecessor_left_it(site, first=ALL_APPLIED)


@needs_postgres
def test_the_predecessors_database_moves_to_postgresql_and_reads_back_equal(
    tmp_path: Path,
) -> None:
    old = predecessor_site(tmp_path / "old")
    archive = tmp_path / "old.tar"
    old.run("backup", "-o", str(archive))  # read at its own migration state, unmigrated
    with postgres_database() as url:
        moved = Site(tmp_path / "pg", url)
        moved.run("restore", str(archive))
        assert_as_the_predecessor_left_it(moved, first=ALL_APPLIED)


OLD = ("reporting", "0005_one_waiting_report_drafts_held_files")
OLDER = f"""
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
OLD = {OLD!r}
state = MigrationLoader(connection).project_state(OLD)
Ledger = state.apps.get_model("ledger", "Ledger")
Round = state.apps.get_model("reporting", "Round")
User = state.apps.get_model("auth", "User")
ledger = Ledger.objects.create(title="二〇二〇年台账", year=2020, imported_at=timezone.now())
office = User.objects.create(username="office")
Round.objects.create(
    ledger=ledger, name="十二月", due_date="2020-12-31", opened_by=office, opened_at=timezone.now()
)
"""


def test_an_archive_from_an_older_migration_state_is_restored_then_migrated(
    tmp_path: Path, migrated_sqlite: Path
) -> None:
    # The old office, migrated to its state, its data and its backup in one `taizhang shell`
    # (the backup command itself: test_backup_engines.py); the restore by the command.
    old = Site(tmp_path / "old")
    archive = tmp_path / "old.tar"
    old.shell(
        "from django.core.management import call_command\n"
        f"call_command('migrate', *{OLD}, verbosity=0)\n"
        f"{OLDER}\n"
        f"call_command('backup', '-o', {str(archive)!r})\n"
    )
    target = Site.migrated(tmp_path / "new", migrated_sqlite)  # set up the new version first
    # A table no migration made: the restore drops the later state's tables to build the
    # archive's from nothing (load.py, _schema_to), and only those.
    with closing(sqlite3.connect(target.data / "taizhang.sqlite3")) as database:
        database.execute("CREATE TABLE outside_kept (note text)")
        database.execute("INSERT INTO outside_kept VALUES ('留着')")
        database.commit()
    target.run("restore", str(archive))
    with closing(sqlite3.connect(target.data / "taizhang.sqlite3")) as database:
        assert database.execute("SELECT note FROM outside_kept").fetchall() == [("留着",)]
    shown = target.shell(
        "from django.core.management import call_command\n"
        "from taizhang.reporting.models import Round\n"
        "call_command('showmigrations')\n"
        "r = Round.objects.get()\n"
        "print(r.ledger.title, r.name, r.due_date, r.opened_by.username)\n"
    )
    assert b"[X]" in shown and b"[ ]" not in shown
    assert shown.decode().split("\n")[-2] == "二〇二〇年台账 十二月 2020-12-31 office"
