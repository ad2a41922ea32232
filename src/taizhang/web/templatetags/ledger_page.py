"""What the ledger page writes in Python rather than through templates: its rows (100 rows of
seven cells, a template included per row, cost several times what their queries cost), the
selects of its filter form (a template included per option) and its export form (a loop of
six buttons with a URL each and of the filter's hidden fields cost 0.4 ms a page). The HTML
is the same the templates wrote. Every text is escaped here, with `html.escape`, which
Django's `escape` wraps (the same entities, without its lazy-string checks on each of ~1,300
values a page), called only for a text that holds a character it replaces (`text`); the
words are gettext's."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from django import template
from django.forms import Form
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template.context import Context
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from taizhang.supervision.lights import reason_text
from taizhang.web.forms import WINDOW_ERROR_ID
from taizhang.web.templatetags.cached_url import cached_reverse
from taizhang.web.templatetags.taizhang import cn_numeral, status_text

if TYPE_CHECKING:
    from taizhang.documents.writers import ExportFormat
    from taizhang.supervision.rows import RowLight
    from taizhang.web.views import LedgerRow

register = template.Library()

# A character `html.escape` replaces (with quote=True).
_SPECIAL = re.compile("[&<>\"']")


def text(value: str) -> str:
    """`value` escaped as `html.escape` escapes it: most texts of a ledger hold nothing it
    replaces, and a search for those characters costs less than its five replacements."""
    return escape(value) if _SPECIAL.search(value) else value


def id_url(name: str) -> Callable[[int], str]:
    """The URL of a view that takes one id, for any id, reversing the route once."""
    head, tail = (escape(part) for part in reverse(name, args=[1]).rsplit("1", 1))
    return lambda pk: f"{head}{pk}{tail}"


@register.simple_tag
def ledger_rows(rows: Sequence[LedgerRow], titles: dict[str, str]) -> SafeString:
    """The body of the ledger table: each row after its category's row (where the category
    changes and has a name), or a line saying that nothing matched."""
    if not rows:
        return mark_safe(f'\n<tr><td colspan="7">{escape(_("没有符合条件的任务。"))}</td></tr>\n')  # noqa: S308
    cells = row_cells(titles, plain=plain(rows))
    html = []
    category: object = object()  # as {% ifchanged %}: the first row's category is a change
    for row in rows:
        html.append("\n")
        if row.category_id != category:
            category = row.category_id
            if row.category_name:
                number = text(cn_numeral(row.category_number))
                html.append(
                    f'<tr class="category"><td class="num">{number}</td>'
                    f'<td colspan="6">{text(row.category_name)}</td></tr>'
                )
        html.append("\n")
        html.append(cells(row))
        html.append("\n")
    return mark_safe("".join(html))  # noqa: S308 (every text above is escaped)


def plain(rows: Sequence[LedgerRow]) -> bool:
    """Whether no text a row writes holds a character `html.escape` replaces: one search of
    the page's texts joined (~1,000 of them, most ledgers' none) instead of one a text."""
    texts: list[str] = []
    for row in rows:
        texts += row.leaders
        texts += [name for name, _role in row.units]
        texts += (row.shown_number, row.goal, row.deadline_text, row.progress, row.status)
        texts.append(row.remarks)
    return not _SPECIAL.search("".join(texts))


def row_cells(titles: dict[str, str], *, plain: bool = False) -> Callable[[LedgerRow], str]:
    """How one row is written, with the column titles (the ledger's own, else the usual ones)
    and the words worked out once for all rows; `plain`: no text of the rows needs escaping
    (`plain`), so none is searched for what it would replace."""
    label = {
        "number": escape(_("序号")),
        "goal": escape(str(titles.get("goal") or _("工作目标任务"))),
        "leaders": escape(str(titles.get("leaders") or _("牵头领导"))),
        "units": escape(str(titles.get("units") or _("责任单位"))),
        "deadline": escape(str(titles.get("deadline") or _("完成时限"))),
        "progress": escape(str(titles.get("progress") or _("进展情况"))),
        "status": escape(_("状态")),
    }
    co = f'<span class="muted">（{escape(_("配合"))}）</span>'
    url = id_url("web:task_detail")
    # The wording of a status and of a light is worked out once per distinct value on a page
    # (a page of 100 rows has a few dozen), not once a row.
    statuses: dict[tuple[str, str], str] = {}
    marks: dict[RowLight, str] = {}
    # By identity first: `RowLights` gives one object a distinct light (the rows hold them
    # for the page's time, so no id is reused), and hashing a RowLight hashes its reason.
    known: dict[int, str] = {}

    def status_of(row: LedgerRow) -> str:
        key = (row.status_label, row.status)
        if key not in statuses:
            statuses[key] = escape(status_text(row))
        return statuses[key]

    def mark_of(light: RowLight) -> str:
        # By value: a page's rows have a few distinct lights (8 of 100 rows), though each
        # row's facts (its deadline, its percent) make most rows' RowLight another object.
        found = known.get(id(light))
        if found is None:
            if light not in marks:
                marks[light] = light_mark(light)
            found = known[id(light)] = marks[light]
        return found

    def cells(row: LedgerRow) -> str:
        link = url(row.pk)
        classes = ("subitem" if row.parent_id else "") + (
            " context" if row.matched is False else ""
        )
        parent = f' data-parent="{row.parent_id}"' if row.parent_id else ""
        if plain:
            leaders = "\n".join(row.leaders)
            units = "\n".join(name + co if role == "co" else name for name, role in row.units)
        else:
            leaders = "\n".join(text(name) for name in row.leaders)
            units = "\n".join(text(name) + (co if role == "co" else "") for name, role in row.units)
        texts = (row.shown_number, row.goal, row.deadline_text, row.progress, row.status)
        number, goal, deadline, progress, code = texts if plain else map(text, texts)
        if row.deadline:
            deadline += f'\n<span class="muted">{row.deadline.isoformat()}</span>'
        status = status_of(row)
        if row.remarks:
            status += f'\n<span class="muted">{row.remarks if plain else text(row.remarks)}</span>'
        if row.light is not None:
            status += mark_of(row.light)
        return (
            f'<tr class="{classes}"{parent}>'
            f'<td class="num" data-label="{label["number"]}"><a href="{link}">'
            f"{number}</a></td>\n"
            f'<td class="cell" data-label="{label["goal"]}"><a href="{link}">'
            f"{goal}</a></td>\n"
            f'<td class="cell" data-label="{label["leaders"]}">{leaders}</td>\n'
            f'<td class="cell" data-label="{label["units"]}">{units}</td>\n'
            f'<td class="cell" data-label="{label["deadline"]}">{deadline}</td>\n'
            f'<td class="cell" data-label="{label["progress"]}">{progress}</td>\n'
            f'<td class="cell status-{code}" data-label="{label["status"]}">'
            f"{status}</td>\n</tr>"
        )

    return cells


@register.simple_tag
def filter_fields(form: Form) -> SafeString:
    """The filter form's fields, each in a label after its text, as the template's loop
    `{% for field in form %}<label>{{ field.label }}{{ field }}</label>{% endfor %}` wrote
    them (the label escaped, the field as Django renders it); after the deadline window's
    end, why the window was not applied when it starts after it ends."""
    fields = "".join(f"<label>{conditional_escape(field.label)}{field}</label>" for field in form)
    return mark_safe(fields + _window_refused(form))  # noqa: S308 (escaped, or Django's)


def _window_refused(form: Form) -> str:
    """The note of a deadline window refused (`TaskFilterForm.reversed_window`), else ""."""
    reversed_window = getattr(form, "reversed_window", None)
    if reversed_window is None or not reversed_window():
        return ""
    said = _("开始日期晚于结束日期，未按完成时限筛选")
    return f'<ul class="errorlist" id="{WINDOW_ERROR_ID}" role="alert"><li>{escape(said)}</li></ul>'


@register.simple_tag(takes_context=True)
def export_form(
    context: Context,
    ledger_pk: int,
    fields: Sequence[tuple[str, str]],
    as_of: datetime.date | None,
    layouts: Sequence[tuple[str, Any]],
    formats: dict[str, ExportFormat],
) -> SafeString:
    """The export form beside the filters: the filter's fields (name, value) as hidden inputs,
    the 截至 date, the 预警 column, the layouts (none: no choice) and a button per format."""

    def url(fmt: str) -> str:
        return escape(cached_reverse(context, "web:ledger_export", [ledger_pk, fmt]))

    hidden = "".join(
        f'<input type="hidden" name="{text(str(name))}" value="{text(str(value))}">'
        for name, value in fields
    )
    layout = ""
    if layouts:
        options = "".join(
            f'<option value="{text(str(value))}">{text(str(label))}</option>'
            for value, label in layouts
        )
        layout = f'<label>{escape(_("版式"))}<select name="layout">{options}</select></label>'
    what = _("导出筛选出的任务") if fields else _("导出")
    buttons = "".join(
        f'<button type="submit" class="secondary" formaction="{url(fmt)}">'
        f"{text(str(export.label))}</button> "
        for fmt, export in formats.items()
    )
    day = escape(date_format(as_of, "Y-m-d")) if as_of else ""
    return mark_safe(  # noqa: S308 (every text above is escaped)
        f'<form class="filters noprint" id="export-form" method="get" action="{url("docx")}">\n'
        f"{hidden}\n"
        f'<label>{escape(_("截至"))}<input type="date" name="as_of" value="{day}" required>'
        "</label>\n"
        f'<label><input type="checkbox" name="warnings" value="1">{escape(_("含预警列"))}</label>\n'
        f"{layout}\n"
        f"<span>{escape(what)}：</span>{buttons}\n</form>"
    )


def light_mark(light: RowLight) -> str:
    """A row's light and its first reason: "红灯 已超过完成时限（…）5天，尚未完成"."""
    reason = f" {escape(reason_text(light.reason))}" if light.reason is not None else ""
    return (
        f'\n<span class="row-light badge-{escape(light.colour)}">'
        f"<strong>{escape(_(light.label))}</strong>{reason}</span>"
    )


class QuickSelects(DjangoTemplates):
    """Django's form renderer, except that a select is written here rather than by a template
    include per option (the filter form's 50-odd options cost more than its queries), and a
    text or date input rather than by two nested includes (0.1 ms each): the same HTML as
    Django's select.html and select_option.html, and input.html."""

    SELECT = "django/forms/widgets/select.html"
    OPTION = "django/forms/widgets/select_option.html"
    INPUTS = frozenset({"django/forms/widgets/text.html", "django/forms/widgets/date.html"})

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name in self.INPUTS:
            return self.input(context["widget"])
        if template_name != self.SELECT or not self.plain(context["widget"]):
            return super().render(template_name, context, request)
        widget = context["widget"]
        out = [f'<select name="{escape(str(widget["name"]))}"{html_attrs(widget["attrs"])}>']
        for group, choices, _index in widget["optgroups"]:
            if group:
                out.append(f'\n  <optgroup label="{escape(str(group))}">')
            out.extend(
                f'\n  <option value="{text(str(option["value"]))}"'
                f"{html_attrs(option['attrs']) if option['attrs'] else ''}>"
                f"{text(str(option['label']))}</option>\n"
                for option in choices
            )
            if group:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return "".join(out)

    @staticmethod
    def input(widget: dict[str, Any]) -> str:
        """An input as Django's input.html writes it (the value when it has one)."""
        value = widget["value"]
        shown = "" if value is None else f' value="{escape(str(value))}"'
        return (
            f'<input type="{escape(str(widget["type"]))}" name="{escape(str(widget["name"]))}"'
            f"{shown}{html_attrs(widget['attrs'])}>"
        )

    @classmethod
    def plain(cls, widget: dict[str, Any]) -> bool:
        """Whether every option is written by Django's own option template."""
        return all(
            option["template_name"] == cls.OPTION
            for _group, choices, _index in widget["optgroups"]
            for option in choices
        )


def html_attrs(attrs: dict[str, Any]) -> str:
    """A widget's attributes as Django's attrs.html writes them."""
    return "".join(
        f" {escape(str(name))}" if value is True else f' {escape(str(name))}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


QUICK_SELECTS = QuickSelects()
