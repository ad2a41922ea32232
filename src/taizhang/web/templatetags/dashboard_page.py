"""What the dashboard page writes in Python rather than through its template: the rows of the
units' and leaders' tables, of the red and yellow lists (about 90 rows at 10,000 tasks, some
1,500 template nodes and 250 `{% translate %}`s a page: a third of the template's time) and
of the indicators (20, two templates included in each, `_indicator_bar.html` and
`_figure_check.html`: another third).
The HTML is the same the template wrote (`tests/web/test_dashboard_page.py` holds them
equal); every text escaped as Django's `escape` escapes it (`ledger_page.text`), each word
translated once a page."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from html import escape
from typing import Any

from django import template
from django.template.context import Context
from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from taizhang.web.templatetags.cached_url import reversed_once
from taizhang.web.templatetags.ledger_page import id_url, text
from taizhang.web.templatetags.taizhang import plain_number, status_text, verdict_word

register = template.Library()

# What Django's {% csrf_token %} is given where no token is to be written.
_NO_TOKEN = "NOTPROVIDED"  # noqa: S105 (not a password)
# An id no unit has, to reverse a URL of a ledger and a unit once and put each unit's id in.
_MARK = 2_147_483_629


def _words(**words: str) -> dict[str, str]:
    """Each word translated and escaped, once a page, by the name it is written under."""
    return {key: escape(_(word)) for key, word in words.items()}


@register.simple_tag
def group_rows(
    group: dict[str, Any],
    *,
    ledger_pk: int,
    as_of: datetime.date,
    round_open: bool,
    can_notice: bool,
) -> SafeString:
    """The body of a unit's or a leader's table (`dashboard._group`): a row per group, with
    the unit's 督办通知单 link where the user makes them and the unit has a red or yellow
    task, or a line saying there is nothing to see."""
    notices = can_notice and group["id"] == "unit-table"
    if not group["rows"]:
        span = 9 if notices else 8
        return mark_safe(  # noqa: S308 (escaped)
            f'\n        <tr><td colspan="{span}" class="muted">'
            f"{escape(_('没有可查看的任务。'))}</td></tr>\n      "
        )
    link = ""
    if notices:
        head, tail = reversed_once("web:unit_notice", [ledger_pk, _MARK]).split(str(_MARK))
        head, tail = escape(head), escape(f"{tail}?as_of={as_of:%Y-%m-%d}")
        word = escape(_("督办通知单"))
    html = []
    for row in group["rows"]:
        if notices:
            link = '<td class="noprint">'
            if row["red"] or row["yellow"]:
                link += f'<a class="notice-link" href="{head}{int(row["id"])}{tail}">{word}</a>'
            link += "</td>"
        lagging, overdue, red, yellow = row["lagging"], row["overdue"], row["red"], row["yellow"]
        html.append(
            f'\n        <tr><td>{text(str(row["name"]))}</td><td class="n">{row["tasks"]}</td>'
            f'<td class="n">{row["completed"]}</td>\n'
            f'        <td class="n{" alert" if lagging else ""}">{lagging}</td>'
            f'<td class="n{" alert" if overdue else ""}">{overdue}</td>\n'
            f'        <td class="n">{row["not_reported"] if round_open else "—"}</td>\n'
            f'        <td class="n{" alert" if red else ""}">{red}</td>'
            f'<td class="n{" caution" if yellow else ""}">{yellow}</td>{link}</tr>\n      '
        )
    return mark_safe("".join(html))  # noqa: S308 (every text above is escaped)


@register.simple_tag
def task_rows(tasks: Sequence[dict[str, Any]]) -> SafeString:
    """The body of the red or the yellow list: a row per task (`selectors.task_brief`), the
    columns' words beside each cell for a phone, or a line saying there is none."""
    if not tasks:
        none = escape(_("无。"))
        return mark_safe(f'\n    <tr><td colspan="7" class="muted">{none}</td></tr>\n  ')  # noqa: S308
    label = _words(
        number="序号",
        leaders="牵头领导",
        units="责任单位",
        deadline="完成时限",
        status="状态",
        reasons="预警原因",
    )
    url = id_url("web:task_detail")
    html = []
    for task in tasks:
        leaders = "、".join(text(str(name)) for name in task["leaders"])
        units = "、".join(text(str(name)) for name in task["units"])
        status = text(status_text(task)) or "—"
        # As {% spaceless %} wrote them (the texts escaped hold no tag to close up).
        reasons = "；".join(text(str(reason)) for reason in task["light"]["reasons"]).strip()
        html.append(
            f'\n    <tr><td class="n number" data-label="{label["number"]}">'
            f'<a href="{url(task["id"])}">{text(str(task["number"]))}</a></td>'
            f'<td class="goal">{text(str(task["goal"]))}</td>\n'
            f'    <td data-label="{label["leaders"]}">{leaders}</td>'
            f'<td data-label="{label["units"]}">{units}</td>\n'
            f'    <td class="n" data-label="{label["deadline"]}">'
            f"{text(str(task['deadline'])) if task['deadline'] else '—'}</td>\n"
            f'    <td class="n status-{text(str(task["status"]))}" data-label="{label["status"]}">'
            f"{status}</td>\n"
            f'    <td class="reasons" data-label="{label["reasons"]}">{reasons}\n</td></tr>\n  '
        )
    return mark_safe("".join(html))  # noqa: S308 (every text above is escaped)


