"""Benchmark: how well the readers read the corpus of office-made ledgers (tests/corpus).

    .venv/bin/python bench/bench_corpus.py [--files] [--fields] [--diffs N] [--corpus DIR]

Reads every corpus file with `read_ledger`, compares the reading with its expected parse field
by field (tests/corpus/compare.py) and prints, per format, per layout feature and overall:
files read and refused, tasks (and sub-items) expected, found and matched, the share of fields
exactly right, and the time per file. `--files` adds a line per file, `--fields` the accuracy
of each field, `--diffs N` the first N differences of each file that is not fully right.
`--corpus` scores another folder laid out the same way (manifest.json, files, expected JSON).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.corpus.compare import Score, compare  # noqa: E402

from taizhang.documents.errors import LedgerReadError  # noqa: E402
from taizhang.documents.json_format import ledger_to_dict  # noqa: E402
from taizhang.documents.readers import read_ledger  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


class Group:
    """The figures of a set of files."""

    def __init__(self) -> None:
        self.score = Score()
        self.files = self.read = self.perfect = 0
        self.seconds = 0.0

    def add(self, score: Score, *, read: bool, seconds: float) -> None:
        self.score.add(score)
        self.files += 1
        self.read += read
        self.perfect += read and not score.diffs
        self.seconds += seconds

    def line(self, name: str) -> str:
        s = self.score
        return (
            f"{name:<22}{self.files:>5}{self.read:>6}{self.files - self.read:>8}{self.perfect:>8}"
            f"{s.tasks_expected:>7}{s.tasks_found:>7}{s.tasks_matched:>8}"
            f"{100 * s.accuracy:>9.1f}%{1000 * self.seconds / max(self.files, 1):>9.0f}"
        )


HEAD = (
    f"{'':<22}{'files':>5}{'read':>6}{'refused':>8}{'perfect':>8}"
    f"{'tasks':>7}{'found':>7}{'matched':>8}{'fields':>10}{'ms/file':>9}"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", action="store_true", help="a line per file")
    parser.add_argument("--fields", action="store_true", help="accuracy of each field")
    parser.add_argument("--diffs", type=int, default=0, help="differences shown per file")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder with manifest.json")
    args = parser.parse_args()
    corpus = args.corpus
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    overall = Group()
    by_format: dict[str, Group] = defaultdict(Group)
    by_feature: dict[str, Group] = defaultdict(Group)
    refusals: list[str] = []
    for key, entry in manifest.items():
        path = corpus / entry["file"]
        expected = json.loads(path.with_name(f"{path.stem}.expected.json").read_text("utf-8"))
        start = time.perf_counter()
        try:
            got = ledger_to_dict(read_ledger(path.read_bytes(), name=path.name))
        except LedgerReadError as error:
            got = None
            refusals.append(f"{key}: {error}")
        except Exception as error:
            got = None
            refusals.append(f"{key}: ESCAPED {type(error).__name__}: {error}")
        seconds = time.perf_counter() - start
        score = compare(expected, got)
        for group in (
            overall,
            by_format[entry["format"]],
            *(by_feature[f] for f in entry["features"]),
        ):
            group.add(score, read=got is not None, seconds=seconds)
        if args.files:
            state = "refused" if got is None else f"{100 * score.accuracy:5.1f}%"
            print(f"{key:<48} {state:>8}  {score.tasks_matched}/{score.tasks_expected} tasks")
        if args.diffs and score.diffs:
            print("\n".join(f"    {line}" for line in score.diffs[: args.diffs]))
    print("\nBy format\n" + HEAD)
    for fmt in ("docx", "xlsx", "csv", "txt"):
        print(by_format[fmt].line(fmt))
    print(overall.line("all"))
    print("\nBy layout feature (a file counts under each of its features)\n" + HEAD)
    for feature in sorted(by_feature, key=lambda f: by_feature[f].score.accuracy):
        print(by_feature[feature].line(feature))
    if args.fields:
        print("\nBy field (all files)")
        s = overall.score
        for name in sorted(s.by_field_total, key=lambda n: s.by_field[n] / s.by_field_total[n]):
            right, total = s.by_field[name], s.by_field_total[name]
            print(f"  {name:<26}{right:>6}/{total:<6}{100 * right / total:>7.1f}%")
    if refusals:
        print("\nRefused")
        print("\n".join(f"  {line}" for line in refusals))


if __name__ == "__main__":
    main()
