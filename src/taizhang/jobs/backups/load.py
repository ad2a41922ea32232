"""`backup_restore`: an archive back into a database of either engine.

1. The whole archive is checked (`Archive.check`) before anything is written.
2. The database must be empty (no row but those `migrate` writes itself) unless `force`;
   the archive's tables must be those of its migration state, with their columns.
3. The files are staged beside the media directory (a failure refuses, nothing written).
4. Its schema is brought to the archive's migration state (forward from nothing, or back).
5. In one transaction: every table emptied, every row inserted with its own primary key
   (raw inserts: no `auto_now`, no signals), PostgreSQL's sequences set past the largest key.
6. The staged files are moved into place.
7. `migrate` carries the database on to the code's migration state."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps.registry import Apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from taizhang.jobs.backups.archive import Archive, ArchiveError, TableEntry
from taizhang.jobs.backups.models import (
    MIGRATE_WRITES,
    applied_migrations,
    columns,
    decoder,
    graph_leaves,
    label,
    ordered_models,
    state_apps,
)

BATCH = 1000


class RestoreRefused(Exception):
    """The restore was refused before anything was written; the message is one line."""


@dataclass(frozen=True)
class RestoreResult:
    rows: int
    files: int
    migrated_from: list[tuple[str, str]]


def database_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows per table of the database (by its own migration state), leaving out those
    `migrate` writes itself; an unmigrated database has none."""
    applied = applied_migrations(connection)
    if not applied:
        return {}
    tables = set(connection.introspection.table_names())
    counts = {}
    for model in ordered_models(state_apps(connection, applied)):
        if label(model) in MIGRATE_WRITES or model._meta.db_table not in tables:
            continue
        counts[label(model)] = model._base_manager.using(connection.alias).count()
    return counts


def backup_restore(
    path: Path, *, force: bool = False, alias: str = "default", migrate: bool = True
) -> RestoreResult:
    """Restore the archive at `path` into the database `alias` and settings.MEDIA_ROOT.
    RestoreRefused (nothing written) if the archive is damaged, newer than the code, or the
    database holds data and not `force`."""
    connection = connections[alias]
    try:
        archive = Archive(path)
    except ArchiveError as error:
        raise RestoreRefused(str(error)) from error
    with archive:
        try:
            archive.check()
        except ArchiveError as error:
            raise RestoreRefused(str(error)) from error
        manifest = archive.manifest
        _check_known(connection, manifest.migrations)
        _check_tables(connection, archive)
        filled = {name: n for name, n in database_rows(connection).items() if n}
        if filled and not force:
            raise RestoreRefused(
                _("目标数据库不是空的（%(table)s 有 %(rows)s 行）；确需覆盖请加 --force")
                % {"table": next(iter(filled)), "rows": next(iter(filled.values()))}
            )
        # The files are staged first: a disk too full for them refuses the restore before the
        # database is emptied or its schema moved.
        with _staged_files(archive) as staged:
            if filled and set(applied_migrations(connection)) != set(manifest.migrations):
                _empty_all(connection)  # the schema moves next: empty what it holds first
            apps = _schema_to(connection, manifest.migrations)
            rows = _rows_load(connection, apps, archive)
            _staged_move(staged)
    if migrate:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    return RestoreResult(rows=rows, files=len(manifest.files), migrated_from=manifest.migrations)


