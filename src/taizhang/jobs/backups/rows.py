"""An archive's rows as a database takes them: each JSON value turned back by its field's
`to_python` and prepared for the connection by its `get_db_prep_save` (raw, as loaddata's
saves: no `auto_now`, no `upload_to`, no signals). A row that cannot be turned back refuses
the restore, naming its table, row and error."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext as _

from taizhang.jobs.backups.archive import Archive, TableEntry
from taizhang.jobs.backups.models import columns, decoder


class BadRow(Exception):
    """A row of the archive cannot be turned back into its table's values; one line."""


# Fields whose value, when JSON gave one of this type (or null), is the value the database
# takes on either engine: to_python and get_db_prep_save would give it back unchanged. Exact
# classes only: a subclass may prepare its values its own way.
AS_IS: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.EmailField: str,
    models.URLField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    models.SmallAutoField: int,
    models.BooleanField: bool,
}


def as_is(field: models.Field[Any, Any]) -> type | None:
    """The JSON type `field` takes as it is (None: every value is turned back and prepared)."""
    if isinstance(field, models.ForeignKey) and type(field) in (
        models.ForeignKey,
        models.OneToOneField,
    ):
        # A foreign key's value is its target's (`ForeignKey.get_db_prep_save`).
        return as_is(field.target_field)
    return AS_IS.get(type(field))


def row_preparer(
    connection: BaseDatabaseWrapper, model: type[models.Model]
) -> Callable[[list[Any]], list[Any]]:
    """The function turning one archived row of `model` into the values `connection` inserts
    (a row of the wrong length: ValueError)."""
    steps = [(as_is(field), field, decoder(field)) for field in columns(model)]

    def prepared(row: list[Any]) -> list[Any]:
        return [
            value
            if kind is not None and (value is None or type(value) is kind)
            else field.get_db_prep_save(convert(value), connection)
            for (kind, field, convert), value in zip(steps, row, strict=True)
        ]

    return prepared


def prepared_rows(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    table: TableEntry,
    archive: Archive,
) -> Iterator[list[Any]]:
    """The rows of `table`, prepared for `connection`; BadRow at the first that is not a row
    of `model` (a wrong number of values, a value its field does not take)."""
    prepare = row_preparer(connection, model)
    for number, row in enumerate(archive.rows(table), start=1):
        try:
            values = prepare(row)
        except (ValidationError, ValueError, TypeError, ArithmeticError) as error:
            raise BadRow(
                _("备份中 %(model)s 的第 %(row)s 行无法恢复：%(error)s")
                % {"model": table.model, "row": number, "error": one_line(error)}
            ) from error
        yield values


def one_line(error: BaseException) -> str:
    """An exception as one line for the operator: its type and its message's first line."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text[:300]
