"""A reporter's side of the cycle: the report form (send, 暂存, drop a held file), the
reporter's tasks, attachments. Nothing typed is lost: a refused form is shown again with what
was posted and the files chosen kept on the server; a draft is there on any device; a returned
report opens with its own text and the office's comment. Thin: the unit rule is
accounts.access.report_unit_id, writes are reporting.services and reporting.drafts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.ledger.models import Status, Task, TaskUnit, Unit
from taizhang.ledger.services.joint import unit_part
from taizhang.prepared import Prepared, Value, keep_prefetched
from taizhang.reporting import drafts, services
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Attachment, HeldFile, Report, ReportDraft, ReportState
from taizhang.reporting.selectors import my_tasks, round_current
from taizhang.supervision.rows import LIGHT_FILTERS, RowLights
from taizhang.supervision.selectors import default_as_of
from taizhang.web import views
from taizhang.web.forms import LIGHT_CHOICES, ReportForm
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers
from taizhang.web.templatetags.taizhang import plain_number
from taizhang.web.views import visible_ledger, visible_task

# The page a refused form is shown on again (the task page otherwise).
MY_TASKS_PAGE = "mine"


@dataclass
class ReportPanel:
    """What the report form of one task shows: the form (bound to a refused post, or
    pre-filled from the draft, the returned report or the ledger's text), the files held for
    it, the draft and the returned report (whose comment stands above the form)."""

    task: Task
    form: ReportForm
    held: list[HeldFile]
    draft: ReportDraft | None
    returned: Report | None
    # The report sent in the open round, waiting for review or accepted: shown read-only in
    # place of the form (until the office returns it, or the reporter keeps a newer draft).
    sent: Report | None = None

    @property
    def sent_figures(self) -> list[str]:
        """The sent report's figures as typed ("完成投资 3000 万元")."""
        return _figure_lines(self.sent.figures) if self.sent is not None else []


def unit_choices(user: Any, task: Task) -> list[tuple[int, str]]:
    """The units the user may report for on the task, with their names (from the task's
    prefetched unit links, or its parent's for a sub-item naming no unit)."""
    names = {link.unit_id: link.unit.name for link in access.serving_unit_links(task)}
    return [(pk, names[pk]) for pk in access.reportable_unit_ids(user, task)]


def _initial(task: Task, draft: ReportDraft | None, returned: Report | None) -> dict[str, Any]:
    """A draft is the newest writing (sending removes it); then a returned report's own text;
    then the ledger's."""
    if draft is not None:
        return {
            "progress": draft.progress,
            "status": draft.status or task.status or Status.IN_PROGRESS,
            "figures": draft.figures_text,
            "unit": draft.unit_id,
        }
    if returned is not None:
        return {
            "progress": returned.progress,
            "status": returned.status,
            "figures": "\n".join(_figure_lines(returned.figures)),
            "unit": returned.unit_id,
        }
    return {"progress": task.progress, "status": task.status or Status.IN_PROGRESS}


def _figure_lines(figures: list[dict[str, Any]]) -> list[str]:
    # A stored figure as typed again (7000.0 -> "7000"), as the review page shows it.
    return [f"{f['name']} {plain_number(f['value'])} {f['unit']}".strip() for f in figures]


def report_panels(
    user: Any, tasks: Sequence[Task], latest: dict[int, Report]
) -> dict[int, ReportPanel]:
    """The report form of each task, in a fixed number of queries (tasks with their unit
    links prefetched; `latest`: task id -> the user's units' latest report in the open
    round: returned, it fills the form; waiting or accepted, it stands in the form's place)."""
    units = access.unit_ids(user)
    drafts_of = drafts.drafts_by_task(tasks, units)
    held_of = drafts.held_files_by_task(tasks, units, user)
    panels = {}
    for task in tasks:
        draft, report = drafts_of.get(task.pk), latest.get(task.pk)
        back = report if report is not None and report.state == ReportState.RETURNED else None
        sent = report if report is not None and report.state in _SENT else None
        choices = unit_choices(user, task)
        initial = _initial(task, draft, back)
        unit = initial.get("unit") or (choices[0][0] if len(choices) == 1 else None)
        if draft is None and back is None:
            initial["progress"] = unit_part(task, unit)
        held = [f for (t, u), files in held_of.items() if t == task.pk for f in files]
        held = [f for f in held if unit is None or f.unit_id == unit]
        form = ReportForm(initial=initial, units=choices)
        panels[task.pk] = ReportPanel(task, form, held, draft, back, None if draft else sent)
    return panels


_SENT = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def report_panel_for(user: Any, task: Task) -> ReportPanel:
    """The report form of one task (the task page)."""
    round_ = round_current(task.ledger_id)
    latest = drafts.latest_report(task, round_, access.reportable_unit_ids(user, task))
    return report_panels(user, [task], {task.pk: latest} if latest else {})[task.pk]


# --- the reporter's tasks ----------------------------------------------------------------


@login_required
def my_task_list(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """A reporter's tasks in a ledger, returned reports first, each with its report form."""
    return my_tasks_page(request, ledger_id)


def my_tasks_page(
    request: HttpRequest, ledger_id: int, refused: ReportPanel | None = None
) -> HttpResponse:
    """The my-tasks page; `refused` is a refused form shown again in its task's place."""
    ledger = visible_ledger(request, ledger_id)
    if not access.unit_ids(request.user):
        raise Http404
    round_ = round_current(ledger.pk)
    lights = RowLights(ledger, default_as_of(ledger))
    mine = lights.lit(access.visible_tasks(request.user).filter(ledger=ledger))
    colour = request.GET.get("light", "")
    if colour in LIGHT_FILTERS:
        mine = lights.only(mine, colour)
    tasks = my_tasks(mine, round_, access.unit_ids(request.user))
    for task in tasks:
        task.row_light = lights.of_task(task)  # type: ignore[attr-defined]
    returned = {
        t.pk: t.latest_report  # type: ignore[attr-defined]
        for t in tasks
        if t.latest_report is not None and t.latest_report.state == ReportState.RETURNED  # type: ignore[attr-defined]
    }
    tasks.sort(key=lambda t: t.pk not in returned)  # stable: document order otherwise
    latest = {t.pk: t.latest_report for t in tasks if t.latest_report is not None}  # type: ignore[attr-defined]
    panels = report_panels(request.user, tasks, latest)
    if refused is not None:
        panels[refused.task.pk] = refused
    rows = [(task, panels[task.pk]) for task in tasks]
    context = {
        "ledger": ledger,
        "round": round_,
        "rows": rows,
        "returned": len(returned),
        "light": colour if colour in LIGHT_FILTERS else "",
        "light_choices": LIGHT_CHOICES[1:],
    }
    return render(request, "web/my_tasks.html", context)


# --- the report form ---------------------------------------------------------------------


def _task_query(task_id: int) -> QuerySet[Task]:
    return Task.objects.select_related("ledger").filter(pk=task_id).order_by()


def _unit_links_query(task_id: int) -> QuerySet[TaskUnit]:
    return TaskUnit.objects.select_related("unit").filter(task_id=task_id).order_by("order", "pk")


_UNIT_LINKS = Prepared(_unit_links_query)


class TaskWithUnits(Prepared):
    """A task by its id with its ledger and the links of the units serving it, with their
    units (`accounts.access.serving_unit_links`: a sub-item naming none, its task's), as a
    prefetch leaves them; each query compiled once (`Prepared`): the ORM's three cost about
    2 ms of a report. Any task, current or not (`access.access_task` decides)."""

    def __init__(self) -> None:
        super().__init__(_task_query)

    def objects(self, *values: Value) -> list[Any]:
        tasks: list[Task] = super().objects(*values)
        for task in tasks:
            links = _UNIT_LINKS.objects(task.pk)
            keep_prefetched(task, "unit_links", links)
            if not links and task.parent_id is not None:
                parent = super().objects(task.parent_id)[0]
                keep_prefetched(parent, "unit_links", _UNIT_LINKS.objects(parent.pk))
                Task.parent.field.set_cached_value(task, parent)
        return tasks


TASK_WITH_UNITS = TaskWithUnits()


@checks_numbers(ReportForm)
@login_required
@require_POST
def report_submit(request: AuthedRequest, task_id: int) -> HttpResponse:
    """Send a report (action "send"), keep it as a draft ("draft") or drop ticked held files
    ("drop"). Files chosen are held on the server first, so a refusal keeps them too. The
    task is read with its units (who may report) but not its leaders: a refusal shows the
    task page, which reads it again (`TASK_WITH_UNITS`)."""
    task = access.access_task(request.user, task_id, TASK_WITH_UNITS)
    user = request.user
    if not access.can_report(user, task):
        raise Http404
    action = request.POST.get("action", "send")
    form = ReportForm(request.POST, units=unit_choices(user, task), draft=action != "send")
    form.is_valid()
    unit = _chosen_unit(user, task, form)
    file_errors = _keep_files(request, task, unit, form) if unit is not None else []
    if unit is None and request.FILES:
        file_errors = [_("所选附件未保存：请先选择报送单位，再重新选择附件")]
    if unit is None or form.errors or file_errors or action == "drop":
        status = 200 if action == "drop" and unit is not None and not form.errors else 400
        return _shown_again(request, task, form, unit, file_errors, status)
    if action == "draft":
        return _draft(request, task, unit, form)
    return _send(request, task, unit, form)


def _chosen_unit(user: Any, task: Task, form: ReportForm) -> Unit | None:
    """The unit the report is for (accounts.access.report_unit_id); its refusal stands
    beside the unit field."""
    if "unit" in form.errors:
        return None
    try:
        unit_id = access.report_unit_id(user, task, form.cleaned_data.get("unit"))
    except access.UnitChoiceError as error:
        form.add_error("unit", str(error))
        return None
    # One of the units serving the task (reportable_unit_ids), loaded with its links.
    return next(link.unit for link in access.serving_unit_links(task) if link.unit_id == unit_id)


def _keep_files(request: HttpRequest, task: Task, unit: Unit, form: ReportForm) -> list[str]:
    """Drop the held files ticked 移除 and hold the files just chosen; the messages of those
    refused (type, size, count)."""
    user: Any = request.user
    if form.dropped_ids():
        drafts.held_files_drop(task=task, unit=unit, owner=user, ids=form.dropped_ids())
    errors = []
    for upload in request.FILES.getlist("attachments"):
        try:
            drafts.file_hold(task=task, unit=unit, owner=user, upload=upload)
        except ReportingError as error:
            errors.append(str(error))
    return errors


def _shown_again(
    request: HttpRequest,
    task: Task,
    form: ReportForm,
    unit: Unit | None,
    file_errors: list[str],
    status: int,
) -> HttpResponse:
    """The page that posted, again, with the form as posted and the files held."""
    user: Any = request.user
    units = [unit.pk] if unit is not None else access.reportable_unit_ids(user, task)
    held_of = drafts.held_files_by_task([task], units, user)
    held = [item for files in held_of.values() for item in files]
    draft = drafts.draft_of(task, unit.pk) if unit is not None else None
    back = drafts.returned_report(task, round_current(task.ledger_id), units)
    form.file_errors = file_errors  # type: ignore[attr-defined]
    panel = ReportPanel(task, form, held, draft, back)
    response: HttpResponse
    if request.POST.get("page") == MY_TASKS_PAGE:
        response = my_tasks_page(request, task.ledger_id, refused=panel)
    else:
        response = views.task_detail(request, task.pk, refused_panel=panel)
    response.status_code = status
    return response


def _draft(request: AuthedRequest, task: Task, unit: Unit, form: ReportForm) -> HttpResponse:
    try:
        drafts.draft_save(
            task=task,
            unit=unit,
            actor=request.user,
            progress=form.cleaned_data.get("progress") or "",
            status=form.cleaned_data.get("status") or "",
            figures_text=form.cleaned_data.get("figures") or "",
        )
    except ReportingError as error:
        form.add_error(None, str(error))
        return _shown_again(request, task, form, unit, [], 400)
    messages.success(request, _("已暂存，可稍后继续填写"))
    return back(request, task)


def _send(request: HttpRequest, task: Task, unit: Unit, form: ReportForm) -> HttpResponse:
    user: Any = request.user
    try:
        services.report_submit(
            task=task,
            unit=unit,
            actor=user,
            progress=form.progress_to_send(),
            status=form.cleaned_data["status"],
            figures=form.figures_to_send(),
            held_files=drafts.held_files_of(task, unit.pk, user),
        )
    except ReportingError as error:
        form.add_error(None, str(error))
        return _shown_again(request, task, form, unit, [], 400)
    messages.success(request, _("已报送，等待督查室审核"))
    for notice in form.figure_notices():
        messages.warning(request, _("%(notice)s（附在进展情况之后）") % {"notice": notice})
    return back(request, task)


def back(request: HttpRequest, task: Task) -> HttpResponse:
    """After a post that worked: where the form was, if that is a page of this site (never
    another host, whatever the browser makes of "/\\evil.example"), else the task page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("web:task_detail", task_id=task.pk)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """An attachment, to those who may see its task."""
    item = get_object_or_404(Attachment.objects.select_related("report"), pk=attachment_id)
    visible_task(request, item.report.task_id)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)


@login_required
def held_file(request: HttpRequest, held_id: int) -> HttpResponseBase:
    """A file held for a report not sent yet, to the one who chose it only."""
    item = get_object_or_404(HeldFile, pk=held_id, owner_id=request.user.pk)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)
