"""Backups taken on a schedule by the queue's worker, and the retention of those kept in the
backups directory: the newest of each of the last TAIZHANG_BACKUP_KEEP_DAILY days that have
one, and the newest of each of the last TAIZHANG_BACKUP_KEEP_WEEKLY ISO weeks. As
notify.schedule, the periodic task runs often and backs up once a day, once the local time is
past TAIZHANG_BACKUP_AT, so a worker down at that minute still backs up when it is back."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from taizhang.daytime import time_of_day
from taizhang.jobs.backups.dump import BackupResult, backup_name, backup_write
from taizhang.jobs.backups.record import BackupRecord, backups_dir, record_write

NAME = re.compile(r"^taizhang-(\d{8})-(\d{6})\.tar$")


def backup_now(output: Path | None = None) -> BackupResult:
    """Take a backup into `output` (default: the backups directory, named by the time) and
    record it as the last successful one."""
    moment = timezone.now()
    path = output or backups_dir() / backup_name(moment)
    result = backup_write(path)
    record_write(BackupRecord(at=moment, path=str(path.resolve()), size=result.size))
    return result


def kept_backups(folder: Path | None = None) -> dict[Path, datetime.datetime]:
    """The scheduled backups in the backups directory, with the (aware) time in their name."""
    folder = folder or backups_dir()
    found = {}
    for path in folder.glob("taizhang-*.tar") if folder.is_dir() else []:
        match = NAME.match(path.name)
        if match:
            naive = datetime.datetime.strptime("".join(match.groups()), "%Y%m%d%H%M%S")  # noqa: DTZ007 - local time, made aware next
            found[path] = timezone.make_aware(naive)
    return found


def backups_to_keep(moments: dict[Path, datetime.datetime], daily: int, weekly: int) -> set[Path]:
    """The backups retention keeps: the newest of each of the `daily` most recent days, and
    the newest of each of the `weekly` most recent ISO weeks."""
    newest = sorted(moments, key=lambda p: moments[p], reverse=True)
    keep: set[Path] = set()
    for key, count in ((_day, daily), (_week, weekly)):
        seen: list[object] = []
        for path in newest:
            period = key(moments[path])
            if period not in seen and len(seen) < count:
                seen.append(period)
                keep.add(path)
    return keep


def _day(moment: datetime.datetime) -> object:
    return moment.date()


def _week(moment: datetime.datetime) -> object:
    return tuple(moment.isocalendar()[:2])


def backups_prune(folder: Path | None = None) -> list[Path]:
    """Delete the scheduled backups retention does not keep; those deleted."""
    moments = kept_backups(folder)
    keep = backups_to_keep(
        moments, settings.TAIZHANG_BACKUP_KEEP_DAILY, settings.TAIZHANG_BACKUP_KEEP_WEEKLY
    )
    gone = sorted(set(moments) - keep)
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


def backup_due(now: datetime.datetime, folder: Path | None = None) -> bool:
    """Whether the scheduled backup of `now`'s local day is due: past TAIZHANG_BACKUP_AT
    and none taken that day yet."""
    local = timezone.localtime(now)
    if local.time() < time_of_day(settings.TAIZHANG_BACKUP_AT):
        return False
    taken = kept_backups(folder).values()
    return all(timezone.localtime(moment).date() != local.date() for moment in taken)


def backup_scheduled(now: datetime.datetime | None = None) -> BackupResult | None:
    """The periodic task's work: today's backup if due, then retention. None if not due."""
    if not settings.TAIZHANG_BACKUP_SCHEDULED or not backup_due(now or timezone.now()):
        return None
    result = backup_now()
    backups_prune()
    return result
