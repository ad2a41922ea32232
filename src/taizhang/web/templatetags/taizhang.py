"""Template filters of Taizhang's pages."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.contrib.messages.storage.base import Message
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from taizhang.accounts.access import serving_leader_links, serving_unit_links
from taizhang.chinese.numbers import figure_text
from taizhang.chinese.statuses import STATUS_CODES, status_label_text
from taizhang.documents.cells import category_numeral
from taizhang.documents.model import TaskDoc
from taizhang.ledger.models import Milestone, Task, TaskLeader, TaskUnit
from taizhang.notify import wording
from taizhang.supervision import doubts
from taizhang.supervision.lights import LABELS as LIGHT_LABELS
from taizhang.supervision.selectors import display_number

register = template.Library()


@register.simple_tag(takes_context=True)
def top_messages(context: template.Context) -> list[Message]:
    """The messages the page shows at its top: all but those tagged with the page's
    `inline_messages`, which it shows where they were asked (`messages_tagged`)."""
    tag = str(context.get("inline_messages") or "")
    shown: Iterable[Message] = context.get("messages") or ()
    return [message for message in shown if not _tagged(message, tag)]


@register.filter
def messages_tagged(messages: Iterable[Message], tag: str) -> list[Message]:
    """The messages tagged `tag` (none for an empty tag)."""
    return [message for message in messages if _tagged(message, tag)]


def _tagged(message: Message, tag: str) -> bool:
    return bool(tag) and tag in (message.extra_tags or "").split()


@register.filter
def cn_numeral(number: int) -> str:
    """A category number as the ledger writes it (10 -> 十)."""
    try:
        return category_numeral(int(number))
    except (TypeError, ValueError):
        return str(number)


# A status label this short is a symbol or a light (○, √, 红灯): shown with its word.
_SHORT_LABEL = 2


@register.filter
def status_text(task: object) -> str:
    """A task's status as shown: the label as the office wrote it, and where that is a symbol
    or a light ("○", "黄灯"), the status it stands for after it ("○（正在推进）")."""
    get = task.get if isinstance(task, dict) else lambda name: getattr(task, name, "")
    label, code = str(get("status_label") or ""), str(get("status") or "")
    if code in STATUS_CODES and label and len(label) <= _SHORT_LABEL:
        word = status_label_text(code)
        if word not in label:
            return f"{label}（{_(word)}）"
    return label


@register.filter
def status_word(code: str) -> str:
    """A status code in words ("lagging" -> "推进缓慢"); empty for none or an unknown one."""
    return _(status_label_text(code)) if code in STATUS_CODES else ""


@register.filter
def countdown(days: int) -> str:
    """Days to a due date in words, as reminders word them (`notify.wording.countdown`)."""
    return wording.countdown(days)


@register.filter
def number_label(task: Task) -> str:
    """The number a row shows: a sub-item's label as written ("3-1", "（1）"), else "3-1"."""
    return display_number(task)


@register.filter
def doc_number(subitem: TaskDoc, task: TaskDoc) -> str:
    """A sub-item's number in a ledger document: its label, else "3-1"."""
    return subitem.display_number(task)


@register.filter
def serving_units(task: Task) -> list[TaskUnit]:
    """The units serving a task (a sub-item naming none: its task's)."""
    return serving_unit_links(task)


@register.filter
def serving_leaders(task: Task) -> list[TaskLeader]:
    """The leaders of a task (a sub-item naming none: its task's)."""
    return serving_leader_links(task)


def field_label(name: str) -> str:
    """The label of a task field a revision names, from the model (milestones, a relation
    from the other side, by its model's name); "" for a name that is not a field."""
    if name == "milestones":
        return str(Milestone._meta.verbose_name)
    try:
        field = Task._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    return str(getattr(field, "verbose_name", "") or "")


@register.filter
def revision_summary(changes: dict[str, dict[str, object]]) -> str:
    """What a revision changed, in words: "新增任务", "移除", or the changed fields' names."""
    if changes and all(change.get("old") is None for change in changes.values()):
        return str(_("新增任务"))
    if set(changes) == {"removed"}:
        return str(_("新版台账中已无此任务，标记为移除"))
    names = [field_label(name) for name in changes]
    return "、".join(dict.fromkeys(name for name in names if name))


