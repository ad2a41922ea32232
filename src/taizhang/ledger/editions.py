"""A later edition of a stored ledger, compared task by task: which stored task each of its
tasks is (`ledger.matching`), what will become of each, which units lose a task. Read-only:
`ledger_import` writes what `edition_plan` decides; the import previews show it."""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.documents.model import LedgerDoc, TaskDoc, subitem_keys, task_keys
from taizhang.ledger.errors import EditError
from taizhang.ledger.matching import AnswerError, Decision, Item, Kind, match
from taizhang.ledger.models import Ledger, Milestone, Task, TaskLeader, TaskUnit

# How each decision reads in the previews and the summary.
KIND_LABELS = {
    Kind.UNCHANGED: gettext_lazy("未变"),
    Kind.CHANGED: gettext_lazy("已修改"),
    Kind.MOVED: gettext_lazy("重新编号或移动"),
    Kind.NEW: gettext_lazy("新增"),
    Kind.REMOVED: gettext_lazy("移除"),
    Kind.AMBIGUOUS: gettext_lazy("待确认"),
}
# The answer that says a task of the new edition is none of the stored ones.
NEW_ANSWER = "new"
# Place fields: a task whose only difference is these keeps its history as it is.
_PLACE = ("category", "order", "number")
LABEL_LENGTH = Task._meta.get_field("label").max_length or 20


class MatchError(EditError):
    """An answer about the matching names a task that is not there."""


class AmbiguousError(EditError):
    """Tasks of the new edition that could be more than one stored task: the office decides
    before anything is imported. Carries the plan for the previews."""

    def __init__(self, plan: EditionPlan) -> None:
        keys = "、".join(d.new.key for d in plan.ambiguous if d.new is not None)
        super().__init__(
            _("有 %(n)s 项任务无法确定是原台账中的哪一项（新序号 %(keys)s），请逐项确认后再导入")
            % {"n": len(plan.ambiguous), "keys": keys}
        )
        self.plan = plan


@dataclass(frozen=True, slots=True)
class Row:
    """A task or sub-item of the document, where it stands: its key, its category's place,
    and its task's key (None for a task)."""

    key: str
    task: TaskDoc
    category: int
    parent: str | None


def document_rows(doc: LedgerDoc) -> Iterator[Row]:
    """Every task and, right after it, its sub-items, in document order, with their keys
    (`task_keys`, `subitem_keys`)."""
    keys = iter(task_keys(doc))
    for category_order, category in enumerate(doc.categories):
        for task in category.tasks:
            key = next(keys)
            yield Row(key, task, category_order, None)
            sub_keys = subitem_keys(key, task.subitems)
            for sub_key, subitem in zip(sub_keys, task.subitems, strict=True):
                yield Row(sub_key, subitem, category_order, key)


# A place: the category's order, the task's order in the ledger, its number.
Place = tuple[int, int, int]


@dataclass(slots=True)
class Stored:
    """A stored task as an import compares it: its row (`pk`, `version`, its task's `parent_pk`),
    its `place`, and `item`, what matching sees (its content a digest, `content_digest`).
    `stored_states` reads the whole state of the tasks that are to change."""

    pk: int
    version: int
    parent_pk: int | None
    place: Place
    item: Item

    @property
    def key(self) -> str:
        return self.item.key


# Stored tasks are read this many at a time (four queries each).
_CHUNK = 2000
_TASK_COLUMNS = (
    *("pk", "key", "parent_id", "version", "removed_at", "category__order", "category__name"),
    *("order", "number", "goal", "deadline_text", "deadline", "progress", "status"),
    *("status_label", "remarks", "extra", "label", "entries"),
)
_Columns = tuple[Any, ...]


