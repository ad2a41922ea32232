"""How long `make test` takes here, against an earlier commit, in one run on this machine.

    .venv/bin/python bench/bench_suite.py [--base REV] [--head REV|WORKTREE] [--repeat N]

Each commit is checked out in a temporary git worktree (WORKTREE: a copy of this checkout's
files as they are now, uncommitted changes included) and the commands its own Makefile's
`test` target runs (`make -n test`: lint, type check, migrations check, the suite) are run
there with this checkout's virtualenv, the tree's `src` first on the path, and a fresh data
directory. Nothing is installed: run `make test` once before so the venv has every package
either commit needs. The two are timed one after the other, base first (alternating with
--repeat), and the figures printed: wall seconds of the whole target and of its pytest steps,
the CPU seconds of all its processes (user and system: a steadier figure than the wall time
on a machine that does other work), and the change of the medians.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# The commit before the work on issue 10 (one gate, one source, faster tests).
DEFAULT_BASE = "847da88"
WORKTREE = "WORKTREE"  # this checkout as it is, uncommitted changes included


def recipe(tree: Path) -> list[str]:
    """The shell commands of the tree's `make test`, without the install steps."""
    printed = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "-o", ".venv/.installed-dev", "test"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    joined = printed.replace("\\\n", " ")  # a recipe line continued with a backslash
    return [line for line in joined.splitlines() if ".venv/bin/" in line and "pip" not in line]


class Run:
    """One `make test`: wall seconds of the whole and of the pytest steps, CPU seconds of
    every process it started, and the summary line of its longest pytest step."""

    def __init__(self) -> None:
        self.total = self.pytest = self.cpu = self._longest = 0.0
        self.summary = ""

    def add(self, command: str, seconds: float, cpu: float, stdout: str) -> None:
        self.total += seconds
        self.cpu += cpu
        if "/pytest" in command:
            # The suite and, where the recipe has one, the gate's coverage run: their time
            # together, the summary of the longer.
            found = re.findall(r"^=+ (.* in [\d.]+s.*) =+$", stdout, re.M)
            if seconds > self._longest:
                self._longest, self.summary = seconds, (found[-1] if found else stdout[-300:])
            self.pytest += seconds

    def line(self) -> str:
        return (
            f"make test {self.total:6.1f} s, pytest {self.pytest:6.1f} s, "
            f"CPU {self.cpu:6.1f} s ({self.summary})"
        )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(tree: Path, commands: list[str]) -> Run:
    """Run the commands in the tree as make would."""
    data = tempfile.mkdtemp(prefix="taizhang-suite-")
    env = {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),
        "TAIZHANG_DATA_DIR": data,
        "COVERAGE_FILE": f"{data}/.coverage",
    }
    run = Run()
    for command in commands:
        start, cpu = time.perf_counter(), children_cpu()
        # The Makefile's own recipe lines, run as make runs them: through a shell.
        result = subprocess.run(  # noqa: S602
            command,
            shell=True,
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        run.add(command, time.perf_counter() - start, children_cpu() - cpu, result.stdout)
        if result.returncode != 0:
            print(f"  ! {command.split()[0]} exited {result.returncode}", file=sys.stderr)
            print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    shutil.rmtree(data, ignore_errors=True)
    return run


def worktree(rev: str, into: Path) -> Path:
    path = into / rev
    if rev == WORKTREE:
        copy_checkout(path)
    else:
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), rev],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    (path / ".venv").symlink_to(VENV)
    return path


def copy_checkout(path: Path) -> None:
    """This checkout's files as they are now: tracked (deleted ones aside) and new, not the
    ignored ones (the venv, caches, data)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, path / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=DEFAULT_BASE)
    parser.add_argument("--head", default="HEAD", help=f"a commit, or {WORKTREE}")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taizhang-worktrees-") as scratch:
        runs: dict[str, list[Run]] = {args.base: [], args.head: []}
        try:
            trees = {rev: worktree(rev, Path(scratch)) for rev in runs}
            for _ in range(args.repeat):
                for rev, tree in trees.items():
                    runs[rev].append(timed(tree, recipe(tree)))
                    print(f"{rev:>10}: {runs[rev][-1].line()}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)
    for figure in ("total", "pytest", "cpu"):
        base = statistics.median(getattr(run, figure) for run in runs[args.base])
        head = statistics.median(getattr(run, figure) for run in runs[args.head])
        name = {"total": "make test", "pytest": "pytest steps", "cpu": "CPU"}[figure]
        print(f"{name} (median): {base:.1f} s -> {head:.1f} s ({(head - base) / base:+.1%})")


if __name__ == "__main__":
    main()
