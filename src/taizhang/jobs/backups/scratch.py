"""SQLite's restore of the rows, in two steps:

1. `scratch_fill`, before the database is touched: every row of the archive, turned back and
   prepared (`rows.prepared_rows`), into a scratch SQLite file, one table a table without
   constraints or indexes, in one transaction with no journal. A row that cannot be read
   refuses the restore here.
2. `scratch_copy`, in the database's one transaction: the scratch file attached, every table
   emptied and filled by one INSERT … SELECT, the foreign keys not checked row by row but
   once at the end (`PRAGMA foreign_key_check`).

Python only reads the archive; SQLite moves the rows from file to file itself (the
row-by-row executemany into the indexed tables, with a foreign key lookup each, cost more
than half the restore's time)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from taizhang.jobs.backups.archive import Archive
from taizhang.jobs.backups.models import columns
from taizhang.jobs.backups.rows import prepared_rows

BATCH = 2000
SCHEMA = "restore_rows"  # the scratch file's name once attached


def scratch_table(number: int) -> str:
    return f"t{number:04d}"


def scratch_fill(
    connection: BaseDatabaseWrapper,
    tables: list[type[models.Model]],
    archive: Archive,
    path: Path,
) -> None:
    """Every row of the archive's tables (`tables`: their models, in the manifest's order)
    prepared for `connection` into a new SQLite file at `path`; BadRow at the first row that
    cannot be read."""
    with closing(sqlite3.connect(path, isolation_level=None)) as scratch:
        # A scratch file: lost with the process, it is made again by the next restore.
        scratch.execute("PRAGMA journal_mode=OFF")
        scratch.execute("PRAGMA synchronous=OFF")
        scratch.execute("BEGIN")
        for number, (model, table) in enumerate(zip(tables, archive.manifest.tables, strict=True)):
            width = len(columns(model))
            name = scratch_table(number)
            scratch.execute(f"CREATE TABLE {name} ({', '.join(f'c{i}' for i in range(width))})")
            insert = f"INSERT INTO {name} VALUES ({', '.join('?' * width)})"  # noqa: S608
            for batch in _batches(prepared_rows(connection, model, table, archive), BATCH):
                scratch.executemany(insert, batch)
        scratch.execute("COMMIT")


def scratch_copy(
    connection: BaseDatabaseWrapper, tables: list[type[models.Model]], path: Path
) -> int:
    """The rows of the scratch file at `path` in place of every row of `tables` (their models,
    in the order `scratch_fill` was given them), in one transaction; IntegrityError (and
    nothing changed) if a foreign key points to nothing. The number of rows."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ATTACH DATABASE %s AS {SCHEMA}", [str(path)])
    try:
        # Off outside the transaction (SQLite ignores the pragma inside one): no lookup a row,
        # and DELETE empties a table at once instead of row by row.
        disabled = connection.disable_constraint_checking()
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                total = 0
                for model in tables:
                    cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608
                for number, model in enumerate(tables):
                    fields = columns(model)
                    cursor.execute(
                        "INSERT INTO {} ({}) SELECT {} FROM {}.{}".format(  # noqa: S608
                            quote(model._meta.db_table),
                            ", ".join(quote(field.column) for field in fields),
                            ", ".join(f"c{i}" for i in range(len(fields))),
                            SCHEMA,
                            scratch_table(number),
                        )
                    )
                    total += cursor.rowcount
                connection.check_constraints()  # PRAGMA foreign_key_check: one IntegrityError
        finally:
            if disabled:
                connection.enable_constraint_checking()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DETACH DATABASE {SCHEMA}")
    return total


def _batches(rows: Iterator[list[Any]], size: int) -> Iterator[list[list[Any]]]:
    batch: list[list[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