def stored_tasks(ledger: Ledger | None, *, lock: bool) -> dict[str, Stored]:
    """Every stored task and sub-item of the ledger by key, read `_CHUNK` tasks at a time as
    plain rows and kept as digests (`Stored`): a ledger of 50,000 tasks is compared without
    holding its texts or model instances. `lock`: an edit or an accepted report running at
    the same time waits, then meets the bumped version and gets a conflict instead of being
    overwritten."""
    if ledger is None:
        return {}
    tasks = Task.objects.filter(ledger=ledger)
    parents = tasks.filter(pk__in=tasks.filter(parent__isnull=False).values("parent_id"))
    parent_keys = dict(parents.values_list("pk", "key"))
    shared = _Shared()
    found: dict[str, Stored] = {}
    for columns, state in _stored_rows(tasks, lock=lock):
        pk, key, parent_pk, version = columns[:4]
        parent = parent_keys[parent_pk] if parent_pk is not None else None
        item = _item(key, state, shared.text(columns[6]), parent, shared)
        place = (state["category"], state["order"], state["number"])
        found[item.key] = Stored(pk, version, parent_pk, place, item)
    return found


def stored_states(pks: list[int]) -> dict[int, dict[str, Any]]:
    """The whole state (`doc_state`'s shape) of these stored tasks, by pk: what a changed task
    was, for its revision. Assumes no more pks than one query may name (the importer's batch
    of a few hundred)."""
    tasks = Task.objects.filter(pk__in=pks)
    return {columns[0]: state for columns, state in _stored_rows(tasks, lock=False)}


def _stored_rows(tasks: QuerySet[Task], *, lock: bool) -> Iterator[tuple[_Columns, dict[str, Any]]]:
    """The tasks' columns (`_TASK_COLUMNS`) and states in pk order, `_CHUNK` at a time."""
    read = tasks.select_for_update(of=("self",)) if lock else tasks
    last = 0
    while True:
        chunk = read.filter(pk__gt=last).order_by("pk").values_list(*_TASK_COLUMNS)
        rows = list(chunk[:_CHUNK])
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        links = _links(Q(task__in=tasks.filter(pk__gte=first, pk__lte=last).values("pk")))
        for columns in rows:
            yield columns, _stored_state(columns, links)
        if len(rows) < _CHUNK:
            return


def _links(tasks: Q) -> dict[str, dict[int, list[Any]]]:
    links: dict[str, dict[int, list[Any]]] = {
        "leaders": defaultdict(list),
        "units": defaultdict(list),
        "milestones": defaultdict(list),
    }
    leaders = TaskLeader.objects.filter(tasks).order_by("task_id", "order", "pk")
    for task_id, name in leaders.values_list("task_id", "person__name"):
        links["leaders"][task_id].append(name)
    units = TaskUnit.objects.filter(tasks).order_by("task_id", "order", "pk")
    for task_id, name, role in units.values_list("task_id", "unit__name", "role"):
        links["units"][task_id].append([name, role])
    milestones = Milestone.objects.filter(tasks).order_by("task_id", "order", "pk")
    for task_id, text, day in milestones.values_list("task_id", "text", "date"):
        links["milestones"][task_id].append([text, day.isoformat()])
    return links


def _stored_state(columns: _Columns, links: dict[str, dict[int, list[Any]]]) -> dict[str, Any]:
    pk, _key, _parent, _version, removed_at, category = columns[:6]
    order, number, goal, deadline_text, deadline, progress, status = columns[7:14]
    status_label, remarks, extra, label, entries = columns[14:]
    return {
        "category": category,
        "order": order,
        "number": number,
        "goal": goal,
        "deadline_text": deadline_text,
        "deadline": deadline.isoformat() if deadline else None,
        "progress": progress,
        "status": status or None,
        "status_label": status_label,
        "remarks": remarks,
        "extra": dict(extra),
        "label": label,
        "entries": list(entries),
        "leaders": links["leaders"].get(pk, []),
        "units": links["units"].get(pk, []),
        "milestones": links["milestones"].get(pk, []),
        "removed": removed_at is not None,
    }


