"""`taizhang backup` and `taizhang restore` in the test's own database (either engine, as the
suite runs): a round trip in place, and damaged archives refused with the database untouched.
Between engines and installations: test_backup_engines.py."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from taizhang.jobs.backups.archive import Archive, ArchiveError
from taizhang.jobs.backups.dump import backup_write
from taizhang.jobs.backups.load import RestoreRefused, backup_restore
from taizhang.reporting.models import Round
from taizhang.reporting.services import report_submit
from tests.factories import World
from tests.jobs.backup_office import PNG, exports, office_build, reseal, rows

# The backup reads the database's migration state: every migration recorded as applied, also
# where the suite built the database from the models (tests/conftest.py).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrations_applied"),
]


@pytest.fixture
def office(world: World, settings: Any, tmp_path: Path) -> World:
    return office_build(world, settings, tmp_path)


def test_round_trip_in_place_gives_back_every_export_row_and_file(
    office: World, tmp_path: Path, settings: Any
) -> None:
    before, counted = exports(office), rows()
    media = Path(settings.MEDIA_ROOT)
    files = {p.name: p.read_bytes() for p in media.rglob("*") if p.is_file()}
    archive = tmp_path / "a.tar"
    result = backup_write(archive)
    assert result.manifest.row_total == sum(
        n for name, n in counted.items() if name != "sessions.session"
    ) + counted.get("sessions.session", 0)
    for path in media.rglob("*"):
        if path.is_file():
            path.unlink()
    restored = backup_restore(archive, force=True)
    assert restored.files == 1
    assert exports(office) == before
    assert rows() == counted
    assert {p.name: p.read_bytes() for p in media.rglob("*") if p.is_file()} == files


def test_manifest_names_version_engine_migrations_and_counts(office: World, tmp_path: Path) -> None:
    manifest = backup_write(tmp_path / "a.tar").manifest
    assert manifest.version
    assert ("reporting", "0001_reporting_rounds_reports") in manifest.migrations
    tables = {t.model: t for t in manifest.tables}
    assert tables["ledger.task"].rows == rows()["ledger.task"]
    assert tables["reporting.attachment"].rows == 1
    # Dependency order: a table comes after the tables its foreign keys point to.
    order = [t.model for t in manifest.tables]
    assert order.index("ledger.ledger") < order.index("ledger.task")
    assert order.index("ledger.task") < order.index("reporting.report")
    assert order.index("auth.user") < order.index("reporting.report")
    assert all(f.path.startswith("reports/") for f in manifest.files)


def wrong_count(manifest: dict[str, Any]) -> None:
    table = next(t for t in manifest["tables"] if t["model"] == "ledger.task")
    table["rows"] += 1


def newer_migration(manifest: dict[str, Any]) -> None:
    manifest["migrations"].append(["ledger", "9999_from_the_future"])


def file_outside(manifest: dict[str, Any]) -> None:
    manifest["files"][0]["path"] = "../../etc/cron.d/x"


@pytest.mark.parametrize(
    ("change", "says"),
    [(wrong_count, "应有"), (newer_migration, "更新版本"), (file_outside, "不安全")],
)
def test_a_resealed_manifest_that_lies_is_refused(
    office: World, tmp_path: Path, change: Any, says: str
) -> None:
    archive = tmp_path / "a.tar"
    backup_write(archive)
    reseal(archive, change)
    counted = rows()
    with pytest.raises(RestoreRefused, match=says):
        backup_restore(archive, force=True)
    assert rows() == counted


def test_a_truncated_archive_is_refused_with_one_line_and_the_database_untouched(
    office: World, tmp_path: Path
) -> None:
    archive = tmp_path / "a.tar"
    backup_write(archive)
    whole = archive.read_bytes()
    counted = rows()
    for keep in (len(whole) - 1, len(whole) - 512, len(whole) // 2, 700, 0):
        archive.write_bytes(whole[:keep])
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(archive), "--force")
        assert "\n" not in str(refused.value)
        assert str(refused.value).startswith("未恢复")
    assert rows() == counted


def test_every_flipped_byte_is_found(office: World, tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    backup_write(archive)
    whole = archive.read_bytes()
    with Archive(archive) as good:
        good.check()
        ends = [m.offset_data + m.size for m in good.members.values()]
    # Every member's first and last byte, the padding after each, and a sweep of the rest.
    offsets = {o for end in ends for o in (end - 1, end, end + 1) if o < len(whole)}
    offsets |= set(range(0, len(whole), 211)) | {len(whole) - 1}
    for offset in sorted(offsets):
        damaged = bytearray(whole)
        damaged[offset] ^= 0x20
        archive.write_bytes(bytes(damaged))
        with pytest.raises(ArchiveError), Archive(archive) as bad:
            bad.check()


def test_flipped_byte_leaves_the_database_untouched(office: World, tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    backup_write(archive)
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 3] ^= 0x01
    archive.write_bytes(bytes(damaged))
    counted, before = rows(), exports(office)
    with pytest.raises(RestoreRefused):
        backup_restore(archive, force=True)
    assert rows() == counted
    assert exports(office) == before


def test_a_database_with_data_is_refused_without_force(office: World, tmp_path: Path) -> None:
    archive = tmp_path / "a.tar"
    backup_write(archive)
    with pytest.raises(CommandError, match=r"不是空的.*--force"):
        call_command("restore", str(archive))


@pytest.mark.parametrize(
    ("applied", "says"),
    [
        (lambda real: [], "没有迁移记录"),
        (lambda real: [*real, ("ledger", "9999_from_the_future")], "ledger.9999_from_the_future"),
    ],
)
def test_a_database_without_a_known_migration_state_is_not_backed_up(
    office: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, applied: Any, says: str
) -> None:
    # A database never migrated or built from the models (no django_migrations), or migrated
    # by a newer version: its tables cannot be named, and an empty archive would pass for one.
    from taizhang.jobs.backups import dump, models

    real = models.applied_migrations
    monkeypatch.setattr(dump, "applied_migrations", lambda connection: applied(real(connection)))
    archive = tmp_path / "a.tar"
    with pytest.raises(CommandError) as refused:
        call_command("backup", "-o", str(archive))
    assert str(refused.value).startswith("未备份") and says in str(refused.value)
    assert "\n" not in str(refused.value)
    assert not archive.exists() and list(tmp_path.glob("*.part")) == []


def older_state_same_columns(manifest: dict[str, Any]) -> None:
    """The archive says it is of an older migration state, its bulletin columns the newer:
    supervision's migrations from 0005_bulletin_masthead_colophon on left out (all of them,
    or the state would be one no database was ever in)."""
    manifest["migrations"] = [
        m for m in manifest["migrations"] if not (m[0] == "supervision" and m[1] >= "0005")
    ]


def table_left_out(manifest: dict[str, Any]) -> None:
    manifest["tables"] = [t for t in manifest["tables"] if t["model"] != "reporting.report"]


@pytest.mark.parametrize(
    ("change", "says"),
    [(older_state_same_columns, "表结构不符"), (table_left_out, "reporting.report")],
)
def test_an_archive_whose_tables_do_not_fit_its_state_is_refused_before_anything_is_written(
    office: World, tmp_path: Path, change: Any, says: str
) -> None:
    """Forced over a database at another migration state, a refusal must come before the
    database is emptied and its schema moved, not after (it was: data lost, schema old)."""
    from django.db import connection

    from taizhang.jobs.backups.models import applied_migrations

    archive = tmp_path / "a.tar"
    backup_write(archive)
    reseal(archive, change)
    if change is table_left_out:  # the member goes too, or the check finds it extra
        with tarfile.open(archive) as tar:
            kept = [
                (m, tar.extractfile(m).read())  # type: ignore[union-attr]
                for m in tar.getmembers()
                if "reporting.report.jsonl" not in m.name
            ]
        with tarfile.open(archive, "w", format=tarfile.USTAR_FORMAT) as tar:
            for member, content in kept:
                tar.addfile(member, io.BytesIO(content))
    counted, migrated = rows(), applied_migrations(connection)
    with pytest.raises(RestoreRefused, match=says):
        backup_restore(archive, force=True)
    assert applied_migrations(connection) == migrated
    assert rows() == counted


def test_files_that_cannot_be_staged_refuse_before_the_database_is_emptied(
    office: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forced over a database at another migration state (as the load module sees it) with a
    disk too full for the files: refused, every row still there (it was emptied first)."""
    from django.db import connection

    from taizhang.jobs.backups import load
    from taizhang.jobs.backups.models import applied_migrations

    archive = tmp_path / "a.tar"
    backup_write(archive)
    real = applied_migrations(connection)
    monkeypatch.setattr(load, "applied_migrations", lambda _connection: real[:-1])

    def disk_full(self: Archive, entry: Any) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Archive, "file_bytes", disk_full)
    counted = rows()
    with pytest.raises(RestoreRefused, match="无法写入上传的文件"):
        backup_restore(archive, force=True)
    assert rows() == counted


