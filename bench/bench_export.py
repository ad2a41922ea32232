"""Benchmark: Word, Excel and CSV export of generated ledgers of 10,000 and 50,000 tasks, each
export in a fresh child process, for the time and the peak memory (RSS) it takes.

    .venv/bin/python bench/bench_export.py [--sizes 10000,50000] [--formats docx,xlsx,csv]
        [--sources doc,db] [--repeat 1] [--tracemalloc]

The ledgers are `bench_office.generated_ledger`'s: the seed's real rows, 20 tasks a category.
Two sources:
- `doc`: the child builds the `LedgerDoc` and times the writer alone (`export_ledger`);
- `db`: the ledger is first imported (`ledger_import`, in a child of its own, not timed) into
  a fresh SQLite file in a temporary directory, or the database of DATABASE_URL when set (a
  database made for the benchmark); the child then times `ledger_document(ledger)` and the
  writer, end to end as an export from the web or `taizhang export`;
- `lit`: as `db`, but the document is the selection's (`supervision.exports.export_document`)
  with every row's light and 预警 (the lights' stored state built first, not timed), and the
  file has the 预警 column: the export with the most work per row.
For each run it prints the wall seconds of building the document and of the writer, the
writer's CPU seconds (steadier than wall time on a shared machine), the process's peak RSS
while building the document, its RSS when the writer began (the document, the interpreter)
and its peak RSS in all, in MB, and the file's size; then per format and source a verdict,
with the growth from the smallest to the largest size. `--tracemalloc` adds the Python memory
traced at each step's peak and held after it (slower: not for the timings).

Targets, at the largest size: each export under 10 s and 500 MB peak RSS; time and memory
growing at most 1.1 times as fast as the ledger (5.5x from 10,000 to 50,000 tasks).
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
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

MAX_SECONDS = 10.0
MAX_MB = 500.0
MAX_GROWTH = 1.1  # times the growth of the ledger: 5.5 from 10,000 to 50,000 tasks
CHILD_TIMEOUT = 900


def bench_ledger(tasks: int) -> Any:
    """The ledger of `tasks` tasks, titled by its size (so each size is a ledger of its own
    in the database)."""
    from bench_office import generated_ledger

    doc = generated_ledger(tasks)
    doc.title = f"{doc.title}（基准{tasks}项）"
    return doc


def peak_mb() -> float:
    """The process's peak RSS so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The process's RSS now, in MB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class Steps:
    """Times each step and, with `trace`, the Python memory it traced at its peak and held
    after it."""

    def __init__(self, trace: bool) -> None:
        self.trace = trace
        self.figures: dict[str, float] = {}
        if trace:
            tracemalloc.start()

    def run(self, name: str, action: Any) -> Any:
        if self.trace:
            tracemalloc.reset_peak()
        start, cpu = time.perf_counter(), time.process_time()
        result = action()
        self.figures[f"{name}_s"] = time.perf_counter() - start
        self.figures[f"{name}_cpu_s"] = time.process_time() - cpu
        if self.trace:
            held, peak = tracemalloc.get_traced_memory()
            self.figures[f"{name}_traced_peak_mb"] = peak / 2**20
            self.figures[f"{name}_traced_held_mb"] = held / 2**20
        return result


def child_export(source: str, fmt: str, tasks: int, ledger_id: int, trace: bool) -> None:
    """In a fresh process: build the document (from the generator or the database), write
    it in `fmt`, print the figures as JSON."""
    steps = Steps(trace)
    if source in ("db", "lit"):
        import django

        django.setup()
        from taizhang.documents.groups import add_warning_column
        from taizhang.ledger.models import Ledger
        from taizhang.ledger.selectors import ledger_document
        from taizhang.supervision.dashboard import ensure_states
        from taizhang.supervision.exports import export_document
        from taizhang.supervision.selection import Selection

        ledger = Ledger.objects.get(pk=ledger_id)
        if source == "db":
            doc = steps.run("document", lambda: ledger_document(ledger))
        else:
            ensure_states(ledger)
            doc = steps.run(
                "document",
                lambda: add_warning_column(
                    export_document(ledger, None, Selection(), warnings=True)
                ),
            )
    else:
        doc = steps.run("document", lambda: bench_ledger(tasks))
    assert len(doc.tasks) == tasks, f"{len(doc.tasks)} tasks, not {tasks}"
    from taizhang.documents.writers import export_ledger

    document_peak, held = peak_mb(), rss_mb()
    data = steps.run("write", lambda: export_ledger(doc, fmt))
    figures = {
        **steps.figures,
        "document_peak_mb": document_peak,
        "held_mb": held,
        "peak_mb": peak_mb(),
        "bytes": len(data),
    }
    print(json.dumps(figures))


