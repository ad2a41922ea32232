"""The office imports a ledger file: upload, see what was read (the parse, the warnings, what
each column was taken for), re-map columns or pick another table and preview again, confirm.

The file waits server-side between these requests: under DATA_DIR/pending, named by a random
token the session holds (so only that session can use it), at most PENDING_PER_SESSION per
session, removed on confirm and after a day.

Confirming a ledger of more than TAIZHANG_IMPORT_INLINE_TASKS tasks (sub-items counted)
imports it in the background (`ledger.import_jobs`, queued by `taizhang.jobs`): the pending
file becomes the job's, and the job's page shows its progress bar (polled by job.js
from its JSON) and, when done, what it did and a link to the ledger."""

from __future__ import annotations

import contextlib
import re
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from taizhang.accounts import access
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import LedgerDoc
from taizhang.documents.readers import read_ledger
from taizhang.jobs.tasks import import_enqueue, import_progress
from taizhang.ledger.editions import KIND_LABELS, AmbiguousError, MatchError
from taizhang.ledger.errors import EditError
from taizhang.ledger.import_jobs import import_job_create, import_job_status
from taizhang.ledger.matching import Kind
from taizhang.ledger.models import ImportJob, Ledger
from taizhang.ledger.reading import ledger_read
from taizhang.ledger.selectors import import_answers_refusal, ledger_import_preview
from taizhang.ledger.services import ledger_import
from taizhang.web.cycle import office_only
from taizhang.web.forms import errors_in_one_line
from taizhang.web.http import AuthedRequest
from taizhang.web.jobs import job_checked, job_state_response, owner_jobs_checked
from taizhang.web.middleware import checks_numbers
from taizhang.web.upload_forms import (
    ColumnMappingForm,
    LedgerUploadForm,
    column_field_name,
    match_field_name,
    posted_answers,
)

PENDING_MAX_AGE = 24 * 3600
PENDING_PER_SESSION = 5
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SESSION_KEY = "pending_uploads"


def _pending_dir() -> Path:
    """Uploaded files waiting for confirmation; those older than a day are removed."""
    path = Path(settings.DATA_DIR) / "pending"
    path.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - PENDING_MAX_AGE
    for stale in path.iterdir():
        # Another process (a second worker) may remove it between the listing and here.
        with contextlib.suppress(FileNotFoundError):
            if stale.stat().st_mtime < cutoff:
                stale.unlink(missing_ok=True)
    return path


def _pending_add(request: HttpRequest, data: bytes, entry: dict[str, Any]) -> str:
    """Keep an uploaded file for this session under a new token; the session's oldest pending
    files go beyond PENDING_PER_SESSION."""
    token = uuid.uuid4().hex
    folder = _pending_dir()
    (folder / token).write_bytes(data)
    pending = request.session.get(_SESSION_KEY, {})
    pending[token] = {**entry, "added": time.time()}
    for old in sorted(pending, key=lambda t: pending[t].get("added", 0))[:-PENDING_PER_SESSION]:
        pending.pop(old)
        (folder / old).unlink(missing_ok=True)
    request.session[_SESSION_KEY] = pending
    return token


def _pending_get(request: HttpRequest) -> tuple[str, dict[str, Any], Path] | None:
    """The token the form names, this session's entry for it and its file; None when the
    token is not this session's or the file is gone."""
    token = request.POST.get("token", "")
    entry = request.session.get(_SESSION_KEY, {}).get(token) if _TOKEN.match(token) else None
    path = _pending_dir() / token if entry is not None else None
    if entry is None or path is None or not path.exists():
        return None
    return token, entry, path


def _pending_update(request: HttpRequest, token: str, entry: dict[str, Any]) -> None:
    pending = request.session.get(_SESSION_KEY, {})
    pending[token] = entry
    request.session[_SESSION_KEY] = pending


def _pending_drop(request: HttpRequest, token: str) -> None:
    pending = request.session.get(_SESSION_KEY, {})
    pending.pop(token, None)
    request.session[_SESSION_KEY] = pending
    (_pending_dir() / token).unlink(missing_ok=True)


def _read(path: Path, entry: dict[str, Any]) -> LedgerDoc:
    return read_ledger(
        path.read_bytes(),
        name=entry["name"],
        year=entry["year"],
        table=entry["table"],
        columns=entry["columns"],
    )


def _table(entry: dict[str, Any]) -> int:
    """The ledger table read: the one chosen, else the first."""
    return int(entry["table"] or 1)


def _shown(doc: LedgerDoc) -> dict[str, Any]:
    """What the preview shows of the reading, kept to compare the office's choices with, and
    its size (tasks and sub-items), which decides whether confirming imports in the
    background."""
    return {
        "shown": [[c.title, c.key] for c in doc.columns],
        "tables": list(doc.tables),
        "tasks": sum(1 + len(task.subitems) for task in doc.tasks),
    }


