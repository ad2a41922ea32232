"""Benchmark: the CPU each request of the deadline-day mix (bench/load.py) costs, in the
application and, on PostgreSQL, in the database server's backend.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python \\
        bench/bench_request_cpu.py [--runs 40] [--rounds 2] [--kinds report,form,ledger,dashboard]
        [--reuse] [--explain]

Uses the ledger of bench/bench_pages.py (`--reuse`: the one a previous run left) and the
requests of bench/load.py, sent through Django's test client with DEBUG off by the same kinds
of users: a unit's reporter sending reports through the form on random tasks of its unit
(`report`) and opening a task page (`form`), a viewer on the ledger page (`ledger`), the
office on the dashboard (`dashboard`). Each kind gets three warm-ups, then `--runs` requests;
the kinds take turns `--rounds` times. Prints for each kind the CPU a request of this process
(`time.process_time`) and of the PostgreSQL backend serving its connection (utime + stime in
/proc/<pg_backend_pid()>/stat, read before and after the runs: the server must run on this
machine), and the queries of one request. Both are CPU, not wall time, so a busy machine
changes them much less than latency; /proc counts in clock ticks (10 ms), hence the runs.

`--explain`: one more request of each kind with its queries captured, each SELECT run again
under `EXPLAIN (ANALYZE, BUFFERS)` and the planning and execution times summed, with the
costliest queries listed (PostgreSQL only).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages  # sets up the path and the settings module
import timing

KINDS = ["report", "form", "ledger", "dashboard"]


def backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def pid_seconds(pid: int | None) -> float:
    """CPU seconds (user and system) process `pid` has used; 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests(ledger: Any, office: Any) -> dict[str, Callable[[int], Any]]:
    """Each kind's request (given a running number), as bench/load.py's users send them."""
    from django.test import Client

    from taizhang.accounts.services import account_create
    from taizhang.ledger.models import Status, TaskUnit, Unit

    def client_for(username: str, role: str, units: list[Any] | None = None) -> Client:
        user = account_create(
            username=f"{username}-{secrets.token_hex(4)}",
            password=secrets.token_urlsafe(),
            role=role,
            units=units,
        )
        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        return client

    unit = Unit.objects.get(name="水利局")
    tasks = list(
        TaskUnit.objects.filter(task__ledger=ledger, task__parent__isnull=True, unit=unit)
        .values_list("task_id", flat=True)
        .order_by("task_id")
    )
    reporter = client_for("bench-cpu-reporter", "reporter", [unit])
    viewer = client_for("bench-cpu-viewer", "viewer")
    office_client = Client(SERVER_NAME="localhost")
    office_client.force_login(office)
    rng = random.Random(13)
    statuses = list(Status.values)

    def report(n: int) -> Any:
        task = rng.choice(tasks)
        answer = reporter.post(
            f"/tasks/{task}/report/",
            {
                "progress": f"截至本月底，已完成年度目标的{n % 100}%，累计完成投资{n * 37}万元。"
                f"（第{n}次报送，任务{task}）\n下一步将加快施工进度，确保按期完成。",
                "status": rng.choice(statuses),
                "unit": str(unit.pk),
                "figures": f"完成投资 {n * 37} 万元" if n % 2 else "",
                "action": "send",
            },
        )
        assert answer.status_code == 302, answer.status_code
        return answer

    def get(client: Client, path: Callable[[], str]) -> Callable[[int], Any]:
        def request(n: int) -> Any:
            answer = client.get(path())
            assert answer.status_code == 200, answer.status_code
            return answer

        return request

    return {
        "report": report,
        "form": get(reporter, lambda: f"/tasks/{rng.choice(tasks)}/"),
        "ledger": get(viewer, lambda: f"/ledgers/{ledger.pk}/"),
        "dashboard": get(office_client, lambda: f"/ledgers/{ledger.pk}/dashboard/"),
    }


def explain(kind: str, request: Callable[[int], Any], n: int, top: int = 6) -> None:
    """One request's queries, each SELECT run again under EXPLAIN ANALYZE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        request(n)
    planning = execution = 0.0
    found = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            plan_ms, exec_ms = plan[0]["Planning Time"], plan[0]["Execution Time"]
            planning += plan_ms
            execution += exec_ms
            found.append((plan_ms + exec_ms, plan_ms, exec_ms, sql))
    print(
        f"  {kind}: {len(captured)} queries, SELECTs planned in {planning:.1f} ms and run in "
        f"{execution:.1f} ms (EXPLAIN ANALYZE, once)"
    )
    for total, plan_ms, exec_ms, sql in sorted(found, reverse=True)[:top]:
        print(f"    {total:6.2f} ms (plan {plan_ms:5.2f}, run {exec_ms:6.2f})  {sql[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--reuse", action="store_true", help="the ledger a previous run left")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries")
    args = parser.parse_args()
    kinds = timing.chosen_kinds(parser, args.kinds, KINDS)
    if args.runs < 1 or args.rounds < 1:
        parser.error("--runs and --rounds: at least 1")
    importlib.import_module("taizhang.wsgi")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    ledger, office = bench_pages.reused_or_generated(args.tasks, args.reports, args.reuse)
    chosen = {kind: request for kind, request in requests(ledger, office).items() if kind in kinds}
    options = connection.settings_dict.get("OPTIONS", {})
    print(
        f"database: {connection.vendor}; options {options}; load average {os.getloadavg()[0]:.1f}"
    )
    n = 0
    for request in chosen.values():
        for _ in range(3):
            n += 1
            request(n)
    app: dict[str, list[float]] = {kind: [] for kind in chosen}
    server: dict[str, list[float]] = {kind: [] for kind in chosen}
    for _ in range(args.rounds):
        for kind, request in chosen.items():
            pid = backend_pid()
            start_cpu, start_server = time.process_time(), pid_seconds(pid)
            for _ in range(args.runs):
                n += 1
                request(n)
            if backend_pid() != pid:
                sys.exit(f"{kind}: the database connection changed during the runs")
            app[kind].append((time.process_time() - start_cpu) / args.runs * 1000)
            server[kind].append((pid_seconds(pid) - start_server) / args.runs * 1000)
    print(f"CPU a request, ms (each of {args.rounds} turns of {args.runs} requests):")
    for kind, request in chosen.items():
        with CaptureQueriesContext(connection) as captured:
            n += 1
            request(n)
        print(
            f"  {kind:9} app {statistics.median(app[kind]):6.1f} "
            f"({' '.join(f'{v:.1f}' for v in app[kind])})  database "
            f"{statistics.median(server[kind]):5.1f} "
            f"({' '.join(f'{v:.1f}' for v in server[kind])})  {len(captured)} queries"
        )
    mix = {"report": 0.6, "ledger": 0.3, "dashboard": 0.1}
    if all(kind in chosen for kind in mix):
        for name, values in (("app", app), ("database", server)):
            weighted = sum(share * statistics.median(values[kind]) for kind, share in mix.items())
            print(f"  the mix (60% report, 30% ledger, 10% dashboard), {name}: {weighted:.1f} ms")
    if args.explain and connection.vendor == "postgresql":
        for kind, request in chosen.items():
            n += 1
            explain(kind, request, n)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()
