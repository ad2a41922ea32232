"""Plain rows written in bulk: `COPY` on PostgreSQL, one prepared statement (`executemany`)
on SQLite. At thousands of rows this is several times faster than `bulk_create`, which
builds a model instance for each row, prepares each value through its field and (on
PostgreSQL) sends the values as arrays that the driver dumps one by one."""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model

# Fields whose values the drivers take as Python gives them (an int, a text, a bool, an id):
# their `get_db_prep_save` changes nothing, so `insert_rows(prepare=True)` skips it.
_AS_THEY_ARE = frozenset(
    (
        "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField",
        "ForeignKey", "IntegerField", "OneToOneField", "PositiveIntegerField",
        "PositiveSmallIntegerField", "SmallIntegerField", "TextField",
    )
)  # fmt: skip


def insert_rows(
    model: type[Model],
    fields: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    *,
    prepare: bool = False,
) -> None:
    """Insert plain rows, each the values of `fields` (names or attnames: "task" or
    "task_id"). Without `prepare` the values are given to the driver as they are (as the
    database takes them: `connection.ops.adapt_*`); with it, each value of a field the
    driver does not take as it is (a date, a decimal, JSON) passes the field's
    `get_db_prep_save` first, as `bulk_create` does, so the rows stored are the same."""
    if not rows:
        return
    by_name: dict[str, Field[Any, Any]] = {}
    for field in model._meta.concrete_fields:
        by_name[field.name] = by_name[field.attname] = field
    chosen = [by_name[name] for name in fields]
    if prepare:
        rows = _prepared(chosen, rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in chosen)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _prepared(fields: list[Field[Any, Any]], rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with each value of a field that needs it through `get_db_prep_save`."""
    steps = [
        (index, field)
        for index, field in enumerate(fields)
        if field.get_internal_type() not in _AS_THEY_ARE
    ]
    if not steps:
        return rows
    # The connection itself: `connection` looks it up in its thread's storage at each use.
    database = connections[DEFAULT_DB_ALIAS]
    prepared = []
    for row in rows:
        values = list(row)
        for index, field in steps:
            values[index] = field.get_db_prep_save(values[index], database)
        prepared.append(tuple(values))
    return prepared
