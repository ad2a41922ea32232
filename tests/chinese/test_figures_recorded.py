"""The figures read from a large corpus of real texts stay what they were when recorded.

The corpus: every task and sub-item text of the seed ledger and of the ledger corpus
(tests/corpus), every labelled sentence and pair of tests/chinese/quantity_sentences*.py, and
texts spliced from their clauses with other numbers (a fixed seed, so the same every run).
`tests/fixtures/figures-recorded.json` holds, for each text and default kind, a digest of
what `find_quantities` read (every field of every figure) and, for each task, a digest of its
`task_indicators`: recorded from the reader before it was made faster (2026-12-05), so a
change that reads any figure differently fails here, naming the text.

Record again only for a change meant to read differently:

    .venv/bin/python -m tests.chinese.test_figures_recorded --record
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.chinese.quantities import find_quantities, kinds, task_indicators

ROOT = Path(__file__).resolve().parents[2]
RECORDED = ROOT / "tests" / "fixtures" / "figures-recorded.json"
SPLICED = 1000


def _tasks_of(node: dict) -> Iterator[dict]:
    for task in node.get("tasks", []):
        yield task
        yield from _tasks_of({"tasks": task.get("subitems", [])})


def corpus_tasks() -> list[tuple[str, str, str]]:
    """(goal, deadline text, progress) of every task of the corpus, in a fixed order."""
    from taizhang.documents.read_text import read_text

    tasks: list[tuple[str, str, str]] = []
    seed = read_text((ROOT / "tests/fixtures/jiyuan-2021-ledger.txt").read_bytes(), name="s.txt")
    for task in seed.tasks:
        for one in (task, *task.subitems):
            tasks.append((one.goal, one.deadline_text, one.progress))
    for path in sorted((ROOT / "tests/corpus").rglob("*.expected.json")):
        ledger = json.loads(path.read_text(encoding="utf-8"))
        for category in ledger.get("categories", []):
            for task in _tasks_of(category):
                tasks.append(
                    (task.get("goal", ""), task.get("deadline_text", ""), task.get("progress", ""))
                )
    modules = [
        import_module(f"tests.chinese.quantity_sentences{suffix}")
        for suffix in ("", "_2", "_3", "_4", "_5", "_6")
    ]
    for module in modules:
        for name in sorted(vars(module)):
            value = getattr(module, name)
            if not (name.isupper() and isinstance(value, tuple)):
                continue
            for item in value:
                if hasattr(item, "progress"):  # a Pair
                    tasks.append((item.goal, item.deadline, item.progress))
                elif hasattr(item, "cell"):  # a Sentence, in its own cell
                    cell = {"goal": 0, "deadline": 1, "progress": 2}[item.cell]
                    texts = ["", "", ""]
                    texts[cell] = item.text
                    tasks.append((texts[0], texts[1], texts[2]))
    return tasks + _spliced(tasks)


_CLAUSES = re.compile(r"[^，,。；;\n]+[，,。；;\n]?")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def _spliced(tasks: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Texts made of clauses of the corpus in another order, with other numbers."""
    clauses = sorted({c for task in tasks for text in task for c in _CLAUSES.findall(text)})
    chance = random.Random(20261205)  # noqa: S311 - a fixed corpus, no secret

    def text() -> str:
        picked = "".join(chance.choice(clauses) for _ in range(chance.randint(1, 6)))
        return _NUMBER.sub(lambda m: str(chance.choice((0, 1, 3, 12, 85, 960, 2.5, 10000))), picked)

    return [(text(), chance.choice(("", text())), text()) for _ in range(SPLICED)]


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:10]


def _figures(text: str, kind: str) -> list[tuple[object, ...]]:
    return [
        (q.subject, str(q.value), q.unit, q.text, q.approximate, q.kind, q.stage, str(q.high))
        for q in find_quantities(text, default_kind=kind)
    ]


def _indicators(task: tuple[str, str, str]) -> list[tuple[object, ...]]:
    return [
        (i.name, str(i.target), str(i.actual), i.unit, str(i.percent), i.doubt, i.actual_name)
        for i in task_indicators(*task)
    ]


