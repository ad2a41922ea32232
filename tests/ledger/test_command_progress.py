"""Progress bars of the command line: `taizhang import` and `taizhang export` draw one on
stderr when stderr is a terminal (redrawn in place, rising to 100%, ended with a new line),
and write nothing more than before when it is not (a pipe, a log, a test)."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from taizhang.ledger.management.commands import _progress
from taizhang.ledger.management.commands._progress import ProgressBar
from taizhang.ledger.models import Ledger
from taizhang.ledger.services import importing
from tests.conftest import SEED
from tests.factories import World
from tests.jobs.imported import BIG_TITLE, big_ledger_json
from tests.upgrade.cli import Site

BAR = re.compile(r"\r(\S+) \[([#-]{30})\] +(\d+)%  (\d+)/(\d+)")


class Terminal(io.StringIO):
    """What a terminal would show, kept as written."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def every_redraw(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_progress, "REDRAW_EVERY", 0)


def percents(shown: str, label: str) -> list[int]:
    return [int(m[3]) for m in BAR.finditer(shown) if m[1] == label]


def test_a_bar_draws_nothing_unless_on_a_terminal() -> None:
    out = io.StringIO()
    with ProgressBar(out, "导入") as bar:
        bar.update(5, 10)
        bar.update(10, 10)
    assert out.getvalue() == ""


def test_a_bar_is_redrawn_in_place_and_ends_its_line(every_redraw: None) -> None:
    out = Terminal()
    with ProgressBar(out, "导入") as bar:
        for done in (0, 3, 3, 10):
            bar.update(done, 10)
    shown = out.getvalue()
    assert shown.count("\r") == 3 and shown.endswith("\r导入 [" + "#" * 30 + "] 100%  10/10\n")
    assert percents(shown, "导入") == [0, 30, 100]
    assert "\r导入 [#########---------------------]  30%  3/10" in shown


def test_a_bar_redraws_at_most_every_so_often_but_always_at_the_end() -> None:
    out = Terminal()
    with ProgressBar(out, "导入") as bar:
        for done in range(1001):
            bar.update(done, 1000)
    assert percents(out.getvalue(), "导入")[-1] == 100
    assert len(percents(out.getvalue(), "导入")) < 20


def test_an_empty_ledger_is_done_at_once(every_redraw: None) -> None:
    out = Terminal()
    with ProgressBar(out, "导入") as bar:
        bar.update(0, 0)
    assert percents(out.getvalue(), "导入") == [100]


@pytest.fixture
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "大台账.json"
    path.write_bytes(big_ledger_json(120))
    return path


@pytest.mark.django_db
def test_import_shows_a_bar_on_a_terminal(
    big_file: Path, every_redraw: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH", 50)
    err, out = Terminal(), io.StringIO()
    call_command("import", str(big_file), stdout=out, stderr=err)
    assert percents(err.getvalue(), "导入") == [0, 41, 83, 100]
    assert err.getvalue().endswith("120/120\n")
    assert "新增 120" in out.getvalue() and "\r" not in out.getvalue()
    assert Ledger.objects.filter(title=BIG_TITLE).exists()


@pytest.mark.django_db
def test_import_writes_no_bar_when_not_on_a_terminal(big_file: Path, every_redraw: None) -> None:
    err, out = io.StringIO(), io.StringIO()
    call_command("import", str(big_file), stdout=out, stderr=err)
    assert err.getvalue() == "" and "新增 120" in out.getvalue()


def test_export_shows_its_steps_on_a_terminal(
    world: World, every_redraw: None, tmp_path: Path
) -> None:
    err, out = Terminal(), io.StringIO()
    target = tmp_path / "台账.xlsx"
    args = [str(world.ledger.pk), "--format", "xlsx", "-o", str(target)]
    call_command("export", *args, stdout=out, stderr=err)
    shown = err.getvalue()
    assert percents(shown, "导出") == [0, 33, 66, 100]
    # The bar's line is ended before the line that follows it.
    assert shown.endswith(f"3/3\n已导出到 {target}\n") and target.stat().st_size > 0


def test_export_to_stdout_writes_nothing_else_when_not_on_a_terminal(world: World) -> None:
    err, out = io.StringIO(), io.StringIO()
    call_command("export", str(world.ledger.pk), "--format", "txt", stdout=out, stderr=err)
    assert err.getvalue() == ""


def test_a_failing_export_ends_the_bar_before_its_error(
    world: World, every_redraw: None, tmp_path: Path
) -> None:
    err = Terminal()
    with pytest.raises(SystemExit):
        call_command(
            "export", str(world.ledger.pk), "--round", "999", stdout=io.StringIO(), stderr=err
        )
    assert err.getvalue().endswith("0/3\n错误：该台账没有编号为 999 的已关闭轮次\n")


def test_the_real_command_draws_on_a_real_terminal(tmp_path: Path, migrated_sqlite: Path) -> None:
    """`taizhang import` in a process of its own, its stderr a pseudo-terminal; its stdout a
    pipe, which gets the summary only. Into a migrated installation (a copy of one)."""
    Site.migrated(tmp_path, migrated_sqlite)
    env = {**os.environ, "TAIZHANG_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "taizhang.cli"]
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [*command, "import", str(SEED)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            check=False,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: all was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0, shown.decode()
    text = shown.decode()
    # A terminal turns "\n" into "\r\n".
    assert percents(text, "导入")[-1] == 100 and "16/16\r\n" in text
    assert b"\r" not in done.stdout and "新增 16".encode() in done.stdout
