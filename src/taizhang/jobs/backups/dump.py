"""`backup_write`: one archive of the whole database and media directory, consistent to one
moment while the server keeps serving. SQLite: its online backup API copies the database
into a temporary file in one step, which is then read. PostgreSQL: every table is read in one
REPEATABLE READ, READ ONLY transaction. Files are read after the database, so every file a
row names was there already (uploads are written before their row is committed)."""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
import sqlite3
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.jobs.backups.archive import (
    FileEntry,
    HashingReader,
    Manifest,
    TableEntry,
    tar_add_manifest,
    tar_info,
)
from taizhang.jobs.backups.models import (
    applied_migrations,
    columns,
    json_value,
    label,
    ordered_models,
    state_apps,
)

ROWS_CHUNK = 2000
# Files the restore stages beside the media directory's own, and partial writes.
SKIPPED_PREFIXES = (".restore-", ".backup-")


class BackupRefused(Exception):
    """The backup was refused before any archive was written; the message is one line."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: Manifest


def taizhang_version() -> str:
    try:
        return metadata.version("taizhang")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "unknown"


@contextmanager
def snapshot(alias: str = "default") -> Iterator[BaseDatabaseWrapper]:
    """A connection that sees the database `alias` as it was at one moment, for reading."""
    source = connections[alias]
    if source.vendor == "sqlite":
        with _sqlite_copy(source) as copy:
            yield copy
    else:
        with _repeatable_read(alias) as connection:
            yield connection


@contextmanager
def _sqlite_copy(source: BaseDatabaseWrapper) -> Iterator[BaseDatabaseWrapper]:
    name = f"backup_snapshot_{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=settings.DATA_DIR) as folder:
        path = Path(folder) / "snapshot.sqlite3"
        source.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # One step (pages=-1): the copy is the database at one moment.
            source.connection.backup(target)
        finally:
            target.close()
        with _alias(name, {**source.settings_dict, "NAME": str(path), "OPTIONS": {}}) as copy:
            yield copy


@contextmanager
def _repeatable_read(alias: str) -> Iterator[BaseDatabaseWrapper]:
    name = f"backup_snapshot_{uuid.uuid4().hex}"
    settings_dict = {**connections[alias].settings_dict, "CONN_MAX_AGE": 0}
    with _alias(name, settings_dict) as connection, transaction.atomic(using=name):
        # The transaction's first statement: every table is then read as of one moment.
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield connection


@contextmanager
def _alias(name: str, settings_dict: dict[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A connection of its own under a temporary alias (not in settings.DATABASES)."""
    connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, name)
    connections[name] = connection
    try:
        yield connection
    finally:
        connection.close()
        del connections[name]


