"""The record of the last successful backup: `last.json` in the backups directory of the
data directory, written (atomically) after every backup that completed, wherever it was
written. A file, not a table: reading it costs the home page no query and a backup needs no
migration; a backup that failed leaves the previous record."""

from __future__ import annotations

import datetime
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

RECORD = "last.json"


@dataclass(frozen=True)
class BackupRecord:
    at: datetime.datetime  # aware
    path: str
    size: int


def backups_dir() -> Path:
    """Where scheduled backups are kept: settings.TAIZHANG_BACKUP_DIR (default
    DATA_DIR/backups)."""
    return Path(settings.TAIZHANG_BACKUP_DIR)


def record_write(record: BackupRecord) -> None:
    folder = backups_dir()
    folder.mkdir(parents=True, exist_ok=True)
    data = {"at": record.at.isoformat(), "path": record.path, "size": record.size}
    partial = folder / f".{RECORD}.{os.getpid()}"
    partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    partial.replace(folder / RECORD)


def record_read() -> BackupRecord | None:
    try:
        data = json.loads((backups_dir() / RECORD).read_text(encoding="utf-8"))
        return BackupRecord(
            at=datetime.datetime.fromisoformat(data["at"]),
            path=str(data["path"]),
            size=int(data["size"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
