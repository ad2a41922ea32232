"""`backup_restore`: an archive back into a database of either engine, all or nothing.

1. The whole archive is checked (`Archive.check`) before anything is written.
2. The database must be empty (no row but those `migrate` writes itself) unless `force`;
   the archive's tables must be those of its migration state, with their columns.
3. The files are staged inside the media directory, and on SQLite every row is read into a
   scratch file (`scratch.py`): a row that cannot be read, or a full disk, refuses the
   restore with nothing written.
4. From here on every change is undone if any step fails: on PostgreSQL steps 5 to 8 are one
   transaction; on SQLite the database is first copied aside (SQLite's backup API) and
   copied back. The files step 8 put in place are put back either way.
5. Its schema is brought to the archive's migration state: forward from where it is, or, for
   a database at a later state, its tables dropped and built forward from nothing.
6. Every table emptied, every row inserted with its own primary key (raw inserts: no
   `auto_now`, no signals; COPY on PostgreSQL, INSERT … SELECT from the scratch file on
   SQLite), the foreign keys checked, PostgreSQL's sequences set past the largest key.
7. `migrate` carries the database on to the code's migration state.
8. The staged files are renamed into place, the files they replace moved aside."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps.registry import Apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from taizhang.jobs.backups.archive import Archive, ArchiveError, TableEntry
from taizhang.jobs.backups.files import FileSwap, Staged, stage_files
from taizhang.jobs.backups.models import (
    MIGRATE_WRITES,
    applied_migrations,
    columns,
    graph_leaves,
    label,
    ordered_models,
    state_apps,
)
from taizhang.jobs.backups.rows import BadRow, one_line, prepared_rows
from taizhang.jobs.backups.scratch import scratch_copy, scratch_fill

SCRATCH = "rows.sqlite3"


class RestoreRefused(Exception):
    """The restore did not happen and the database and media directory are as they were:
    refused before anything was written, or failed midway and everything put back. The
    message is one line."""


class RestoreUndoFailed(Exception):
    """The restore failed midway and what it had changed could not all be put back; the
    message (one line) says where the copy of what was there is kept."""


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
    """Restore the archive at `path` into the database `alias` and settings.MEDIA_ROOT, all
    or nothing. RestoreRefused, the database and files as they were, if the archive is
    damaged, newer than the code, or the database holds data and not `force`, or if any step
    fails once started; RestoreUndoFailed if putting things back then fails too."""
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
        try:
            staged = stage_files(archive)
        except OSError as error:
            raise RestoreRefused(
                _("无法写入上传的文件（%(error)s）；数据库未改动") % {"error": error}
            ) from error
        # A database at another migration state is emptied before its schema moves.
        moved = bool(filled) and set(applied_migrations(connection)) != set(manifest.migrations)
        try:
            with _work_folder() as work:
                if connection.vendor == "sqlite":
                    _rows_read(connection, archive, work.folder / SCRATCH)
                rows = _restore_or_undo(
                    connection, archive, staged, work, empty_first=moved, migrate=migrate
                )
        finally:
            staged.remove()
    ContentType.objects.clear_cache()  # the restored content types may have other ids
    return RestoreResult(rows=rows, files=len(manifest.files), migrated_from=manifest.migrations)


class _Work:
    """A folder of the data directory for the restore's own files (SQLite: the scratch file
    of rows, the copy of the database), removed at the end unless `keep`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.keep = False


@contextmanager
def _work_folder() -> Iterator[_Work]:
    work = _Work(Path(tempfile.mkdtemp(prefix=".restore-", dir=settings.DATA_DIR)))
    try:
        yield work
    finally:
        if not work.keep:
            shutil.rmtree(work.folder, ignore_errors=True)


def _rows_read(connection: BaseDatabaseWrapper, archive: Archive, path: Path) -> None:
    """Every row of the archive read into the scratch file at `path`; RestoreRefused if one
    cannot be, or the file cannot be written (nothing else is written yet)."""
    try:
        scratch_fill(connection, _archive_models(connection, archive), archive, path)
    except BadRow as error:
        raise RestoreRefused(str(error)) from error
    except (OSError, sqlite3.Error) as error:
        raise RestoreRefused(
            _("无法写入恢复用的临时文件（%(error)s）；数据库未改动") % {"error": one_line(error)}
        ) from error


def _archive_models(connection: BaseDatabaseWrapper, archive: Archive) -> list[type[models.Model]]:
    """The models of the archive's tables, in its order (`_check_tables` made sure each table
    is one of its migration state's, with their columns)."""
    by_label = {
        label(model): model
        for model in ordered_models(state_apps(connection, archive.manifest.migrations))
    }
    return [by_label[table.model] for table in archive.manifest.tables]


def _restore_or_undo(
    connection: BaseDatabaseWrapper,
    archive: Archive,
    staged: Staged,
    work: _Work,
    *,
    empty_first: bool,
    migrate: bool,
) -> int:
    """Steps 5 to 8; if any fails, the database and the media directory put back as they were
    and RestoreRefused (RestoreUndoFailed if that fails too)."""
    swap = FileSwap(staged)
    try:
        with _database_kept(connection, work):
            rows = _database_restore(
                connection, archive, work, empty_first=empty_first, migrate=migrate
            )
            swap.run()
    except BaseException as error:
        try:
            swap.undo()
        except OSError as undo_error:
            raise RestoreUndoFailed(
                _("恢复中途失败（%(error)s），原有的上传文件未能全部放回，留在 %(folder)s")
                % {"error": one_line(error), "folder": staged.folder / "old"}
            ) from undo_error
        if isinstance(error, RestoreRefused | RestoreUndoFailed) or not isinstance(
            error, Exception
        ):
            raise
        reason = str(error) if isinstance(error, BadRow) else one_line(error)
        raise RestoreRefused(
            _("恢复中途失败，数据库和上传的文件已回到恢复之前：%(reason)s") % {"reason": reason}
        ) from error
    return rows


