"""Compare a reading of a corpus file with its expected parse, field by field.

Both sides are `ledger_to_dict` data. Tasks are lined up by their goal text (in document order,
across categories), so one task missed or one odd row read as a task costs that task's fields,
not every field after it; sub-items are lined up the same way under their task. Each expected
field counts once: the ledger's title, year, as_of, columns and categories, and per task (and
sub-item) its category, number, label, goal, leaders, units, deadline_text, deadline,
milestones, progress, status, status_label, remarks, extra and entries."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

LEDGER_FIELDS = ("title", "year", "as_of", "columns", "categories")
TASK_FIELDS = (
    "number",
    "label",
    "goal",
    "leaders",
    "units",
    "deadline_text",
    "deadline",
    "milestones",
    "progress",
    "status",
    "status_label",
    "remarks",
    "extra",
    "entries",
)
# What @1 leaves out, as @2 would write it.
_V2_DEFAULTS: dict[str, Any] = {"label": "", "entries": [], "subitems": []}


@dataclass
class Score:
    """How a reading compares: fields right of fields expected (also by field name), tasks
    expected, found (read, whatever they are) and matched, and the differences in words."""

    right: int = 0
    total: int = 0
    by_field: Counter[str] = field(default_factory=Counter)
    by_field_total: Counter[str] = field(default_factory=Counter)
    tasks_expected: int = 0
    tasks_found: int = 0
    tasks_matched: int = 0
    diffs: list[str] = field(default_factory=list)

    def count(self, name: str, ok: bool, where: str, expected: Any, got: Any) -> None:
        self.total += 1
        self.by_field_total[name] += 1
        if ok:
            self.right += 1
            self.by_field[name] += 1
        else:
            self.diffs.append(f"{where}{name}: expected {_short(expected)}, got {_short(got)}")

    def add(self, other: Score) -> None:
        """Add another file's score into this one (diffs are not carried)."""
        self.right += other.right
        self.total += other.total
        self.by_field.update(other.by_field)
        self.by_field_total.update(other.by_field_total)
        self.tasks_expected += other.tasks_expected
        self.tasks_found += other.tasks_found
        self.tasks_matched += other.tasks_matched

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def compare(expected: dict[str, Any], got: dict[str, Any] | None) -> Score:
    """Score `got` (None: the file was refused) against `expected`."""
    score = Score()
    got = got or {}
    for name in LEDGER_FIELDS:
        want, have = _ledger_field(expected, name), _ledger_field(got, name) if got else None
        score.count(name, want == have, "", want, have)
    wanted, found = _tasks(expected), _tasks(got) if got else []
    score.tasks_expected = _count(t for _, t in wanted)
    score.tasks_found = _count(t for _, t in found)
    for pair in _align([t for _, t in wanted], [t for _, t in found]):
        e, g = pair
        if e is None:
            score.diffs.append(f"a task read that is none: {_short(found[g][1]['goal'])}")  # type: ignore[index]
            continue
        ecat = wanted[e][0]
        gcat = found[g][0] if g is not None else None
        _task(score, wanted[e][1], found[g][1] if g is not None else None, ecat, gcat, "")
    return score


def _count(tasks: Any) -> int:
    return sum(1 + len(t["subitems"]) for t in tasks)


def _ledger_field(data: dict[str, Any], name: str) -> Any:
    if name == "categories":
        return [(c.get("number"), c.get("name")) for c in data.get("categories", [])]
    return data.get(name)


def _tasks(data: dict[str, Any]) -> list[tuple[tuple[Any, Any], dict[str, Any]]]:
    return [
        ((c.get("number"), c.get("name")), _with_defaults(t))
        for c in data.get("categories", [])
        for t in c.get("tasks", [])
    ]


def _with_defaults(task: dict[str, Any]) -> dict[str, Any]:
    full = {**_V2_DEFAULTS, **task}
    full["subitems"] = [_with_defaults(s) for s in full["subitems"]]
    return full


def _align(
    wanted: list[dict[str, Any]], found: list[dict[str, Any]]
) -> list[tuple[int | None, int | None]]:
    """Pairs (expected index, found index): equal goals matched in order, the tasks between two
    matches paired by position, the rest unpaired."""
    matcher = difflib.SequenceMatcher(
        None, [t["goal"] for t in wanted], [t["goal"] for t in found], autojunk=False
    )
    pairs: list[tuple[int | None, int | None]] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal" or tag == "replace":
            n = max(a1 - a0, b1 - b0)
            for k in range(n):
                a = a0 + k if a0 + k < a1 else None
                b = b0 + k if b0 + k < b1 else None
                pairs.append((a, b))
        elif tag == "delete":
            pairs.extend((a, None) for a in range(a0, a1))
        else:
            pairs.extend((None, b) for b in range(b0, b1))
    return pairs


def _task(
    score: Score,
    want: dict[str, Any],
    have: dict[str, Any] | None,
    category: Any,
    have_category: Any,
    prefix: str,
) -> None:
    number = want.get("label") or want.get("number")
    where = f"{prefix}task {number} «{want['goal'][:12]}»: "
    if have is None:
        score.diffs.append(f"{where}missing")
        score.total += len(TASK_FIELDS) + (0 if prefix else 1)
        for name in TASK_FIELDS:
            score.by_field_total[prefix + name] += 1
        if not prefix:
            score.by_field_total["category"] += 1
        for sub in want["subitems"]:
            _task(score, sub, None, category, None, "sub-item ")
        return
    score.tasks_matched += 1
    if not prefix:
        score.count("category", category == have_category, where, category, have_category)
    for name in TASK_FIELDS:
        score.count(
            prefix + name, want.get(name) == have.get(name), where, want.get(name), have.get(name)
        )
    for e, g in _align(want["subitems"], have["subitems"]):
        if e is not None:
            sub = have["subitems"][g] if g is not None else None
            _task(score, want["subitems"][e], sub, category, None, "sub-item ")
        else:
            score.diffs.append(
                f"{where}a sub-item read that is none: {_short(have['subitems'][g]['goal'])}"
            )


def _short(value: Any, limit: int = 90) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