@register.simple_tag(takes_context=True)
def indicator_rows(
    context: Context, items: Sequence[dict[str, Any]], *, can_check: bool
) -> SafeString:
    """The body of the indicators' table: a row per indicator (`indicators.shown` with its
    task), its bar as `_indicator_bar.html` draws it and, for the office (`can_check`), an
    uncertain figure's check as `_figure_check.html` writes it; the columns' words beside
    each cell for a phone."""
    url = id_url("web:task_detail")
    check_url = id_url("web:figure_check")
    check = ""
    if can_check:
        after = text(f"{context.get('page_url', '')}#indicators")
        token = context.get("csrf_token")
        csrf = ""
        if token and token != _NO_TOKEN:
            csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{text(str(token))}">'
        words = _words(
            confirm="确认无误",
            correct="更正",
            corrected="更正后的完成数",
            save="保存更正",
            not_figure="不是该目标的数字",
        )
    doubt = _("存疑：%(reason)s")
    # The columns' words beside each cell, for a phone (where the rows are shown as cards).
    column = _words(
        task="任务",
        name="指标",
        progress="完成进度",
        target="目标",
        actual="完成",
        check="核实",
    )
    html = []
    for item in items:
        uncertain, percent, unit = item["uncertain"], item["percent"], text(str(item["unit"]))
        label = text(str(item["doubt_label"])) if uncertain else ""
        bar = f'\n<span class="ind-progress{" uncertain" if uncertain else ""}"'
        bar += f' title="{label}">' if uncertain else ">"
        if percent is not None:
            shade = " uncertain" if uncertain else (" reached" if percent >= 100 else "")
            shown = floatformat(percent, "-1")
            bar += (
                f'<progress class="ind-bar{shade}" max="100" value="{floatformat(percent, "1u")}">'
                f'{shown}%</progress> <span class="ind-percent">{shown}%</span>'
            )
        else:
            bar += '<span class="muted">—</span>'
        bar += "\n"
        if uncertain:
            bar += (
                f'<details class="doubt"><summary aria-label="{escape(doubt) % {"reason": label}}"'
                f' title="{label}">?</summary><span class="doubt-text">{label}</span></details>'
                f'<span class="doubt-print">{label}</span>'
            )
        if item["checked"]:
            bar += f'<span class="ind-checked">{text(verdict_word(item["checked"]))}</span>'
        bar += "</span>\n"
        actual = item["actual"]
        if can_check:
            check = f'<td class="noprint" data-label="{column["check"]}">'
            if uncertain:
                action = check_url(item["task_id"])
                name = text(str(item["name"]))
                hidden = (
                    f'<input type="hidden" name="name" value="{name}">'
                    f'<input type="hidden" name="next" value="{after}">\n'
                )
                confirm = ""
                if actual is not None:
                    confirm = (
                        '<button type="submit" name="verdict" value="confirmed"'
                        f' class="small confirm-figure">{words["confirm"]}</button>'
                    )
                check += (
                    f'\n<div class="figure-check noprint">\n<form method="post" action="{action}"'
                    f' class="inline">{csrf}\n{hidden}{confirm}\n</form>\n'
                    f'<details class="correct-figure"><summary>{words["correct"]}</summary>\n'
                    f'<form method="post" action="{action}">{csrf}\n{hidden}'
                    f'<label>{words["corrected"]} <input type="number" name="actual" min="0"'
                    f' step="any" inputmode="decimal" class="short" required> {unit}</label>\n'
                    '<button type="submit" name="verdict" value="corrected" class="small">'
                    f"{words['save']}</button>\n"
                    '<button type="submit" name="verdict" value="not_figure" formnovalidate'
                    f' class="small secondary">{words["not_figure"]}</button>\n'
                    "</form></details>\n</div>\n"
                )
            check += "</td>"
        row_class = ' class="uncertain"' if uncertain else ""
        done = f"{text(plain_number(actual))}{unit}" if actual is not None else "—"
        html.append(
            f'\n        <tr{row_class}><td class="n" data-label="{column["task"]}">'
            f'<a href="{url(item["task_id"])}">{text(str(item["label"]))}</a></td>'
            f'<td data-label="{column["name"]}">{text(str(item["name"]))}</td>\n'
            f'        <td class="bar-cell" data-label="{column["progress"]}">{bar}</td>\n'
            f'        <td class="n" data-label="{column["target"]}">'
            f"{text(plain_number(item['target']))}{unit}</td>\n"
            f'        <td class="n" data-label="{column["actual"]}">{done}</td>\n'
            f"        {check}</tr>\n      "
        )
    return mark_safe("".join(html))  # noqa: S308 (every text above is escaped)
