"""How long `make test` takes here, against an earlier commit, in one run on this machine.

    .venv/bin/python bench/bench_suite.py [--base REV] [--head REV]

Each commit is checked out in a temporary git worktree and the commands its own Makefile's
`test` target runs (`make -n test`: lint, type check, migrations check, the suite) are run
there with this checkout's virtualenv, the worktree's `src` first on the path, and a fresh
data directory. Nothing is installed: run `make test` once before so the venv has every
package either commit needs. The two commits are timed one after the other, base first, and
the figures printed: wall seconds of the whole target and of the pytest step, and the change.
"""

from __future__ import annotations

import argparse
import os
import re
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


def timed(tree: Path, commands: list[str]) -> tuple[float, float, str]:
    """Run the commands in the tree; the whole time, the pytest step's, and pytest's summary."""
    data = tempfile.mkdtemp(prefix="taizhang-suite-")
    env = {
        **os.environ,
        "PYTHONPATH": str(tree / "src"),
        "TAIZHANG_DATA_DIR": data,
        "COVERAGE_FILE": f"{data}/.coverage",
    }
    total = pytest_seconds = longest = 0.0
    summary = ""
    for command in commands:
        start = time.perf_counter()
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
        seconds = time.perf_counter() - start
        total += seconds
        if "/pytest" in command:
            # The suite and, where the recipe has one, the gate's coverage run: their time
            # together, the summary of the longer.
            found = re.findall(r"^=+ (.* in [\d.]+s.*) =+$", result.stdout, re.M)
            if seconds > longest:
                longest, summary = seconds, (found[-1] if found else result.stdout[-300:])
            pytest_seconds += seconds
        if result.returncode != 0:
            print(f"  ! {command.split()[0]} exited {result.returncode}", file=sys.stderr)
            print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
    return total, pytest_seconds, summary


def worktree(rev: str, into: Path) -> Path:
    path = into / rev
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(path), rev],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (path / ".venv").symlink_to(VENV)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=DEFAULT_BASE)
    parser.add_argument("--head", default="HEAD")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, alternating")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="taizhang-worktrees-") as scratch:
        runs: dict[str, list[tuple[float, float, str]]] = {args.base: [], args.head: []}
        try:
            trees = {rev: worktree(rev, Path(scratch)) for rev in runs}
            for _ in range(args.repeat):
                for rev, tree in trees.items():
                    runs[rev].append(timed(tree, recipe(tree)))
                    total, pytest_seconds, summary = runs[rev][-1]
                    line = f"make test {total:6.1f} s, pytest {pytest_seconds:6.1f} s ({summary})"
                    print(f"{rev:>10}: {line}", flush=True)
        finally:
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)
    base = statistics.median(total for total, _, _ in runs[args.base])
    head = statistics.median(total for total, _, _ in runs[args.head])
    print(f"make test (median): {base:.1f} s -> {head:.1f} s ({(head - base) / base:+.1%})")


if __name__ == "__main__":
    main()