def backup_write(output: Path, *, alias: str = "default") -> BackupResult:
    """Write the archive of the database `alias` and settings.MEDIA_ROOT to `output`
    (through a temporary file beside it, so `output` is whole or absent)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".backup-{output.name}.{os.getpid()}.part")
    moment = timezone.now()
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as folder:
            with snapshot(alias) as connection:
                migrations = _migration_state(connection)
                tables = _tables_write(connection, migrations, Path(folder))
                engine = connections[alias].vendor
            with tarfile.open(partial, "w", format=tarfile.USTAR_FORMAT) as tar:
                for table in tables:
                    with (Path(folder) / table.member).open("rb") as data:
                        tar.addfile(tar_info(table.member, table.size, moment.timestamp()), data)
                files = _files_add(tar, Path(settings.MEDIA_ROOT), moment.timestamp())
                manifest = Manifest(
                    version=taizhang_version(),
                    engine=engine,
                    created_at=moment.isoformat(),
                    migrations=migrations,
                    tables=tables,
                    files=files,
                )
                tar_add_manifest(tar, manifest, moment.timestamp())
        _fsync(partial)
        partial.chmod(0o600)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=output, size=output.stat().st_size, manifest=manifest)


def _migration_state(connection: BaseDatabaseWrapper) -> list[tuple[str, str]]:
    """The database's applied migrations, which the archive's tables are read with. Refused
    (BackupRefused) where there are none (a database never migrated, or built from the
    models without migrations: no way to know its tables) or where one is unknown to this
    code (a database of a newer version): an archive of either would miss tables."""
    migrations = applied_migrations(connection)
    if not migrations:
        raise BackupRefused(
            _("数据库没有迁移记录（未运行过 taizhang migrate），无法确定要备份的表")
        )
    known = MigrationLoader(connection, ignore_no_migrations=True).graph.nodes
    unknown = [node for node in migrations if node not in known]
    if unknown:
        app, name = unknown[0]
        raise BackupRefused(
            _("数据库已执行本版本没有的迁移 %(migration)s（来自更新的版本），请用新版本备份")
            % {"migration": f"{app}.{name}"}
        )
    return migrations


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _tables_write(
    connection: BaseDatabaseWrapper, migrations: list[tuple[str, str]], folder: Path
) -> list[TableEntry]:
    apps = state_apps(connection, migrations)
    (folder / "db").mkdir()
    tables = []
    for number, model in enumerate(ordered_models(apps), start=1):
        member = f"db/{number:04d}-{label(model)}.jsonl.gz"
        fields = [field.attname for field in columns(model)]
        rows = (
            model._base_manager.using(connection.alias)
            .order_by("pk")
            .values_list(*fields)
            .iterator(chunk_size=ROWS_CHUNK)
        )
        count, size, digest = _jsonl_write(folder / member, label(model), fields, rows)
        tables.append(TableEntry(label(model), member, fields, count, size, digest))
    return tables


def _jsonl_write(
    path: Path, model: str, fields: list[str], rows: Iterator[tuple[Any, ...]]
) -> tuple[int, int, str]:
    count = 0
    # mtime=0: the member's bytes depend on the rows only.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as out,
    ):
        header = json.dumps({"model": model, "fields": fields}, ensure_ascii=False)
        out.write(header.encode() + b"\n")
        lines = []
        for row in rows:
            lines.append(json.dumps(row, ensure_ascii=False, default=json_value))
            count += 1
            if len(lines) >= ROWS_CHUNK:
                out.write(("\n".join(lines) + "\n").encode())
                lines = []
        if lines:
            out.write(("\n".join(lines) + "\n").encode())
    with path.open("rb") as written:
        digest = hashlib.file_digest(written, "sha256").hexdigest()
    return count, path.stat().st_size, digest


def media_files(root: Path) -> list[Path]:
    """The files of the media directory a backup holds, sorted."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, names in os.walk(root):
        # Folders of that name are the restore's staging folder or a backup's work folder
        # (uploads make none); a file is a backup's partial write, or at the top, a restore's
        # leftover. Deeper down a file so named is an upload's own (stored as uploaded).
        top = Path(folder) == root
        dirs[:] = sorted(d for d in dirs if not d.startswith(SKIPPED_PREFIXES))
        found += [
            Path(folder) / name
            for name in names
            if not _work_file(name, top=top) and (Path(folder) / name).is_file()
        ]
    return sorted(found)


def _work_file(name: str, *, top: bool) -> bool:
    """Whether a file of the media directory is the backup's or restore's own, not data."""
    if top:
        return name.startswith(SKIPPED_PREFIXES)
    return name.startswith(".backup-") and name.endswith(".part")


def _files_add(tar: tarfile.TarFile, root: Path, mtime: float) -> list[FileEntry]:
    entries = []
    for number, path in enumerate(media_files(root), start=1):
        member = f"files/{number:06d}"
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            reader = HashingReader(handle)
            tar.addfile(tar_info(member, size, mtime), _buffered(reader))
        relative = path.relative_to(root).as_posix()
        entries.append(FileEntry(relative, member, size, reader.digest.hexdigest()))
    return entries


def _buffered(reader: HashingReader) -> IO[bytes]:
    import io

    return io.BufferedReader(reader)


def backup_name(moment: datetime.datetime) -> str:
    """The file name of a backup taken at `moment` (local time): sorts by time."""
    return f"taizhang-{timezone.localtime(moment):%Y%m%d-%H%M%S}.tar"
