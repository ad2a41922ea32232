"""The ledger page as the rows and the filter form are written in Python (templatetags/
ledger_page.py): every stored text escaped, the same cells and selects the templates wrote,
and a fixed number of queries whatever the page."""

from __future__ import annotations

import datetime
import re
from html import escape
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from taizhang.accounts import access
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.writers import FORMATS
from taizhang.ledger.models import Ledger, Person, Task, TaskUnit, Unit
from taizhang.ledger.selectors import ledger_choices, ledger_people_and_units
from taizhang.ledger.services import ledger_import
from taizhang.reporting.services import round_open
from taizhang.supervision.selectors import display_number
from taizhang.supervision.state import states_refresh
from taizhang.web.forms import ExportOptionsForm, TaskFilterForm
from taizhang.web.templatetags import ledger_page
from taizhang.web.templatetags.ledger_page import QUICK_SELECTS
from taizhang.web.views import LedgerRow
from tests.factories import World, client_for
from tests.web.subitems import split_task_3, subitem

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def page(client: Client, ledger: Ledger, **query: Any) -> str:
    response = client.get(reverse("web:ledger_detail", args=[ledger.pk]), query)
    assert response.status_code == 200
    return str(response.content.decode())


def rows_of(html: str) -> list[str]:
    """The task rows of the page's table (not the category rows)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr ")[1:] if 'class="category"' not in row]


def test_every_stored_text_of_a_row_is_escaped(world: World) -> None:
    task = world.task(3)
    Task.objects.filter(pk=task.pk).update(
        goal=f"目标{SCRIPT}",
        progress=f"进展{SCRIPT}",
        deadline_text=f"时限{SCRIPT}",
        remarks=f"备注{SCRIPT}",
        status_label=f"状态{SCRIPT}",
        label="<b>3</b>",  # at most 20 characters
    )
    task.category.name = f"分类{SCRIPT}"
    task.category.save()
    Person.objects.filter(task_links__task=task).update(name=f"领导{SCRIPT}")
    Unit.objects.filter(task_links__task=task).update(name=f"单位{SCRIPT}")
    world.ledger.columns = [{"key": "goal", "title": f"目标列{SCRIPT}"}]
    world.ledger.save()

    html = page(client_for(world, "office"), world.ledger)

    assert "<script" not in html and "<b>" not in html
    assert ">&lt;b&gt;3&lt;/b&gt;</a>" in html
    for text in ("目标", "进展", "时限", "备注", "状态", "分类", "领导", "单位", "目标列"):
        assert f"{text}{ESCAPED}" in html, text
    # The unit and the leader in the filter form's selects too.
    assert f">单位{ESCAPED}</option>" in html
    assert f">领导{ESCAPED}</option>" in html


def test_a_row_shows_its_cells_under_its_category(world: World) -> None:
    task = world.task(3)
    finance = Unit.objects.get_or_create(name="财政局")[0]
    TaskUnit.objects.create(task=task, unit=finance, role="co", order=9)
    Task.objects.filter(pk=task.pk).update(status="in_progress", status_label="○", remarks="说明")
    world.ledger.columns = [{"key": "progress", "title": "本月进展"}]
    world.ledger.save()

    html = page(client_for(world, "office"), world.ledger, q="北部供水")

    [row] = rows_of(html)
    link = reverse("web:task_detail", args=[task.pk])
    assert f'<td class="num" data-label="序号"><a href="{link}">3</a></td>' in row
    assert f'data-label="工作目标任务"><a href="{link}">{task.goal}</a>' in row
    assert 'data-label="本月进展">' in row  # the ledger's own column title
    assert '财政局<span class="muted">（配合）</span>' in row
    assert f'<span class="muted">{task.deadline:%Y-%m-%d}</span>' in row
    assert 'class="cell status-in_progress" data-label="状态">○（正在推进）\n' in row
    assert '<span class="muted">说明</span>' in row
    assert html.count('<tr class="category">') == 1
    assert f'<td colspan="6">{task.category.name}</td>' in html


def test_a_category_row_comes_once_before_its_tasks(world: World) -> None:
    html = page(client_for(world, "office"), world.ledger)
    body = html.split("<tbody>", 1)[1]
    categories = {task.category_id for task in Task.objects.filter(ledger=world.ledger)}
    named = [c for c in categories if world.ledger.categories.get(pk=c).name]
    assert body.count('<tr class="category">') == len(named)
    assert len(rows_of(html)) == Task.objects.filter(ledger=world.ledger).count()


def test_a_sub_item_row_names_its_task_and_a_context_row_says_so(world: World) -> None:
    split = split_task_3(world)
    housing = Unit.objects.get(name="住建局")

    html = page(client_for(world, "office"), world.ledger, unit=housing.pk)

    rows = rows_of(html)
    link = reverse("web:task_detail", args=[split.task.pk])
    [context] = [row for row in rows if f'<a href="{link}">' in row]
    sub = rows[rows.index(context) + 1]
    assert context.startswith('class=" context">')
    assert sub.startswith(f'class="subitem" data-parent="{split.task.pk}">')
    assert f">{display_number(split.second)}</a>" in sub


@pytest.mark.parametrize("light", ["", "red"])
def test_a_task_the_filter_cannot_say_of_is_a_context_row(world: World, light: str) -> None:
    # Whether a row matched is asked of the row itself: a task without a deadline is neither
    # before nor after a day (SQL's NULL), so it did not match, and shows as the context of
    # its sub-item that did, as one not among the matching rows did before.
    split = split_task_3(world)
    Task.objects.filter(pk=split.task.pk).update(deadline=None)
    query = {"due_from": "2021-12-01", **({"light": light} if light else {})}
    Task.objects.filter(pk=split.second.pk).update(deadline=datetime.date(2021, 12, 31))
    if light:  # 3-2 red on the page's day, as the filter reads its stored state
        from taizhang.supervision.models import TaskState

        TaskState.objects.filter(task=split.second).update(
            completed=False, red_from=datetime.date(2000, 1, 1)
        )
    rows = rows_of(page(client_for(world, "office"), world.ledger, **query))
    link = reverse("web:task_detail", args=[split.task.pk])
    [context] = [row for row in rows if f'<a href="{link}">' in row]
    assert context.startswith('class=" context">')
    assert rows[rows.index(context) + 1].startswith('class="subitem"')


def test_nothing_matching_says_so(world: World) -> None:
    html = page(client_for(world, "office"), world.ledger, q="没有这个词")
    assert '<tbody>\n\n<tr><td colspan="7">没有符合条件的任务。</td></tr>\n\n</tbody>' in html


def test_a_rows_number_is_worded_as_the_task_pages_is(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert split.inheriting is not None
    Task.objects.filter(pk=split.inheriting.pk).update(label="")
    for task in (split.task, split.first, split.second, split.inheriting):
        task = Task.objects.select_related("parent").get(pk=task.pk)
        parent = task.parent.number if task.parent else None
        rest = [""] * 10 + [None, [], [], None]  # goal to light: not used for the number
        row = LedgerRow._make([task.pk, task.parent_id, task.label, task.number, parent, *rest])
        assert row.shown_number == display_number(task)


# --- the filter form's selects -----------------------------------------------------------


def both(form_class: type[forms.Form], data: Any = None, **kwargs: Any) -> tuple[str, str]:
    """A form's fields as Django's renderer writes them and as QUICK_SELECTS does."""
    django = form_class(data, renderer=DjangoTemplates(), **kwargs)
    quick = form_class(data, renderer=QUICK_SELECTS, **kwargs)
    return "".join(str(f) for f in django), "".join(str(f) for f in quick)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"status": "lagging"},
        {"unit": "UNIT", "leader": "LEADER"},
        {"unit": "999999"},
        {"q": "供水\"<b>&'", "due_from": "2021-01-02", "due_to": "不是日期"},
    ],
)
def test_the_filter_forms_selects_are_djangos(world: World, data: dict[str, str] | None) -> None:
    Unit.objects.filter(pk=ledger_people_and_units(world.ledger.pk)[1][0].pk).update(
        name=f"单位{SCRIPT}&"
    )
    people, units = ledger_choices(world.ledger.pk)
    assert (people, units) == tuple(
        [(found.pk, found.name) for found in choices]
        for choices in ledger_people_and_units(world.ledger.pk)
    )
    assert any(name == f"单位{SCRIPT}&" for _, name in units)
    if data and data.get("unit") == "UNIT":
        data = {"unit": str(units[1][0]), "leader": str(people[0][0])}
    django, quick = both(TaskFilterForm, data, people=people, units=units)
    assert quick == django
    assert "<select" in quick


class Grouped(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "全部"), ("甲组", [("a", "<甲>"), ("b", "乙")]), ("c", "丙")],
        widget=forms.Select(attrs={"class": "wide", "disabled": True, "hidden": False}),
    )
    many = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二")])
    radio = forms.ChoiceField(choices=[("1", "一")], widget=forms.RadioSelect)
    note = forms.CharField(
        widget=forms.TextInput(attrs={"required": True, "hidden": False, "placeholder": "<注>"})
    )
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


@pytest.mark.parametrize(
    "data",
    [None, {"kind": "b", "many": ["1", "2"], "radio": "1", "note": "<&>", "day": "2021-13-01"}],
)
def test_grouped_options_attributes_and_other_widgets_are_djangos(
    data: dict[str, Any] | None,
) -> None:
    django, quick = both(Grouped, data)
    assert quick == django
    assert "<optgroup" in quick


# --- queries -------------------------------------------------------------------------------


def page_queries(world: World, ledger: Ledger) -> list[tuple[str, int]]:
    """The queries of four pages of `ledger`, for the office and for 水利局's reporter."""
    counts = []
    for role in ("office", "water"):
        client = client_for(world, role)
        for query in ({}, {"page": 2}, {"page": 3, "q": "任务"}, {"page": 1}):
            with CaptureQueriesContext(connection) as queries:
                html = page(client, ledger, **query)
            counts.append((role, len(queries)))
            assert len(rows_of(html)) >= 50  # 50 or 100, and the sub-items
    assert counts[0][1] == counts[1][1] == counts[3][1], counts
    assert counts[4][1] == counts[5][1] == counts[7][1], counts
    return counts


