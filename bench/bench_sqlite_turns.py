"""Benchmark: how long SQLite writers wait for the write lock, with SQLite's busy handler
alone and with Taizhang's turns on the lock file (taizhang.sqlite.WriteTurn).

    .venv/bin/python bench/bench_sqlite_turns.py [--processes 10] [--seconds 20] [--hold-ms 2]

`--processes` processes write to one SQLite file (WAL, synchronous=FULL, busy timeout 30 s,
as Taizhang's settings), each in a loop: up to 60 ms of work outside any transaction (random),
then a write transaction (BEGIN IMMEDIATE, one 500-byte row, `--hold-ms` of work, COMMIT).
Runs once with SQLite's busy handler alone and once with each transaction first taking its
turn, and prints the writes a second and the wait for the lock (from wanting it to holding
it): p50, p95, p99 and the longest, in ms. Wall-clock figures: run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from taizhang.sqlite import BUSY_TIMEOUT_SECONDS, WriteTurn


def writer(
    path: str, turns: bool, seconds: float, hold: float, seed: int, out: multiprocessing.Queue
) -> None:
    rng = random.Random(seed)
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    connection.execute("PRAGMA synchronous=FULL")
    turn = WriteTurn(path)
    waits = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(rng.uniform(0, 0.06))
        wanted = time.monotonic()
        held = turn.take(BUSY_TIMEOUT_SECONDS) if turns else None
        connection.execute("BEGIN IMMEDIATE")
        waits.append(time.monotonic() - wanted)
        connection.execute("INSERT INTO r (v) VALUES (?)", ("x" * 500,))
        time.sleep(hold)
        connection.execute("COMMIT")
        if held is not None:
            turn.give(held)
    out.put(waits)


def run(processes: int, turns: bool, seconds: float, hold: float) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "turns.sqlite3")
        setup = sqlite3.connect(path)
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT)")
        setup.close()
        out: multiprocessing.Queue[list[float]] = multiprocessing.Queue()
        workers = [
            multiprocessing.Process(target=writer, args=(path, turns, seconds, hold, n, out))
            for n in range(processes)
        ]
        for worker in workers:
            worker.start()
        waits = sorted(w for _ in workers for w in out.get())
        for worker in workers:
            worker.join()
    n = len(waits)

    def ms(q: float) -> str:
        return f"{waits[min(n - 1, int(n * q))] * 1000:7.1f}"

    name = "turns (lock file)" if turns else "SQLite's busy handler"
    return f"{name:22} {n / seconds:8.0f} {ms(0.5)} {ms(0.95)} {ms(0.99)} {waits[-1] * 1000:7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--hold-ms", type=float, default=2)
    args = parser.parse_args()
    if args.processes < 1 or args.seconds <= 0 or args.hold_ms < 0:
        parser.error("--processes at least 1, --seconds more than 0, --hold-ms 0 or more")
    print(f"{args.processes} processes, {args.seconds:g} s each way, {args.hold_ms:g} ms held")
    print(f"{'':22} {'writes/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    for turns in (False, True):
        print(run(args.processes, turns, args.seconds, args.hold_ms / 1000))


if __name__ == "__main__":
    main()