def _matching(doc: LedgerDoc, answers: dict[str, str | None]) -> dict[str, Any]:
    """What the preview shows of the matching with the stored edition: a row per task with
    its kind, the ambiguous ones with their choices, the units that lose a task."""
    try:
        plan = ledger_import_preview(doc, answers)
    except MatchError:
        plan = ledger_import_preview(doc)
    if plan is None:
        return {"plan": None}
    rows: list[dict[str, Any]] = [
        {
            "decision": d,
            "label": KIND_LABELS[d.kind],
            "field": match_field_name(d.new.key) if d.new is not None else "",
            "chosen": answers.get(d.new.key, "") if d.new is not None else "",
        }
        for d in plan.decisions
    ]
    return {
        "plan": plan,
        "plan_counts": plan.counts(),
        "plan_rows": [r for r in rows if r["decision"].kind != Kind.UNCHANGED],
        "plan_unchanged": [r for r in rows if r["decision"].kind == Kind.UNCHANGED],
        "plan_ambiguous": [r for r in rows if r["decision"].kind == Kind.AMBIGUOUS],
        "answers": answers,
    }


def _preview(
    request: HttpRequest,
    token: str,
    entry: dict[str, Any],
    doc: LedgerDoc,
    answers: dict[str, str | None] | None = None,
) -> HttpResponse:
    form = ColumnMappingForm(shown=entry["shown"], tables=entry["tables"], table=_table(entry))
    context = {
        **_matching(doc, answers or {}),
        "doc": doc,
        "warnings": [_on_the_page(warning) for warning in doc.warnings],
        "existing": Ledger.objects.filter(title=doc.title, year=doc.year).first(),
        "name": entry["name"],
        "token": token,
        "form": form,
        "reused": entry["reused"],
    }
    return render(request, "web/upload_preview.html", context)


# The readers' warnings name the command line's options; the preview has its own controls.
_WEB_HINT = re.compile(r"，网页导入预览中可逐列选择|[（(]网页导入预览中可逐列选择[）)]")
_COLUMN_HINT = re.compile(r"如需指定：--column \S+ 等|可用 --column(?: \S+)? 指定")
_TABLE_HINT = re.compile(r"用 --table N 选择其他表格")


def _on_the_page(warning: str) -> str:
    """A reader's warning in the preview's words: the column and table choices are below."""
    warning = _WEB_HINT.sub("", warning)
    warning = _TABLE_HINT.sub(_("可在下方“读取哪个表格”中选择"), warning)
    return _COLUMN_HINT.sub(_("可在下方“列的对应”中选择"), warning)


def _gone(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("没有待确认的上传，请重新上传"))
    return redirect("web:ledger_upload")


@checks_numbers(LedgerUploadForm)
@login_required
def ledger_upload(request: HttpRequest) -> HttpResponse:
    """Upload a ledger file and see what Taizhang read (with warnings) before confirming. The
    mapping saved with the last edition of the same ledger is used again. Each preview has
    its own token, so confirming one tab imports that tab's file."""
    office_only(request)
    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        year = form.cleaned_data["year"]
        try:
            reading = ledger_read(
                data, name=upload.name, year=year, columns=form.cleaned_data["columns"]
            )
        except LedgerReadError as error:
            form.add_error("file", str(error))
        else:
            entry = {
                "name": upload.name,
                "year": year,
                "table": None,
                "columns": reading.columns,
                "reused": reading.reused,
                **_shown(reading.doc),
            }
            token = _pending_add(request, data, entry)
            return _preview(request, token, entry, reading.doc)
    return render(request, "web/upload.html", {"form": form})


def _remap(
    request: HttpRequest, token: str, entry: dict[str, Any], path: Path, form: ColumnMappingForm
) -> HttpResponse:
    """Read the same file again with the office's choices and show the new parse; a choice
    that cannot be read keeps the last reading, with the reader's message."""
    table = form.chosen_table()
    chosen = {
        **entry,
        "columns": form.mapping(entry["columns"]),
        "table": entry["table"] if table == _table(entry) else table,
    }
    try:
        doc = _read(path, chosen)
    except LedgerReadError as error:
        messages.error(request, str(error))
        try:
            doc = _read(path, entry)
        except LedgerReadError as again:
            _pending_drop(request, token)
            messages.error(request, str(again))
            return redirect("web:ledger_upload")
        return _preview(request, token, entry, doc)
    entry = {**chosen, "reused": False, **_shown(doc)}
    _pending_update(request, token, entry)
    return _preview(request, token, entry, doc)


def _mapping_form(request: HttpRequest, entry: dict[str, Any]) -> ColumnMappingForm:
    return ColumnMappingForm(
        request.POST, shown=entry["shown"], tables=entry["tables"], table=_table(entry)
    )


