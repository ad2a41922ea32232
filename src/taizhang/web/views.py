"""Ledger pages: the list of ledgers, one ledger in the layout of the document, a task with its
whole timeline. Thin: every decision of who may see what is in accounts.access."""

from __future__ import annotations

import datetime
from collections import defaultdict
from operator import itemgetter
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import CharField, Count, IntegerField, QuerySet, Subquery, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.accounts import access
from taizhang.documents.model import LedgerDoc, subitem_keys, task_keys
from taizhang.documents.writers import FORMATS, UNITS
from taizhang.ledger.models import Ledger, Task, TaskLeader, TaskUnit
from taizhang.ledger.selectors import TaskFilters, ledger_choices, task_list
from taizhang.prepared import Ids, Prepared, id_list
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import round_current, round_document, task_timeline
from taizhang.supervision.history import task_light_history
from taizhang.supervision.rows import STORED_FIELDS, RowLight, RowLights
from taizhang.supervision.selection import Selection, selected_tasks
from taizhang.supervision.selectors import default_as_of, supervise_tasks
from taizhang.web.forms import (
    DATE_RANGE,
    CommentForm,
    ExportOptionsForm,
    FigureForm,
    TaskEditForm,
    TaskFilterForm,
)
from taizhang.web.http import INDICATOR_MESSAGES, page_address
from taizhang.web.templatetags.ledger_page import QUICK_SELECTS

PAGE_SIZE = 100


def visible_ledger(request: HttpRequest, ledger_id: int) -> Ledger:
    """A ledger the user may open, or 404 (accounts.access decides)."""
    return access.access_ledger(request.user, ledger_id)


def visible_task(request: HttpRequest, task_id: int) -> Task:
    """A task (or sub-item, with its task) the user may see, with what its page shows
    loaded, or 404 (forbidden and missing look alike; accounts.access decides)."""
    tasks = Task.objects.select_related("ledger", "category", "parent").prefetch_related(
        "leader_links__person",
        "unit_links__unit",
        "parent__leader_links__person",
        "parent__unit_links__unit",
    )
    return access.access_task(request.user, task_id, tasks)


