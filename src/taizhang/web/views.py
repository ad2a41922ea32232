"""Ledger pages: the list of ledgers, one ledger in the layout of the document, a task with its
whole timeline. Thin: every decision of who may see what is in accounts.access."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from taizhang.accounts import access
from taizhang.documents.json_format import ledger_from_dict
from taizhang.documents.model import task_keys
from taizhang.documents.writers import FORMATS
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.selectors import (
    TaskFilters,
    ledger_list,
    ledger_people_and_units,
    task_list,
)
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import task_timeline
from taizhang.reporting.services import open_round
from taizhang.supervision.selectors import supervise_tasks, today
from taizhang.web.forms import CommentForm, FigureForm, ReportForm, TaskEditForm, TaskFilterForm

PAGE_SIZE = 100


def visible_ledger(request: HttpRequest, ledger_id: int) -> Ledger:
    """A ledger the user may open, or 404."""
    if not access.can_read_ledgers(request.user):
        raise Http404
    return get_object_or_404(Ledger, pk=ledger_id)


def visible_task(request: HttpRequest, task_id: int) -> Task:
    """A task the user may see, or 404 (forbidden and missing look alike)."""
    tasks = access.visible_tasks(request.user).select_related("ledger", "category")
    tasks = tasks.prefetch_related("leader_links__person", "unit_links__unit")
    return get_object_or_404(tasks, pk=task_id)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The ledgers, with what each role does next."""
    if access.can_read_ledgers(request.user):
        ledgers = ledger_list(access.visible_tasks(request.user))
    else:
        ledgers = Ledger.objects.none()
    return render(request, "web/home.html", {"ledgers": ledgers})


@login_required
def ledger_detail(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """One ledger in the layout of the document, filtered and paginated; the same number of
    queries for 10 tasks or 10,000."""
    ledger = visible_ledger(request, ledger_id)
    people, units = ledger_people_and_units(ledger.pk)
    form = TaskFilterForm(request.GET or None, people=people, units=units)
    filters = TaskFilters(**form.cleaned_data) if form.is_valid() else TaskFilters()
    tasks = task_list(access.visible_tasks(request.user), ledger.pk, filters)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "ledger": ledger,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "titles": {c["key"]: c["title"] for c in ledger.columns},
        "open_round": open_round(ledger.pk),
        "export_formats": FORMATS,
    }
    return render(request, "web/ledger_detail.html", context)


@login_required
def round_snapshot(request: HttpRequest, round_id: int) -> HttpResponse:
    """The ledger as it stood when a past round closed."""
    round_ = get_object_or_404(Round.objects.select_related("ledger"), pk=round_id)
    if not access.can_read_ledgers(request.user) or round_.snapshot is None:
        raise Http404
    doc = ledger_from_dict(round_.snapshot, name=round_.name)
    mine = access.visible_tasks(request.user).filter(ledger=round_.ledger)
    visible = set(mine.values_list("key", flat=True))
    # Keys, not numbers: a ledger may number tasks afresh in each category.
    keys = iter(task_keys(doc))
    for category in doc.categories:
        category.tasks = [t for t in category.tasks if next(keys) in visible]
    doc.categories = [c for c in doc.categories if c.tasks]
    return render(request, "web/round_snapshot.html", {"round": round_, "doc": doc})


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    """A task with its whole timeline, and the forms the user's role allows."""
    task = visible_task(request, task_id)
    user = request.user
    (supervision,) = supervise_tasks(task.ledger, [task], today())
    context: dict[str, Any] = {
        "task": task,
        "supervision": supervision,
        "timeline": task_timeline(task),
        "open_round": open_round(task.ledger_id),
        "can_report": access.can_report(user, task),
        "can_comment": access.can_comment(user, task),
        "can_edit": access.can_edit_task(user, task),
    }
    if context["can_report"]:
        context["report_form"] = report_form_for(user, task)
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


def report_form_for(user: Any, task: Task, data: Any = None, files: Any = None) -> ReportForm:
    """The report form, with the units the user may report for (from the task's prefetched
    unit links when the caller loaded them)."""
    form = ReportForm(
        data, files, initial={"progress": task.progress, "status": task.status or "in_progress"}
    )
    units = {link.unit_id: link.unit.name for link in task.unit_links.all()}
    choices = [(pk, units[pk]) for pk in access.reportable_unit_ids(user, task)]
    form.fields["unit"].choices = choices  # type: ignore[attr-defined]
    return form
