"""Round trips of `taizhang backup` / `taizhang restore` between installations and engines
(subprocesses: each side has its own database): every ledger's and closed round's JSON
export equal byte for byte, every table's row count and every file's sha256 equal.
SQLite → SQLite always; SQLite → PostgreSQL and PostgreSQL → SQLite when PostgreSQL is
there (tests/upgrade/cli.py)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from taizhang.jobs.backups.archive import Archive
from tests.upgrade.cli import WORLD, Site, needs_postgres, postgres_database

pytestmark = pytest.mark.slow


Facts = tuple[dict[str, Any], dict[str, str]]
COMMANDS = "from django.core.management import call_command\n"
DEMO = COMMANDS + "call_command('demo')\n"
BACKUP = "call_command('backup', '-o', %r)\n"


@pytest.fixture(scope="module")
def office_made(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> tuple[Site, Path, Facts]:
    """A working office on SQLite (the demo, reports with attachments, a closed round), its
    archive by the backup command, and its exports, rows and files: built, backed up and read
    in one `taizhang shell` on a copy of the migrated database (the backup from the command
    line: test_a_backup_taken_while_reporters_submit_is_consistent)."""
    site = Site.migrated(tmp_path_factory.mktemp("office"), migrated_sqlite)
    archive = tmp_path_factory.mktemp("archive") / "office.tar"
    facts = site.facts(first=DEMO + WORLD.read_text() + BACKUP % str(archive))
    assert archive.is_file()
    return site, archive, (facts, site.files())


@pytest.fixture(scope="module")
def office(office_made: tuple[Site, Path, Facts]) -> Site:
    return office_made[0]


@pytest.fixture(scope="module")
def office_archive(office_made: tuple[Site, Path, Facts]) -> Path:
    return office_made[1]


@pytest.fixture(scope="module")
def office_facts(office_made: tuple[Site, Path, Facts]) -> Facts:
    return office_made[2]


def assert_same(expected: Facts, target: Site, first: str = "") -> None:
    """The target's exports, rows and files are the expected ones (`first`: what the same
    `taizhang shell` runs before reading them, Site.facts)."""
    (facts, files), actual = expected, target.facts(first)
    assert actual["exports"] == facts["exports"]
    assert set(facts["exports"]) == {"ledger-1", "round-1"}
    assert actual["rows"] == facts["rows"]
    assert facts["rows"]["reporting.attachment"] == 6
    assert target.files() == files
    assert len(files) == 6  # the attachments were there to compare


def round_trip(source: Site, target: Site, archive: Path) -> None:
    source.run("backup", "-o", str(archive))
    done = target.run("restore", str(archive))
    assert "已恢复" in done.stdout.decode()
    assert_same((source.facts(), source.files()), target)


def test_sqlite_to_sqlite(office_archive: Path, office_facts: Facts, tmp_path: Path) -> None:
    # Into a new installation's empty data directory: restore migrates it from nothing.
    target = Site(tmp_path / "target")
    done = target.run("restore", str(office_archive))
    assert "已恢复" in done.stdout.decode()
    assert_same(office_facts, target)


def test_restore_refuses_a_database_with_data_unless_forced(
    office: Site, office_archive: Path, office_facts: Facts, tmp_path: Path
) -> None:
    # The command's exit status and one line; that nothing was written is checked in
    # process (tests/jobs/test_backup.py). The database with data: the office's own (every
    # row's key taken), a ledger renamed and a group added since, no files.
    target = Site.migrated(tmp_path / "target", office.data / "taizhang.sqlite3")
    with closing(sqlite3.connect(target.data / "taizhang.sqlite3")) as database:
        database.execute("UPDATE ledger_ledger SET title = title || '（改）'")
        database.execute("INSERT INTO auth_group (name) VALUES ('后来的组')")
        database.commit()
    refused = target.run("restore", str(office_archive), check=False)
    assert refused.returncode != 0
    assert "不是空的" in refused.stderr.decode()
    assert len(refused.stderr.decode().strip().splitlines()) == 1
    # --force parsed by the command's own parser (call_command), in the shell that then reads
    # the result.
    forced = f"call_command('restore', {str(office_archive)!r}, '--force')\n"
    assert_same(office_facts, target, first=COMMANDS + forced)


@needs_postgres
def test_sqlite_to_postgresql_and_back(
    office_archive: Path,
    office_facts: Facts,
    tmp_path: Path,
    migrated_sqlite: Path,
) -> None:
    with postgres_database() as url:
        moved = Site(tmp_path / "pg", url)
        assert "已恢复" in moved.run("restore", str(office_archive)).stdout.decode()
        assert_same(office_facts, moved)
        # PostgreSQL's sequences were set past the restored keys: a new row gets a new one.
        made = moved.shell(
            "from django.db.models import Max\n"
            "from taizhang.ledger.models import Unit\n"
            "top = Unit.objects.aggregate(m=Max('pk'))['m']\n"
            "unit = Unit.objects.create(name='新设单位')\n"
            "print(unit.pk - top)\n"
            "unit.delete()\n"
        )
        assert made.split()[-1] == b"1"
        # The office moves back down too: PostgreSQL's backup restores onto SQLite.
        back = Site.migrated(tmp_path / "back", migrated_sqlite)
        round_trip(moved, back, tmp_path / "pg.tar")
        assert_same(office_facts, back)


BUSY = """
import threading
from pathlib import Path
from django.contrib.auth.models import User
from django.db import close_old_connections
from taizhang.ledger.models import TaskUnit
from taizhang.reporting.services import report_submit