def test_an_upload_named_like_a_temporary_file_is_backed_up(office: World, tmp_path: Path) -> None:
    """Only the backup's and restore's own temporary folders and files, at the top of the
    media directory, are left out: a reporter's file called ".backup-…" or ".restore-…" (its
    stored name keeps the name it was uploaded with) is an attachment like any other."""
    from taizhang.reporting.models import Attachment

    round_ = Round.objects.get(name="二月")
    report = report_submit(
        task=office.task(3),
        unit=office.water.profile.units.get(),
        actor=office.water,
        progress="已完成投资8000万元。",
        status="in_progress",
        files=[
            SimpleUploadedFile(".backup-现场.png", PNG),
            SimpleUploadedFile(".restore-现场.png", PNG),
        ],
    )
    assert report.round_id == round_.pk
    stored = set(Attachment.objects.filter(report=report).values_list("file", flat=True))
    assert len(stored) == 2
    archive = tmp_path / "a.tar"
    result = backup_write(archive)
    assert stored <= {entry.path for entry in result.manifest.files}


def test_media_files_leave_out_only_the_backups_and_restores_own(tmp_path: Path) -> None:
    from taizhang.jobs.backups.dump import media_files

    root = tmp_path / "media"
    kept = ["reports/2026/12/.backup-现场.png", "reports/2026/12/.restore-现场.png", "a.png"]
    left_out = [
        ".restore-abc/reports/a.png",  # the restore's staging folder
        ".restore-x.png",
        "exports/.backup-abc/snapshot.sqlite3",  # a backup's work folder, wherever written
        "exports/.backup-a.tar.123.part",  # a backup's partial write
    ]
    for name in kept + left_out:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    assert [p.relative_to(root).as_posix() for p in media_files(root)] == sorted(kept)


@pytest.fixture
def failing_check() -> Any:
    """A system check that fails, registered for the test only."""
    from django.core import checks

    def broken(**kwargs: Any) -> list[checks.CheckMessage]:
        return [checks.Error("设置有误", id="taizhang.E999")]

    checks.register(broken)
    yield
    checks.registry.registry.registered_checks.discard(broken)


def test_backup_and_restore_run_while_a_system_check_fails(
    failing_check: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # From the command line as an office runs them: they skip the system checks (no URLs
    # and API loaded), so what fails elsewhere does not stand between an office and its
    # data. A command that runs the checks is stopped by the failing one.
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit):
        execute_from_command_line(["taizhang", "showmigrations"])
    assert "taizhang.E999" in capsys.readouterr().err
    archive = tmp_path / "a.tar"
    execute_from_command_line(["taizhang", "backup", "-o", str(archive)])
    execute_from_command_line(["taizhang", "restore", str(archive), "--force"])
    out = capsys.readouterr().out
    assert "已备份到" in out and "已恢复" in out