def doc_state(task: TaskDoc, category: int, order: int, label_length: int) -> dict[str, Any]:
    """A task of the document in the shape the importer compares and writes."""
    return {
        "category": category,
        "order": order,
        "number": task.number,
        "goal": task.goal,
        "deadline_text": task.deadline_text,
        "deadline": task.deadline.isoformat() if task.deadline else None,
        "progress": task.progress,
        "status": task.status,
        "status_label": task.status_label,
        "remarks": task.remarks,
        "extra": dict(task.extra),
        "label": task.label[:label_length],
        "entries": [{"title": e.title, "text": e.text, "month": e.month} for e in task.entries],
        "leaders": list(task.leaders),
        "units": [[u.name, u.role] for u in task.units],
        "milestones": [[m.text, m.date.isoformat()] for m in task.milestones],
        "removed": False,
    }


def _content(state: dict[str, Any]) -> dict[str, Any]:
    """The state without its place: equal when nothing but the place changed."""
    return {k: v for k, v in state.items() if k not in _PLACE}


# `json.dumps` with these arguments, its encoder made once, not for each task.
_content_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).encode


def content_digest(state: dict[str, Any]) -> bytes:
    """A digest of the state without its place (`_content`): equal digests, equal contents.
    Dict keys are sorted, so an `extra` written in another order is the same content."""
    text = _content_json(_content(state))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class _Shared:
    """One object for equal category names and unit sets, which thousands of items repeat."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.sets: dict[frozenset[str], frozenset[str]] = {}

    def text(self, text: str) -> str:
        return self.texts.setdefault(text, text)

    def units(self, units: frozenset[str]) -> frozenset[str]:
        return self.sets.setdefault(units, units)


def _item(
    key: str, state: dict[str, Any], category: str, parent: str | None, shared: _Shared
) -> Item:
    return Item(
        key=key,
        category=category,
        goal=state["goal"],
        units=shared.units(frozenset(name for name, _role in state["units"])),
        parent=parent,
        removed=state["removed"],
        content=content_digest(state),
    )


def document_items(rows: list[Row], category_names: list[str]) -> list[Item]:
    """The document's rows as matching sees them (`Item`s, their content a digest), in order."""
    shared = _Shared()
    return [
        _item(
            row.key,
            doc_state(row.task, row.category, order, LABEL_LENGTH),
            category_names[row.category],
            row.parent,
            shared,
        )
        for order, row in enumerate(rows)
    ]


@dataclass
class EditionPlan:
    """What importing an edition will do: a decision per task (new edition's order, then the
    stored tasks it drops), and the units that will no longer serve a task."""

    decisions: list[Decision] = field(default_factory=list)
    unit_notes: list[str] = field(default_factory=list)

    @property
    def pairs(self) -> dict[str, str]:
        """{new key: stored key} for every task of the edition that is a stored one."""
        return {
            d.new.key: d.old.key for d in self.decisions if d.new is not None and d.old is not None
        }

    @property
    def ambiguous(self) -> list[Decision]:
        return [d for d in self.decisions if d.kind == Kind.AMBIGUOUS]

    def counts(self) -> dict[str, int]:
        """How many tasks of each kind, by the kind's label."""
        found = Counter(d.kind for d in self.decisions)
        return {str(label): found.get(kind, 0) for kind, label in KIND_LABELS.items()}

    def lines(self) -> list[str]:
        """The kinds counted, one line per task that is not unchanged, then the units'
        losses: for the command line."""
        counts = {label: n for label, n in self.counts().items() if n}
        if set(counts) <= {str(KIND_LABELS[Kind.UNCHANGED])}:
            return [_("按内容与原台账比对：全部任务未变")]
        summary = "，".join(f"{label} {n} 项" for label, n in counts.items())
        lines = [_("按内容与原台账比对：%(counts)s") % {"counts": summary}]
        lines += [f"  {decision_text(d)}" for d in self.decisions if d.kind != Kind.UNCHANGED]
        return lines + [f"  {note}" for note in self.unit_notes]