@login_required
@require_POST
def ledger_upload_preview(request: HttpRequest) -> HttpResponse:
    """Preview the pending file again with what the office chose for each column and table."""
    office_only(request)
    pending = _pending_get(request)
    if pending is None:
        return _gone(request)
    token, entry, path = pending
    form = _mapping_form(request, entry)
    if not form.is_valid():
        messages.error(request, _("列的对应无效：%(e)s") % {"e": errors_in_one_line(form)})
        try:
            return _preview(request, token, entry, _read(path, entry))
        except LedgerReadError as error:
            messages.error(request, str(error))
            return redirect("web:ledger_upload")
    return _remap(request, token, entry, path, form)


def _posted_choices(request: HttpRequest, entry: dict[str, Any]) -> bool:
    """Whether the confirm form carried the preview's selects (not only the token)."""
    names = [column_field_name(i) for i in range(len(entry["shown"]))] + ["table"]
    return any(name in request.POST for name in names)


@login_required
@require_POST
def ledger_upload_confirm(request: AuthedRequest) -> HttpResponse:
    """Import the previewed file this form's token names, read as previewed, with the
    office's decisions on ambiguous tasks, and save the column mapping with the ledger.
    Selects changed but not previewed are previewed first; a task still undecided, or a
    decision naming a task that is not there, shows the preview again and imports nothing."""
    office_only(request)
    pending = _pending_get(request)
    if pending is None:
        return _gone(request)
    token, entry, path = pending
    if _posted_choices(request, entry):
        form = _mapping_form(request, entry)
        if not form.is_valid() or form.changed_anything():
            messages.info(request, _("列的对应已更改，请核对新的预览后再确认导入"))
            return ledger_upload_preview(request)
    answers = posted_answers(request.POST)
    if entry.get("tasks", 0) > settings.TAIZHANG_IMPORT_INLINE_TASKS:
        return _queue(request, token, entry, path, answers)
    try:
        doc = _read(path, entry)
    except LedgerReadError as error:
        _pending_drop(request, token)
        messages.error(request, str(error))
        return redirect("web:ledger_upload")
    refusal = import_answers_refusal(doc, answers)
    if refusal is not None:
        messages.error(request, refusal)
        return _preview(request, token, entry, doc, answers)
    try:
        result = ledger_import(
            doc=doc,
            actor=request.user,
            column_overrides=entry["columns"],
            answers=answers,
        )
    except (AmbiguousError, MatchError) as error:
        # Nothing was imported: the same preview again, with what still needs deciding.
        messages.error(request, str(error))
        return _preview(request, token, entry, doc, answers)
    _pending_drop(request, token)
    messages.success(
        request,
        _("已导入：新增 %(c)s 项，更新 %(u)s 项，未变 %(n)s 项")
        % {"c": result.tasks_created, "u": result.tasks_updated, "n": result.tasks_unchanged},
    )
    return redirect("web:ledger_detail", ledger_id=result.ledger.pk)


def _queue(
    request: AuthedRequest,
    token: str,
    entry: dict[str, Any],
    path: Path,
    answers: dict[str, str | None],
) -> HttpResponse:
    """A large ledger is imported in the background: the pending file becomes the job's, and
    the job's page follows it (the job reads the file again and checks the decisions as the
    inline confirm does). The user's jobs that no worker will finish are given up first: they
    hold no place among the few one may have."""
    owner_jobs_checked("import", request.user)
    try:
        job = import_job_create(
            actor=request.user,
            data=path.read_bytes(),
            name=entry["name"],
            year=entry["year"],
            table=entry["table"],
            columns=entry["columns"],
            answers=answers,
            tasks=entry["tasks"],
            enqueue=import_enqueue,
        )
    except EditError as error:
        messages.error(request, str(error))
        return redirect("web:ledger_upload")
    _pending_drop(request, token)
    return redirect("web:import_job", job_id=job.pk)


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A background import's page: its progress bar, and what it did when done."""
    job = access.access_import_job(request.user, job_id)
    job_checked("import", job)
    status = import_job_status(job, import_progress(job.pk))
    return render(request, "web/import_job.html", {"job": job, "status": status})


@login_required
@require_GET
def import_job_state(request: HttpRequest, job_id: int) -> JsonResponse:
    """A background import's state as JSON, for its page to poll."""
    job = access.access_import_job(request.user, job_id)
    job_checked("import", job)
    done = job.state == ImportJob.State.DONE
    return job_state_response(
        import_job_status(job, import_progress(job.pk)),
        counts=job.counts if done else None,
        warnings=job.warnings if done else [],
        ledger=reverse("web:ledger_detail", args=[job.ledger_id])
        if done and job.ledger_id
        else None,
    )