def large_ledger() -> Ledger:
    doc = LedgerDoc(title="2021年大台账", year=2021)
    doc.categories = [CategoryDoc(number=c, name=f"分类{c}") for c in range(1, 4)]
    for n in range(1, 251):
        doc.categories[n % 3].tasks.append(
            TaskDoc(number=n, goal=f"任务{n}", leaders=["谭江"], units=[UnitRef("水利局")])
        )
    return ledger_import(doc=doc).ledger


def test_any_page_of_a_large_ledger_costs_the_same_queries(world: World) -> None:
    large = large_ledger()
    counts = page_queries(world, large)
    # The office: the session, user and profile, the ledger, the filter's people and units
    # (one query), the states' check, the open rounds, the thresholds, the count, the rows,
    # their leaders and units (one query), the bell. A reporter: its units and the ids of the
    # tasks it sees (which give the count of its rows and the ids of the page's rows) too.
    assert (counts[0][1], counts[4][1]) == (12, 13), counts
    # An open round: the reports of the rows that await one, one query more.
    round_open(
        ledger=large, name="2021年11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    counts = page_queries(world, large)
    assert (counts[0][1], counts[4][1]) == (13, 14), counts
    # A split task on each page: its sub-items' states, one query more.
    for number in (3, 52, 122):  # on pages 1, 2 and 3
        task = large.tasks.get(number=number)
        subitem(task, 1, f"任务{number}的子项", unit="水利局")
        states_refresh(ledger=large)
    counts = page_queries(world, large)
    assert (counts[0][1], counts[4][1]) == (14, 15), counts


def listed(html: str) -> list[int]:
    """The ids of the rows a page lists, in order."""
    return [
        int(pk)
        for pk in re.findall(r'<td class="num" data-label="[^"]*"><a href="/tasks/(\d+)/', html)
    ]


def test_an_unfiltered_page_lists_the_users_rows_in_order_and_counts_them(world: World) -> None:
    # The unfiltered page reads its count and rows by queries compiled once, a scoped user's
    # from the ids the gate read: the same rows, in the same order, as the filtered page's
    # query of the ORM (a filter every row matches), on every page, sub-items and removed
    # tasks included.
    large = large_ledger()
    for number in (3, 52, 122, 201):
        task = large.tasks.get(number=number)
        subitem(task, 1, f"任务{number}的子项", unit="卫健委" if number == 52 else None)
    large.tasks.filter(number__in=(7, 130)).update(removed_at=timezone.now())
    states_refresh(ledger=large)
    for role in ("office", "water", "health", "leader", "viewer"):
        user = getattr(world, role)
        mine = access.visible_tasks(user).filter(ledger=large).order_by("order", "pk")
        expected = list(mine.values_list("pk", flat=True))
        subitems = mine.filter(parent__isnull=False).count()
        client = client_for(world, role)
        last = max(1, -(-len(expected) // 100))
        for number in (1, 2, 3, 4):  # beyond the last: the last
            html = page(client, large, page=number)
            everything = page(client, large, page=number, q="任务")  # the ORM's query
            shown = min(number, last)
            assert listed(html) == listed(everything) == expected[(shown - 1) * 100 : shown * 100]
            if expected:
                assert f"共 {len(expected) - subitems} 项任务" in html
            if subitems:
                assert f"子项 {subitems} 项" in html


TEXTS = ["", "水利局", "a&b", "<b>", '"引号"', "it's", "&amp;", SCRIPT, "无特殊字符的长文本" * 20]


@pytest.mark.parametrize("value", TEXTS)
def test_a_text_is_escaped_as_html_escape_escapes_it(value: str) -> None:
    assert ledger_page.text(value) == escape(value)


# The export form as the page's template wrote it before `ledger_page.export_form`.
EXPORT_FORM = "{% load i18n %}" + (Path(__file__).parent / "export_form_before.html").read_text()


@pytest.mark.parametrize(
    ("fields", "layouts"),
    [
        ([], True),
        ([("status", "lagging"), ("q", SCRIPT), ("unit", "3")], True),
        ([("q", "供水")], False),
        ([], False),
    ],
)
def test_the_export_form_is_the_templates(world: World, fields: list[Any], layouts: bool) -> None:
    context = {
        "can_export": True,
        "ledger": world.ledger,
        "export_fields": fields,
        "as_of": datetime.date(2021, 6, 30),
        "export_layouts": ExportOptionsForm.base_fields["layout"].choices if layouts else [],  # type: ignore[attr-defined]
        "export_formats": FORMATS,
    }
    expected = Template(EXPORT_FORM).render(Context(context))
    written = Template(
        "{% load ledger_page %}{% if can_export %}{% export_form ledger.pk export_fields as_of "
        "export_layouts export_formats %}{% endif %}"
    ).render(Context(context))
    assert written == expected
    assert ("按责任单位分文件" in written) == layouts


def _row(**values: Any) -> LedgerRow:
    fields: dict[str, Any] = {
        "pk": 7,
        "parent_id": None,
        "label": "",
        "number": 3,
        "parent_number": None,
        "goal": "北部供水工程",
        "deadline_text": "6月底前",
        "deadline": datetime.date(2026, 6, 30),
        "progress": "已完成选址",
        "status": "in_progress",
        "status_label": "○",
        "remarks": "说明",
        "category_id": 1,
        "category_number": 1,
        "category_name": "民生",
        "matched": None,
        "leaders": ["张三", "李四"],
        "units": [("水利局", "lead"), ("财政局", "co")],
    }
    return LedgerRow(**(fields | values))


SPECIAL_ROWS = [
    {"goal": "a&b"},
    {"progress": "<b>"},
    {"deadline_text": '"底"'},
    {"remarks": "it's"},
    {"label": "<3>"},
    {"status": "x'"},
    {"leaders": ["张三", "<李四>"]},
    {"units": [("水利局", "lead"), ("财&政局", "co")]},
]


@pytest.mark.parametrize("values", SPECIAL_ROWS)
def test_a_page_is_plain_only_when_no_text_of_any_row_needs_escaping(values: Any) -> None:
    assert ledger_page.plain([_row(), _row(pk=8)])
    assert not ledger_page.plain([_row(), _row(pk=8, **values)])
    # Written the long way, the row's text is escaped all the same.
    row = _row(**values)
    html = ledger_page.row_cells({}, plain=False)(row)
    assert "&lt;" in html or "&amp;" in html or "&quot;" in html or "&#x27;" in html


def test_a_plain_row_is_written_as_the_escaping_way_writes_it() -> None:
    rows = [_row(), _row(pk=8, parent_id=7, label="3-1", matched=False, remarks="")]
    for row in rows:
        assert ledger_page.row_cells({}, plain=True)(row) == ledger_page.row_cells({})(row)


class DjangoFilterForm(TaskFilterForm):
    """The filter form with Django's own choice fields, as it was before `PairsMixin`."""

    status = forms.ChoiceField(choices=TaskFilterForm.base_fields["status"].choices, required=False)  # type: ignore[attr-defined]
    unit = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    leader = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    light = forms.ChoiceField(choices=TaskFilterForm.base_fields["light"].choices, required=False)  # type: ignore[attr-defined]

    def __init__(self, *args: Any, people: Any = (), units: Any = (), **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        self.fields["unit"].choices = [("", "全部单位"), *units]  # type: ignore[attr-defined]
        self.fields["leader"].choices = [("", "全部领导"), *people]  # type: ignore[attr-defined]


def test_the_filter_forms_choices_are_djangos_and_each_forms_own() -> None:
    units, people = [(1, "水利局"), (2, "财政局")], [(5, "张三")]
    data = {"status": "in_progress", "unit": "2", "leader": "5", "light": "red"}
    ours = TaskFilterForm(data, units=units, people=people)
    other = TaskFilterForm(units=[(3, "住建局")], people=[])
    django = DjangoFilterForm(data, units=units, people=people)
    for name in ("status", "unit", "leader", "light"):
        assert str(ours[name]) == str(django[name]), name
        assert list(ours.fields[name].choices) == list(django.fields[name].choices)  # type: ignore[attr-defined]
    assert ours.is_valid() and ours.cleaned_data["unit"] == 2
    assert 'value="3"' in str(other["unit"]) and 'value="3"' not in str(ours["unit"])
    assert TaskFilterForm.base_fields["unit"].choices == []  # type: ignore[attr-defined]
    bad = TaskFilterForm({"unit": "3", "status": "nonsense"}, units=units, people=people)
    assert not bad.is_valid() and set(bad.errors) == {"unit", "status"}


# --- filter values not understood ----------------------------------------------------------


NOTES = re.compile(r'<li class="warning">([^<]*)</li>')


def notes(html: str) -> list[str]:
    return NOTES.findall(html)


def test_a_filter_value_not_understood_is_named_and_ignored_the_others_applied(
    world: World,
) -> None:
    client = client_for(world, "office")
    water = Unit.objects.get(name="水利局")
    served = page(client, world.ledger, unit=water.pk)
    # An unknown light beside a unit: the unit's filter applies, the light is said to be
    # ignored (not the whole query, as before).
    html = page(client, world.ledger, unit=water.pk, light="purple")
    assert listed(html) == listed(served) != listed(page(client, world.ledger))
    assert notes(html) == ["筛选条件“灯色”的值“purple”无法识别，已忽略。"]
    html = page(client, world.ledger, status="nonsense", due_from="2021-13-01", unit="999999")
    assert notes(html) == [
        "筛选条件“状态”的值“nonsense”无法识别，已忽略。",
        "筛选条件“责任单位”的值“999999”无法识别，已忽略。",
        "筛选条件“完成时限自”的值“2021-13-01”无法识别，已忽略。",
    ]
    assert listed(html) == listed(page(client, world.ledger))
    # A page number that is not one: the first page, and a note saying so.
    assert notes(page(client, world.ledger, page="abc")) == ["页码“abc”无法识别，已显示第一页。"]
    # The value as given, escaped.
    assert notes(page(client, world.ledger, light=SCRIPT)) == [
        f"筛选条件“灯色”的值“{ESCAPED}”无法识别，已忽略。"
    ]
    # A long value is cut short: the note stays a line, not screens of the value.
    for query in ({"light": "紫" * 3000}, {"q": "紫" * 3000}):
        for note in notes(page(client, world.ledger, **query)):
            assert len(note) < 80, note


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"light": "red", "status": "lagging"},
        {"page": "2"},
        {"q": "供水", "due_to": "2021-12-31"},
    ],
)
def test_a_query_understood_has_no_note(world: World, query: dict[str, str]) -> None:
    html = page(client_for(world, "water"), world.ledger, **query)
    assert notes(html) == [] and 'class="messages"' not in html


def test_a_note_costs_no_query(world: World) -> None:
    # The notes come from the form the page validates anyway: a query with values ignored
    # costs the queries of the same query without them, for the office and for a reporter.
    unit = str(Unit.objects.get(name="水利局").pk)
    for role, good, bad in [
        (role, good, {**good, **bad})
        for role in ("office", "water")
        for good, bad in (
            ({}, {"light": "purple", "page": "abc"}),
            ({"unit": unit}, {"status": "nonsense", "due_to": "abc"}),
        )
    ]:
        client = client_for(world, role)
        counted = []
        for query in (good, bad):
            page(client, world.ledger, **query)  # the first request of a client reads more
            with CaptureQueriesContext(connection) as queries:
                page(client, world.ledger, **query)
            counted.append(len(queries))
        assert counted[0] == counted[1], (role, good, counted)


@pytest.mark.parametrize(
    "data",
    [None, {"q": SCRIPT, "status": "lagging", "unit": "2"}, {"light": "purple", "due_to": "x"}],
)
def test_the_filter_fields_are_the_templates_loop(data: dict[str, str] | None) -> None:
    units, people = [(1, "水利局"), (2, "财政局&<>")], [(5, "张三")]
    form = TaskFilterForm(data, units=units, people=people, renderer=QUICK_SELECTS)
    loop = Template(
        "{% for field in form %}<label>{{ field.label }}{{ field }}</label>{% endfor %}"
    ).render(Context({"form": form}))
    assert ledger_page.filter_fields(form) == loop
    assert "<label>搜索<input" in loop


def test_the_unfiltered_count_is_the_ledgers_current_rows_and_sub_items(world: World) -> None:
    # Counted from indexes (the sub-items through their tasks on SQLite): the same numbers
    # as the ORM's count, with a removed sub-item (not counted), a sub-item of a removed
    # task (counted, as the page lists it) and another ledger's sub-items (not counted).
    from taizhang.web.views import _COUNTS

    large = large_ledger()
    subs = [subitem(large.tasks.get(number=n), 1, f"任务{n}的子项") for n in (3, 52, 122, 201)]
    other = subitem(world.task(3), 1, "另一台账的子项")
    large.tasks.filter(pk=subs[0].pk).update(removed_at=timezone.now())
    large.tasks.filter(number=52, parent=None).update(removed_at=timezone.now())
    for ledger in (large, world.ledger):
        current = access.current_tasks(ledger.pk)
        expected = (current.count(), current.filter(parent__isnull=False).count())
        assert _COUNTS.rows(ledger.pk) == [expected]
    assert _COUNTS.rows(large.pk) == [(250 - 1 + 3, 3)]
    assert other.ledger_id == world.ledger.pk


def test_a_search_too_long_is_said_to_be_too_long_not_not_understood(world: World) -> None:
    client = client_for(world, "office")
    html = page(client, world.ledger, q="紫" * 101)
    (note,) = notes(html)
    assert note.startswith("筛选条件“搜索”的值“紫紫紫") and note.endswith("”超过100个字，已忽略。")
    assert len(note) < 80
    assert listed(html) == listed(page(client, world.ledger))
    assert notes(page(client, world.ledger, q="紫" * 100)) == []


def test_a_deadline_window_that_starts_after_it_ends_is_said_beside_the_dates(
    world: World,
) -> None:
    # It listed nothing, saying nothing: now the page says why beside the dates, keeps them
    # as typed, and lists what the other filters select (the window applies to no row).
    client = client_for(world, "office")
    water = Unit.objects.get(name="水利局").pk
    html = page(client, world.ledger, unit=water, due_from="2021-12-01", due_to="2021-06-30")
    filters = html.split('<form class="filters" method="get">')[1].split("</form>")[0]
    assert (
        '<ul class="errorlist" id="due-window-error" role="alert">'
        "<li>开始日期晚于结束日期，未按完成时限筛选</li></ul>"
    ) in filters
    # Each date is described by that note (was id_due_from_error, an id on no element).
    described = 'aria-describedby="due-window-error" aria-invalid="true"'
    assert f'name="due_from" value="2021-12-01" {described}' in filters
    assert f'name="due_to" value="2021-06-30" {described}' in filters
    assert "_error" not in filters
    assert listed(html) == listed(page(client, world.ledger, unit=water)) != []
    assert notes(html) == []  # not "无法识别"
    export = html.split('id="export-form"')[1].split("</form>")[0]
    assert 'name="due_from"' not in export and 'name="due_to"' not in export
    assert f'name="unit" value="{water}"' in export
    # A window in order, even of one day, applies as before and says nothing.
    for start, end in (("2021-06-01", "2021-12-31"), ("2021-12-31", "2021-12-31")):
        html = page(client, world.ledger, due_from=start, due_to=end)
        assert "due-window-error" not in html and listed(html) != []
