"""A forced restore over an office's database never half-applies: whatever fails once it has
started changing things (a row of the last table that cannot be read or inserted, a foreign
key to nothing found at the end, an error in `migrate`, a file that cannot be put in place),
every table, every export and every file is as it was, and the command says so in one line.
Runs on the suite's engine: SQLite (the database copied aside and back) or PostgreSQL (one
transaction)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from taizhang.jobs.backups import load
from taizhang.jobs.backups.archive import MANIFEST, Archive
from taizhang.jobs.backups.dump import backup_write
from taizhang.jobs.backups.models import applied_migrations
from taizhang.reporting.models import Report
from taizhang.reporting.services import report_accept, report_submit
from tests.factories import World
from tests.jobs.backup_office import PNG, exports, office_build, reseal, rows

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrations_applied"),
]

Rows = list[list[Any]]


@pytest.fixture
def archive(world: World, settings: Any, tmp_path: Path) -> Path:
    """The office's backup with three files; then the office moves on (another report with a
    file, accepted into the ledger; a file changed), so that a restore which half-applied
    would show."""
    office = office_build(world, settings, tmp_path)
    submit(office, 3, "已完成投资8000万元。", ["图一.png", "图二.png"])
    path = tmp_path / "office.tar"
    assert len(backup_write(path).manifest.files) == 3
    report_accept(report=submit(office, 9, "已完成9项。", ["图三.png"]), actor=office.office)
    first = min(name for name, data in media(settings).items() if data is not None)
    (Path(settings.MEDIA_ROOT) / first).write_bytes(b"changed after the backup")
    return path


def submit(office: World, task: int, progress: str, names: list[str]) -> Report:
    return report_submit(
        task=office.task(task),
        unit=office.water.profile.units.get(),
        actor=office.water,
        progress=progress,
        status="in_progress",
        files=[SimpleUploadedFile(name, PNG) for name in names],
    )


def media(settings: Any) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) of the media directory."""
    root = Path(settings.MEDIA_ROOT)
    return {
        path.relative_to(root).as_posix(): path.read_bytes() if path.is_file() else None
        for path in root.rglob("*")
    }


def state(world: World, settings: Any) -> tuple[Any, ...]:
    leftovers = sorted(p.name for p in Path(settings.DATA_DIR).glob(".restore-*"))
    return rows(), exports(world), media(settings), leftovers


def restore_fails(archive: Path) -> str:
    """The command's one line, after it has failed."""
    with pytest.raises(CommandError) as failed:
        call_command("restore", str(archive), "--force")
    message = str(failed.value)
    assert message.startswith("未恢复") and "\n" not in message
    return message


def last_table_rewritten(path: Path, change: Callable[[list[str], Rows], None]) -> str:
    """Rewrite the rows of the archive's last table that has any with `change(fields, rows)`,
    with the manifest's count, size and sha256 for it and its seal made again (an archive
    whose every byte checks); the table's model."""
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    manifest = json.loads({m.name: d for m, d in members}[MANIFEST])
    table = [t for t in manifest["tables"] if t["rows"]][-1]
    lines = gzip.decompress({m.name: d for m, d in members}[table["member"]]).splitlines()
    found = [json.loads(line) for line in lines[1:]]
    change(table["fields"], found)
    data = gzip.compress(b"\n".join([lines[0], *(json.dumps(r).encode() for r in found)]) + b"\n")
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        for member, content in members:
            content = data if member.name == table["member"] else content
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))

    def count(manifest: dict[str, Any]) -> None:
        entry = next(t for t in manifest["tables"] if t["member"] == table["member"])
        entry.update(rows=len(found), size=len(data), sha256=hashlib.sha256(data).hexdigest())

    reseal(path, count)
    with Archive(path) as written:
        written.check()
    return str(table["model"])


def value_unreadable(fields: list[str], found: Rows) -> None:
    found[-1][fields.index("id")] = "不是数字"


def key_twice(fields: list[str], found: Rows) -> None:
    found.append(list(found[-1]))


def points_to_nothing(fields: list[str], found: Rows) -> None:
    key = [name for name in fields if name.endswith("_id") and name != "id"][-1]
    found[-1][fields.index(key)] = 987654321


@pytest.mark.parametrize("change", [value_unreadable, key_twice, points_to_nothing])
@pytest.mark.parametrize("other_state", [False, True])
def test_a_bad_row_in_the_last_table_leaves_everything_as_it_was(
    world: World,
    archive: Path,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[list[str], Rows], None],
    other_state: bool,
) -> None:
    """`other_state`: the database is taken for one at another migration state, so the
    restore first empties every table, then moves the schema (a no-op here)."""
    model = last_table_rewritten(archive, change)
    if other_state:
        real = applied_migrations
        monkeypatch.setattr(load, "applied_migrations", lambda connection: real(connection)[:-1])
    before = state(world, settings)
    message = restore_fails(archive)
    assert state(world, settings) == before
    if change is value_unreadable:
        assert model in message


def test_an_error_in_migrate_leaves_everything_as_it_was(
    world: World, archive: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("migrate broke\nsecond line")

    monkeypatch.setattr(load, "call_command", broken)
    before = state(world, settings)
    assert "RuntimeError: migrate broke" in restore_fails(archive)
    assert state(world, settings) == before


def test_a_file_that_cannot_be_put_in_place_leaves_everything_as_it_was(
    world: World, archive: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file of the archive is in the media directory already: two renames each (the old
    one aside, the new one in); the last fails, after the database and two files changed."""
    calls: list[str] = []
    real = os.replace

    def full(source: Any, target: Any) -> None:
        calls.append(str(target))
        if len(calls) == 6:
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "replace", full)
    before = state(world, settings)
    assert "No space left on device" in restore_fails(archive)
    assert state(world, settings) == before
    assert len(calls) > 6  # the undo renamed files back


def test_the_same_restore_without_a_failure_changes_the_office(
    world: World, archive: Path, settings: Any
) -> None:
    """What the tests above find unchanged is what a restore changes (they can fail)."""
    before = state(world, settings)
    call_command("restore", str(archive), "--force")
    after = state(world, settings)
    assert after[0]["reporting.report"] == before[0]["reporting.report"] - 1
    assert after[1] != before[1] and after[2] != before[2]
    assert after[3] == before[3] == []
