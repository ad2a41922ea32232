"""The monthly cycle: rounds, a reporter's tasks and reports, the office's review queue, leaders'
comments, the office's direct edits, and the ledger export (the upload is in web/upload.py).
Thin views: parse, ask accounts.access, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Ledger, Unit
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import task_update
from taizhang.reporting import services
from taizhang.reporting.models import Attachment, Report, Round
from taizhang.reporting.selectors import (
    missing_units,
    my_tasks,
    review_queue,
    round_current,
    round_document,
)
from taizhang.supervision import figures
from taizhang.supervision.selectors import display_number
from taizhang.web.exports import EXPORTS, export_response
from taizhang.web.forms import (
    CommentForm,
    FigureForm,
    ReviewForm,
    RoundForm,
    TaskEditForm,
)
from taizhang.web.views import report_form_for, visible_ledger, visible_task


def office_only(request: HttpRequest) -> None:
    """Pages of the office: others get a 404, like for something that does not exist."""
    if not access.is_office(request.user):
        raise Http404


@login_required
def my_task_list(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """A reporter's tasks in a ledger, each with its report form for the open round."""
    ledger = visible_ledger(request, ledger_id)
    if not access.unit_ids(request.user):
        raise Http404
    round_ = round_current(ledger.pk)
    tasks = my_tasks(
        access.visible_tasks(request.user).filter(ledger=ledger),
        round_,
        access.unit_ids(request.user),
    )
    rows = [(task, report_form_for(request.user, task)) for task in tasks]
    return render(request, "web/my_tasks.html", {"ledger": ledger, "round": round_, "rows": rows})


@login_required
@require_POST
def report_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    if not access.can_report(request.user, task):
        raise Http404
    form = report_form_for(request.user, task, request.POST, request.FILES)
    if form.is_valid():
        unit_id = form.cleaned_data["unit"] or access.reportable_unit_ids(request.user, task)[0]
        if unit_id not in access.reportable_unit_ids(request.user, task):
            raise Http404
        try:
            services.report_submit(
                task=task,
                unit=Unit.objects.get(pk=unit_id),
                actor=request.user,  # type: ignore[arg-type]
                progress=form.cleaned_data["progress"],
                status=form.cleaned_data["status"],
                figures=form.cleaned_data["figures"],
                files=request.FILES.getlist("attachments"),
            )
        except services.ReportingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已报送，等待督查室审核"))
    else:
        messages.error(request, _("报送未成功：%(errors)s") % {"errors": form.errors.as_text()})
    if request.POST.get("next"):
        return redirect(safe_next(request))
    return redirect("web:task_detail", task_id=task.pk)


def safe_next(request: HttpRequest) -> str:
    """A local redirect target from the form, never another site."""
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else "/"


def compared_text(report: Report) -> str:
    """What a report is compared with: the unit's report of the previous round, or the task's
    progress when it reported."""
    return report.similar_to.progress if report.similar_to else report.previous_progress


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """The office's queue of submitted reports, with what each changed."""
    office_only(request)
    from taizhang.reporting.selectors import text_diff

    reports = [(r, text_diff(compared_text(r), r.progress)) for r in review_queue()]
    return render(request, "web/review.html", {"reports": reports, "form": ReviewForm()})


@login_required
@require_POST
def report_decide(request: HttpRequest, report_id: int, decision: str) -> HttpResponse:
    office_only(request)
    report = get_object_or_404(Report, pk=report_id)
    form = ReviewForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    try:
        if decision == "accept":
            services.report_accept(report=report, actor=request.user, comment=comment)  # type: ignore[arg-type]
            messages.success(
                request, _("已采纳：任务 %(n)s 的进展已更新") % {"n": display_number(report.task)}
            )
        else:
            services.report_return(report=report, actor=request.user, comment=comment)  # type: ignore[arg-type]
            messages.success(
                request, _("已退回任务 %(n)s 的报送") % {"n": display_number(report.task)}
            )
    except services.ReportingError as error:
        messages.error(request, str(error))
    return redirect("web:review")


@login_required
@require_POST
def comment_add(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    if not access.can_comment(request.user, task):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(task=task, actor=request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
        messages.success(request, _("批示已保存"))
    return redirect("web:task_detail", task_id=task.pk)


@login_required
@require_POST
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = visible_task(request, task_id)
    if not access.can_edit_task(request.user, task):
        raise Http404
    form = TaskEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("web:task_detail", task_id=task.pk)
    data = dict(form.cleaned_data)
    version = data.pop("version")
    try:
        task_update(task=task, version=version, actor=request.user, values=data)  # type: ignore[arg-type]
    except EditError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("任务已保存"))
    return redirect("web:task_detail", task_id=task.pk)


@login_required
@require_POST
def figure_set(request: HttpRequest, task_id: int) -> HttpResponse:
    """The office corrects or adds a figure of a task."""
    task = visible_task(request, task_id)
    if not access.can_edit_task(request.user, task):
        raise Http404
    form = FigureForm(request.POST)
    if form.is_valid():
        figures.figure_set(task=task, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("指标已保存"))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("web:task_detail", task_id=task.pk)


@login_required
def rounds(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """The office's rounds of a ledger: open one, see who has not reported, close it."""
    office_only(request)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_open(ledger=ledger, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except services.ReportingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已开启报送轮次"))
            return redirect("web:rounds", ledger_id=ledger.pk)
    current = round_current(ledger.pk)
    context = {
        "ledger": ledger,
        "form": form,
        "open_round": current,
        "missing": missing_units(current) if current else [],
        "rounds": Round.objects.filter(ledger=ledger).defer("snapshot"),
    }
    return render(request, "web/rounds.html", context)


@login_required
@require_POST
def round_close(request: HttpRequest, round_id: int) -> HttpResponse:
    office_only(request)
    round_ = get_object_or_404(Round, pk=round_id)
    try:
        services.round_close(round_=round_, actor=request.user)  # type: ignore[arg-type]
    except services.ReportingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("轮次已关闭，台账快照已保存"))
    return redirect("web:rounds", ledger_id=round_.ledger_id)


@login_required
def ledger_export(request: HttpRequest, ledger_id: int, fmt: str) -> HttpResponse:
    """Download the ledger (or, with ?round=ID, the ledger as of a closed round)."""
    office_only(request)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    if fmt not in EXPORTS:
        raise Http404
    round_id = request.GET.get("round")
    if round_id and not round_id.isdigit():
        raise Http404
    if round_id:
        round_ = get_object_or_404(Round, pk=round_id, ledger=ledger, snapshot__isnull=False)
        doc = round_document(round_)
    else:
        doc = ledger_document(ledger)
    if doc is None:
        raise Http404
    return export_response(doc, fmt)


@login_required
def attachment(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    """An attachment, to those who may see its task."""
    item = get_object_or_404(Attachment.objects.select_related("report"), pk=attachment_id)
    visible_task(request, item.report.task_id)
    return FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.name)
