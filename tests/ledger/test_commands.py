"""The `taizhang` command line: import (with --dry-run), export, ledgers; bad input gives one
line naming the file and row, a non-zero exit, and leaves the database as it was."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from taizhang.cli import main
from taizhang.ledger.models import Ledger, Task, TaskRevision
from tests.conftest import SEED, subset
from tests.mapping_ledgers import DONE, HEADER, ledger_xlsx

BAD_FILES: dict[str, bytes] = {
    "empty.txt": b"",
    "garbage.txt": bytes(range(256)) * 16,
    "unknown-encoding.txt": "2021年台账".encode() + b"\xff\xfe\xfa\x81\x30",
    "no-table.txt": "2021年台账\n\n只有文字。\n".encode(),
    # Only 序号 of the usual columns (牵头领导, 责任单位, 完成时限) is left: no ledger header.
    "missing-column.txt": SEED.read_text(encoding="utf-8")
    .replace("\t牵头领导\n", "\t甲\n", 1)
    .replace("\t责任单位\n", "\t乙\n", 1)
    .replace("\t完成时限及\n", "\t丙\n", 1)
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


# Warnings a fresh interpreter does not print (Python's default filters).
HIDDEN_WARNINGS = (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning)


def cli(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`taizhang ARGS` through the command's entry point in this process: the exit status and
    all that reached standard output and standard error, warnings a fresh interpreter would
    print included. run_cli starts a process (a second or more of start-up) where the process
    itself is the point."""
    capfd.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        for category in HIDDEN_WARNINGS:
            warnings.simplefilter("ignore", category)
        try:
            main(["taizhang", *args])
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
    out, err = capfd.readouterr()
    shown = [warnings.formatwarning(w.message, w.category, w.filename, w.lineno) for w in caught]
    return code, out, err + "".join(shown)


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
    # Opening a connection may create the file (WAL is set on connect); nothing is stored.
    if database.exists():
        with sqlite3.connect(database) as opened:
            assert opened.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_input_exits_non_zero_with_one_line_naming_the_file(
    tmp_path: Path, name: str, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    code, out, err = cli(capfd, "import", str(path), "--dry-run")
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], err
    assert out == ""


def test_bad_input_is_one_line_and_a_non_zero_exit_from_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(BAD_FILES["garbage.txt"])
    result = run_cli("import", str(path), "--dry-run", data_dir=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0], result.stderr
    assert result.stdout == ""


