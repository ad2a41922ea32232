"""Benchmark: the dashboard (驾驶舱) page and its JSON API on a generated ledger.

    .venv/bin/python bench/bench_dashboard.py [--tasks 10000] [--reports 100000] [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/taizhang_bench_dash .venv/bin/python \\
        bench/bench_dashboard.py --tasks 100000

Generates the ledger of bench/bench_pages.py (categories, 1–2 leaders and 1–3 of 40 units a
task, figures in the texts, 11 rounds with the last open, `--reports` reports), gives the
closed rounds a snapshot as closing them does, then requests the dashboard as the office and as
a unit's reporter through Django's test client with DEBUG off: three warm-ups, then `--runs`
timed requests. Prints the median and p95 in ms, the SQL queries of one request and the size
of the answer. Targets: under 150 ms median at 10,000 tasks and under 1 s at 100,000, on both
databases; the page under 300 KB at any size.
"""

from __future__ import annotations

import argparse
import importlib
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages  # sets up the path and the settings module


def close_rounds_with_snapshots(ledger: Any) -> None:
    """What `round_close` keeps for each closed round: the snapshot, the task ids, and each
    task's status (the same ledger for all: it is generated once)."""
    from taizhang.documents.json_format import ledger_to_dict
    from taizhang.ledger.selectors import ledger_document
    from taizhang.reporting.models import Round
    from taizhang.reporting.snapshots import round_statuses_write, snapshot_task_ids

    doc = ledger_document(ledger)
    snapshot, ids = ledger_to_dict(doc), snapshot_task_ids(ledger.pk, doc)
    for round_ in Round.objects.filter(ledger=ledger, closed_at__isnull=False):
        round_.snapshot, round_.snapshot_ids = snapshot, ids
        round_.save(update_fields=["snapshot", "snapshot_ids"])
        round_statuses_write(round_, doc)


def server_cpu() -> float:
    """Seconds of CPU the PostgreSQL backend of this connection has used, when the server
    runs on this machine (/proc); 0 on SQLite (its work is this process's)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def timed(request: Any, runs: int, warm_ups: int = 3) -> tuple[float, float, float, int, int]:
    """Median and p95 ms of `runs` requests after three warm-ups, the median ms of CPU
    (`time.process_time` of this process, and on PostgreSQL its backend's from /proc: what a
    busy machine does not change much), queries and bytes of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm_ups):
        response = request()
        assert response.status_code == 200, response.status_code
    took, cpu = [], []
    for _ in range(runs):
        start, start_cpu, server = time.perf_counter(), time.process_time(), server_cpu()
        request()
        took.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu + server_cpu() - server) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = request()
    p95 = statistics.quantiles(took, n=20, method="inclusive")[-1] if runs > 1 else took[0]
    return statistics.median(took), p95, statistics.median(cpu), len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warm-ups", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="the ledger a previous run left")
    args = parser.parse_args()
    importlib.import_module("taizhang.wsgi")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from taizhang.accounts.services import account_create, token_create
    from taizhang.ledger.models import Unit

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    found = bench_pages.previous_run(args.tasks) if args.reuse else None
    if found is None:
        bench_pages.delete_previous_run()
        ledger, office = bench_pages.generate(args.tasks, args.reports)
        close_rounds_with_snapshots(ledger)
    else:
        ledger, office = found
    print(
        f"database: {connection.vendor}; ledger: {args.tasks} tasks, {args.reports} reports; "
        f"data generation {time.perf_counter() - start:.1f} s; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    page, api = f"/ledgers/{ledger.pk}/dashboard/", f"/api/ledgers/{ledger.pk}/dashboard"
    office_client = Client(SERVER_NAME="localhost")
    office_client.force_login(office)
    token = token_create(user=office, name=f"bench-{secrets.token_hex(4)}")
    api_client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    reporter = account_create(
        username=f"bench-dash-{secrets.token_hex(4)}",
        password=secrets.token_urlsafe(),
        role="reporter",
        units=[Unit.objects.get(name="水利局")],
    )
    reporter_client = Client(SERVER_NAME="localhost")
    reporter_client.force_login(reporter)
    for name, request in [
        ("dashboard page, office", lambda: office_client.get(page)),
        ("dashboard page, 水利局 reporter", lambda: reporter_client.get(page)),
        ("dashboard page, office, as of 2021-06-30", lambda: office_client.get(
            page, {"as_of": "2021-06-30"}
        )),
        ("dashboard API, office", lambda: api_client.get(api)),
    ]:  # fmt: skip
        median, p95, cpu, queries, size = timed(request, args.runs, args.warm_ups)
        print(
            f"median {median:7.1f} ms  p95 {p95:7.1f} ms  CPU {cpu:7.1f} ms  {queries:2} queries  "
            f"{size / 1024:6.1f} KB  {name}"
        )
    print(f"(load average {os.getloadavg()[0]:.1f} at the end)")
    print("targets: median under 150 ms at 10,000 tasks, under 1 s at 100,000; under 300 KB")


if __name__ == "__main__":
    main()