STOP, STARTED = Path(%(stop)r), Path(%(started)r)
links = list(TaskUnit.objects.filter(task__parent__isnull=True).select_related("task", "unit"))
reporters = {link.unit_id: User.objects.filter(profile__units=link.unit).first() for link in links}
sent = []


def reporter(n):
    link = links[n %% len(links)]
    try:
        while not STOP.exists():
            report_submit(task=link.task, unit=link.unit, actor=reporters[link.unit_id],
                          progress="忙时报送 %%d" %% n, status="in_progress")
            sent.append(n)
            STARTED.touch()
    finally:
        close_old_connections()


threads = [threading.Thread(target=reporter, args=(n,)) for n in range(%(reporters)d)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("sent", len(sent))
"""


def busy_and_audited(path: Path) -> tuple[int, int]:
    """In the archive: the reports submitted under load, and the report.submit audit events
    but those of the reports there before the load."""
    with Archive(path) as archive:
        archive.check()
        tables = {table.model: table for table in archive.manifest.tables}
        reports, events = tables["reporting.report"], tables["ledger.auditevent"]
        progress, action = reports.fields.index("progress"), events.fields.index("action")
        busy = [row[progress].startswith("忙时报送") for row in archive.rows(reports)]
        audited = sum(row[action] == "report.submit" for row in archive.rows(events))
    return sum(busy), audited - busy.count(False)


# In the restored database (read by SQLite itself, from outside): the busy reports, their
# submission events (as busy_and_audited counts them in an archive), and reports whose task
# is missing (none may be).
CHECK_RESTORED = """
SELECT
  (SELECT count(*) FROM reporting_report WHERE substr(progress, 1, 4) = '忙时报送'),
  (SELECT count(*) FROM ledger_auditevent WHERE action = 'report.submit')
    - (SELECT count(*) FROM reporting_report WHERE substr(progress, 1, 4) != '忙时报送'),
  (SELECT count(*) FROM reporting_report WHERE task_id NOT IN (SELECT id FROM ledger_task))
"""


def test_a_backup_taken_while_reporters_submit_is_consistent(
    office: Site, tmp_path: Path, migrated_sqlite: Path
) -> None:
    busy = Site(tmp_path / "busy")
    shutil.copytree(office.data, busy.data, dirs_exist_ok=True)
    stop, started = tmp_path / "stop", tmp_path / "started"
    code = BUSY % {"stop": str(stop), "started": str(started), "reporters": 20}
    load = subprocess.Popen(
        [sys.executable, "-m", "taizhang.cli", "shell", "-c", code],
        env=busy.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        waited = time.monotonic()
        while not started.exists() and load.poll() is None and time.monotonic() - waited < 120:
            time.sleep(0.05)
        assert started.exists(), "the reporters never submitted"
        counts = []
        for number in range(2):
            archive = tmp_path / f"busy-{number}.tar"
            busy.run("backup", "-o", str(archive))
            # Each submission writes its report and its audit event in one transaction: a
            # snapshot of one moment holds both or neither (the archive is what a restore
            # puts back row for row: test_sqlite_to_sqlite).
            reports, audited = busy_and_audited(archive)
            assert reports == audited
            counts.append(reports)
    finally:
        stop.touch()
        out, err = load.communicate(timeout=300)
    assert load.returncode == 0, err.decode()
    assert 0 < counts[0] <= counts[1], (counts, out)  # the reporters submitted meanwhile
    # And the later archive restored: every busy report there with its task and its event.
    restored = Site.migrated(tmp_path / "restored", migrated_sqlite)
    restored.run("restore", str(tmp_path / "busy-1.tar"))
    with closing(sqlite3.connect(restored.data / "taizhang.sqlite3")) as database:
        found = database.execute(CHECK_RESTORED).fetchone()
    assert found == (counts[1], counts[1], 0), found