@login_required
def ledger_detail(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """One ledger in the layout of the document, filtered and paginated; the same number of
    queries for 10 tasks or 10,000, with or without sub-items. Filters apply to every row,
    task or sub-item; a sub-item that matches is shown under its task."""
    ledger, visible = access.access_ledger_rows(request.user, ledger_id, _LEDGER)
    form, selection = _filter_form(request, ledger)
    lights = RowLights(ledger, default_as_of(ledger))
    if selection.filtered:
        counts, page, found = _filtered_rows(request, ledger, visible, selection, lights)
    else:
        counts, page, found = _document_rows(request, ledger, visible)
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.copy()
    for option in ExportOptionsForm.base_fields:
        export_query.pop(option, None)
    context = {
        "ledger": ledger,
        "form": form,
        "ignored": ignored_filters(request, form),
        "page": page,
        "rows": ledger_rows(found, matched=selection.filtered, lights=lights),
        "as_of": lights.as_of,
        "counts": counts,
        "query": query.urlencode(),
        "titles": {c["key"]: c["title"] for c in ledger.columns},
        "open_round": lights.open_round,
        "export_formats": FORMATS,
        # The filters the page applied, carried into the export: not a value it ignored, an
        # empty one, or a parameter that is no filter (the form then says 导出, not
        # 导出筛选出的任务).
        "export_fields": [
            (k, v)
            for k, values in export_query.lists()
            if k in form.fields and k not in form.errors
            for v in values
            if v
        ],
        "export_layouts": ExportOptionsForm.base_fields["layout"].choices  # type: ignore[attr-defined]
        if access.can_export(request.user, UNITS)
        else [],
        "can_export": access.can_export(request.user),
    }
    return render(request, "web/ledger_detail.html", context)


Counts = dict[str, int]


def _page(request: HttpRequest, counts: Counts) -> Page[int]:
    """The page of rows the request asks for (the first when not a number, the last beyond
    it), of as many as `counts` gives."""
    paginator = Paginator(range(counts["tasks"] + counts["subitems"]), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def _filtered_rows(
    request: HttpRequest,
    ledger: Ledger,
    visible: list[access.Visible] | None,
    selection: Selection,
    lights: RowLights,
) -> tuple[Counts, Page[int], list[tuple[Any, ...]]]:
    """The count of the rows the selection shows, the page asked for and its rows' values
    (`ROW_PAGE_FIELDS`, `matched`): the count and the rows each one query of the ORM."""
    ids = None if visible is None else [row.pk for row in visible]
    scope = access.ledger_scope(request.user, ledger.pk, ids)
    tasks = selected_tasks(scope, ledger, selection, lights)
    counted = tasks.aggregate(**_COUNTED)
    subitems = counted["subitem_count"]
    counts = {"tasks": counted["row_count"] - subitems, "subitems": subitems}
    page = _page(request, counts)
    first = (page.number - 1) * PAGE_SIZE
    rows = RowLights.stored(tasks).prefetch_related(None)
    found = list(rows.values_list(*ROW_PAGE_FIELDS, "matched")[first : first + PAGE_SIZE])
    return counts, page, found


# A visible row's place in the document, (order, id), its items picked in C (not by a lambda).
_BY_PLACE = itemgetter(access.Visible._fields.index("order"), access.Visible._fields.index("pk"))


def _document_rows(
    request: HttpRequest, ledger: Ledger, visible: list[access.Visible] | None
) -> tuple[Counts, Page[int], list[tuple[Any, ...]]]:
    """The count of the rows of the unfiltered page, the page asked for and its rows' values
    (`ROW_PAGE_FIELDS`), each query compiled once. For a user who sees every task, the
    count and the page's rows (by LIMIT and OFFSET); for one who sees some, the count and
    the page's ids come from the ids the gate read (`access.access_ledger_rows`: their
    tasks and order), and the rows are asked by those 100 ids."""
    if visible is None:
        ((rows, subitems),) = _COUNTS.rows(ledger.pk)
        counts = {"tasks": rows - subitems, "subitems": subitems}
        page = _page(request, counts)
        first = (page.number - 1) * PAGE_SIZE
        return counts, page, _ALL_ROWS.values(ledger.pk, start=first, end=first + PAGE_SIZE)
    subitems = sum(1 for row in visible if row.parent_id is not None)
    counts = {"tasks": len(visible) - subitems, "subitems": subitems}
    page = _page(request, counts)
    first = (page.number - 1) * PAGE_SIZE
    shown = sorted(visible, key=_BY_PLACE)[first : first + PAGE_SIZE]
    return counts, page, _ROWS_OF.values(Ids([row.pk for row in shown])) if shown else []


def _filter_form(request: HttpRequest, ledger: Ledger) -> tuple[TaskFilterForm, Selection]:
    """The ledger page's filter form and the selection it makes: of the filters whose value
    is understood, the others ignored (`ignored_filters` names them)."""
    people, units = ledger_choices(ledger.pk)
    form = TaskFilterForm(request.GET or None, people=people, units=units, renderer=QUICK_SELECTS)
    chosen: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # cleans each field: one not understood is left out of cleaned_data
        chosen = dict(form.cleaned_data)
    colour = chosen.pop("light", "")
    return form, Selection(TaskFilters(**chosen), colour)


class Ignored(NamedTuple):
    """A value of the ledger page's query that was not understood and so not applied: the
    filter's label (None for the page number), the value as given, and the most characters
    the filter takes when the value was longer (0 otherwise)."""

    label: str | None
    value: str
    limit: int = 0


def ignored_filters(request: HttpRequest, form: TaskFilterForm) -> list[Ignored]:
    """The filters whose value the form did not understand (an unknown light or status, a
    unit not of the ledger, a date that is none), in the form's order, and a page number
    that is not a number (the first page is shown): none for a query the page understood."""
    ignored = [
        Ignored(str(form[name].label), request.GET.get(name, ""), _too_long(form, name))
        for name in form.fields
        if name in form.errors and not _reversed_window(form, name)
    ]
    number = request.GET.get("page")
    if number is not None:
        try:
            int(number)
        except ValueError:
            ignored.append(Ignored(None, number))
    return ignored


def _reversed_window(form: TaskFilterForm, name: str) -> bool:
    """Whether field `name` was refused only for a window that starts after it ends (said
    beside the dates, `templatetags.ledger_page.filter_fields`, not as a value not
    understood)."""
    return all(error.code == DATE_RANGE for error in form.errors.as_data()[name])


def _too_long(form: TaskFilterForm, name: str) -> int:
    """The most characters field `name` takes when its value was refused as longer, else 0."""
    if any(error.code == "max_length" for error in form.errors.as_data()[name]):
        return int(getattr(form.fields[name], "max_length", 0) or 0)
    return 0


def page_selection(request: HttpRequest, ledger: Ledger) -> Selection:
    """The selection of the ledger page whose query `request` carries: an export of it
    holds the page's rows."""
    return _filter_form(request, ledger)[1]


ROW_FIELDS = (
    "pk", "parent_id", "label", "number", "parent__number", "goal", "deadline_text",
    "deadline", "progress", "status", "status_label", "remarks", "category_id",
    "category__number", "category__name",
)  # fmt: skip
# What the page reads of each row: ROW_FIELDS and the stored state of its light.
ROW_PAGE_FIELDS = (*ROW_FIELDS, *STORED_FIELDS)


def _row_values(tasks: QuerySet[Task]) -> QuerySet[Any]:
    return RowLights.stored(tasks).prefetch_related(None).values_list(*ROW_PAGE_FIELDS)


def _all_rows(ledger_id: int) -> QuerySet[Any]:
    tasks = access.current_tasks(ledger_id)
    return _row_values(task_list(tasks, ledger_id, TaskFilters()))


def _rows_of(ids: list[int]) -> QuerySet[Any]:
    # By their ids alone: asked for the ledger too, SQLite walked its index over every task.
    return _row_values(Task.objects.filter(pk__in=id_list(ids)).order_by("order", "pk"))


def _counts(ledger_id: int) -> QuerySet[Any]:
    """The ledger's current rows and, of them, the sub-items, each counted from an index
    rather than by reading every row for its parent (`COUNT(parent_id)`: at 10,000 tasks,
    SQLite 2.6 -> 1.0 ms, PostgreSQL's execution 6.8 -> 0.7 ms): the rows from the ledger's
    index of current tasks, the sub-items through the index of their parents. SQLite is
    asked for the sub-items of the ledger's tasks (a sub-item is in its task's ledger),
    which it finds by probing that index with each task; asked for the ledger's rows that
    have a parent, it read every row of the ledger, as PostgreSQL does for the other."""
    current = access.current_tasks(ledger_id)
    if connections[current.db].vendor == "sqlite":
        subitems = Task.objects.filter(parent__ledger_id=ledger_id, removed_at__isnull=True)
    else:
        subitems = current.filter(parent__isnull=False)
    return (
        Ledger.objects.filter(pk=ledger_id)
        .order_by()
        .values_list(Subquery(_counted(current)), Subquery(_counted(subitems)))
    )


def _counted(tasks: QuerySet[Task]) -> QuerySet[Any]:
    """COUNT(*) of `tasks`, as a subquery: grouped by a constant, which Django leaves out."""
    whole = tasks.order_by().annotate(whole=Value(1, output_field=IntegerField()))
    return whole.values("whole").annotate(count=Count("*")).values("count")


# The rows and the sub-items among them: COUNT(*) and COUNT of the parent (not NULL for a
# sub-item), not two COUNTs each with a FILTER: SQLite 3.5 -> 2.95 ms over 10,000 tasks.
_COUNTED = {"row_count": Count("*"), "subitem_count": Count("parent_id")}


def _ledger(ledger_id: int) -> QuerySet[Ledger]:
    return Ledger.objects.select_related("publication").filter(pk=ledger_id)


# The page's ledger, and the unfiltered page's queries, compiled once (`Prepared`): building
# and compiling the rows' query with its joins cost Django more than SQLite took to answer it.
_LEDGER = Prepared(_ledger)
_COUNTS = Prepared(_counts)
_ALL_ROWS = Prepared(_all_rows, paged=True)
_ROWS_OF = Prepared(_rows_of)


class LedgerRow(NamedTuple):
    """A row of the ledger page, a task or a sub-item, as plain values: ROW_FIELDS, whether it
    matched the filters, its leaders' names and its units (reading 100 rows as model
    instances with their links cost more than all the page's queries)."""

    pk: int
    parent_id: int | None
    label: str
    number: int
    parent_number: int | None
    goal: str
    deadline_text: str
    deadline: datetime.date | None
    progress: str
    status: str
    status_label: str
    remarks: str
    category_id: int
    category_number: int
    category_name: str
    matched: bool | None  # False: shown only as the task of a matching sub-item
    leaders: list[str]
    units: list[tuple[str, str]]  # name, role
    light: RowLight | None = None  # None: no stored state (or not asked)

    @property
    def shown_number(self) -> str:
        """The number as `supervision.selectors.display_number` words it: a sub-item's label
        as written, else "3-1", else the task's number."""
        if self.label:
            return self.label
        if self.parent_number is not None:
            return f"{self.parent_number}-{self.number}"
        return str(self.number)


def ledger_rows(
    found: list[tuple[Any, ...]], *, matched: bool, lights: RowLights
) -> list[LedgerRow]:
    """The page's rows from their values (ROW_PAGE_FIELDS, then `matched` when `matched`:
    the tasks carry the annotation of `with_context`), with their leaders and units (one
    query, none when there are none) and each row's light (`lights.page_lights`)."""
    leaders, units = row_links([values[0] for values in found])
    lit = _row_lights(found, lights, len(ROW_FIELDS))
    return [
        LedgerRow._make(
            (
                *values[:15],
                values[-1] if matched else None,
                leaders[values[0]],
                units[values[0]],
                lit.get(values[0]),
            )
        )
        for values in found
    ]


def _row_lights(
    found: list[tuple[Any, ...]], lights: RowLights, at: int
) -> dict[int, RowLight | None]:
    """Each row's light from the STORED_FIELDS read from index `at` of its values."""
    end = at + len(STORED_FIELDS)
    return lights.page_lights([(values[0], values[1], *values[at:end]) for values in found])


def _links_query(ids: list[int]) -> QuerySet[Any]:
    led = TaskLeader.objects.filter(task_id__in=ids).order_by()
    served = TaskUnit.objects.filter(task_id__in=ids).order_by()
    fields = ("task_id", "order", "pk")
    # A leader's link has no role (NULL); a unit's always has one.
    return (
        led.annotate(role=Value(None, output_field=CharField()))
        .values_list(*fields, "person__name", "role")
        .union(served.values_list(*fields, "unit__name", "role"), all=True)
        .order_by("task_id", "order", "pk")
    )


_LINKS = Prepared(_links_query)


def row_links(ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[tuple[str, str]]]]:
    """The names of the leaders and the units (name, role) of these tasks, by task id, in
    their order: one query (the leaders' links and the units' as one list, compiled once for
    each number of tasks), none for no tasks."""
    leaders: dict[int, list[str]] = defaultdict(list)
    units: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if ids:
        for task_id, _order, _pk, name, role in _LINKS.rows(ids):
            if role is None:
                leaders[task_id].append(name)
            else:
                units[task_id].append((name, role))
    return leaders, units


@login_required
def round_snapshot(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ledger as it stood when a past round closed."""
    round_ = access.access_round(request.user, round_id, Round.objects.select_related("ledger"))
    doc = round_document(round_)
    if doc is None:
        raise Http404
    visible = access.visible_snapshot_keys(request.user, round_)
    if visible is not None:
        keep_visible(doc, visible)
    return render(request, "web/round_snapshot.html", {"round": round_, "doc": doc})


def keep_visible(doc: LedgerDoc, visible: set[str]) -> None:
    """Leave in `doc` only the tasks and sub-items whose keys are in `visible` (keys of the
    snapshot, from the ids of the tasks the user may see: `snapshot_keys_of`; a sub-item's
    key is "3/1")."""
    keys = iter(task_keys(doc))
    for category in doc.categories:
        kept = []
        for task in category.tasks:
            key = next(keys)
            if key in visible:
                sub_keys = subitem_keys(key, task.subitems)
                task.subitems = [
                    sub
                    for sub_key, sub in zip(sub_keys, task.subitems, strict=True)
                    if sub_key in visible
                ]
                kept.append(task)
        category.tasks = kept
    doc.categories = [c for c in doc.categories if c.tasks]


@login_required
def task_detail(
    request: HttpRequest,
    task_id: int,
    refused_panel: Any = None,
    figure_form: FigureForm | None = None,
) -> HttpResponse:
    """A task with its whole timeline, its sub-items (those the user may see, each with its
    light) or, for a sub-item, its task; and the forms the user's role allows. `refused_panel`
    is a refused report form shown again as posted (web/reports), `figure_form` a refused
    figure (web/cycle)."""
    task = visible_task(request, task_id)
    user = request.user
    (supervision,) = supervise_tasks(task.ledger, [task], default_as_of(task.ledger))
    shown = (  # a task with no sub-items (most of them, every report's) asks nothing more
        set(access.visible_tasks(user).filter(parent=task).values_list("pk", flat=True))
        if supervision.subitems
        else set()
    )
    context: dict[str, Any] = {
        "task": task,
        "page_url": page_address(request, "web:task_detail", task.pk),
        "supervision": supervision,
        "subitems": [row for row in supervision.subitems if row.task.pk in shown],
        "split": bool(supervision.subitems),
        "leader_links": access.serving_leader_links(task),
        "unit_links": access.serving_unit_links(task),
        "timeline": task_timeline(task),
        "light_history": task_light_history(task),
        "open_round": round_current(task.ledger_id),
        "can_report": access.can_report(user, task),
        "can_comment": access.can_comment(user, task),
        "can_edit": access.can_edit_task(user, task),
        "can_check": access.can_check_figures(user, task),
        "refused_panel": refused_panel,
        # A figure check's message at the indicators it goes back to, when they are shown.
        "inline_messages": INDICATOR_MESSAGES if supervision.indicators else "",
    }
    if context["can_comment"]:
        context["comment_form"] = CommentForm()
    if context["can_edit"]:
        context["figure_form"] = FigureForm() if figure_form is None else figure_form
        context["figure_refused"] = figure_form is not None
        context["edit_form"] = TaskEditForm(
            initial={
                "version": task.version,
                "goal": task.goal,
                "deadline_text": task.deadline_text,
                "progress": task.progress,
                "status": task.status,
                "remarks": task.remarks,
            }
        )
    return render(request, "web/task_detail.html", context)
