"""Reads about the queue's own work that pages and checks show: the last backup."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from taizhang.jobs.backups.record import BackupRecord, record_read


def last_backup() -> BackupRecord | None:
    """When, where (path) and how large (bytes) the last successful backup was; None if no
    backup has succeeded (or its record is unreadable). No database query."""
    return record_read()


def backup_stale(record: BackupRecord | None, now: datetime.datetime | None = None) -> bool:
    """Whether the office should be warned: no backup, or the last one older than
    settings.TAIZHANG_BACKUP_WARN_DAYS (two days)."""
    if record is None:
        return True
    age = (now or timezone.now()) - record.at
    return age > datetime.timedelta(days=settings.TAIZHANG_BACKUP_WARN_DAYS)