def readings(tasks: list[tuple[str, str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Digests of the figures of every text in both default kinds, and of every task's
    indicators, each keyed by a digest of its input."""
    texts = {text for task in tasks for text in task}
    figures = {
        _digest((text, kind)): _digest(_figures(text, kind))
        for text in texts
        for kind in ("target", "actual")
    }
    indicators = {_digest(task): _digest(_indicators(task)) for task in tasks}
    return figures, indicators


def test_the_corpus_is_read_as_recorded() -> None:
    tasks = corpus_tasks()
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert len(tasks) == recorded["tasks"]  # the same corpus as recorded
    assert len(tasks) > 2000
    figures, indicators = readings(tasks)
    assert len(figures) == len(recorded["figures"])
    differ = [
        (text, kind, _figures(text, kind))
        for text in sorted({text for task in tasks for text in task})
        for kind in ("target", "actual")
        if figures[_digest((text, kind))] != recorded["figures"].get(_digest((text, kind)))
    ]
    assert not differ, differ[:5]
    changed = [
        (task, _indicators(task))
        for task in tasks
        if indicators[_digest(task)] != recorded["indicators"].get(_digest(task))
    ]
    assert not changed, changed[:5]


def test_the_recording_tells_a_figure_read_otherwise() -> None:
    # The digest holds every field: one figure's subject read otherwise changes it.
    text = "新建公共厕所30座，改造提升20座"
    one = _figures(text, "target")
    other = [(f"{one[0][0]}x", *one[0][1:]), *one[1:]]
    assert _digest(one) != _digest(other)
    assert _digest(one) == _digest(_figures(text, "target"))


# The kind markers as first written (lookbehinds before the words, the period so far behind a
# start-or-break lookbehind): kinds._MARKER_PATTERN is written so that every alternative opens
# with a plain character, and must find the same markers at the same places.
_READABLE_MARKERS = re.compile(
    "|".join(sorted((*kinds._MARKERS, *kinds._FUTURE_MARKERS), key=len, reverse=True))
    .replace("将", "(?<![已并均])将(?!近)")
    .replace("计划", f"(?<![按超])(?<!{kinds._PROGRAMME})计划(?![”》])")
    + "|"
    + r"(?:^|(?<=[，,；;。：:\n]))(?:[0-9一二三四五六七八九十]{1,2}(?:-|—|至|~|～)"
    r"[0-9一二三四五六七八九十]{1,2}月份?|前[一二三两]季度|上半年)"
)
_MARKER_PIECES = st.sampled_from(
    [
        *kinds._MARKERS,
        *kinds._FUTURE_MARKERS,
        *"按超已并均近将计划改善行动前上半年季度",
        *"0123一二三十-—至~～月份，,；。：\n”》 建设投资",
        *("1-10月", "前三季度", "将近"),
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_MARKER_PIECES, max_size=12), st.data())
def test_the_marker_pattern_finds_what_its_readable_form_finds(pieces: list[str], data) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    found = [(m.span(), m.group()) for m in kinds._MARKER_PATTERN.finditer(text, start, end)]
    wanted = [(m.span(), m.group()) for m in _READABLE_MARKERS.finditer(text, start, end)]
    assert found == wanted


def test_the_marker_pattern_on_its_examples() -> None:
    text = "全年计划完成投资56亿元，1-10月完成投资48.6亿元，按计划推进，将近完成，已将，将建设"
    words = [m.group() for m in kinds._MARKER_PATTERN.finditer(text)]
    assert words == ["计划", "1-10月", "已", "将"]
    assert kinds._MARKER_PATTERN.search("改善计划") is None
    assert [m.group() for m in kinds._MARKER_PATTERN.finditer("前三季度，上半年")] == [
        "前三季度",
        "上半年",
    ]


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    corpus = corpus_tasks()
    found, paired = readings(corpus)
    RECORDED.write_text(
        json.dumps(
            {"tasks": len(corpus), "figures": found, "indicators": paired}, separators=(",", ":")
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"recorded {len(found)} readings and {len(paired)} tasks' indicators")