def child_import(tasks: int) -> None:
    """In a fresh process: import the ledger of `tasks` tasks (a previous run's removed
    first); print its id and the seconds taken as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from taizhang.ledger.models import Ledger
    from taizhang.ledger.services import ledger_import

    call_command("migrate", verbosity=0)
    doc = bench_ledger(tasks)
    Ledger.objects.filter(title=doc.title, year=doc.year).delete()
    start = time.perf_counter()
    ledger = ledger_import(doc=doc).ledger
    seconds = time.perf_counter() - start
    print(json.dumps({"ledger": ledger.pk, "seconds": seconds, "peak_mb": peak_mb()}))


def in_child(*args: str) -> dict[str, Any] | None:
    """Run this script with `args` in a fresh interpreter; its JSON answer, or None (and the
    error shown) when it failed or took longer than `CHILD_TIMEOUT`."""
    command = [sys.executable, __file__, *args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        print(f"  {' '.join(args)}: over {CHILD_TIMEOUT} s, stopped")
        return None
    if done.returncode != 0:
        print(f"  {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return None
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def export_seconds(source: str, run: dict[str, Any]) -> float:
    """The export's seconds: the writer's from a document; building the document from the
    database and writing it, end to end."""
    return float(run["write_s"] + (run["document_s"] if source == "db" else 0.0))


def verdict(fmt: str, source: str, runs: dict[int, dict[str, Any] | None]) -> bool:
    """Print the verdict for one format and source against the targets; whether it passed."""
    sizes = sorted(runs)
    largest, smallest = runs[sizes[-1]], runs[sizes[0]]
    if largest is None or smallest is None:
        print(f"{fmt:<5} {source:<3} FAIL: a run gave no figures")
        return False
    seconds, memory = export_seconds(source, largest), largest["peak_mb"]
    failures = [f"{seconds:.1f} s"] if seconds >= MAX_SECONDS else []
    failures += [f"{memory:.0f} MB"] if memory >= MAX_MB else []
    text = f"{sizes[-1]} tasks: {seconds:.2f} s, {memory:.0f} MB"
    if len(sizes) > 1:
        limit = MAX_GROWTH * sizes[-1] / sizes[0]
        time_growth = seconds / max(export_seconds(source, smallest), 1e-9)
        memory_growth = memory / smallest["peak_mb"]
        text += (
            f"; growth {sizes[0]}->{sizes[-1]}: time {time_growth:.1f}x, "
            f"memory {memory_growth:.1f}x (at most {limit:.1f}x)"
        )
        failures += [f"time grew {time_growth:.1f}x"] if time_growth > limit else []
        failures += [f"memory grew {memory_growth:.1f}x"] if memory_growth > limit else []
    outcome = f"FAIL ({', '.join(failures)})" if failures else "PASS"
    print(f"{fmt:<5} {source:<3} {outcome}: {text}")
    return not failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,50000", help="task counts, comma-separated")
    parser.add_argument("--formats", default="docx,xlsx,csv")
    parser.add_argument("--sources", default="doc,db", help="doc (the writer), db (end to end)")
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python memory too")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each export (medians; the peak's maximum)"
    )
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    formats = args.formats.split(",")
    sources = args.sources.split(",")
    os.environ.setdefault("TAIZHANG_DATA_DIR", tempfile.mkdtemp(prefix="taizhang-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    trace = ["--trace"] if args.tracemalloc else []

    ledgers: dict[int, int] = {}
    if "db" in sources or "lit" in sources:
        database = os.environ.get("DATABASE_URL") or "SQLite in " + os.environ["TAIZHANG_DATA_DIR"]
        print(f"database: {database}")
        for size in sizes:
            imported = in_child("--import", str(size))
            if imported is not None:
                ledgers[size] = imported["ledger"]
                print(
                    f"  imported {size} tasks in {imported['seconds']:.1f} s "
                    f"(peak {imported['peak_mb']:.0f} MB; not part of the figures)"
                )

    print(
        f"{'format':<7}{'source':<7}{'tasks':>7}{'document s':>12}{'writer s':>10}"
        f"{'writer CPU s':>14}{'doc peak MB':>13}{'held MB':>9}{'peak MB':>9}{'file KB':>9}"
    )
    results: dict[tuple[str, str], dict[int, dict[str, Any] | None]] = {}
    for fmt in formats:
        for source in sources:
            for size in sizes:
                if source in ("db", "lit") and size not in ledgers:
                    results.setdefault((fmt, source), {})[size] = None
                    continue
                ledger = str(ledgers.get(size, 0))
                runs = [
                    in_child("--export", source, fmt, str(size), ledger, *trace)
                    for _ in range(args.repeat)
                ]
                found = combined(runs)
                results.setdefault((fmt, source), {})[size] = found
                if found is not None:
                    print_run(fmt, source, size, found)
    print()
    verdicts = [verdict(fmt, source, runs) for (fmt, source), runs in results.items()]
    print(f"targets: under {MAX_SECONDS:.0f} s and {MAX_MB:.0f} MB at the largest size; growth")
    print(f"at most {MAX_GROWTH} times the ledger's. {sum(verdicts)} of {len(verdicts)} passed.")


def combined(runs: list[dict[str, Any] | None]) -> dict[str, Any] | None:
    """Several runs' figures as one: the median of each, the maximum of the peak RSS; None
    when a run failed."""
    if not runs or any(run is None for run in runs):
        return None
    found = [run for run in runs if run is not None]
    figures = {key: statistics.median(run[key] for run in found) for key in found[0]}
    figures["peak_mb"] = max(run["peak_mb"] for run in found)
    return figures


def print_run(fmt: str, source: str, size: int, found: dict[str, Any]) -> None:
    print(
        f"{fmt:<7}{source:<7}{size:>7}{found['document_s']:>12.2f}{found['write_s']:>10.2f}"
        f"{found['write_cpu_s']:>14.2f}{found['document_peak_mb']:>13.0f}"
        f"{found['held_mb']:>9.0f}{found['peak_mb']:>9.0f}"
        f"{int(found['bytes']) // 1024:>9}"
    )
    if "write_traced_peak_mb" in found:
        print(
            f"{'':<14}traced: document peak {found['document_traced_peak_mb']:.0f} MB, "
            f"held {found['document_traced_held_mb']:.0f} MB; writer peak "
            f"{found['write_traced_peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--export"]:
        source, fmt, tasks, ledger = sys.argv[2:6]
        child_export(source, fmt, int(tasks), int(ledger), "--trace" in sys.argv[6:])
    elif sys.argv[1:2] == ["--import"]:
        child_import(int(sys.argv[2]))
    else:
        main()
