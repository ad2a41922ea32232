"""Benchmark: a unit's report sent through the report form (the deadline day's most frequent
request), as the CPU it costs and the SQL queries it makes.

    .venv/bin/python bench/bench_report_post.py [--tasks 10000] [--reports 100000] [--runs 20]
        [--reuse] [--queries] [--profile N]

Uses the ledger of bench/bench_pages.py (`--reuse`: the one a previous run left, else a new
one), signs in a reporter of 水利局 and sends `--runs` reports on as many of its tasks (half
with a figure line) through Django's test client with DEBUG off, as the form posts them
(multipart), without the messages cookie of the previous answers (as bench/load.py).
Prints the median and the least CPU of this process a request (`time.process_time`: on
SQLite it includes the database's work; a busy machine changes it much less than the wall
time, the least least of all) and the median wall time, and the queries of one more report
(`--queries`: each one's SQL). `--profile N`: the requests are sent again under cProfile and
its N costliest functions (cumulative) printed.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages  # sets up the path and the settings module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="the ledger a previous run left")
    parser.add_argument("--queries", action="store_true", help="print each query's SQL")
    parser.add_argument("--profile", type=int, default=0, help="print cProfile's N costliest")
    args = parser.parse_args()
    importlib.import_module("taizhang.wsgi")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from taizhang.accounts.services import account_create
    from taizhang.ledger.models import Task, Unit

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    ledger, _office = bench_pages.reused_or_generated(args.tasks, args.reports, args.reuse)
    unit = Unit.objects.get(name="水利局")
    reporter = account_create(
        username=f"bench-post-{secrets.token_hex(4)}",
        password=secrets.token_urlsafe(),
        role="reporter",
        units=[unit],
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(reporter)
    tasks = list(
        Task.objects.filter(
            ledger=ledger, unit_links__unit=unit, parent__isnull=True, removed_at__isnull=True
        )
        .exclude(subitems__isnull=False)
        .order_by("order")
        .values_list("pk", flat=True)[: args.runs * (2 if args.profile else 1) + 2]
    )

    def send(n: int, task: int) -> None:
        answer = client.post(
            f"/tasks/{task}/report/",
            {
                "progress": f"截至本月底，已完成年度目标的{n}%，累计完成投资{n * 37}万元。",
                "status": "in_progress",
                "unit": str(unit.pk),
                "figures": f"完成投资 {n * 37} 万元" if n % 2 else "",
                "action": "send",
            },
        )
        assert answer.status_code == 302, answer.status_code
        # Not sent back, as bench/load.py's client does not (a browser would read the
        # messages on the redirect's page): kept, they grew with every report sent.
        client.cookies.pop("messages", None)

    send(0, tasks[0])  # warm-up
    cpu, wall = [], []
    for n, task in enumerate(tasks[1 : args.runs + 1], start=1):
        start, start_cpu = time.perf_counter(), time.process_time()
        send(n, task)
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        send(len(tasks), tasks[-1])
    print(
        f"database: {connection.vendor}; report POST: CPU median {statistics.median(cpu):.1f} ms "
        f"(least {min(cpu):.1f}), "
        f"wall median {statistics.median(wall):.1f} ms, {len(queries)} queries; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if args.queries:
        for query in queries.captured_queries:
            print(query["sql"][:160])
    if args.profile:
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for n, task in enumerate(tasks[args.runs + 1 : -1], start=args.runs + 1):
            send(n, task)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
