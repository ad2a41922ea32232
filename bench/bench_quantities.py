"""Benchmark: precision, recall and speed of the quantity reader over the labelled sentences.

    .venv/bin/python bench/bench_quantities.py [--repeat 20] [--quiet]

Scores taizhang.chinese.quantities.find_quantities on tests/chinese/quantity_sentences.py: the
main set (SENTENCES) and two held-out batches (HELD_OUT, HELD_OUT_2) written after the reader;
their first scores, before the reader saw them, are recorded next to them.
A true positive needs value, unit and kind equal and, in the strict score, the labelled keyword
inside the reader's subject; the loose score ignores subjects. Prints the misses and false
positives of the strict score, the median time per sentence, and the CPU time to read a cell
of 200 and of 800 figures (the reader must stay linear: the ratio near 4).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.chinese.quantity_sentences import (  # noqa: E402
    HELD_OUT,
    HELD_OUT_2,
    SENTENCES,
    Score,
    Sentence,
    score,
)

from taizhang.chinese.quantities import Quantity, find_quantities, task_indicators  # noqa: E402


def read(cell: str, text: str) -> list[Quantity]:
    """The reader as the set is scored: goal and deadline cells default to targets."""
    return find_quantities(text, default_kind="actual" if cell == "progress" else "target")


def line(name: str, result: Score) -> str:
    found = result.true_positives + len(result.false_positives)
    wanted = result.true_positives + len(result.misses)
    return (
        f"{name:<22} precision {result.precision:.3f}  recall {result.recall:.3f}  "
        f"F1 {result.f1:.3f}  (TP {result.true_positives}, found {found}, labelled {wanted})"
    )


def seconds_per_sentence(sentences: tuple[Sentence, ...], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for sentence in sentences:
            read(sentence.cell, sentence.text)
        times.append((time.perf_counter() - start) / len(sentences))
    return statistics.median(times)


def long_cell_ms(figures: int, repeat: int = 5) -> tuple[float, float]:
    """CPU ms (best of `repeat`) to read a progress cell of `figures` figures in one sentence
    ("完成改造12个，" again and again), with find_quantities and with task_indicators."""
    text = "完成改造12个，" * figures
    reads, indicators = [], []
    for _ in range(repeat):
        start = time.process_time()
        find_quantities(text, default_kind="actual")
        reads.append(time.process_time() - start)
        start = time.process_time()
        task_indicators("改造12个。", "", text)
        indicators.append(time.process_time() - start)
    return min(reads) * 1000, min(indicators) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quiet", action="store_true", help="figures only, no error list")
    args = parser.parse_args()

    sets = {
        "set": SENTENCES,
        "held-out": HELD_OUT,
        "held-out-2": HELD_OUT_2,
        "all": SENTENCES + HELD_OUT + HELD_OUT_2,
    }
    for name, sentences in sets.items():
        labelled = sum(len(s.expected) for s in sentences)
        print(f"{name}: {len(sentences)} sentences, {labelled} labelled figures")
    print()
    for name, sentences in sets.items():
        print(line(f"{name} (strict)", score(read, sentences)))
        print(line(f"{name} (loose)", score(read, sentences, strict=False)))

    if not args.quiet:
        everything = score(read, sets["all"])
        print("\nmisses (strict):")
        for text, label in everything.misses:
            print(f"  {label.keyword or '-'} {label.value}{label.unit} {label.kind}  <- {text}")
        print("false positives (strict):")
        for text, found in everything.false_positives:
            print(f"  {found}  <- {text}")

    per_sentence = seconds_per_sentence(sets["all"], args.repeat)
    print(f"\ntime per sentence: {per_sentence * 1e6:.0f} µs (median of {args.repeat} runs)")
    # The reader must stay linear in the length of a cell: 4 times the figures, about 4 times
    # the time (it was quadratic once: 800 figures took 335 ms to read, 1211 ms to pair).
    (read_200, pair_200), (read_800, pair_800) = long_cell_ms(200), long_cell_ms(800)
    print(
        f"long cell, find_quantities: 200 figures {read_200:.1f} ms, 800 figures "
        f"{read_800:.1f} ms (ratio {read_800 / read_200:.1f}; linear is 4)"
    )
    print(
        f"long cell, task_indicators: 200 figures {pair_200:.1f} ms, 800 figures "
        f"{pair_800:.1f} ms (ratio {pair_800 / pair_200:.1f}; linear is 4)"
    )


if __name__ == "__main__":
    main()
