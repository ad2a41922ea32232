"""An audit event's details in the office's words: each key by its label (a model field's
verbose name, or the words of `audit_kinds.DETAIL_KEYS`), each value as people read it (a
task by its number and goal, a unit, round, report, bulletin or leader by name, a user by
display name, lists joined with 、, 是/否, figures without trailing zeros). The objects the
details name are read for a whole page of events at once, a query for each kind of object
named, whatever the number of events. Reads only; the stored details are not changed.

The trail names objects of every app: they are found by their app label
(`apps.get_model`), not imported, so the ledger app still imports no higher layer."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.chinese.numbers import figure_text
from taizhang.ledger.audit_kinds import (
    ACTION,
    ACTION_LABELS,
    BULLETIN,
    CHANGES,
    CHOICE,
    CHOICES,
    COUNT,
    DETAIL_KEYS,
    FIELDS,
    MODEL_WORDS,
    MODELS,
    MOMENT,
    NUMBER,
    PERSON,
    REPORT,
    ROUND,
    TASK,
    TASK_ID,
    UNIT,
    USER,
    WORDS,
    Key,
)
from taizhang.ledger.models import AuditEvent, Person, Task, Unit

GOAL_SHOWN = 24  # characters of a task's goal beside its number
EMPTY = "—"


@dataclass(frozen=True)
class Detail:
    """One line of an event's details: the key's label and the value's words."""

    label: str
    text: str


def action_label(action: str) -> str:
    """The office's name of an action, or its code when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


_POSITION = {name: i for i, name in enumerate(DETAIL_KEYS)}


def _found_name(action: str, key: str) -> str | None:
    group = action.split(".", 1)[0]
    return next(
        (name for name in (f"{action}:{key}", f"{group}:{key}", key) if name in DETAIL_KEYS),
        None,
    )


def detail_key(action: str, key: str) -> Key | None:
    """How `key` of an `action` event reads: the action's own, its group's, or everyone's."""
    name = _found_name(action, key)
    return DETAIL_KEYS[name] if name is not None else None


def shown_keys(action: str, data: dict[str, Any]) -> list[str]:
    """The keys of an event's details in the order shown: `DETAIL_KEYS`' order, the others
    after it by name; a task's number is left out beside its id (the same task, named)."""

    def position(key: str) -> tuple[int, str]:
        name = _found_name(action, key)
        return (_POSITION[name] if name is not None else len(_POSITION), key)

    keys = sorted(data, key=position)
    return [k for k in keys if not (k == "task" and "task_id" in data)]


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def verbose_name(reference: str) -> str:
    """The verbose name of "app.Model" or of "app.Model.field" ("" when there is none)."""
    app, _dot, rest = reference.partition(".")
    model_name, _dot, field_name = rest.partition(".")
    model = _model(f"{app}.{model_name}")
    if model is None:
        return ""
    if not field_name:
        return str(model._meta.verbose_name)
    try:
        return str(getattr(model._meta.get_field(field_name), "verbose_name", "") or "")
    except FieldDoesNotExist:
        return ""


def _choices(reference: str) -> dict[str, str]:
    app, _dot, rest = reference.partition(".")
    model_name, _dot, field_name = rest.partition(".")
    model = _model(f"{app}.{model_name}")
    if model is None:
        return {}
    try:
        return {str(k): str(v) for k, v in model._meta.get_field(field_name).flatchoices}  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return {}


def key_label(action: str, key: str) -> str:
    """The label of a key of an `action` event's details; the key itself when unknown."""
    found = detail_key(action, key)
    if found is None:
        return key
    if found.field:
        return verbose_name(found.field) or key
    return str(found.label) or key


@dataclass
class _Named:
    """What a page of events names, read a query a kind: tasks by (ledger, number) and by
    id, reports, rounds, units, leaders, bulletins by id, users by user name."""

    wanted: dict[str, set[Any]] = field(default_factory=lambda: defaultdict(set))
    found: dict[str, dict[Any, str]] = field(default_factory=dict)

    def want(self, shows: str, value: Any, ledger_id: int | None) -> None:
        for item in value if isinstance(value, list) else [value]:
            if shows == USER:
                if isinstance(item, str):
                    self.wanted[USER].add(item)
            elif not isinstance(item, int) or isinstance(item, bool):
                continue
            elif shows == TASK:
                if ledger_id is not None:  # a number names a task only in its ledger
                    self.wanted[TASK].add((ledger_id, item))
            elif shows in _READERS:
                self.wanted[shows].add(item)

    def read(self) -> None:
        for shows, wanted in self.wanted.items():
            if wanted:
                self.found[shows] = _READERS[shows](wanted)

    def name(self, shows: str, item: Any, ledger_id: int | None) -> str | None:
        key = (ledger_id, item) if shows == TASK else item
        return self.found.get(shows, {}).get(key)