def _check_known(connection: BaseDatabaseWrapper, migrations: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    unknown = [node for node in migrations if node not in executor.loader.graph.nodes]
    if unknown:
        app, name = unknown[0]
        raise RestoreRefused(
            _("备份来自更新版本的台账系统（迁移 %(app)s.%(name)s 本版本没有），请先升级再恢复")
            % {"app": app, "name": name}
        )


def _check_tables(connection: BaseDatabaseWrapper, archive: Archive) -> None:
    """Refuse, before anything is written, an archive whose tables are not those of its own
    migration state, each with that state's columns: found only while loading, the database
    would already be emptied and its schema moved (a forced restore over another state)."""
    models_of = {
        label(model): model
        for model in ordered_models(state_apps(connection, archive.manifest.migrations))
    }
    for table in archive.manifest.tables:
        model = models_of.pop(table.model, None)
        if model is None or [f.attname for f in columns(model)] != table.fields:
            raise RestoreRefused(
                _("备份中的 %(model)s 与其迁移状态的表结构不符") % {"model": table.model}
            )
    if models_of:
        raise RestoreRefused(_("备份不完整：缺少 %(model)s 表") % {"model": next(iter(models_of))})


def _schema_to(connection: BaseDatabaseWrapper, migrations: list[tuple[str, str]]) -> Apps:
    """Migrate the database to exactly the archive's migration state; its models."""
    executor = MigrationExecutor(connection)
    targets = list(graph_leaves(executor.loader.graph, set(migrations)).items())
    plan = executor.migration_plan(targets)
    if plan:
        executor.migrate(targets, plan=plan)
    return state_apps(connection, migrations)


def _empty_all(connection: BaseDatabaseWrapper) -> None:
    with transaction.atomic(using=connection.alias):
        _flush(connection, ordered_models(state_apps(connection, applied_migrations(connection))))


def _flush(connection: BaseDatabaseWrapper, chosen: list[type[models.Model]]) -> None:
    present = set(connection.introspection.table_names())
    tables = [m._meta.db_table for m in chosen if m._meta.db_table in present]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=False)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _rows_load(connection: BaseDatabaseWrapper, apps: Apps, archive: Archive) -> int:
    # `_check_tables` made sure each table is one of these, with their columns.
    by_label = {label(model): model for model in ordered_models(apps)}
    total = 0
    with transaction.atomic(using=connection.alias):
        _flush(connection, list(by_label.values()))
        for table in archive.manifest.tables:
            total += _table_load(connection, by_label[table.model], table, archive)
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_label.values()))
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return total


def _table_load(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    table: TableEntry,
    archive: Archive,
) -> int:
    """Insert the rows of `table` as they are (no `auto_now`, no `upload_to`, no signals, as
    loaddata's raw saves): each value turned back by its field's `to_python` and prepared by
    its `get_db_prep_save`, then one `executemany` per batch (the ORM's insert compiler cost
    twice as much CPU per value)."""
    fields = columns(model)
    decoders = [decoder(field) for field in fields]
    quote = connection.ops.quote_name
    # Names from the models, quoted by the backend; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    steps = list(zip(fields, decoders, strict=True))

    def prepared(row: list[Any]) -> list[Any]:
        return [
            field.get_db_prep_save(convert(value), connection)
            for (field, convert), value in zip(steps, row, strict=True)
        ]

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: one stream a table instead of a statement a row (PostgreSQL's restore of
            # 10,000 tasks and 100,000 reports spent most of its time in the server, executing
            # executemany's rows one by one). Names from the models, quoted by the backend.
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                quote(model._meta.db_table), ", ".join(quote(field.column) for field in fields)
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in archive.rows(table):
                    copy.write_row(prepared(row))
                    count += 1
            return count
        for batch in _batches(archive.rows(table), BATCH):
            cursor.executemany(sql, [prepared(row) for row in batch])
            count += len(batch)
    return count


def _batches(rows: Iterator[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Staged:
    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        self.names = names


@contextmanager
def _staged_files(archive: Archive) -> Iterator[_Staged]:
    """The archive's files written under a temporary folder inside MEDIA_ROOT (so moving
    them into place is a rename), removed at the end whatever happens."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=root))
    try:
        names = []
        try:
            for entry in archive.manifest.files:
                target = folder / entry.path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.file_bytes(entry))
                os.chmod(target, 0o600)
                names.append(entry.path)
        except OSError as error:
            raise RestoreRefused(
                _("无法写入上传的文件（%(error)s）；数据库未改动") % {"error": error}
            ) from error
        yield _Staged(folder, names)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _staged_move(staged: _Staged) -> None:
    root = Path(settings.MEDIA_ROOT)
    for name in staged.names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.folder / name, target)