def decision_text(decision: Decision) -> str:
    """A decision in one line: kind, old and new number, the goal's start."""
    label = str(KIND_LABELS[decision.kind])
    new, old = decision.new, decision.old
    goal = (new or old).goal[:30] if (new or old) else ""  # type: ignore[union-attr]
    if decision.kind == Kind.AMBIGUOUS and new is not None:
        options = "、".join(c.key for c in decision.candidates)
        return _("%(label)s：新%(new)s 可能是原%(options)s 「%(goal)s」") % {
            "label": label,
            "new": new.key,
            "options": options,
            "goal": goal,
        }
    numbers = f"{old.key if old else '—'} → {new.key if new else '—'}"
    return f"{label}：{numbers} 「{goal}」"


def edition_plan(
    items: list[Item],
    stored: Mapping[str, Stored],
    answers: Mapping[str, str | None] | None = None,
) -> EditionPlan:
    """Match the document's items (`document_items`) to the stored tasks
    (`ledger.matching.match`, with the office's `answers`: new key -> stored key, or None
    for a new task). Raises `MatchError` with a message for an answer that names a task
    that is not there."""
    old = [s.item for s in stored.values()]
    try:
        decisions = match(old, items, answers)
    except AnswerError as error:
        raise MatchError(_answer_message(error)) from error
    return EditionPlan(decisions=decisions, unit_notes=_unit_notes(decisions))


def edition_preview(
    doc: LedgerDoc, stored: Mapping[str, Stored], answers: Mapping[str, str | None] | None
) -> EditionPlan:
    """`edition_plan` for a whole document (what the previews show)."""
    rows = list(document_rows(doc))
    items = document_items(rows, [c.name for c in doc.categories])
    return edition_plan(items, stored, answers)


def _answer_message(error: AnswerError) -> str:
    if error.side == "new":
        return _("新台账中没有序号为 %(key)s 的任务") % {"key": error.key}
    if error.side == "old":
        return _("原台账中没有序号为 %(key)s 的任务") % {"key": error.key}
    if error.side == "level":
        return _(
            "新台账的 %(new)s 与原台账的 %(old)s 不能对应：任务只能对应任务，子项只能对应子项"
        ) % {"new": error.key, "old": error.other}
    return _("原任务 %(key)s 被指定给了多项新任务") % {"key": error.key}


def _unit_notes(decisions: list[Decision]) -> list[str]:
    """ "水利局 不再负责任务5" for every unit a matched task no longer has."""
    notes = []
    for d in decisions:
        if d.old is None or d.new is None or d.old.removed:
            continue
        for unit in sorted(d.old.units - d.new.units):
            notes.append(_("%(unit)s 不再负责任务%(key)s") % {"unit": unit, "key": d.new.key})
    return notes


def parse_answers(options: list[str]) -> dict[str, str | None]:
    """`--match NEW=OLD` options ("5=4", "7=new") as answers; raises MatchError for one
    that is not NEW=OLD."""
    answers: dict[str, str | None] = {}
    for option in options:
        new, sep, old = option.replace("＝", "=").partition("=")
        new, old = new.strip(), old.strip()
        if not sep or not new or not old:
            raise MatchError(_("%(o)s：应为 新序号=原序号 或 新序号=new") % {"o": option})
        answers[new] = None if old.lower() == NEW_ANSWER else old
    return answers


def answers_from_json(data: Any) -> dict[str, str | None]:
    """A match file's {"5": "4", "7": "new"} (null for new as well) as answers."""
    if not isinstance(data, dict):
        raise MatchError(_('匹配文件应为 JSON 对象，如 {"5": "4", "7": "new"}'))
    options = []
    for new, old in data.items():
        options.append(f"{new}={NEW_ANSWER if old is None else old}")
    return parse_answers(options)