def _database_restore(
    connection: BaseDatabaseWrapper,
    archive: Archive,
    work: _Work,
    *,
    empty_first: bool,
    migrate: bool,
) -> int:
    if empty_first:
        _empty_all(connection)  # the schema moves next: empty what it holds first
    _schema_to(connection, archive.manifest.migrations)
    if connection.vendor == "sqlite":
        rows = scratch_copy(connection, _archive_models(connection, archive), work.folder / SCRATCH)
    else:
        rows = _rows_copy(connection, archive)
    if migrate:
        call_command("migrate", database=connection.alias, interactive=False, verbosity=0)
    return rows


@contextmanager
def _database_kept(connection: BaseDatabaseWrapper, work: _Work) -> Iterator[None]:
    """The database as it was put back if the block fails: PostgreSQL's transactions take
    schema changes too, so the block is one; SQLite's `migrate` cannot run inside one, so
    the database is copied aside and copied back."""
    if connection.vendor == "sqlite":
        with _sqlite_kept(connection, work):
            yield
    else:
        with transaction.atomic(using=connection.alias):
            yield


@contextmanager
def _sqlite_kept(connection: BaseDatabaseWrapper, work: _Work) -> Iterator[None]:
    copy = work.folder / "before.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(copy)) as target:
        connection.connection.backup(target)
    try:
        yield
    except BaseException as error:
        try:
            _sqlite_put_back(connection, copy)
        except Exception as undo_error:
            work.keep = True
            raise RestoreUndoFailed(
                _("恢复中途失败（%(error)s），数据库未能还原；恢复前的副本在 %(copy)s")
                % {"error": one_line(error), "copy": copy}
            ) from undo_error
        raise


def _sqlite_put_back(connection: BaseDatabaseWrapper, copy: Path) -> None:
    connection.ensure_connection()
    raw = connection.connection
    if raw.in_transaction:
        raw.rollback()
    with closing(sqlite3.connect(copy)) as source:
        source.backup(raw)


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
    """Migrate the database to exactly the archive's migration state; its models. Where that
    means unapplying migrations (a database at a later state), its tables are dropped and
    the archive's state built forward from nothing instead: every row is replaced by the
    archive's anyway, and unapplying costs Django several times more (it works out the state
    before each migration, then each operation's, with every model rendered again; an
    archive 51 migrations back took 6 s of CPU to unapply, against 1.5 s to build)."""
    executor = MigrationExecutor(connection)
    targets = list(graph_leaves(executor.loader.graph, set(migrations)).items())
    plan = executor.migration_plan(targets)
    if any(backwards for _migration, backwards in plan):
        _schema_dropped(connection)
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(targets)
    if plan:
        executor.migrate(targets, plan=plan)
    return state_apps(connection, migrations)


def _schema_dropped(connection: BaseDatabaseWrapper) -> None:
    """Every table of the database's migration state dropped (a many-to-many table with its
    model) and no migration recorded as applied: as `migrate` found the database at first.
    Tables that no migration made are left alone."""
    present = set(connection.introspection.table_names())
    chosen = [
        model
        for model in ordered_models(state_apps(connection, applied_migrations(connection)))
        if not model._meta.auto_created and model._meta.db_table in present
    ]
    with connection.schema_editor() as editor:
        for model in reversed(chosen):  # each before the tables its keys point to
            editor.delete_model(model)
    MigrationRecorder(connection).flush()


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


def _rows_copy(connection: BaseDatabaseWrapper, archive: Archive) -> int:
    """PostgreSQL: every table emptied and loaded with COPY, the foreign keys checked, the
    sequences set past the largest key."""
    tables = _archive_models(connection, archive)
    total = 0
    with transaction.atomic(using=connection.alias):
        _flush(connection, tables)
        for model, table in zip(tables, archive.manifest.tables, strict=True):
            total += _table_copy(connection, model, table, archive)
        _foreign_keys_check(connection)
        statements = connection.ops.sequence_reset_sql(no_style(), tables)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    return total


def _foreign_keys_check(connection: BaseDatabaseWrapper) -> None:
    """Every foreign key checked now; they then stay checked statement by statement for the
    rest of the transaction: `migrate` runs inside it, and ALTER TABLE or CREATE INDEX refuse a
    table with checks pending (supervision 0004 deletes the stored states, 0006 indexes their
    table)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _table_copy(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    table: TableEntry,
    archive: Archive,
) -> int:
    """The rows of `table` as they are (`rows.prepared_rows`) by COPY: one stream a table
    instead of a statement a row (executemany's rows, executed one by one, took most of the
    server's time)."""
    quote = connection.ops.quote_name
    # Names from the models, quoted by the backend; values are COPY's rows.
    copy_sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(field.column) for field in columns(model))
    )
    count = 0
    with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
        for row in prepared_rows(connection, model, table, archive):
            copy.write_row(row)
            count += 1
    return count
