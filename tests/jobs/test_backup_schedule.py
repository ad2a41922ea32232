"""Scheduled backups: taken once a day past TAIZHANG_BACKUP_AT, recorded as the last
successful backup, and pruned to the newest of 7 days and 4 ISO weeks."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine

from taizhang.jobs.backups.schedule import (
    backup_due,
    backup_scheduled,
    backups_prune,
    backups_to_keep,
    kept_backups,
)
from taizhang.jobs.selectors import backup_stale, last_backup

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def test_retention_keeps_the_newest_of_seven_days_and_four_weeks() -> None:
    # Two backups a day for 40 days (March 2026 has 31: use a running day count).
    start = datetime.datetime(2026, 1, 1, 2, 30, tzinfo=SHANGHAI)
    moments = {
        Path(f"b{n}-{h}"): start + datetime.timedelta(days=n, hours=h)
        for n in range(40)
        for h in (0, 12)
    }
    keep = backups_to_keep(moments, daily=7, weekly=4)
    kept = sorted(moments[p] for p in keep)
    # The 7 newest days: each day's later backup.
    newest_days = [start + datetime.timedelta(days=n, hours=12) for n in range(33, 40)]
    assert set(newest_days) <= set(kept)
    weeks = {m.isocalendar()[:2] for m in kept}
    assert len(weeks) == 4
    assert len(kept) == len(set(kept)) <= 7 + 4
    assert all(m.hour == 14 for m in kept)  # never a day's earlier backup


def test_nothing_but_scheduled_backups_is_pruned(tmp_path: Path, settings: Any) -> None:
    settings.TAIZHANG_BACKUP_KEEP_DAILY = 2
    settings.TAIZHANG_BACKUP_KEEP_WEEKLY = 1
    names = [f"taizhang-202603{d:02d}-023000.tar" for d in range(1, 6)]
    for name in [*names, "office-copy.tar", "last.json"]:
        (tmp_path / name).write_bytes(b"x")
    gone = backups_prune(tmp_path)
    assert [p.name for p in gone] == names[:3]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [*names[3:], "office-copy.tar", "last.json"]
    )


def test_the_backup_is_due_once_a_day_past_its_time(tmp_path: Path, settings: Any) -> None:
    settings.TAIZHANG_BACKUP_AT = "02:30"
    before = datetime.datetime(2026, 3, 5, 2, 29, tzinfo=SHANGHAI)
    after = datetime.datetime(2026, 3, 5, 2, 31, tzinfo=SHANGHAI)
    assert not backup_due(before, tmp_path)
    assert backup_due(after, tmp_path)
    (tmp_path / "taizhang-20260305-023100.tar").write_bytes(b"x")
    assert not backup_due(after + datetime.timedelta(hours=20), tmp_path)
    assert backup_due(after + datetime.timedelta(days=1), tmp_path)
    assert set(kept_backups(tmp_path).values()) == {
        datetime.datetime(2026, 3, 5, 2, 31, tzinfo=SHANGHAI)
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_applied")  # a backup needs the migration state
def test_the_scheduled_backup_is_written_recorded_and_not_taken_twice(
    tmp_path: Path, settings: Any
) -> None:
    settings.TAIZHANG_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    at = datetime.datetime(2026, 3, 5, 3, 0, tzinfo=SHANGHAI)
    assert last_backup() is None
    with time_machine.travel(at, tick=False):
        result = backup_scheduled()
        assert result is not None
        assert backup_scheduled() is None
    assert result.path.name == "taizhang-20260305-030000.tar"
    record = last_backup()
    assert record is not None
    assert record.at == at
    assert record.size == result.path.stat().st_size
    assert Path(record.path) == result.path.resolve()
    assert not backup_stale(record, at + datetime.timedelta(days=2))
    assert backup_stale(record, at + datetime.timedelta(days=2, seconds=1))
    settings.TAIZHANG_BACKUP_SCHEDULED = False
    with time_machine.travel(at + datetime.timedelta(days=1), tick=False):
        assert backup_scheduled() is None
