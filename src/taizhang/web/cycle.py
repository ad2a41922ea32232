"""The office's side of the monthly cycle: rounds, the review queue, leaders' comments, the
office's direct edits (the reporter's side is web/reports.py, the upload web/upload.py, the
ledger's export web/exports.py).
Thin views: parse, ask accounts.access, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Ledger
from taizhang.ledger.services import task_update
from taizhang.notify.selectors import round_waiting_units
from taizhang.reporting import services
from taizhang.reporting.models import Report, Round, snapshot_deferred
from taizhang.reporting.selectors import (
    missing_units,
    review_queue,
    round_current,
)
from taizhang.supervision import services as supervision
from taizhang.supervision.doubts import verdict_text
from taizhang.supervision.selectors import display_number
from taizhang.web.forms import (
    CommentForm,
    FigureCheckForm,
    FigureForm,
    RemindForm,
    ReviewForm,
    RoundForm,
    TaskEditForm,
    errors_in_one_line,
)
from taizhang.web.http import INDICATOR_MESSAGES, AuthedRequest
from taizhang.web.middleware import checks_numbers
from taizhang.web.reports import back
from taizhang.web.views import task_detail, visible_task


def office_only(request: HttpRequest) -> None:
    """Pages of the office (accounts.access.require_office)."""
    access.require_office(request.user)


def compared_text(report: Report) -> str:
    """What a report is compared with: the unit's report of the previous round, or the task's
    progress when it reported."""
    return report.similar_to.progress if report.similar_to else report.previous_progress


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The office's queue of submitted reports, with what each changed."""
    office_only(request)
    from taizhang.reporting.selectors import text_diff

    reports = [
        (r, text_diff(compared_text(r), r.progress), accept_warnings(r)) for r in review_queue()
    ]
    return render(request, "web/review.html", {"reports": reports, "form": ReviewForm()})


def accept_warnings(report: Report) -> list[str]:
    """Why accepting this report deserves a second look: its text is nearly the previous
    round's, its unit no longer serves the task (accepting is refused), or it would change
    nothing in the ledger (from the report and its task, loaded)."""
    warnings = []
    if report.looks_copied:
        warnings.append(
            _("与上轮报送相似度 %(p)s%%，疑似照抄") % {"p": round((report.similarity or 0) * 100)}
        )
    task = report.task
    if report.unit_id not in {link.unit_id for link in access.serving_unit_links(task)}:
        warnings.append(_("该单位已不再负责此任务，不能采纳；可退回"))
    if report.progress.strip() == task.progress.strip() and report.status == task.status:
        warnings.append(_("进展和状态与台账现有内容相同，采纳不会改变台账"))
    return warnings


@login_required
@require_POST
def report_decide(request: AuthedRequest, report_id: int, decision: str) -> HttpResponse:
    office_only(request)
    report = get_object_or_404(
        Report.objects.select_related("task", "round", "unit").defer(*snapshot_deferred("round__")),
        pk=report_id,
    )
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if decision == "accept" and request.POST.get("confirm") != "1":
        # Accepting writes the ledger and cannot be taken back: without confirm=1 (the review
        # queue sends it for plain reports) the office is asked first, and nothing changes.
        context = {"report": report, "warnings": accept_warnings(report), "comment": comment}
        return render(request, "web/accept_confirm.html", context)
    try:
        if decision == "accept":
            services.report_accept(report=report, actor=request.user, comment=comment)
            messages.success(
                request, _("已采纳：任务 %(n)s 的进展已更新") % {"n": display_number(report.task)}
            )
        else:
            services.report_return(report=report, actor=request.user, comment=comment)
            messages.success(
                request, _("已退回任务 %(n)s 的报送") % {"n": display_number(report.task)}
            )
    except services.ReportingError as error:
        # Named by its task: the queue shows several reports, the message stands above them.
        number = display_number(report.task)
        messages.error(request, _("任务 %(n)s：%(error)s") % {"n": number, "error": error})
    return redirect("web:review")


