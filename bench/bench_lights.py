"""Benchmark: the CPU of the office changing a ledger's light thresholds (`light_settings_set`),
which rebuilds the ledger's stored states and writes a history entry for each task whose light
it changes, on the generated ledger of bench/bench_pages.py.

    .venv/bin/python bench/bench_lights.py [--tasks 10000] [--runs 6]

Generates the ledger (with 2,000 reports), then sets the thresholds `--runs` times, the warning
days alternating 365 and 30 so that lights change each time, on 2021-06-01. Prints the median
CPU of this process in ms (SQLite: the database's work is this process's), each run's, and the
history entries written.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages  # sets up the path and the settings module


def cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=6)
    args = parser.parse_args()
    import django

    django.setup()
    import time_machine
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from taizhang.ledger.models import TaskRevision
    from taizhang.supervision.services import light_settings_set
    from taizhang.supervision.state import states_refresh

    ledger, office = bench_pages.generate(args.tasks, 2000)
    cpu = []
    with time_machine.travel("2021-06-01 10:00 +0800", tick=False):
        states_refresh(ledger=ledger)
        for run in range(args.runs):
            days = 365 if run % 2 == 0 else 30
            start = cpu_ms()
            light_settings_set(ledger=ledger, warn_days=days, pace_margin=Decimal(10), actor=office)
            cpu.append(cpu_ms() - start)
    entries = TaskRevision.objects.filter(task__ledger=ledger, source="edit").count()
    print(
        f"tasks={args.tasks} median CPU {statistics.median(cpu):.0f} ms "
        f"runs={[round(c) for c in cpu]} history entries={entries}"
    )


if __name__ == "__main__":
    main()
