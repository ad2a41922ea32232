"""Ledger pages: the list of ledgers, one ledger in the layout of the document, a task with its
whole timeline. Thin: every decision of who may see what is in accounts.access."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any, NamedTuple

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import CharField, Count, Q, QuerySet, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.accounts import access
from taizhang.documents.model import LedgerDoc, subitem_keys, task_keys
from taizhang.documents.writers import FORMATS, UNITS
from taizhang.ledger.models import Ledger, Task, TaskLeader, TaskUnit
from taizhang.ledger.selectors import (
    TaskFilters,
    ledger_choices,
)
from taizhang.prepared import Prepared
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import round_current, round_document, task_timeline
from taizhang.supervision.history import task_light_history
from taizhang.supervision.rows import STORED_FIELDS, RowLight, RowLights
from taizhang.supervision.selection import Selection, selected_tasks
from taizhang.supervision.selectors import default_as_of, supervise_tasks
from taizhang.web.forms import (
    CommentForm,
    ExportOptionsForm,
    FigureForm,
    TaskEditForm,
    TaskFilterForm,
)
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
    ledger, ids = access.access_ledger_tasks(
        request.user, ledger_id, Ledger.objects.select_related("publication")
    )
    form, selection = _filter_form(request, ledger)
    lights = RowLights(ledger, default_as_of(ledger))
    visible = access.ledger_scope(request.user, ledger.pk, ids)
    tasks = selected_tasks(visible, ledger, selection, lights)
    filtered = selection.filtered
    counts = tasks.aggregate(
        tasks=Count("pk", filter=Q(parent__isnull=True)),
        subitems=Count("pk", filter=Q(parent__isnull=False)),
    )
    paginator = Paginator(tasks, PAGE_SIZE)
    paginator.count = counts["tasks"] + counts["subitems"]  # one query for both counts
    page = paginator.get_page(request.GET.get("page"))
    first = (page.number - 1) * PAGE_SIZE
    query = request.GET.copy()
    query.pop("page", None)
    export_query = query.copy()
    for option in ExportOptionsForm.base_fields:
        export_query.pop(option, None)
    context = {
        "ledger": ledger,
        "form": form,
        "page": page,
        "rows": ledger_rows(
            lights.stored(tasks), first, first + PAGE_SIZE, matched=filtered, lights=lights
        ),
        "as_of": lights.as_of,
        "counts": counts,
        "query": query.urlencode(),
        "titles": {c["key"]: c["title"] for c in ledger.columns},
        "open_round": lights.open_round,
        "export_formats": FORMATS,
        "export_fields": [(k, v) for k, values in export_query.lists() for v in values],
        "export_layouts": ExportOptionsForm.base_fields["layout"].choices  # type: ignore[attr-defined]
        if access.can_export(request.user, UNITS)
        else [],
        "can_export": access.can_export(request.user),
    }
    return render(request, "web/ledger_detail.html", context)


def _filter_form(request: HttpRequest, ledger: Ledger) -> tuple[TaskFilterForm, Selection]:
    """The ledger page's filter form and the selection it makes (none when it is invalid)."""
    people, units = ledger_choices(ledger.pk)
    form = TaskFilterForm(request.GET or None, people=people, units=units, renderer=QUICK_SELECTS)
    chosen = dict(form.cleaned_data) if form.is_valid() else {}
    colour = chosen.pop("light", "")
    return form, Selection(TaskFilters(**chosen), colour)


def page_selection(request: HttpRequest, ledger: Ledger) -> Selection:
    """The selection of the ledger page whose query `request` carries: an export of it
    holds the page's rows."""
    return _filter_form(request, ledger)[1]


ROW_FIELDS = (
    "pk", "parent_id", "label", "number", "parent__number", "goal", "deadline_text",
    "deadline", "progress", "status", "status_label", "remarks", "category_id",
    "category__number", "category__name",
)  # fmt: skip


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
    tasks: QuerySet[Task], start: int, end: int, *, matched: bool, lights: RowLights | None = None
) -> list[LedgerRow]:
    """Rows `start` to `end` of the page's tasks (in their order), with their leaders and
    units, in three queries (one when there are none); with `lights`, each row's light (the
    tasks are `lights.stored`) and one more query. `matched`:
    the tasks carry the `matched` annotation of `with_context`."""
    fields = (*ROW_FIELDS, "matched") if matched else ROW_FIELDS
    if lights is not None:
        fields = (*fields, *STORED_FIELDS)
    found = list(tasks.prefetch_related(None).values_list(*fields)[start:end])
    leaders, units = row_links([values[0] for values in found])
    lit = _row_lights(found, lights, len(ROW_FIELDS) + matched)
    return [
        LedgerRow._make(
            (
                *values[:15],
                values[15] if matched else None,
                leaders[values[0]],
                units[values[0]],
                lit.get(values[0]),
            )
        )
        for values in found
    ]


def _row_lights(
    found: list[tuple[Any, ...]], lights: RowLights | None, at: int
) -> dict[int, RowLight | None]:
    """Each row's light from the STORED_FIELDS read from index `at` of its values."""
    if lights is None:
        return {}
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
def task_detail(request: HttpRequest, task_id: int, refused_panel: Any = None) -> HttpResponse:
    """A task with its whole timeline, its sub-items (those the user may see, each with its
    light) or, for a sub-item, its task; and the forms the user's role allows. `refused_panel`
    is a refused report form shown again as posted (web/reports)."""
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
    }
    if context["can_comment"]:
        context["comment_form"] = CommentForm()
    if context["can_edit"]:
        context["figure_form"] = FigureForm()
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
