"""The JSON interchange format `taizhang/ledger@2` (and @1 before it): the ledger document
written out, and read back with validation. Documented in docs/ledger-format.md.

A ledger without sub-items, sub-item labels or month entries is written as @1, which is the
same document without those keys, so files and consumers made for @1 keep working; @2 is
written only where the ledger needs it. Both are read."""

from __future__ import annotations

import datetime
import json
from typing import Any

from taizhang.chinese.statuses import STATUS_CODES
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import (
    FORMAT,
    OLD_FORMATS,
    UNIT_ROLES,
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)

# Deeper than this is no ledger (a ledger is 6 levels deep); refused before decoding, so a
# file of nested brackets cannot exhaust the recursion limit.
_MAX_DEPTH = 64


def needs_v2(doc: LedgerDoc) -> bool:
    """Whether the ledger uses what only @2 holds: sub-items, labels or month entries."""
    return any(task.subitems or task.label or task.entries for task in doc.tasks)


def ledger_to_dict(doc: LedgerDoc) -> dict[str, Any]:
    """The ledger as plain JSON-ready data, keys in the documented order; @1 where it can."""
    v2 = needs_v2(doc)
    return {
        "format": FORMAT if v2 else OLD_FORMATS[0],
        "title": doc.title,
        "year": doc.year,
        "as_of": _date(doc.as_of),
        "columns": [{"key": c.key, "title": c.title} for c in doc.columns],
        "categories": [
            {"number": c.number, "name": c.name, "tasks": [_task(t, v2) for t in c.tasks]}
            for c in doc.categories
        ],
    }


def _task(task: TaskDoc, v2: bool) -> dict[str, Any]:
    data = {
        "number": task.number,
        "goal": task.goal,
        "leaders": list(task.leaders),
        "units": [{"name": u.name, "role": u.role} for u in task.units],
        "deadline_text": task.deadline_text,
        "deadline": _date(task.deadline),
        "milestones": [{"text": m.text, "date": m.date.isoformat()} for m in task.milestones],
        "progress": task.progress,
        "status": task.status,
        "status_label": task.status_label,
        "remarks": task.remarks,
        "extra": dict(task.extra),
    }
    if v2:
        data["label"] = task.label
        data["entries"] = [
            {"title": e.title, "text": e.text, "month": e.month} for e in task.entries
        ]
        data["subitems"] = [_task(sub, v2) for sub in task.subitems]
    return data


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def write_json(doc: LedgerDoc) -> bytes:
    """The ledger as UTF-8 JSON bytes (Chinese kept as is, indented, newline at the end)."""
    return (json.dumps(ledger_to_dict(doc), ensure_ascii=False, indent=1) + "\n").encode()


