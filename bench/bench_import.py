"""Benchmark: read and import a generated 5,000-task ledger in the text layout.

    .venv/bin/python bench/bench_import.py [--tasks 5000] [--subitems 2] [--repeat 3]

Every tenth task has `--subitems` sub-items (3-1, 3-2 …; 0 for none). Prints the median wall
time of reading (bytes -> LedgerDoc), of the first import into an empty database, and of
re-importing the same ledger (nothing changes). Uses DATABASE_URL when set,
else a fresh SQLite file in a temporary directory. Target: under 2 s each on one core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from timing import median_seconds

os.environ.setdefault("TAIZHANG_DATA_DIR", tempfile.mkdtemp(prefix="taizhang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

UNITS = ["卫健委", "水利局", "住建局", "教体局", "交投集团", "农业农村局", "文广旅局", "民政局"]
LEADERS = ["谭  江", "侯  波", "李拴根", "张宏义"]
DEADLINES = ["2021年12月31日", "5月底前完成选址，年底前建成。", "8月份开工", "三季度末", "长期坚持"]
STATUSES = ["正在推进", "已完成", "推进缓慢", "未启动"]


def generated_ledger(tasks: int, subitems: int = 0) -> bytes:
    """A ledger in the text layout with `tasks` tasks in categories of 20, every tenth with
    `subitems` sub-items."""
    from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
    from taizhang.documents.write_text import write_text

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
    return write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--subitems", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from taizhang.documents.read_text import read_text
    from taizhang.ledger.models import Ledger
    from taizhang.ledger.services import ledger_import

    call_command("migrate", verbosity=0)
    data = generated_ledger(args.tasks, args.subitems)
    read = median_seconds(lambda: read_text(data, name="bench.txt"), args.repeat)
    doc = read_text(data, name="bench.txt")
    assert len(doc.tasks) == args.tasks
    rows = sum(1 + len(task.subitems) for task in doc.tasks)
    assert rows == args.tasks + args.tasks // 10 * args.subitems, "sub-items not read"

    def first_import() -> None:
        Ledger.objects.filter(title=doc.title).delete()
        start = time.perf_counter()
        ledger_import(doc=doc)
        first_times.append(time.perf_counter() - start)

    first_times: list[float] = []
    for _ in range(args.repeat):
        first_import()
    again = median_seconds(lambda: ledger_import(doc=doc), args.repeat)
    size = len(data) / 1e6
    print(
        f"database: {connection.vendor}; ledger: {args.tasks} tasks and "
        f"{rows - args.tasks} sub-items, {size:.1f} MB text"
    )
    print(f"read (text -> LedgerDoc):      {read:.3f} s  (median of {args.repeat})")
    first = statistics.median(first_times)
    print(f"import into empty database:    {first:.3f} s  (median of {args.repeat})")
    print(f"re-import, nothing changed:    {again:.3f} s  (median of {args.repeat})")
    print("target: under 2 s each")


if __name__ == "__main__":
    main()
