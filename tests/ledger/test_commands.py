"""The `taizhang` command line: import (with --dry-run), export, ledgers; bad input gives one
line naming the file and row, a non-zero exit, and leaves the database as it was."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from taizhang.ledger.models import Ledger, Task, TaskRevision
from tests.conftest import SEED, subset

BAD_FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "garbage.txt": bytes(range(256)) * 16,
    "unknown-encoding.txt": "2021年台账".encode() + b"\xff\xfe\xfa\x81\x30",
    "no-table.txt": "2021年台账\n\n只有文字。\n".encode(),
    "missing-column.txt": SEED.read_text(encoding="utf-8").replace("\t责任单位\n", "").encode(),
    "too-many-cells.txt": SEED.read_text(encoding="utf-8")
    .replace("\t正在推进\n\n\t2\n", "\t正在推进\n\t多余\n\n\t2\n", 1)
    .encode(),
    "bad.json": b'{"format": "taizhang/ledger@1", "title": 1}',
}


def run_cli(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TAIZHANG_DATA_DIR": str(data_dir), **(env or {})}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "taizhang.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_dry_run_prints_the_fixture_and_needs_no_database(
    tmp_path: Path, expected: dict[str, Any]
) -> None:
    result = run_cli("import", str(SEED), "--dry-run", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert subset(json.loads(result.stdout), expected) == []
    database = tmp_path / "taizhang.sqlite3"
    assert not database.exists() or database.stat().st_size == 0


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_exits_non_zero_with_one_line_naming_the_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    result = run_cli("import", str(path), "--dry-run", data_dir=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr
    assert result.stdout == ""


def test_a_missing_column_and_a_long_row_name_the_row(tmp_path: Path) -> None:
    for name, where in (
        ("missing-column.txt", "第6行"),
        ("too-many-cells.txt", "第24行，表格第3行"),
    ):
        path = tmp_path / name
        path.write_bytes(BAD_FILES[name])
        result = run_cli("import", str(path), "--dry-run", data_dir=tmp_path)
        assert where in result.stderr and "表格第" in result.stderr, result.stderr


def test_a_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("import", str(tmp_path / "nope.txt"), data_dir=tmp_path)
    assert result.returncode != 0 and "无法读取文件" in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_leaves_the_database_unchanged(tmp_path: Path, name: str) -> None:
    assert call("import", str(SEED))[0] == 0
    before = (Ledger.objects.count(), Task.objects.count(), TaskRevision.objects.count())
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    code, _, err = call("import", str(path))
    assert code != 0 and str(path) in err
    assert (Ledger.objects.count(), Task.objects.count(), TaskRevision.objects.count()) == before


@pytest.mark.django_db
def test_import_prints_a_summary_and_export_import_round_trips(tmp_path: Path) -> None:
    code, out, _ = call("import", str(SEED))
    ledger = Ledger.objects.get()
    assert code == 0
    assert f"台账 {ledger.pk}：" in out and "分类 10 个，任务 16 项：新增 16" in out
    exported = tmp_path / "out.json"
    assert call("export", str(ledger.pk), "--format", "json", "-o", str(exported))[0] == 0
    code, out, _ = call("import", str(exported))
    assert code == 0 and "新增 0，更新 0，未变 16" in out
    again = tmp_path / "again.json"
    call("export", str(ledger.pk), "-o", str(again))
    assert again.read_bytes() == exported.read_bytes()


@pytest.mark.django_db
def test_ledgers_lists_id_year_tasks_and_title() -> None:
    call("import", str(SEED))
    code, out, _ = call("ledgers")
    ledger = Ledger.objects.get()
    assert code == 0 and f"{ledger.pk}\t2021\t16\t2021年济源十件重点民生实事工作台账" in out


@pytest.mark.django_db
def test_export_of_an_unknown_ledger_fails_clearly() -> None:
    code, _, err = call("export", "999")
    assert code != 0 and "999" in err


def test_django_management_commands_run_through_the_same_command(tmp_path: Path) -> None:
    result = run_cli("check", data_dir=tmp_path)
    assert result.returncode == 0 and "no issues" in result.stdout
