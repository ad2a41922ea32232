"""Which stored task each task of a later edition is: matching by content, not by number.

Pure (no Django): the importer gives the stored tasks and the new edition's as `Item`s and
gets a `Decision` per task. The rule (docs/editions.md):

1. The office's own answers (`answers`: new key -> old key, or None for a new task) first.
2. Tasks with the same goal, units and category are the same task (in document order when
   several are alike), whatever their number or place.
3. The rest are scored: goal similarity (rapidfuzz's `ratio`, most of the weight), the units
   in common, the same category, the same key (a weak hint). Pairs are taken best first, so
   one stored task never goes to two new ones. A pair below CONFIDENT, or with another
   candidate within MARGIN of it, is ambiguous: the office decides. Below FLOOR there is no
   match: the task is new, the stored one removed.
4. Sub-items are matched under their matched task (or by the office's answers).

Scores are only computed within blocks (same category, same key, a shared unit), so a
5,000-task edition is matched in a fraction of a second.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

# Goal similarity (0-100) below which two tasks are never the same.
GOAL_FLOOR = 50.0
# Combined scores (0-100): below FLOOR no match; from CONFIDENT on, a match when no other
# candidate comes within MARGIN of it; between the two, the office decides.
FLOOR = 60.0
CONFIDENT = 80.0
MARGIN = 8.0
# A task removed by an earlier edition yields to a current one that fits as well.
REMOVED_PENALTY = 2.0
# Above this many scored pairs, the shared-unit block is left out (only category and key).
PAIR_BUDGET = 1_000_000


class Kind(StrEnum):
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    MOVED = "moved"  # same task, another key (number) or category
    NEW = "new"
    REMOVED = "removed"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Item:
    """A task or sub-item on one side. `key` is its identity in its edition ("5", "2.3",
    "5/1"); `parent` its task's key (None for a task); `removed`, for a stored task, that an
    earlier edition already dropped it; `content` anything comparable (never hashed) that is
    equal when nothing but its place changed (the importer gives a digest of it, so that two
    editions of 50,000 tasks are compared without holding their texts twice)."""

    key: str
    category: str
    goal: str
    units: frozenset[str] = frozenset()
    parent: str | None = None
    removed: bool = False
    content: object = None


@dataclass(frozen=True, slots=True)
class Decision:
    """What becomes of one task: `new` and `old` are the items paired (either may be None);
    for an ambiguous one, `candidates` are the stored tasks it may be."""

    kind: Kind
    new: Item | None = None
    old: Item | None = None
    candidates: tuple[Item, ...] = ()
    score: float = 0.0


class AnswerError(ValueError):
    """An answer names a task that is not there ("new" or "old": the side it is missing
    from), a stored task twice ("twice"), or pairs a task with a sub-item ("level", `other`
    the stored key). `key` is the key named (the new one for "level")."""

    def __init__(self, side: str, key: str, other: str = "") -> None:
        super().__init__(f"{side}: {key}")
        self.side = side
        self.key = key
        self.other = other


def normalised(goal: str) -> str:
    """The goal as compared: full-width forms folded (NFKC), without whitespace."""
    return "".join(unicodedata.normalize("NFKC", goal).split())


def match(
    old: Sequence[Item], new: Sequence[Item], answers: Mapping[str, str | None] | None = None
) -> list[Decision]:
    """A decision for every new item (in its order), then one for every stored item that is
    neither matched nor a candidate of an ambiguous one and not removed already. Raises
    `AnswerError` for an answer that names an unknown task or a stored task twice, or that
    pairs a task with a sub-item."""
    return _Matcher(old, new, dict(answers or {})).run()


class _Matcher:
    def __init__(self, old: Sequence[Item], new: Sequence[Item], answers: dict[str, str | None]):
        self.old = {item.key: item for item in old}
        self.new = list(new)
        self.answers = answers
        self.pairs: dict[str, tuple[str, float]] = {}  # new key -> (old key, score)
        self.taken: set[str] = set()  # old keys paired
        self.ambiguous: dict[str, list[str]] = {}  # new key -> candidate old keys
        self.held: set[str] = set()  # old keys that are candidates of an ambiguous one
        self.forced_new: set[str] = set()

    def run(self) -> list[Decision]:
        self.apply_answers()
        olds_under, news_under = _children(self.old.values()), _children(self.new)
        self.assign(olds_under.get(None, []), news_under.get(None, []))
        for new_key, (old_key, _score) in list(self.pairs.items()):
            if old_key in olds_under or new_key in news_under:
                self.assign(olds_under.get(old_key, []), news_under.get(new_key, []))
        return self.decisions()

    def apply_answers(self) -> None:
        new_items = {item.key: item for item in self.new}
        used: set[str] = set()
        for new_key, old_key in self.answers.items():
            if new_key not in new_items:
                raise AnswerError("new", new_key)
            if old_key is None:
                self.forced_new.add(new_key)
                continue
            if old_key not in self.old:
                raise AnswerError("old", old_key)
            if old_key in used:
                raise AnswerError("twice", old_key)
            # A task stored as a sub-item would leave the document (or, swapped, make a cycle).
            if (new_items[new_key].parent is None) != (self.old[old_key].parent is None):
                raise AnswerError("level", new_key, old_key)
            used.add(old_key)
            self.pair(new_key, old_key, 100.0)

    def pair(self, new_key: str, old_key: str, score: float) -> None:
        self.pairs[new_key] = (old_key, score)
        self.taken.add(old_key)

    def free_old(self, items: Iterable[Item]) -> list[Item]:
        return [i for i in items if i.key not in self.taken and i.key not in self.held]

    def assign(self, olds: list[Item], news: list[Item]) -> None:
        """Pair these stored and new items (siblings under matched tasks, or all tasks)."""
        olds = self.free_old(olds)
        news = [n for n in news if n.key not in self.pairs and n.key not in self.forced_new]
        olds, news = self.assign_identical(olds, news)
        if olds and news:
            self.assign_scored(olds, news, _candidates(olds, news))

    def assign_identical(self, olds: list[Item], news: list[Item]) -> tuple[list[Item], ...]:
        """Same goal, units and category: the same task, in order (current before removed)."""
        waiting: dict[tuple[str, frozenset[str], str], list[Item]] = defaultdict(list)
        for item in sorted(olds, key=lambda i: i.removed):
            waiting[_identity(item)].append(item)
        left = []
        for item in news:
            same = waiting.get(_identity(item))
            if same:
                self.pair(item.key, same.pop(0).key, 100.0)
            else:
                left.append(item)
        return [i for group in waiting.values() for i in group], left

    def assign_scored(
        self, olds: list[Item], news: list[Item], scored: dict[str, dict[str, float]]
    ) -> None:
        """Best pairs first; a pair that is not clearly better than its rivals is ambiguous."""
        by_old: dict[str, dict[str, float]] = defaultdict(dict)
        for new_key, found in scored.items():
            for old_key, score in found.items():
                by_old[old_key][new_key] = score
        place = {item.key: i for i, item in enumerate(news)}
        ranked = sorted(
            ((s, o, n) for n, found in scored.items() for o, s in found.items()),
            key=lambda p: (-p[0], p[1] != p[2], place[p[2]]),
        )
        done: set[str] = set()
        for score, old_key, new_key in ranked:
            if old_key in done or new_key in done:
                continue
            rival_olds = _rivals(scored[new_key], old_key, score, done)
            rival_news = _rivals(by_old[old_key], new_key, score, done)
            if score >= CONFIDENT and not rival_olds and not rival_news:
                self.pair(new_key, old_key, score)
                done |= {old_key, new_key}
                continue
            group_olds = [old_key, *rival_olds]
            for key in [new_key, *rival_news]:
                self.ambiguous[key] = [o for o in group_olds if o in scored[key]]
            self.held.update(group_olds)
            done.update(group_olds, [new_key, *rival_news])

    def decisions(self) -> list[Decision]:
        result = []
        ambiguous_new = set(self.ambiguous)
        for item in self.new:
            if item.key in self.pairs:
                old_key, score = self.pairs[item.key]
                result.append(_paired(self.old[old_key], item, score))
            elif item.key in self.ambiguous:
                candidates = tuple(self.old[k] for k in self.ambiguous[item.key])
                result.append(Decision(Kind.AMBIGUOUS, new=item, candidates=candidates))
            elif item.parent not in ambiguous_new:
                # A sub-item of an ambiguous task is matched once the office has decided.
                result.append(Decision(Kind.NEW, new=item))
            else:
                ambiguous_new.add(item.key)
        matched = self.taken | self.held
        result += [
            Decision(Kind.REMOVED, old=item)
            for item in self.old.values()
            if item.key not in matched and not item.removed and item.parent not in self.held
        ]
        return result


def _children(items: Iterable[Item]) -> dict[str | None, list[Item]]:
    found: dict[str | None, list[Item]] = defaultdict(list)
    for item in items:
        found[item.parent].append(item)
    return found


def _identity(item: Item) -> tuple[str, frozenset[str], str]:
    # The goal as written: a goal that differs in width or spacing only scores ~100 below.
    return item.goal, item.units, item.category


def _rivals(found: dict[str, float], chosen: str, score: float, done: set[str]) -> list[str]:
    """The other candidates within MARGIN of `score`, not yet decided."""
    return [k for k, s in found.items() if k != chosen and k not in done and s >= score - MARGIN]


def _candidates(olds: list[Item], news: list[Item]) -> dict[str, dict[str, float]]:
    """{new key: {old key: combined score}} for the pairs worth scoring: within the same
    category, with the same key, or (while within PAIR_BUDGET) sharing a unit."""
    blocks: dict[Hashable, list[int]] = defaultdict(list)
    for index, item in enumerate(olds):
        blocks["c", item.category].append(index)
        blocks["k", item.key].append(index)
        for unit in item.units:
            blocks["u", unit].append(index)
    with_units = sum(len(_block(blocks, item, True)) for item in news) <= PAIR_BUDGET
    goals = [normalised(item.goal) for item in olds]
    scored: dict[str, dict[str, float]] = {}
    for item in news:
        indexes = sorted(_block(blocks, item, with_units))
        found = process.extract(
            normalised(item.goal),
            [goals[i] for i in indexes],
            scorer=fuzz.ratio,
            score_cutoff=GOAL_FLOOR,
            limit=None,
        )
        scores = {
            olds[indexes[at]].key: _score(goal, olds[indexes[at]], item) for _, goal, at in found
        }
        scored[item.key] = {k: s for k, s in scores.items() if s >= FLOOR}
    return scored


def _block(blocks: dict[Hashable, list[int]], item: Item, with_units: bool) -> set[int]:
    found = {*blocks.get(("c", item.category), ()), *blocks.get(("k", item.key), ())}
    if with_units:
        for unit in item.units:
            found.update(blocks.get(("u", unit), ()))
    return found


def _score(goal: float, old: Item, new: Item) -> float:
    """Goal similarity weighs most; the units in common, the category and the key add to it."""
    union = old.units | new.units
    units = len(old.units & new.units) / len(union) if union else 1.0
    score = 0.7 * goal + 20 * units + 6 * (old.category == new.category) + 4 * (old.key == new.key)
    return score - REMOVED_PENALTY * old.removed


def _paired(old: Item, new: Item, score: float) -> Decision:
    if (old.key, old.category) != (new.key, new.category):
        kind = Kind.MOVED
    elif (old.goal, old.units, old.content) != (new.goal, new.units, new.content):
        kind = Kind.CHANGED
    else:
        kind = Kind.UNCHANGED
    return Decision(kind, new=new, old=old, score=score)