@pytest.mark.django_db
def test_a_missing_column_names_the_row_the_titles_found_and_the_option(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing-column.txt"
    path.write_bytes(BAD_FILES["missing-column.txt"])
    _, _, err = cli(capfd, "import", str(path), "--dry-run")
    assert "第6行，表格第1行" in err and "--column" in err, err


@pytest.mark.django_db
def test_a_long_row_is_read_with_a_warning_naming_the_row(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "too-many-cells.txt"
    text = SEED.read_text(encoding="utf-8")
    path.write_text(text.replace("\t正在推进\n\n\t2\n", "\t正在推进\n\t多余\n\n\t2\n", 1))
    code, _, err = cli(capfd, "import", str(path), "--dry-run")
    assert code == 0, err
    assert any("第24行" in line for line in err.splitlines()), err


@pytest.mark.django_db
def test_a_missing_file_is_one_clear_line(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(capfd, "import", str(tmp_path / "nope.txt"))
    assert code != 0 and "无法读取文件" in err


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


def test_django_management_commands_run_through_the_same_command(
    capfd: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = cli(capfd, "check", "--system-only")
    assert code == 0 and "no issues" in out


# --- the office's reading of the columns: --column, --table, the saved mapping ------------------


def mapping_ledger(tmp_path: Path, name: str = "county.xlsx", **kwargs: Any) -> Path:
    path = tmp_path / name
    path.write_bytes(ledger_xlsx(**kwargs))
    return path


def progress_by_number() -> dict[int, str]:
    return dict(Task.objects.values_list("number", "progress"))


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["落实情况=progress", "落实情况=进展情况", "落实情况＝进展情况"])
def test_column_reads_a_title_as_the_key_and_saves_the_mapping(tmp_path: Path, option: str) -> None:
    code, out, err = call("import", str(mapping_ledger(tmp_path)), "--column", option)
    assert code == 0, err
    assert progress_by_number() == {1: DONE, 2: "已完工"}
    assert Ledger.objects.get().column_overrides == {"落实情况": "progress"}
    assert "列的对应已保存：落实情况→进展情况" in out


@pytest.mark.django_db
def test_column_is_repeatable(tmp_path: Path) -> None:
    path = mapping_ledger(tmp_path)
    code, _, err = call(
        "import", str(path), "--column", "落实情况=progress", "--column", "工作进展=remarks"
    )
    assert code == 0, err
    assert Ledger.objects.get().column_overrides == {"落实情况": "progress", "工作进展": "remarks"}
    assert Task.objects.get(number=1).remarks == "上月：前期"


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["落实情况", "=progress", "落实情况=", "落实情况=密码"])
def test_a_bad_column_is_one_line_exit_1_and_nothing_written(tmp_path: Path, option: str) -> None:
    code, out, err = call("import", str(mapping_ledger(tmp_path)), "--column", option)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and option in err
    assert Ledger.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_column_in_a_dry_run_is_one_line_too(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = mapping_ledger(tmp_path)
    code, out, err = cli(capfd, "import", str(path), "--dry-run", "--column", "落实情况")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1, err


@pytest.mark.django_db
@pytest.mark.parametrize("option", ["0", "x", "-1"])
def test_a_bad_table_is_one_line(tmp_path: Path, option: str) -> None:
    code, _, err = call("import", str(mapping_ledger(tmp_path)), f"--table={option}")
    assert code == 1 and len(err.strip().splitlines()) == 1 and "--table" in err
    assert Ledger.objects.count() == 0


@pytest.mark.django_db
def test_the_next_import_reads_with_the_saved_mapping_and_says_so(tmp_path: Path) -> None:
    assert call("import", str(mapping_ledger(tmp_path)), "--column", "落实情况=progress")[0] == 0
    later = mapping_ledger(tmp_path, "county-11.xlsx", done="已通水")
    code, out, err = call("import", str(later))
    assert code == 0, err
    assert progress_by_number() == {1: "已通水", 2: "已完工"}
    assert [line for line in out.splitlines() if "上次导入时的列对应" in line] == [
        "已按上次导入时的列对应读取：落实情况→进展情况"
    ]
    assert Ledger.objects.get().column_overrides == {"落实情况": "progress"}


@pytest.mark.django_db
def test_a_new_column_option_replaces_the_saved_mapping(tmp_path: Path) -> None:
    call("import", str(mapping_ledger(tmp_path)), "--column", "落实情况=progress")
    code, out, _ = call("import", str(mapping_ledger(tmp_path)), "--column", "落实情况=remarks")
    assert code == 0 and "上次导入时" not in out
    assert Ledger.objects.get().column_overrides == {"落实情况": "remarks"}
    assert progress_by_number() == {1: "上月：前期", 2: "上月：选址"}


@pytest.mark.django_db
def test_a_dry_run_reads_with_the_saved_mapping_and_says_so_on_stderr(
    tmp_path: Path, capfdbinary: Any
) -> None:
    call("import", str(mapping_ledger(tmp_path)), "--column", "落实情况=progress")
    code, _, err = call("import", str(mapping_ledger(tmp_path, done="已通水")), "--dry-run")
    assert code == 0 and "已按上次导入时的列对应读取" in err
    printed = json.loads(capfdbinary.readouterr().out)
    assert printed["categories"][0]["tasks"][0]["progress"] == "已通水"


@pytest.mark.django_db
def test_another_ledger_is_not_read_with_a_saved_mapping(tmp_path: Path) -> None:
    call("import", str(mapping_ledger(tmp_path)), "--column", "落实情况=progress")
    other = mapping_ledger(tmp_path, "other.xlsx", title="2021年另一个县重点工作台账")
    code, out, _ = call("import", str(other))
    assert code == 0 and "上次导入时" not in out
    assert Ledger.objects.get(title="2021年另一个县重点工作台账").column_overrides == {}


@pytest.mark.django_db
def test_a_progress_column_under_an_unknown_title_is_named_then_mapped_and_reused(
    tmp_path: Path,
) -> None:
    header = [*HEADER[:5], "执行反馈"]
    path = mapping_ledger(tmp_path, "first.xlsx", header=header)
    code, _, err = call("import", str(path), "--dry-run")
    # Read with empty progress; the warning names the column that may hold it.
    assert code == 0 and "没有进展情况列" in err and "--column 执行反馈=progress" in err
    assert call("import", str(path), "--column", "执行反馈=进展情况")[0] == 0
    code, out, _ = call("import", str(mapping_ledger(tmp_path, "next.xlsx", header=header)))
    assert code == 0 and "已按上次导入时的列对应读取：执行反馈→进展情况" in out


@pytest.mark.django_db
def test_several_tables_are_listed_and_table_picks_one(tmp_path: Path) -> None:
    path = mapping_ledger(tmp_path, sheets=2)
    code, out, _ = call("import", str(path))
    assert code == 0 and "文件中有 2 个台账表格（用 --table N 选择）：" in out
    assert "  表格1：" in out and "  表格2：" in out
    code, out, _ = call("import", str(path), "--table", "2")
    assert code == 0
    assert set(Ledger.objects.values_list("title", flat=True)) == {
        "2021年某县重点工作台账",
        "2021年第2批项目台账",
    }


@pytest.mark.django_db
def test_a_dry_run_lists_the_tables_on_stderr(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = mapping_ledger(tmp_path, sheets=2)
    code, out, err = cli(capfd, "import", str(path), "--dry-run", "--table", "2")
    assert code == 0, err
    assert json.loads(out)["title"] == "2021年第2批项目台账"
    assert "文件中有 2 个台账表格" in err and "表格2：" in err


@pytest.mark.django_db
def test_a_number_typed_twice_imports_both_tasks_with_a_warning(tmp_path: Path) -> None:
    # The seed with task 2 numbered 1 as well: the dry run and the import both read it.
    text = SEED.read_text(encoding="utf-8").replace("\n\t2\n", "\n\t1\n", 1)
    path = tmp_path / "twice.txt"
    path.write_text(text, encoding="utf-8")
    assert call("import", str(path), "--dry-run")[0] == 0
    code, out, _ = call("import", str(path))
    assert code == 0 and "序号1重复" in out
    assert sorted(Task.objects.values_list("key", flat=True))[:2] == ["1", "1-2"]
    assert Task.objects.count() == 16
    assert call("import", str(path))[1].count("未变 16") == 1  # the same file again: nothing
