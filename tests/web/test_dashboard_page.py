"""The dashboard's rows written in Python (`templatetags.dashboard_page`) are the HTML the
template's loops wrote (kept here as they were): texts that need escaping, a task without a
status, deadline or reasons, reasons with spaces at their ends, empty tables, a round open
or not, with and without the units' notice links."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.template import Context, Template

from taizhang.web.templatetags.dashboard_page import group_rows, indicator_rows, task_rows

# The template's loops before they were written in Python (web/dashboard.html).
GROUP_LOOP = Template(
    """{% load i18n %}{% translate "督办通知单" as notice_word %}{% for row in group.rows %}
        <tr><td>{{ row.name }}</td><td class="n">{{ row.tasks }}</td><td class="n">{{ row.completed }}</td>
        <td class="n{% if row.lagging %} alert{% endif %}">{{ row.lagging }}</td><td class="n{% if row.overdue %} alert{% endif %}">{{ row.overdue }}</td>
        <td class="n">{% if data.round_open %}{{ row.not_reported }}{% else %}—{% endif %}</td>
        <td class="n{% if row.red %} alert{% endif %}">{{ row.red }}</td><td class="n{% if row.yellow %} caution{% endif %}">{{ row.yellow }}</td>{% if can_notice and group.id == "unit-table" %}<td class="noprint">{% if row.red or row.yellow %}<a class="notice-link" href="{% url 'web:unit_notice' ledger.pk row.id %}?as_of={{ as_of|date:'Y-m-d' }}">{{ notice_word }}</a>{% endif %}</td>{% endif %}</tr>
      {% empty %}
        <tr><td colspan="{% if can_notice and group.id == "unit-table" %}9{% else %}8{% endif %}" class="muted">{% translate "没有可查看的任务。" %}</td></tr>
      {% endfor %}"""  # noqa: E501
)
TASK_LOOP = Template(
    """{% load i18n taizhang %}{% translate "序号" as label_number %}{% translate "牵头领导" as label_leaders %}{% translate "责任单位" as label_units %}{% translate "完成时限" as label_deadline %}{% translate "状态" as label_status %}{% translate "预警原因" as label_reasons %}{% for task in list.tasks %}
    <tr><td class="n number" data-label="{{ label_number }}"><a href="{% url 'web:task_detail' task.id %}">{{ task.number }}</a></td><td class="goal">{{ task.goal }}</td>
    <td data-label="{{ label_leaders }}">{{ task.leaders|join:"、" }}</td><td data-label="{{ label_units }}">{{ task.units|join:"、" }}</td>
    <td class="n" data-label="{{ label_deadline }}">{{ task.deadline|default:"—" }}</td>
    <td class="n status-{{ task.status }}" data-label="{{ label_status }}">{{ task|status_text|default:"—" }}</td>
    <td class="reasons" data-label="{{ label_reasons }}">{% include "web/_light_reasons.html" with reasons=task.light.reasons %}</td></tr>
  {% empty %}
    <tr><td colspan="7" class="muted">{% translate "无。" %}</td></tr>
  {% endfor %}"""  # noqa: E501
)


def group(table: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": table, "title": "t", "name": "n", "rows": rows}


def counts(pk: int, name: str, red: int, yellow: int, other: int) -> dict[str, Any]:
    return {
        "id": pk,
        "name": name,
        "tasks": 1200 + other,
        "completed": other,
        "lagging": other % 2,
        "overdue": 1 - other % 2,
        "not_reported": 3 * other,
        "red": red,
        "yellow": yellow,
    }


GROUP_ROWS = [
    counts(7, "水利局", 3, 0, 0),
    counts(12, "<b>A&B</b> \"局\" 'x'", 0, 2, 5),
    counts(31, "各乡镇", 0, 0, 1),
]


@pytest.mark.parametrize("table", ["unit-table", "leader-table"])
@pytest.mark.parametrize("can_notice", [True, False])
@pytest.mark.parametrize("round_open", [True, False])
@pytest.mark.parametrize("rows", [GROUP_ROWS, []])
def test_a_group_tables_rows_are_what_the_template_wrote(
    table: str, can_notice: bool, round_open: bool, rows: list[dict[str, Any]]
) -> None:
    shown = group(table, rows)
    as_of = datetime.date(2021, 6, 3)
    before = GROUP_LOOP.render(
        Context(
            {
                "group": shown,
                "data": {"round_open": round_open},
                "can_notice": can_notice,
                "ledger": {"pk": 41},
                "as_of": as_of,
            }
        )
    )
    after = group_rows(
        shown, ledger_pk=41, as_of=as_of, round_open=round_open, can_notice=can_notice
    )
    assert after == before
    assert ("notice-link" in after) == (can_notice and table == "unit-table" and bool(rows))


def brief(pk: int, **given: Any) -> dict[str, Any]:
    task: dict[str, Any] = {
        "id": pk,
        "number": "3",
        "goal": "新建学校2所",
        "leaders": ["谭江", "侯波"],
        "units": ["水利局"],
        "deadline": "2021-06-30",
        "status": "lagging",
        "status_label": "推进缓慢",
        "light": {"colour": "red", "label": "红灯", "reasons": ["已超期3天", "进度滞后"]},
    }
    return {**task, **given}


TASKS = [
    brief(101),
    brief(
        102,
        number="(二)<1>",
        goal='改造"管网"&<script>',
        leaders=["A&B", "<i>"],
        units=[],
        deadline=None,
        status=None,
        status_label="",
        light={"colour": "yellow", "label": "黄灯", "reasons": []},
    ),
    brief(103, status="in_progress", status_label="○", light={"reasons": ["  本轮未报送 ", "'x'"]}),
    brief(104, status="completed", status_label="", leaders=[]),
]


@pytest.mark.parametrize("tasks", [TASKS, TASKS[1:2], []])
def test_a_lists_rows_are_what_the_template_wrote(tasks: list[dict[str, Any]]) -> None:
    before = TASK_LOOP.render(Context({"list": {"tasks": tasks}}))
    assert task_rows(tasks) == before


INDICATOR_LOOP = Template(
    """{% load i18n taizhang %}{% for item in data.indicators %}
        <tr{% if item.uncertain %} class="uncertain"{% endif %}><td class="n" data-label="{% translate '任务' %}"><a href="{% url 'web:task_detail' item.task_id %}">{{ item.label }}</a></td><td data-label="{% translate '指标' %}">{{ item.name }}</td>
        <td class="bar-cell" data-label="{% translate '完成进度' %}">{% include "web/_indicator_bar.html" %}</td>
        <td class="n" data-label="{% translate '目标' %}">{{ item.target|plain_number }}{{ item.unit }}</td>
        <td class="n" data-label="{% translate '完成' %}">{% if item.actual is not None %}{{ item.actual|plain_number }}{{ item.unit }}{% else %}—{% endif %}</td>
        {% if can_check %}<td class="noprint" data-label="{% translate '核实' %}">{% if item.uncertain %}{% include "web/_figure_check.html" with task_id=item.task_id next=page_url|add:"#indicators" %}{% endif %}</td>{% endif %}</tr>
      {% endfor %}"""  # noqa: E501
)


def indicator(task_id: int, **given: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "task_id": task_id,
        "task": "3",
        "label": "3",
        "name": "新建学校",
        "target": 12.0,
        "actual": 5.0,
        "unit": "所",
        "percent": 41.66666,
        "source": "text",
        "uncertain": False,
        "doubt": None,
        "doubt_label": "",
        "checked": None,
    }
    return {**item, **given}


INDICATORS = [
    indicator(5),
    indicator(6, label="3.(1)", percent=100.0, actual=12.5, target=12.25),
    indicator(7, percent=130.04, checked="confirmed"),
    indicator(
        8,
        name='管网<"A&B">',
        unit="公里'",
        uncertain=True,
        doubt="unit_only",
        doubt_label="仅单位相同：<进展>中的数字",
        percent=0.0,
        actual=0,
    ),
    indicator(9, uncertain=True, doubt="x", doubt_label="存疑", actual=None, percent=None),
    indicator(10, target=None, actual=None, percent=None, unit=None, checked="corrected"),
]


# The address the page's checks come back to (web.http.page_address), markup in it escaped.
PAGE_URL = '/ledgers/4/dashboard/?as_of=2021-06-30&x="1"'


# Django's own {% csrf_token %} calls format_html("") for "NOTPROVIDED", which 5.2 warns of.
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
@pytest.mark.parametrize("can_check", [True, False])
@pytest.mark.parametrize("token", ["tok3n&<x>", "NOTPROVIDED", None])
def test_the_indicators_rows_are_what_the_templates_wrote(
    can_check: bool, token: str | None
) -> None:
    values: dict[str, Any] = {"can_check": can_check, "page_url": PAGE_URL}
    if token is not None:
        values["csrf_token"] = token
    before = INDICATOR_LOOP.render(Context({**values, "data": {"indicators": INDICATORS}}))
    after = indicator_rows(Context(values), INDICATORS, can_check=can_check)
    assert after == before
    assert ">12.5" in after and "12.50" not in after  # as the history and the review write it
    assert ("figure-check" in after) == can_check
    assert ("csrfmiddlewaretoken" in after) == (can_check and token == "tok3n&<x>")