@login_required
@require_POST
def comment_add(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    if not access.can_comment(request.user, task):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(task=task, actor=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("批示已保存"))
    return redirect("web:task_detail", task_id=task.pk)


@checks_numbers(TaskEditForm)
@login_required
@require_POST
def task_edit(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    if not access.can_edit_task(request.user, task):
        raise Http404
    form = TaskEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return redirect("web:task_detail", task_id=task.pk)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        task_update(task=task, version=version, actor=request.user, values=data)
    except EditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("任务已保存"))
    return redirect("web:task_detail", task_id=task.pk)


@checks_numbers(FigureForm)
@login_required
@require_POST
def figure_set(request: AuthedRequest, task_id: int) -> HttpResponse:
    """The office corrects or adds a figure of a task; a refused one is shown again as
    typed, its errors by its fields, and changes nothing."""
    task = visible_task(request, task_id)
    if not access.can_edit_task(request.user, task):
        raise Http404
    form = FigureForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return task_detail(request, task.pk, figure_form=form)
    supervision.figure_set(task=task, actor=request.user, **form.cleaned_data)
    messages.success(request, _("指标已保存"))
    return redirect("web:task_detail", task_id=task.pk)


@checks_numbers(FigureCheckForm)
@login_required
@require_POST
def figure_check(request: AuthedRequest, task_id: int) -> HttpResponse:
    """The office confirms or corrects a figure read from a task's text (an uncertain bar),
    from the dashboard or the task page, and goes back there."""
    task = visible_task(request, task_id)
    if not access.can_check_figures(request.user, task):
        raise Http404
    form = FigureCheckForm(request.POST)
    # Shown at the indicators the page goes back to (#indicators), where the office is.
    tag = INDICATOR_MESSAGES
    valid = form.is_valid()
    # Which of the page's indicators the message is about (the dashboard lists many tasks').
    name = form.cleaned_data.get("name")
    about = (
        _("%(task)s的指标“%(name)s”：")
        % {"task": _("任务%(n)s") % {"n": display_number(task)}, "name": name}
        if name
        else ""
    )
    if not valid:
        messages.error(request, about + errors_in_one_line(form), extra_tags=tag)
    else:
        try:
            supervision.figure_check(task=task, actor=request.user, **form.cleaned_data)
        except supervision.FigureError as error:
            messages.error(request, about + str(error), extra_tags=tag)
        else:
            verdict = verdict_text(form.cleaned_data["verdict"])
            messages.success(request, about + verdict, extra_tags=tag)
    return back(request, task)


@checks_numbers(RoundForm)
@login_required
def rounds(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """The office's rounds of a ledger: open one, see who has not reported, close it."""
    office_only(request)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_open(ledger=ledger, actor=request.user, **form.cleaned_data)
        except services.ReportingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已开启报送轮次"))
            return redirect("web:rounds", ledger_id=ledger.pk)
    current = round_current(ledger.pk)
    waiting = round_waiting_units(current) if current else []
    context = {
        "ledger": ledger,
        "form": form,
        "open_round": current,
        "waiting": waiting,
        "missing": [item.unit for item in waiting],
        "remind_form": RemindForm(),
        "rounds": Round.objects.filter(ledger=ledger).defer("snapshot"),
    }
    return render(request, "web/rounds.html", context)


@login_required
@require_POST
def round_close(request: AuthedRequest, round_id: int) -> HttpResponse:
    office_only(request)
    round_ = get_object_or_404(Round.objects.select_related("ledger"), pk=round_id)
    if round_.is_open and request.POST.get("confirm") != "1":
        # Closing cannot be undone: say what is left and offer to remind first.
        context = {
            "round": round_,
            "waiting": review_queue(round_.ledger_id).filter(round=round_).count(),
            "missing": missing_units(round_),
        }
        return render(request, "web/round_close_confirm.html", context)
    try:
        services.round_close(round_=round_, actor=request.user)
    except services.ReportingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("轮次已关闭，台账快照已保存"))
    return redirect("web:rounds", ledger_id=round_.ledger_id)
