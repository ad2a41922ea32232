"""Benchmark: `taizhang backup` and `taizhang restore` of the ledger of bench/bench_pages.py
(10,000 tasks, 100,000 reports, 11 rounds).

    TAIZHANG_DATA_DIR=/tmp/bench-backup .venv/bin/python bench/bench_backup.py \
        [--tasks 10000] [--reports 100000]

Generates the data in DATABASE_URL (or an SQLite file in the data directory; use an empty
one), then times a backup to a file and a restore of it with --force into the same database
(every table emptied and reloaded in one transaction, then `migrate`). Prints wall and process
(CPU) seconds of each: the machine may be shared, CPU seconds are the steadier figure.

`--restore FILE [--repeat N]` only times restores of an existing archive into the database
(with --force): to compare two versions of the code on the same data, run it with each one's
`src` first on PYTHONPATH."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--restore", type=Path, help="only restore this archive, --repeat times")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    importlib.import_module("taizhang.wsgi")
    from bench import bench_pages
    from django.core.management import call_command
    from django.db import connection

    from taizhang.jobs.backups.dump import backup_write

    if args.restore:
        for _ in range(args.repeat):
            timed_restore(args.restore)
        return
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    bench_pages.generate(args.tasks, args.reports)
    print(f"database: {connection.vendor}; {args.tasks} tasks, {args.reports} reports")
    print(f"data generation: {time.perf_counter() - start:.1f} s")
    with tempfile.TemporaryDirectory() as folder:
        archive = Path(folder) / "bench.tar"
        wall, cpu = time.perf_counter(), time.process_time()
        result = backup_write(archive)
        print(
            f"backup:  {time.perf_counter() - wall:5.1f} s wall, "
            f"{time.process_time() - cpu:5.1f} s CPU; {result.manifest.row_total} rows, "
            f"{result.size / 2**20:.1f} MiB; load average {os.getloadavg()[0]:.1f}"
        )
        timed_restore(archive)


def timed_restore(archive: Path) -> None:
    from django.db import connection

    import taizhang
    from taizhang.jobs.backups.load import backup_restore

    wall, cpu = time.perf_counter(), time.process_time()
    restored = backup_restore(archive, force=True)
    print(
        f"restore: {time.perf_counter() - wall:5.1f} s wall, "
        f"{time.process_time() - cpu:5.1f} s CPU; {restored.rows} rows into "
        f"{connection.vendor}; load average {os.getloadavg()[0]:.1f} ({taizhang.__file__})"
    )


if __name__ == "__main__":
    main()
