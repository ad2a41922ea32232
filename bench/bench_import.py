"""Benchmark: read and import a generated ledger (5,000 tasks in the text layout by default).

    .venv/bin/python bench/bench_import.py [--tasks 5000] [--subitems 2] [--repeat 3]
        [--format txt|docx|xlsx] [--edition]

Every tenth task has `--subitems` sub-items (3-1, 3-2 …; 0 for none). The ledger is written
in `--format` (.docx and .xlsx by the project's own writers, as an office would upload them),
then each step runs `--repeat` times, each time in a fresh child process, which prints its
time and its peak RSS (reading the file included, as in `taizhang import`; the kernel's
high-water mark of the process, VmHWM, which is `ru_maxrss` without what a child forked
from a large parent inherits there):

- read: bytes -> LedgerDoc;
- first import: `ledger_import` into a database without the ledger (the time is the import's;
  the peak is the whole process's, reading included);
- re-import: the same file again, nothing changes;
- with `--edition`, a renumbered edition: one task more at the top (every number shifts by
  one, so every task changes and gives up its key), more progress in every tenth task and
  another leader in every twentieth.

Prints the median time and the largest peak of each step. Uses DATABASE_URL when set, else a
fresh SQLite file in a temporary directory. Targets: under 2 s each at 5,000 tasks on one core;
at 50,000 tasks, a peak under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

os.environ.setdefault("TAIZHANG_DATA_DIR", tempfile.mkdtemp(prefix="taizhang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

UNITS = ["卫健委", "水利局", "住建局", "教体局", "交投集团", "农业农村局", "文广旅局", "民政局"]
LEADERS = ["谭  江", "侯  波", "李拴根", "张宏义"]
DEADLINES = ["2021年12月31日", "5月底前完成选址，年底前建成。", "8月份开工", "三季度末", "长期坚持"]
STATUSES = ["正在推进", "已完成", "推进缓慢", "未启动"]
FORMATS = ("txt", "docx", "xlsx")
STEPS = {
    "read": "read (file -> LedgerDoc)",
    "import": "import into empty database",
    "again": "re-import, nothing changed",
    "edition": "re-import, renumbered edition",
}


def generated_ledger(tasks: int, subitems: int = 0) -> bytes:
    """A ledger in the text layout with `tasks` tasks in categories of 20, every tenth with
    `subitems` sub-items."""
    from taizhang.documents.write_text import write_text

    return write_text(generated_doc(tasks, subitems))


def generated_doc(tasks: int, subitems: int = 0) -> Any:
    """The `LedgerDoc` of `generated_ledger`."""
    from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef

    doc = LedgerDoc(title="2021年基准测试重点工作台账", year=2021)
    for n in range(1, tasks + 1):
        if (n - 1) % 20 == 0:
            doc.categories.append(CategoryDoc(number=len(doc.categories) + 1, name=f"第{n}类工作"))
        task = TaskDoc(
            number=n,
            goal=f"实施第{n}号民生工程，新建和改建教师周转宿舍{n % 500 + 12}套。",
            leaders=[LEADERS[n % 4], LEADERS[(n + 1) % 4]][: 1 + n % 2],
            units=[UnitRef(UNITS[n % 8]), UnitRef(UNITS[(n + 3) % 8])][: 1 + n % 2],
            deadline_text=DEADLINES[n % len(DEADLINES)],
            progress=f"目前已完成投资{n * 7}万元。\n主体工程完成{n % 100}%。",
            status_label=STATUSES[n % 4],
        )
        if n % 10 == 0:
            task.subitems = [
                TaskDoc(
                    number=k,
                    goal=f"第{n}号工程第{k}标段，新建宿舍{k * 6}套。",
                    units=[UnitRef(UNITS[(n + k) % 8])],
                    deadline_text=DEADLINES[(n + k) % len(DEADLINES)],
                    progress=f"第{k}标段完成投资{n * k}万元。",
                    status_label=STATUSES[(n + k) % 4],
                )
                for k in range(1, subitems + 1)
            ]
        doc.categories[-1].tasks.append(task)
    return doc


def renumbered_edition(doc: Any) -> Any:
    """A later edition of `doc`: a new task first (every task's number shifts by one), every
    tenth task with more progress and every twentieth with another leader. (Its goals differ
    only in their figures: a reworded one would be asked about, not matched.)"""
    from taizhang.documents.model import TaskDoc, UnitRef

    first = doc.categories[0].tasks
    first.insert(0, TaskDoc(number=0, goal="新增的第一项民生工程。", units=[UnitRef(UNITS[0])]))
    for n, task in enumerate(doc.tasks, 1):
        task.number = n
        if n % 10 == 0:
            task.progress += "\n本月又完成投资100万元。"
        if n % 20 == 0:
            task.leaders = [LEADERS[(n + 2) % 4]]
    return doc


def written(doc: Any, form: str) -> bytes:
    """The ledger as a file of this format, written by the project's own writers."""
    from taizhang.documents.write_docx import write_docx
    from taizhang.documents.write_text import write_text
    from taizhang.documents.write_xlsx import write_xlsx

    writers: dict[str, Callable[[Any], bytes]] = {
        "txt": write_text,
        "docx": write_docx,
        "xlsx": write_xlsx,
    }
    return writers[form](doc)


def peak_mb() -> float:
    """This process's peak RSS in MB: VmHWM where /proc has it (Linux), else ru_maxrss."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(step: str, path: str) -> None:
    """One step in this (fresh) process: print its time, CPU time and peak RSS as JSON."""
    import django

    django.setup()
    from taizhang.documents.readers import read_ledger
    from taizhang.ledger.services import ledger_import

    setup = peak_mb()
    data = Path(path).read_bytes()
    start, cpu = time.perf_counter(), time.process_time()
    doc = read_ledger(data, name=Path(path).name)
    if step != "read":
        del data
        start, cpu = time.perf_counter(), time.process_time()
        ledger_import(doc=doc)
    figures = {
        "seconds": time.perf_counter() - start,
        "cpu": time.process_time() - cpu,
        "peak_mb": peak_mb(),
        "setup_mb": setup,
    }
    print(json.dumps(figures))


def run_child(step: str, path: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, str(path)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    if done.returncode:
        sys.exit(f"{step} failed:\n{done.stderr}")
    output = done.stdout
    figures: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return figures


def measured(folder: Path, args: argparse.Namespace) -> tuple[dict[str, Any], Any, float]:
    """Write the ledger (and its edition) into `folder`, check it reads back, run each step
    `args.repeat` times in child processes: their figures by step, the ledger read, its size
    in MB."""
    from taizhang.documents.readers import read_ledger
    from taizhang.ledger.models import Ledger

    doc = generated_doc(args.tasks, args.subitems)
    files = {"base": folder / f"ledger.{args.format}"}
    files["base"].write_bytes(written(doc, args.format))
    if args.edition:
        files["edition"] = folder / f"edition.{args.format}"
        files["edition"].write_bytes(written(renumbered_edition(doc), args.format))
    read = read_ledger(files["base"].read_bytes(), name=files["base"].name)
    rows = sum(1 + len(task.subitems) for task in read.tasks)
    assert len(read.tasks) == args.tasks, "tasks not read"
    assert rows == args.tasks + args.tasks // 10 * args.subitems, "sub-items not read"
    figures: dict[str, list[dict[str, float]]] = {step: [] for step in STEPS}
    for _ in range(args.repeat):
        figures["read"].append(run_child("read", files["base"]))
        Ledger.objects.filter(title=read.title).delete()
        figures["import"].append(run_child("import", files["base"]))
        figures["again"].append(run_child("again", files["base"]))
        if args.edition:
            figures["edition"].append(run_child("edition", files["edition"]))
    return figures, read, files["base"].stat().st_size / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--subitems", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--format", choices=FORMATS, default="txt")
    parser.add_argument("--edition", action="store_true", help="also a renumbered edition")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with tempfile.TemporaryDirectory(prefix="taizhang-bench-files-") as folder:
        figures, read, size = measured(Path(folder), args)
    rows = sum(1 + len(task.subitems) for task in read.tasks)
    print(
        f"database: {connection.vendor}; ledger: {args.tasks} tasks and "
        f"{rows - args.tasks} sub-items, {size:.1f} MB {args.format}"
    )
    print(f"{'step':32} {'time':>9} {'CPU':>9} {'peak RSS':>10}  (median time of {args.repeat})")
    for step, label in STEPS.items():
        if figures[step]:
            found = figures[step]
            seconds = statistics.median(f["seconds"] for f in found)
            cpu = statistics.median(f["cpu"] for f in found)
            peak = max(f["peak_mb"] for f in found)
            print(f"{label:32} {seconds:7.2f} s {cpu:7.2f} s {peak:7.0f} MB")
    setup = max(f["setup_mb"] for f in figures["read"])
    print(f"(each child process: {setup:.0f} MB once Django is set up, before reading)")
    print("targets: under 2 s each at 5,000 tasks; a peak under 300 MB at 50,000")


if __name__ == "__main__":
    main()
