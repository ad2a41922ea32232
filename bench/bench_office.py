"""Benchmark: Word and Excel export and import of a generated 1,000-task ledger, each beside a
plain python-docx or openpyxl cell-by-cell baseline doing the same work in the same run.

    .venv/bin/python bench/bench_office.py [--tasks 1000] [--repeat 5]

Targets: each export under 1 s and at least 3 times faster than its baseline; reading under 1 s.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]

from baselines import (  # noqa: E402
    baseline_read_docx,
    baseline_read_xlsx,
    baseline_write_docx,
    baseline_write_xlsx,
)
from taizhang.documents.model import CategoryDoc, LedgerDoc  # noqa: E402
from taizhang.documents.read_docx import read_docx  # noqa: E402
from taizhang.documents.read_text import read_text  # noqa: E402
from taizhang.documents.read_xlsx import read_xlsx  # noqa: E402
from taizhang.documents.write_docx import write_docx  # noqa: E402
from taizhang.documents.write_xlsx import write_xlsx  # noqa: E402
from timing import median_seconds  # noqa: E402

SEED = ROOT / "src" / "taizhang" / "samples" / "jiyuan-2021-ledger.txt"


def generated_ledger(tasks: int) -> LedgerDoc:
    """A ledger of `tasks` tasks made of the seed's real rows, 20 tasks a category."""
    seed = read_text(SEED.read_bytes(), name=SEED.name)
    doc = copy.deepcopy(seed)
    doc.categories = []
    for n in range(tasks):
        if n % 20 == 0:
            doc.categories.append(CategoryDoc(number=n // 20 + 1, name=f"第{n // 20 + 1}类工作"))
        task = copy.deepcopy(seed.tasks[n % len(seed.tasks)])
        task.number = n + 1
        doc.categories[-1].tasks.append(task)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    doc = generated_ledger(args.tasks)
    word, excel = write_docx(doc), write_xlsx(doc)
    assert read_docx(word, name="b.docx") == doc and read_xlsx(excel, name="b.xlsx") == doc
    rows = [
        ("export .docx", lambda: write_docx(doc), lambda: baseline_write_docx(doc), 1.0, 3.0),
        ("export .xlsx", lambda: write_xlsx(doc), lambda: baseline_write_xlsx(doc), 1.0, 3.0),
        (
            "read .docx",
            lambda: read_docx(word, name="b.docx"),
            lambda: baseline_read_docx(word),
            1.0,
            0,
        ),
        (
            "read .xlsx",
            lambda: read_xlsx(excel, name="b.xlsx"),
            lambda: baseline_read_xlsx(excel),
            1.0,
            0,
        ),
    ]
    print(
        f"ledger: {args.tasks} tasks; median of {args.repeat} runs; .docx {len(word) // 1024} KB, "
        f".xlsx {len(excel) // 1024} KB"
    )
    print(f"{'step':<14}{'Taizhang':>10}{'baseline':>10}{'speed-up':>10}  target")
    for name, ours, theirs, limit, ratio in rows:
        mine, base = median_seconds(ours, args.repeat), median_seconds(theirs, args.repeat)
        target = f"< {limit:.0f} s" + (f", >= {ratio:.0f}x" if ratio else "")
        ok = mine < limit and (not ratio or base / mine >= ratio)
        verdict = "ok" if ok else "MISSED"
        print(f"{name:<14}{mine:>9.3f}s{base:>9.3f}s{base / mine:>9.1f}x  {target} {verdict}")


if __name__ == "__main__":
    main()