def task_name(task: Task) -> str:
    """A task as the office names it: 第3项“goal…” (a sub-item by its own number)."""
    goal = " ".join(task.goal.split())
    if len(goal) > GOAL_SHOWN:
        goal = goal[: GOAL_SHOWN - 1] + "…"
    number = task.label or str(task.number)
    return _("第%(n)s项“%(goal)s”") % {"n": number, "goal": goal}


def _tasks_by_number(wanted: set[tuple[int, int]]) -> dict[Any, str]:
    """Tasks by (ledger, number), for events that recorded a number only: a number one task
    of its ledger has, sub-items counted (such an event may be a sub-item's, told by its own
    number; a ledger may number each category afresh: those stay numbers)."""
    ledgers, numbers = {k[0] for k in wanted}, {k[1] for k in wanted}
    rows = Task.objects.filter(ledger_id__in=ledgers, number__in=numbers).only(
        "ledger_id", "number", "label", "goal"
    )
    found: dict[tuple[int, int], list[Task]] = defaultdict(list)
    for task in rows:
        found[(task.ledger_id, task.number)].append(task)
    return {key: task_name(tasks[0]) for key, tasks in found.items() if len(tasks) == 1}


def _tasks_by_id(wanted: set[int]) -> dict[Any, str]:
    rows = Task.objects.filter(pk__in=wanted).only("number", "label", "goal")
    return {task.pk: task_name(task) for task in rows}


def _reports(wanted: set[int]) -> dict[Any, str]:
    report_model = apps.get_model("reporting", "Report")
    rows = report_model.objects.filter(pk__in=wanted).select_related("unit", "round", "task")
    rows = rows.only("unit__name", "round__name", "task__number", "task__label", "task__goal")
    return {
        r.pk: _("%(unit)s在“%(round)s”的报送，%(task)s")
        % {"unit": r.unit.name, "round": r.round.name, "task": task_name(r.task)}
        for r in rows
    }


def _names(label: str, attribute: str) -> Any:
    def read(wanted: set[int]) -> dict[Any, str]:
        rows = apps.get_model(label).objects.filter(pk__in=wanted).values_list("pk", attribute)
        return {pk: str(name) for pk, name in rows}

    return read


def _users(wanted: set[str]) -> dict[Any, str]:
    user_model = apps.get_model("auth", "User")
    rows = user_model.objects.filter(username__in=wanted).values_list(
        "username", "profile__display_name"
    )
    return {name: f"{shown}（{name}）" if shown else name for name, shown in rows}


_READERS: dict[str, Any] = {
    TASK: _tasks_by_number,
    TASK_ID: _tasks_by_id,
    REPORT: _reports,
    ROUND: _names("reporting.Round", "name"),
    UNIT: _names(Unit._meta.label, "name"),
    PERSON: _names(Person._meta.label, "name"),
    BULLETIN: _names("supervision.Bulletin", "title"),
    USER: _users,
}


