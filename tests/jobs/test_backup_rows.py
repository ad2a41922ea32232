"""An archive's rows turned into the values the database takes: the values taken as they are
(`rows.as_is`) are exactly those each field's own conversion gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from taizhang.jobs.backups.archive import Archive
from taizhang.jobs.backups.dump import backup_write
from taizhang.jobs.backups.models import columns, decoder, label, ordered_models, state_apps
from taizhang.jobs.backups.rows import BadRow, as_is, prepared_rows, row_preparer
from tests.factories import World
from tests.jobs.backup_office import office_build

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrations_applied"),
]


def test_values_taken_as_they_are_equal_each_fields_own_conversion(
    world: World, settings: Any, tmp_path: Path
) -> None:
    office_build(world, settings, tmp_path)
    path = tmp_path / "a.tar"
    backup_write(path)
    taken = 0
    with Archive(path) as archive:
        models = {
            label(m): m for m in ordered_models(state_apps(connection, archive.manifest.migrations))
        }
        for table in archive.manifest.tables:
            model = models[table.model]
            fields = columns(model)
            prepare = row_preparer(connection, model)
            for row in archive.rows(table):
                converted = [
                    field.get_db_prep_save(decoder(field)(value), connection)
                    for field, value in zip(fields, row, strict=True)
                ]
                # With their types: True == 1, but only one of them is what the field gives.
                assert typed(prepare(row)) == typed(converted), table.model
                taken += sum(
                    as_is(f) is not None and v is not None for f, v in zip(fields, row, strict=True)
                )
    assert taken > 1000  # the short cut was taken


def typed(values: list[Any]) -> list[tuple[type, Any]]:
    """Values with their types, PostgreSQL's Int4/Int8 (which COPY writes as ints) as int,
    its Jsonb (equal only to itself) by what it holds."""
    return [
        (
            int if isinstance(value, int) and not isinstance(value, bool) else type(value),
            getattr(value, "obj", value),
        )
        for value in values
    ]


def test_a_value_its_field_does_not_take_names_the_table_and_row(
    world: World, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    office_build(world, settings, tmp_path)
    path = tmp_path / "a.tar"
    backup_write(path)
    with Archive(path) as archive:
        table = next(t for t in archive.manifest.tables if t.model == "ledger.task")
        rows = list(archive.rows(table))
        rows[2][table.fields.index("deadline")] = "明年"
        monkeypatch.setattr(Archive, "rows", lambda self, entry: iter(rows))
        model = next(
            m
            for m in ordered_models(state_apps(connection, archive.manifest.migrations))
            if label(m) == "ledger.task"
        )
        with pytest.raises(BadRow, match=r"ledger.task 的第 3 行.*明年"):
            list(prepared_rows(connection, model, table, archive))
