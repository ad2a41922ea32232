"""What the benchmarks share: timing an action, the kinds of request chosen."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    """The median wall time of `repeat` runs of `action`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def chosen_kinds(parser: argparse.ArgumentParser, value: str, known: Iterable[str]) -> list[str]:
    """The kinds named in `value` (comma-separated), each one of `known`; a usage error
    naming the choices otherwise."""
    known = list(known)
    kinds = [kind.strip() for kind in value.split(",") if kind.strip()]
    if not kinds or any(kind not in known for kind in kinds):
        parser.error(f"--kinds: a comma-separated choice of {', '.join(known)}")
    return kinds
