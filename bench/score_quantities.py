"""Score the quantity reader on the six labelled sets (issue 15: figures you can trust).

    .venv/bin/python bench/score_quantities.py [--errors] [--repeat 20]

Prints, for the sixth set (tests/chinese/quantity_sentences_6.py, written unseen after the fifth
was scored), the fifth set (tests/chinese/quantity_sentences_5.py, written unseen after the fourth
was scored), the fourth set (tests/chinese/quantity_sentences_4.py, written unseen by the reader
tuned on the third), the third set (tests/chinese/quantity_sentences_3.py, written unseen by the
reader tuned on the second) and then for the second set (quantity_sentences_2.py): strict and loose
precision and recall of figures, how many of its non-figure sentences had a non-figure read as
a figure, and how many goal/progress pairs got the right actual (or rightly none); then the
same figures for the first set (quantity_sentences.py: SENTENCES, HELD_OUT, HELD_OUT_2) so a
regression shows; then the CPU time (time.process_time, not wall time: the machine is shared)
to read every sentence once. --errors lists what went wrong.
"""

from __future__ import annotations

import argparse
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
from tests.chinese.quantity_sentences_2 import NON_FIGURES, PAIRS, SENTENCES_2, Pair  # noqa: E402
from tests.chinese.quantity_sentences_3 import NON_FIGURES_3, PAIRS_3, SENTENCES_3  # noqa: E402
from tests.chinese.quantity_sentences_4 import NON_FIGURES_4, PAIRS_4, SENTENCES_4  # noqa: E402
from tests.chinese.quantity_sentences_5 import NON_FIGURES_5, PAIRS_5, SENTENCES_5  # noqa: E402
from tests.chinese.quantity_sentences_6 import NON_FIGURES_6, PAIRS_6, SENTENCES_6  # noqa: E402

from taizhang.chinese.quantities import Quantity, find_quantities, task_indicators  # noqa: E402


def read(cell: str, text: str) -> list[Quantity]:
    """The reader as the sets are scored: goal and deadline cells default to targets."""
    return find_quantities(text, default_kind="actual" if cell == "progress" else "target")


def line(name: str, result: Score) -> str:
    found = result.true_positives + len(result.false_positives)
    wanted = result.true_positives + len(result.misses)
    return (
        f"{name:<24} precision {result.precision:.3f}  recall {result.recall:.3f}  "
        f"(TP {result.true_positives}, found {found}, labelled {wanted})"
    )


def pair_errors(pair: Pair) -> list[str]:
    """What the indicators of `pair` got wrong; [] when every listed target is right."""
    indicators = task_indicators(pair.goal, pair.deadline, pair.progress)
    errors = []
    for target, unit, actual in pair.wanted:
        same = [i for i in indicators if (i.target, i.unit) == (target, unit)]
        if not same:
            errors.append(f"no indicator for {target}{unit}")
        elif same[0].actual != actual:
            errors.append(f"{target}{unit}: actual {same[0].actual}, wanted {actual}")
    return errors


def non_figure_hits(sentences: tuple[Sentence, ...]) -> list[tuple[str, str]]:
    """(text, extra figure) for each sentence where something not labelled was read."""
    result = score(read, sentences, strict=False)
    seen: dict[str, str] = {}
    for text, found in result.false_positives:
        seen.setdefault(text, found)
    return list(seen.items())


def unseen_set(
    name: str,
    sentences: tuple[Sentence, ...],
    non_figures: tuple[Sentence, ...],
    pairs: tuple[Pair, ...],
) -> tuple[list[tuple[str, str]], list[tuple[Pair, list[str]]]]:
    """Print an unseen set's scores; return its non-figures read and its wrong pairs."""
    print(
        f"{name} set: {len(sentences)} sentences ({len(non_figures)} with non-figures), "
        f"{len(pairs)} pairs"
    )
    print(line(f"{name} (strict)", score(read, sentences)))
    print(line(f"{name} (loose)", score(read, sentences, strict=False)))
    hits = non_figure_hits(non_figures)
    print(f"non-figure sentences read as figures: {len(hits)} of {len(non_figures)}")
    wrong = [(p, e) for p in pairs if (e := pair_errors(p))]
    print(f"goal/progress pairs right: {len(pairs) - len(wrong)} of {len(pairs)}")
    print()
    return hits, wrong


