"""Benchmark: CPU time of reading the figures (indicators) of the bench_import ledger.

    .venv/bin/python bench/bench_figures.py [--tasks 5000] [--subitems 2] [--repeat 5] [--profile]

Reads every task's and sub-item's indicators from its goal, deadline and progress texts
(`supervision.indicators.text_views`, as a first import does), with every cache of the
reader emptied before each run, and prints the median process CPU time of the runs.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "src"))
sys.path.insert(0, str(ROOT))

from bench_import import generated_doc  # noqa: E402


def _clear_caches() -> None:
    """Empty every functools cache of the reader's modules, so each run reads afresh."""
    from taizhang.chinese.quantities import (
        indicators,
        kinds,
        numbers,
        sentences,
        subjects,
    )
    from taizhang.supervision import indicators as views

    for module in (indicators, kinds, numbers, sentences, subjects, views):
        for value in vars(module).values():
            if hasattr(value, "cache_clear") and value.__module__ == module.__name__:
                value.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=5000)
    parser.add_argument("--subitems", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    from taizhang.supervision.indicators import text_views

    doc = generated_doc(args.tasks, args.subitems)
    rows = []
    for task in doc.tasks:
        rows.append((task.goal, task.deadline_text, task.progress))
        rows.extend((s.goal, s.deadline_text, s.progress) for s in task.subitems)
    if args.profile:
        import cProfile
        import pstats

        _clear_caches()
        profile = cProfile.Profile()
        profile.runcall(lambda: [text_views(*row) for row in rows])
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
        return
    times = []
    gc.disable()
    for _ in range(args.repeat):
        _clear_caches()
        start = time.process_time()
        for row in rows:
            text_views(*row)
        times.append(time.process_time() - start)
    print(
        f"reading the figures of {len(rows)} rows: CPU median {statistics.median(times):.3f} s "
        f"(runs {', '.join(f'{t:.3f}' for t in times)})"
    )


if __name__ == "__main__":
    main()
