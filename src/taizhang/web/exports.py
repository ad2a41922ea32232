"""The ledger's downloads (the office's). A selection of up to TAIZHANG_EXPORT_INLINE_TASKS rows
downloads at once (CSV streamed as it is written); a larger one is exported in the background
(reporting.exports, queued by taizhang.jobs): the office confirms, and a page shows the job's
progress (polled by job.js from its JSON, web/jobs.py) and, when done, its file.
Thin views: parse, ask accounts.access, call one selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from taizhang.accounts import access
from taizhang.documents.pdf import pdf_available
from taizhang.documents.writers import (
    FORMATS,
    LEDGER,
    SLOW_FORMATS,
    UNITS,
    ZIP_CONTENT_TYPE,
    ExportFile,
    export_files,
)
from taizhang.jobs.tasks import export_enqueue
from taizhang.ledger.models import Ledger
from taizhang.reporting.exports import export_job_create, export_job_status, export_size
from taizhang.reporting.models import ExportJob, Round
from taizhang.reporting.selectors import round_document
from taizhang.supervision.exports import export_document, export_rows
from taizhang.supervision.selection import selection_note
from taizhang.supervision.selectors import readable_bulletins
from taizhang.web.forms import ExportOptionsForm, database_id, errors_in_one_line
from taizhang.web.http import AuthedRequest
from taizhang.web.jobs import job_checked, job_state_response, owner_jobs_checked
from taizhang.web.views import page_selection

EXPORTS = FORMATS


def export_response(export: ExportFile, *, stream: bool) -> HttpResponseBase:
    """An export as a download: streamed as it is written where it can be (CSV, a zip of
    files), else written whole first (its errors before a response is begun)."""
    response: HttpResponseBase
    if stream:
        response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    else:
        response = HttpResponse(b"".join(export.chunks), content_type=export.content_type)
    response["Content-Disposition"] = attachment_header(export.filename)
    return response


def attachment_header(filename: str) -> str:
    """The Content-Disposition of a download named `filename` (Django's RFC 6266 form)."""
    return content_disposition_header(True, filename) or "attachment"


@login_required
@require_http_methods(["GET", "POST"])
def ledger_export(request: AuthedRequest, ledger_id: int, fmt: str) -> HttpResponseBase:
    """Download the rows of the ledger page's selection (its filters in the query), 截至
    ?as_of= (the lights' day too; else the page's), with ?warnings=1 the 预警 column, in
    ?layout= (the office's zip per unit or 领导分管 version); or, with ?round=ID, the ledger
    as of a closed round (the office's). A reporter exports its own tasks. Over
    TAIZHANG_EXPORT_INLINE_TASKS tasks, and as PDF, it is exported in the background: GET
    asks to confirm (a GET changes nothing), POST queues the job and goes to its page."""
    ledger = access.access_ledger(request.user, ledger_id)
    if fmt not in EXPORTS:
        raise Http404
    options = ExportOptionsForm(request.GET)
    if not options.is_valid():
        wrong = errors_in_one_line(options)
        return HttpResponseBadRequest(_("导出选项有误：%(errors)s") % {"errors": wrong})
    layout, as_of, warnings = options.chosen()
    if not access.can_export(request.user, layout):
        raise Http404
    round_ = _closed_round(request, ledger)
    if round_ is not None:
        access.require_office(request.user)
    selection = page_selection(request, ledger)
    # What this user's export holds: the page's selection of the ledger for the office, of a
    # reporter's own tasks (the page told the whole ledger's count), or a round's snapshot.
    if round_ is not None:
        size = export_size(ledger, round_)
    else:
        size = export_rows(ledger, request.user, selection, as_of=as_of)
    if size <= settings.TAIZHANG_EXPORT_INLINE_TASKS and fmt not in SLOW_FORMATS:
        doc = (
            export_document(ledger, request.user, selection, as_of=as_of, warnings=warnings)
            if round_ is None
            else round_document(round_)
        )
        if doc is None:
            raise Http404
        # A selection's file says so in its name (a closed round's is its snapshot whole).
        note = selection_note(selection) if round_ is None else ""
        export = export_files(
            doc, fmt, layout=layout, as_of=as_of, warnings=warnings, name_note=note
        )
        return export_response(export, stream=FORMATS[fmt].stream is not None or layout == UNITS)
    if request.method == "POST":
        # A dead job of this user's is given up first, not handed back as the same export.
        owner_jobs_checked("export", request.user)
        # The format, layout and round were checked above: the service refuses nothing more.
        job = export_job_create(
            actor=request.user,
            ledger=ledger,
            fmt=fmt,
            round_=round_,
            enqueue=export_enqueue,
            selection=selection.as_data(),
            layout=layout,
            as_of=as_of,
            warnings=warnings,
        )
        return redirect("web:export_job", job_id=job.pk)
    context = {
        "ledger": ledger,
        "round": round_,
        "size": size,
        "label": EXPORTS[fmt].label,
        # A closed round's export is its snapshot whole: the page's filters do not apply.
        "selection": selection.filtered and round_ is None,
        "layout": dict(options.fields["layout"].choices)[layout] if layout != LEDGER else "",  # type: ignore[attr-defined]
        "as_of": as_of,
        "pdf_missing": fmt == "pdf" and not pdf_available(),
    }
    return render(request, "web/export_start.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_pdf(request: AuthedRequest, bulletin_id: int) -> HttpResponseBase:
    """A bulletin as PDF (for the office's website), written by LibreOffice in the
    background: GET asks to confirm, POST queues the job and goes to its page. Whoever may
    read the bulletin may have its PDF."""
    bulletin = get_object_or_404(
        readable_bulletins(request.user).select_related("ledger"), pk=bulletin_id
    )
    if request.method == "POST":
        owner_jobs_checked("export", request.user)
        job = export_job_create(
            actor=request.user,
            ledger=bulletin.ledger,
            fmt="pdf",
            enqueue=export_enqueue,
            bulletin_id=bulletin.pk,
        )
        return redirect("web:export_job", job_id=job.pk)
    context = {
        "ledger": bulletin.ledger,
        "bulletin": bulletin,
        "label": "PDF",
        "pdf_missing": not pdf_available(),
    }
    return render(request, "web/export_start.html", context)


def _closed_round(request: HttpRequest, ledger: Ledger) -> Round | None:
    """The closed round of ?round=ID (a round of this ledger with a snapshot), None without
    one; 404 for anything else."""
    round_id = request.GET.get("round")
    if not round_id:
        return None
    if not database_id(round_id):
        raise Http404
    return get_object_or_404(Round, pk=round_id, ledger=ledger, snapshot__isnull=False)


@login_required
@require_GET
def export_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background export's page: its progress bar, and its file when done."""
    job = access.access_export_job(request.user, job_id)
    job_checked("export", job)
    context = {
        "job": job,
        "status": export_job_status(job),
        "label": _format_label(job),
        "retry": retry_url(job),
    }
    return render(request, "web/export_job.html", context)


def retry_url(job: ExportJob) -> str:
    """Where 重新导出 asks for the same export again: the bulletin's PDF, or the ledger's
    export with the job's selection (the ledger page's filters), layout, 截至, 预警 column
    and closed round in its query, the names `ledger_export` reads."""
    if job.bulletin_id is not None:
        return reverse("web:bulletin_pdf", args=[job.bulletin_id])
    query: dict[str, object] = dict(job.selection or {})
    if job.layout and job.layout != LEDGER:
        query["layout"] = job.layout
    if job.as_of is not None:
        query["as_of"] = job.as_of.isoformat()
    if job.warnings:
        query["warnings"] = "1"
    if job.round_id is not None:
        query["round"] = job.round_id
    url = reverse("web:ledger_export", args=[job.ledger_id, job.format])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_GET
def export_job_state(request: HttpRequest, job_id: int) -> JsonResponse:
    """A background export's state as JSON, for its page to poll."""
    job = access.access_export_job(request.user, job_id)
    job_checked("export", job)
    done = job.state == ExportJob.State.DONE
    return job_state_response(
        export_job_status(job),
        download=reverse("web:export_job_download", args=[job.pk]) if done else None,
        filename=job.filename if done else None,
    )


@login_required
@require_GET
def export_job_download(request: HttpRequest, job_id: int) -> FileResponse:
    """A finished background export's file."""
    job = access.access_export_job(request.user, job_id)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404(_("导出尚未完成"))
    zipped = job.layout == UNITS and job.bulletin_id is None
    content_type = ZIP_CONTENT_TYPE if zipped else FORMATS[job.format].content_type
    try:
        opened = job.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("导出的文件已被清理，请重新导出")) from None
    return FileResponse(
        opened,
        as_attachment=True,
        filename=job.filename,
        content_type=content_type,
    )


def _format_label(job: ExportJob) -> str:
    export = FORMATS.get(job.format)
    return export.label if export is not None else job.format