# A text longer than this shows its start in a revision's before → after.
_SHOWN_TEXT = 60
# Fields an edit writes that the page does not show as such: the sections compose the
# progress, whose change is shown.
_UNSHOWN_FIELDS = {"sections", "version"}


def _shown_value(name: str, value: object) -> str:
    """A field's value in a revision as the task page writes it."""
    if value is None or value == "":
        return "—"
    if name == "status":
        return status_word(str(value)) or str(value)
    text = " ".join(str(value).split())
    return text if len(text) <= _SHOWN_TEXT else text[: _SHOWN_TEXT - 1] + "…"


def _figure_lines(old: object, new: object) -> list[str]:
    """A corrected figure's before → after: its target, actual, unit and the office's check,
    each that changed (`supervision.services`, the history it keeps of a figure)."""
    before = old if isinstance(old, dict) else {}
    after = new if isinstance(new, dict) else {}
    name = after.get("name") or before.get("name") or ""

    def amount(facts: dict[str, object], key: str) -> str:
        value = facts.get(key)
        return f"{plain_number(value)}{facts.get('unit') or ''}" if value is not None else "—"

    lines = []
    for key, label in (("target", _("目标")), ("actual", _("完成数"))):
        was, now = amount(before, key), amount(after, key)
        if was != now:
            lines.append(
                _("指标“%(name)s”%(what)s：%(old)s → %(new)s")
                % {"name": name, "what": label, "old": was, "new": now}
            )
    old_check = doubts.verdict_text(str(before.get("verdict") or "")) or "—"
    new_check = doubts.verdict_text(str(after.get("verdict") or "")) or "—"
    if old_check != new_check:
        lines.append(
            _("指标“%(name)s”核实：%(old)s → %(new)s")
            % {"name": name, "old": old_check, "new": new_check}
        )
    return lines


@register.filter
def revision_lines(revision: object) -> list[str]:
    """What an edit (the office's, or its correction of a figure) changed, before → after, a
    line for each field; nothing for an import's or a report's revision (their summary and the
    report's own entry say it)."""
    if getattr(revision, "source", "") != "edit":
        return []
    changes = getattr(revision, "changes", None)
    lines: list[str] = []
    for name, change in (changes if isinstance(changes, dict) else {}).items():
        if not isinstance(change, dict) or name in _UNSHOWN_FIELDS:
            continue
        old, new = change.get("old"), change.get("new")
        if name == "figure":
            lines += _figure_lines(old, new)
            continue
        if name == "light":  # the light thresholds changed it (`supervision.services`)
            words = {code: _(label) for code, label in LIGHT_LABELS.items()}
            lines.append(
                _("亮灯：%(old)s → %(new)s")
                % {"old": words.get(str(old), old or "—"), "new": words.get(str(new), new or "—")}
            )
            continue
        label = field_label(name) or name
        lines.append(f"{label}：{_shown_value(name, old)} → {_shown_value(name, new)}")
    return lines


@register.filter
def verdict_word(code: str | None) -> str:
    """The office's check of a figure in words (`supervision.doubts.verdict_text`)."""
    return doubts.verdict_text(code)


@register.filter
def person_name(user: object, unit: object = None) -> str:
    """Who someone is on a page: the account's display name, else its full name, else
    "<unit>填报员" for one writing for a unit, 督查室 for the office; the login name only
    when nothing else is known (u0012 says nothing to the office). Reads `user.profile`:
    select it."""
    if user is None:
        return "—"
    profile = getattr(user, "profile", None)
    name = getattr(profile, "display_name", "") or getattr(user, "get_full_name", str)()
    if name.strip():
        return str(name).strip()
    if unit is not None:
        return _("%(unit)s填报员") % {"unit": getattr(unit, "name", unit)}
    if getattr(profile, "role", None) == "office":
        return _("督查室")
    return str(getattr(user, "get_username", lambda: "")())


@register.filter
def plain_number(value: object) -> str:
    """A stored figure as people write it: 3000.0 -> "3000", 2.50 -> "2.5"; nothing for none."""
    if value is None:
        return ""
    written = figure_text(value)
    return str(value) if written is None else written
