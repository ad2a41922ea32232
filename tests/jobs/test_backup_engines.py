"""Round trips of `taizhang backup` / `taizhang restore` between installations and engines
(subprocesses: each side has its own database): every ledger's and closed round's JSON
export equal byte for byte, every table's row count and every file's sha256 equal.
SQLite → SQLite always; SQLite → PostgreSQL and PostgreSQL → SQLite when PostgreSQL is
there (tests/upgrade/cli.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.upgrade.cli import WORLD, Site, needs_postgres, postgres_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A working office on SQLite: the demo, reports with attachments, a closed round."""
    site = Site(tmp_path_factory.mktemp("office"))
    site.run("migrate", "-v0")
    site.run("demo")
    site.run("shell", stdin=WORLD.read_bytes())
    return site


def assert_same(source: Site, target: Site) -> None:
    expected, actual = source.facts(), target.facts()
    assert actual["exports"] == expected["exports"]
    assert set(expected["exports"]) == {"ledger-1", "round-1"}
    assert actual["rows"] == expected["rows"]
    assert expected["rows"]["reporting.attachment"] == 6
    assert target.files() == source.files()
    assert len(source.files()) == 6  # the attachments were there to compare


def round_trip(source: Site, target: Site, archive: Path) -> None:
    source.run("backup", "-o", str(archive))
    done = target.run("restore", str(archive))
    assert "已恢复" in done.stdout.decode()
    assert_same(source, target)


def test_sqlite_to_sqlite(office: Site, tmp_path: Path) -> None:
    round_trip(office, Site(tmp_path / "target"), tmp_path / "office.tar")


def test_restore_refuses_a_database_with_data_unless_forced(office: Site, tmp_path: Path) -> None:
    archive = tmp_path / "office.tar"
    office.run("backup", "-o", str(archive))
    target = Site(tmp_path / "target")
    target.run("migrate", "-v0")
    target.run("demo")
    before = target.rows()
    refused = target.run("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "不是空的" in refused.stderr.decode()
    assert len(refused.stderr.decode().strip().splitlines()) == 1
    assert target.rows() == before
    target.run("restore", str(archive), "--force")
    assert_same(office, target)


@needs_postgres
def test_sqlite_to_postgresql_and_back(office: Site, tmp_path: Path) -> None:
    with postgres_database() as url:
        moved = Site(tmp_path / "pg", url)
        round_trip(office, moved, tmp_path / "office.tar")
        # PostgreSQL's sequences were set past the restored keys: a new row gets a new one.
        made = moved.shell(
            "from django.db.models import Max\n"
            "from taizhang.ledger.models import Unit\n"
            "top = Unit.objects.aggregate(m=Max('pk'))['m']\n"
            "print(Unit.objects.create(name='新设单位').pk - top)\n"
        )
        assert made.split()[-1] == b"1"
        moved.shell(
            "from taizhang.ledger.models import Unit\n"
            "Unit.objects.filter(name='新设单位').delete()\n"
        )
        # The office moves back down too: PostgreSQL's backup restores onto SQLite.
        round_trip(moved, Site(tmp_path / "back"), tmp_path / "pg.tar")
        assert Site(tmp_path / "back").exports() == office.exports()


BUSY = """
import threading
from pathlib import Path
from django.contrib.auth.models import User
from django.db import close_old_connections
from taizhang.ledger.models import TaskUnit
from taizhang.reporting.services import report_submit

STOP = Path(%(stop)r)
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
    finally:
        close_old_connections()


threads = [threading.Thread(target=reporter, args=(n,)) for n in range(20)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("sent", len(sent))
"""

CONSISTENT = """
from taizhang.ledger.models import AuditEvent
from taizhang.reporting.models import Report
busy = Report.objects.filter(progress__startswith="忙时报送").count()
audited = AuditEvent.objects.filter(action="report.submit").count()
print(busy, audited - Report.objects.exclude(progress__startswith="忙时报送").count())
"""


def test_a_backup_taken_while_twenty_reporters_submit_restores_consistent(
    office: Site, tmp_path: Path
) -> None:
    import shutil
    import subprocess
    import sys

    busy = Site(tmp_path / "busy")
    shutil.copytree(office.data, busy.data, dirs_exist_ok=True)
    stop = tmp_path / "stop"
    load = subprocess.Popen(
        [sys.executable, "-m", "taizhang.cli", "shell", "-c", BUSY % {"stop": str(stop)}],
        env=busy.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        counts = []
        for number in range(2):
            archive = tmp_path / f"busy-{number}.tar"
            busy.run("backup", "-o", str(archive))
            target = Site(tmp_path / f"restored-{number}")
            target.run("restore", str(archive))
            # Each submission writes its report and its audit event in one transaction: a
            # snapshot of one moment holds both or neither.
            reports, audited = map(int, target.shell(CONSISTENT).split()[-2:])
            assert reports == audited
            counts.append(reports)
    finally:
        stop.touch()
        out, err = load.communicate(timeout=300)
    assert load.returncode == 0, err.decode()
    assert counts[-1] > 0, (counts, out)  # the reporters were submitting meanwhile