def scalar_text(value: Any) -> str:
    """A plain value: 是/否, — for nothing, a list joined with 、, a mapping as key：value."""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, list):
        return "、".join(scalar_text(item) for item in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{scalar_text(v)}" for k, v in sorted(value.items()))
    return str(value)


def number_text(value: Any) -> str:
    """A figure as written: "1200.0000" -> 1200, "None" -> —."""
    if value in (None, "", "None"):
        return EMPTY
    written = figure_text(value)
    return str(value) if written is None else written


def moment_text(value: Any) -> str:
    """An ISO date and time in local time, as the pages write it (2026-03-01 14:05)."""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return scalar_text(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


class _Reading:
    """The words of one page's events (`audit_details`)."""

    def __init__(self, named: _Named) -> None:
        self.named = named

    def value(self, action: str, key: str, value: Any, ledger_id: int | None) -> str:
        found = detail_key(action, key)
        if found is None or not found.shows:
            return self.nested(action, value, ledger_id)
        if found.shows == COUNT:
            return str(len(value)) if isinstance(value, list) else scalar_text(value)
        if isinstance(value, list):
            shown = [self.one(found, action, v, ledger_id) for v in value]
            return "、".join(shown) if shown else EMPTY
        return self.one(found, action, value, ledger_id)

    def nested(self, action: str, value: Any, ledger_id: int | None) -> str:
        # Inside a detail: parts apart with ，, details with ；. An empty mapping is —.
        if isinstance(value, dict) and value:
            return "，".join(
                f"{key_label(action, k)}：{self.value(action, k, value[k], ledger_id)}"
                for k in shown_keys(action, {str(k): v for k, v in value.items()})
            )
        return scalar_text(value)

    def one(self, key: Key, action: str, value: Any, ledger_id: int | None) -> str:
        shows = key.shows
        if shows in _READERS:
            name = self.named.name(shows, value, ledger_id)
            if name is not None:
                return name
            return _("第%(n)s项") % {"n": value} if shows == TASK else scalar_text(value)
        if shows == FIELDS:
            return verbose_name(f"{key.of}.{value}") or str(value)
        if shows == CHANGES:
            return self.changes(key, value)
        if shows == MODELS and isinstance(value, dict):
            return "、".join(
                f"{MODEL_WORDS.get(str(k)) or verbose_name(str(k)) or k} {scalar_text(v)}"
                for k, v in value.items()
            ) or str(EMPTY)
        if shows == CHOICES:
            first, _colon, second = str(value).partition(":")
            words = _choices(key.of).get(first, first)
            return f"{words}（{_choices(key.of_second).get(second, second)}）" if second else words
        if shows == ACTION:
            return action_label(str(value)) if value else EMPTY
        if shows == CHOICE:
            return _choices(key.of).get(str(value), scalar_text(value))
        if shows == WORDS:
            word = key.words.get(str(value))
            return str(word) if word is not None else scalar_text(value)
        if shows == NUMBER:
            return number_text(value)
        if shows == MOMENT:
            return moment_text(value) if value else EMPTY
        return scalar_text(value)

    def changes(self, key: Key, value: Any) -> str:
        """{field: {"old", "new"}} as 名称：旧 → 新, each field by its verbose name."""
        if not isinstance(value, dict):
            return scalar_text(value)
        lines = []
        for name, change in value.items():
            label = verbose_name(f"{key.of}.{name}") if key.of else ""
            if isinstance(change, dict) and set(change) == {"old", "new"}:
                text = f"{scalar_text(change['old'])} → {scalar_text(change['new'])}"
            else:
                text = scalar_text(change)
            lines.append(f"{label or name}：{text}")
        return "，".join(lines) if lines else EMPTY


def _want_all(named: _Named, action: str, data: dict[Any, Any], ledger_id: int | None) -> None:
    """What the details `data` name, a detail's own details included (an export's filters)."""
    for key, value in data.items():
        found = detail_key(action, str(key))
        if found is not None and found.shows:
            named.want(found.shows, value, ledger_id)
        elif isinstance(value, dict):
            _want_all(named, action, value, ledger_id)


def _wanted(events: Iterable[AuditEvent]) -> _Named:
    named = _Named()
    for event in events:
        if not isinstance(event.data, dict):
            continue
        _want_all(named, event.action, event.data, event.ledger_id)
    named.read()
    return named


def audit_details(events: Sequence[AuditEvent]) -> list[list[Detail]]:
    """Each event's details in words, in the order stored; the objects they name are read
    for all the events at once (a query a kind of object: the same for 10 events or 1,000).
    A key with no label shows as stored, so nothing is hidden (but a task's number beside
    its id, which names the same task)."""
    reading = _Reading(_wanted(events))
    shown: list[list[Detail]] = []
    for event in events:
        data = event.data
        if not isinstance(data, dict):
            shown.append([Detail(_("内容"), scalar_text(data))] if data else [])
            continue
        shown.append(
            [
                Detail(
                    key_label(event.action, key),
                    reading.value(event.action, key, data[key], event.ledger_id),
                )
                for key in shown_keys(event.action, data)
            ]
        )
    return shown


def details_text(details: Sequence[Detail]) -> str:
    """An event's details as one line: 标签：值；标签：值."""
    return "；".join(f"{d.label}：{d.text}" for d in details)