def unseen_errors(
    name: str,
    sentences: tuple[Sentence, ...],
    hits: list[tuple[str, str]],
    wrong: list[tuple[Pair, list[str]]],
) -> None:
    """Print what went wrong on an unseen set."""
    result = score(read, sentences)
    print(f"\nmisses ({name}, strict):")
    for text, label in result.misses:
        print(f"  {label.keyword or '-'} {label.value}{label.unit} {label.kind}  <- {text}")
    print(f"false positives ({name}, strict):")
    for text, found in result.false_positives:
        print(f"  {found}  <- {text}")
    print(f"non-figures read ({name}):")
    for text, found in hits:
        print(f"  {found}  <- {text}")
    print(f"pairs ({name}):")
    for pair, errors in wrong:
        print(f"  {'; '.join(errors)}  <- {pair.goal}|{pair.deadline}|{pair.progress}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misses and false reads")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    sixth = SENTENCES_6 + NON_FIGURES_6
    hits6, wrong6 = unseen_set("sixth", sixth, NON_FIGURES_6, PAIRS_6)
    fifth = SENTENCES_5 + NON_FIGURES_5
    hits5, wrong5 = unseen_set("fifth", fifth, NON_FIGURES_5, PAIRS_5)
    fourth = SENTENCES_4 + NON_FIGURES_4
    hits4, wrong4 = unseen_set("fourth", fourth, NON_FIGURES_4, PAIRS_4)
    third = SENTENCES_3 + NON_FIGURES_3
    hits3, wrong3 = unseen_set("third", third, NON_FIGURES_3, PAIRS_3)

    new = SENTENCES_2 + NON_FIGURES
    old = SENTENCES + HELD_OUT + HELD_OUT_2
    print(
        f"new set: {len(new)} sentences ({len(NON_FIGURES)} with non-figures), {len(PAIRS)} pairs"
    )
    print(line("new (strict)", score(read, new)))
    print(line("new (loose)", score(read, new, strict=False)))
    hits = non_figure_hits(NON_FIGURES)
    print(f"non-figure sentences read as figures: {len(hits)} of {len(NON_FIGURES)}")
    wrong = [(p, e) for p in PAIRS if (e := pair_errors(p))]
    print(f"goal/progress pairs right: {len(PAIRS) - len(wrong)} of {len(PAIRS)}")
    print()
    for name, sentences in (("old set", SENTENCES), ("old held-out", HELD_OUT),
                            ("old held-out-2", HELD_OUT_2), ("old all", old)):  # fmt: skip
        print(line(f"{name} (strict)", score(read, sentences)))

    if args.errors:
        unseen_errors("sixth", sixth, hits6, wrong6)
        unseen_errors("fifth", fifth, hits5, wrong5)
        unseen_errors("fourth", fourth, hits4, wrong4)
        unseen_errors("third", third, hits3, wrong3)
        result = score(read, new)
        print("\nmisses (new, strict):")
        for text, label in result.misses:
            print(f"  {label.keyword or '-'} {label.value}{label.unit} {label.kind}  <- {text}")
        print("false positives (new, strict):")
        for text, found in result.false_positives:
            print(f"  {found}  <- {text}")
        print("pairs:")
        for pair, errors in wrong:
            print(f"  {'; '.join(errors)}  <- {pair.goal}|{pair.deadline}|{pair.progress}")
        result = score(read, old)
        print("misses and false positives (old, strict):")
        for text, label in result.misses:
            print(f"  miss {label.keyword or '-'} {label.value}{label.unit} {label.kind} <- {text}")
        for text, found in result.false_positives:
            print(f"  extra {found}  <- {text}")

    everything = sixth + fifth + fourth + third + new + old
    start = time.process_time()
    for _ in range(args.repeat):
        for sentence in everything:
            read(sentence.cell, sentence.text)
    spent = (time.process_time() - start) / args.repeat / len(everything)
    print(f"\nCPU time per sentence: {spent * 1e6:.0f} µs (process_time, {args.repeat} passes)")


if __name__ == "__main__":
    main()
