"""A restore into a database at a later migration state (drop every table, build the archive's
state forward) that fails midway leaves the database as it was: rows, tables and recorded
migrations (load._schema_dropped, _schema_to)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from taizhang.jobs.backups import load
from taizhang.jobs.backups.dump import backup_write
from taizhang.jobs.backups.models import applied_migrations
from taizhang.ledger.models import Task
from tests.factories import World
from tests.jobs.backup_office import office_build, reseal, rows

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrations_applied"),
]

# The archive is made one migration back, at a state with the same columns (0008 adds an
# index only), so that the restore takes the path of a database at a later state.
LAST = ("supervision", "0008_state_indicators_index")


def schema() -> tuple[Any, ...]:
    tables = sorted(connection.introspection.table_names())
    return tables, sorted(applied_migrations(connection))


@pytest.fixture
def older_archive(world: World, settings: Any, tmp_path: Path) -> Path:
    office_build(world, settings, tmp_path)
    path = tmp_path / "office.tar"
    backup_write(path)
    reseal(path, lambda m: m.update(migrations=[n for n in m["migrations"] if tuple(n) != LAST]))
    return path


@pytest.mark.parametrize("fail_at", [1, 20, 10_000])
def test_a_failure_while_building_forward_puts_everything_back(
    world: World, older_archive: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    dropped: list[bool] = []
    real_drop = load._schema_dropped
    monkeypatch.setattr(load, "_schema_dropped", lambda c: dropped.append(True) or real_drop(c))
    applied: list[Any] = []
    real_apply = MigrationExecutor.apply_migration

    def apply(self: Any, state: Any, migration: Any, *args: Any, **kwargs: Any) -> Any:
        applied.append(migration)
        if len(applied) == fail_at:
            raise RuntimeError("migration broke")
        return real_apply(self, state, migration, *args, **kwargs)

    monkeypatch.setattr(MigrationExecutor, "apply_migration", apply)
    before = rows(), schema()
    if fail_at == 10_000:  # no failure: the drop path is taken and succeeds
        call_command("restore", str(older_archive), "--force")
        assert dropped and schema() == before[1]
        return
    with pytest.raises(CommandError):
        call_command("restore", str(older_archive), "--force")
    assert dropped
    assert (rows(), schema()) == before


@pytest.mark.parametrize("fail_at", [1, 5])
def test_a_failure_while_dropping_puts_everything_back(
    world: World, older_archive: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    editor_class = type(connection.schema_editor())
    real = editor_class.delete_model
    calls: list[Any] = []

    def delete_model(self: Any, model: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(model)
        if len(calls) == fail_at:
            raise RuntimeError("drop broke")
        return real(self, model, *args, **kwargs)

    monkeypatch.setattr(editor_class, "delete_model", delete_model)
    before = rows(), schema()
    with pytest.raises(CommandError):
        call_command("restore", str(older_archive), "--force")
    assert calls
    monkeypatch.undo()
    assert (rows(), schema()) == before
    # The connection is usable as before: a write and a foreign key still checked.
    with pytest.raises(IntegrityError), transaction.atomic():
        task = Task.objects.first()
        assert task is not None
        Task.objects.filter(pk=task.pk).update(ledger_id=987654321)