def read_json(data: bytes, *, name: str) -> LedgerDoc:
    """Read a `taizhang/ledger@2` or @1 JSON file. Raises `LedgerReadError` for anything else
    (also for JSON nested deeper than any ledger, before decoding it)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise LedgerReadError(f"不是有效的 JSON：{error}", source=name) from None
    if _depth(text) > _MAX_DEPTH:
        raise LedgerReadError(f"不是台账 JSON：嵌套超过{_MAX_DEPTH}层", source=name)
    try:
        raw = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise LedgerReadError(f"不是有效的 JSON：{error}", source=name) from None
    return ledger_from_dict(raw, name=name)


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


class _Fields:
    """Typed access to one JSON object, failing with the path of the bad field."""

    def __init__(self, data: Any, path: str, name: str) -> None:
        if not isinstance(data, dict):
            raise LedgerReadError(f"{path} 应为对象", source=name)
        self.data, self.path, self.name = data, path, name

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise LedgerReadError(f"{self.path}.{key} 缺失", source=self.name)
            return default
        value = self.data[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise LedgerReadError(f"{self.path}.{key} 类型不对", source=self.name)
        return value

    def date(self, key: str) -> datetime.date | None:
        text = self.get(key, str, None)
        if text is None:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise LedgerReadError(f"{self.path}.{key} 不是日期：{text}", source=self.name) from None

    def child(self, value: Any, path: str) -> _Fields:
        return _Fields(value, f"{self.path}.{path}", self.name)


def ledger_from_dict(data: Any, *, name: str) -> LedgerDoc:
    """Build a `LedgerDoc` from decoded `taizhang/ledger@2` (or @1) data, checking every
    field."""
    top = _Fields(data, "$", name)
    if top.get("format", str, "") not in (FORMAT, *OLD_FORMATS):
        raise LedgerReadError(f"不是 {FORMAT} 格式的台账 JSON", source=name)
    doc = LedgerDoc(
        title=top.get("title", str),
        year=top.get("year", int),
        as_of=top.date("as_of"),
        source_name=name,
    )
    for i, column in enumerate(top.get("columns", list, [])):
        fields = top.child(column, f"columns[{i}]")
        doc.columns.append(Column(key=fields.get("key", str), title=fields.get("title", str)))
    for i, category in enumerate(top.get("categories", list)):
        fields = top.child(category, f"categories[{i}]")
        doc.categories.append(
            CategoryDoc(
                number=fields.get("number", int),
                name=fields.get("name", str, ""),
                tasks=[
                    _task_from(fields.child(task, f"tasks[{j}]"))
                    for j, task in enumerate(fields.get("tasks", list))
                ],
            )
        )
    return doc


def _task_from(fields: _Fields) -> TaskDoc:
    status = fields.get("status", str, None)
    if status is not None and status not in STATUS_CODES:
        raise LedgerReadError(f"{fields.path}.status 未知：{status}", source=fields.name)
    return TaskDoc(
        number=fields.get("number", int),
        goal=fields.get("goal", str),
        leaders=[str(x) for x in fields.get("leaders", list, [])],
        units=[
            _unit(fields.child(u, f"units[{k}]"))
            for k, u in enumerate(fields.get("units", list, []))
        ],
        deadline_text=fields.get("deadline_text", str, ""),
        deadline=fields.date("deadline"),
        milestones=[
            _milestone(fields.child(m, f"milestones[{k}]"))
            for k, m in enumerate(fields.get("milestones", list, []))
        ],
        progress=fields.get("progress", str, ""),
        status=status,
        status_label=fields.get("status_label", str, ""),
        remarks=fields.get("remarks", str, ""),
        extra={str(k): str(v) for k, v in fields.get("extra", dict, {}).items()},
        label=fields.get("label", str, ""),
        entries=[
            _entry(fields.child(e, f"entries[{k}]"))
            for k, e in enumerate(fields.get("entries", list, []))
        ],
        subitems=[
            _subitem_from(fields.child(sub, f"subitems[{k}]"))
            for k, sub in enumerate(fields.get("subitems", list, []))
        ],
    )


def _subitem_from(fields: _Fields) -> TaskDoc:
    """A sub-item: a task's fields, but no sub-items of its own (a ledger has two levels)."""
    if fields.get("subitems", list, []):
        raise LedgerReadError(f"{fields.path}.subitems：子项下不能再有子项", source=fields.name)
    return _task_from(fields)


def _entry(fields: _Fields) -> EntryDoc:
    month = fields.get("month", int, None)
    if month is not None and not 1 <= month <= 12:
        raise LedgerReadError(f"{fields.path}.month 不是1至12：{month}", source=fields.name)
    return EntryDoc(title=fields.get("title", str, ""), text=fields.get("text", str), month=month)


def _unit(fields: _Fields) -> UnitRef:
    role = fields.get("role", str, "responsible")
    if role not in UNIT_ROLES:
        raise LedgerReadError(f"{fields.path}.role 未知：{role}", source=fields.name)
    return UnitRef(name=fields.get("name", str), role=role)


def _milestone(fields: _Fields) -> MilestoneDoc:
    day = fields.date("date")
    if day is None:
        raise LedgerReadError(f"{fields.path}.date 缺失", source=fields.name)
    return MilestoneDoc(text=fields.get("text", str, ""), date=day)
