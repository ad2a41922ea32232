"""The reporting cycle: rounds (the office opens and closes them), reports (a unit's reporter
submits, the office accepts or returns), and what a reporter has not sent yet (drafts and held
files, with the web form's rules). Every decision is accounts.access's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status as Reply

from taizhang.accounts import access
from taizhang.accounts.access import AnyUser
from taizhang.api import schemas
from taizhang.api.auth import user_of
from taizhang.api.common import (
    INVALID,
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    forbidden,
    not_found,
    page,
)
from taizhang.api.ledgers import openable_ledger, visible_task
from taizhang.api.scoping import my_reports, readable_rounds, visible_reports
from taizhang.chinese.quantities import read_figure_lines
from taizhang.ledger.models import Task, Unit
from taizhang.reporting import drafts
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import HeldFile, Report, ReportDraft, Round
from taizhang.reporting.payloads import figures_read, unread_notices, with_unread_lines
from taizhang.reporting.selectors import missing_units
from taizhang.reporting.services import (
    attachment_add,
    report_accept,
    report_return,
    report_submit,
    round_close,
    round_open,
)

router = Router(tags=["报送"])


def readable_round(user: AnyUser, round_id: int) -> Round:
    """A round of a ledger the user may open, or 404."""
    round_ = readable_rounds(user).select_related("ledger").filter(pk=round_id).first()
    if round_ is None:
        raise not_found()
    return round_


def visible_report(user: AnyUser, report_id: int) -> Report:
    """A report on a task the user may see, with what a report shows loaded, or 404."""
    report = visible_reports(user).filter(pk=report_id).first()
    if report is None:
        raise not_found()
    return report


def reviewer(user: AnyUser) -> None:
    """Reviewing is the office's: others who may see the object are refused with 403."""
    if not access.can_review(user):
        raise forbidden()


# --- rounds ------------------------------------------------------------------------------


@router.get("/rounds", response={200: list[schemas.RoundOut], **INVALID}, summary="报送轮次")
def rounds(request: HttpRequest, ledger: Id | None = None) -> QuerySet[Round]:
    found = readable_rounds(user_of(request))
    if ledger is not None:
        found = found.filter(ledger_id=ledger)
    return found


@router.post(
    "/rounds", response={201: schemas.RoundOut, **WRITE_ERRORS}, summary="开启报送轮次（督查室）"
)
def round_create(request: HttpRequest, payload: schemas.RoundIn) -> Reply[Round]:
    user = user_of(request)
    ledger = openable_ledger(user, payload.ledger)
    reviewer(user)
    round_ = round_open(ledger=ledger, name=payload.name, due_date=payload.due_date, actor=user)
    return Reply(201, round_)


@router.post(
    "/rounds/{round_id}/close",
    response={200: schemas.RoundOut, **WRITE_ERRORS},
    summary="关闭报送轮次（督查室）",
)
def round_finish(request: HttpRequest, round_id: Id) -> Round:
    user = user_of(request)
    round_ = readable_round(user, round_id)
    reviewer(user)
    return round_close(round_=round_, actor=user)


@router.get(
    "/rounds/{round_id}/missing-units",
    response={200: list[schemas.NamedOut], 403: ErrorOut, 404: ErrorOut, **INVALID},
    summary="本轮尚未报送的单位（督查室）",
)
def round_missing_units(request: HttpRequest, round_id: Id) -> list[Unit]:
    user = user_of(request)
    round_ = readable_round(user, round_id)
    reviewer(user)
    return list(missing_units(round_))


# --- reports -----------------------------------------------------------------------------


@router.post(
    "/tasks/{task_id}/reports",
    response={201: schemas.ReportSentOut, **WRITE_ERRORS},
    summary="报送进展（该任务责任单位的填报人）",
)
def report_create(
    request: HttpRequest, task_id: Id, payload: schemas.ReportIn
) -> Reply[schemas.SentReport]:
    user = user_of(request)
    task = visible_task(user, task_id)
    if not access.reportable_unit_ids(user, task):
        raise forbidden()
    unit = Unit.objects.get(pk=unit_for(user, task, payload.unit))
    lines = read_figure_lines(payload.figures_text)
    report = report_submit(
        task=task,
        unit=unit,
        actor=user,
        progress=with_unread_lines(payload.progress, lines),
        status=payload.status,
        figures=[*(figure.dict() for figure in payload.figures), *figures_read(lines)],
        held_files=held_of(user, payload.held_files),
    )
    sent = visible_report(user, report.pk)
    return Reply(201, schemas.SentReport(sent, notices=unread_notices(lines)))


def unit_for(user: AnyUser, task: Task, requested: int | None) -> int:
    """The unit the user reports for (accounts.access.report_unit_id, as the web form): its
    refusal is a 400 with its message."""
    try:
        return access.report_unit_id(user, task, requested)
    except access.UnitChoiceError as refused:
        raise HttpError(400, str(refused)) from None


def held_of(user: AnyUser, ids: list[int]) -> list[HeldFile]:
    """The user's own held files of these ids, in the order given. Another's file, or one no
    longer there, refuses the report (report_submit checks they are the task's and unit's)."""
    wanted = list(dict.fromkeys(ids))
    found = {held.pk: held for held in HeldFile.objects.filter(pk__in=wanted, owner_id=user.pk)}
    if len(found) != len(wanted):
        raise ReportingError(_("所选的待报送附件已失效或不属于这项报送，请重新选择"))
    return [found[pk] for pk in wanted]


@router.post(
    "/reports/{report_id}/attachments",
    response={201: schemas.ReportOut, **WRITE_ERRORS},
    summary="为待审核的报送添加附件（照片或 PDF，multipart 字段 file）",
)
def report_attach(request: HttpRequest, report_id: Id, file: File[UploadedFile]) -> Reply[Report]:
    user = user_of(request)
    report = visible_report(user, report_id)
    if report.unit_id not in access.reportable_unit_ids(user, report.task):
        raise forbidden()
    attachment_add(report=report, actor=user, upload=file)
    return Reply(201, visible_report(user, report_id))


@router.get(
    "/reports", response={200: schemas.ReportPage, **INVALID}, summary="报送（督查室：待审核队列）"
)
def reports(request: HttpRequest, query: Query[schemas.ReportQuery]) -> dict[str, Any]:
    user = user_of(request)
    found = my_reports(user, visible_reports(user))
    if query.state:
        found = found.filter(state=query.state)
    if query.ledger is not None:
        found = found.filter(task__ledger_id=query.ledger)
    if query.redo:
        redo = drafts.reports_to_redo(access.unit_ids(user), access.listed_reports(user))
        found = found.filter(pk__in=[report.pk for report in redo])
    # The review queue is worked oldest first; other lists show the newest first.
    found = found.order_by("submitted_at", "pk") if query.state == "submitted" else found
    return page(found, query)


@router.get(
    "/reports/{report_id}",
    response={200: schemas.ReportOut, **READ_ERRORS},
    summary="一份报送（含审核意见 review_comment）",
)
def report_read(request: HttpRequest, report_id: Id) -> Report:
    return visible_report(user_of(request), report_id)


@router.post(
    "/reports/{report_id}/accept",
    response={200: schemas.ReportOut, **WRITE_ERRORS},
    summary="采纳报送（督查室）",
)
def report_accept_view(
    request: HttpRequest, report_id: Id, payload: schemas.AcceptIn | None = None
) -> Report:
    user = user_of(request)
    report = visible_report(user, report_id)
    reviewer(user)
    report_accept(report=report, actor=user, comment=payload.comment if payload else "")
    return visible_report(user, report_id)


@router.post(
    "/reports/{report_id}/return",
    response={200: schemas.ReportOut, **WRITE_ERRORS},
    summary="退回报送（督查室，须填写意见）",
)
def report_return_view(request: HttpRequest, report_id: Id, payload: schemas.ReturnIn) -> Report:
    user = user_of(request)
    report = visible_report(user, report_id)
    reviewer(user)
    report_return(report=report, actor=user, comment=payload.comment)
    return visible_report(user, report_id)


# --- what a reporter has not sent yet: drafts (暂存) and held files -----------------------

# A task the user may not report on is missing to them, as on the web.
DRAFT_ERRORS: dict[int, Any] = {400: ErrorOut, 404: ErrorOut, **INVALID}


def reporting_unit(user: AnyUser, task_id: int, requested: int | None) -> tuple[Task, Unit]:
    """A task the user may report on (else 404, as the web's form) and the unit the user
    reports for on it (`unit_for`)."""
    task = visible_task(user, task_id)
    if not access.can_report(user, task):
        raise not_found()
    return task, Unit.objects.get(pk=unit_for(user, task, requested))


@router.get(
    "/tasks/{task_id}/draft",
    response={200: schemas.DraftOut, **DRAFT_ERRORS},
    summary="本单位的报送草稿（暂存，任何设备可读）",
)
def draft_read(request: HttpRequest, task_id: Id, unit: Id | None = None) -> ReportDraft:
    user = user_of(request)
    task, chosen = reporting_unit(user, task_id, unit)
    found = drafts.draft_of(task, chosen.pk)
    if found is None:
        raise not_found()
    return found


@router.put(
    "/tasks/{task_id}/draft",
    response={200: schemas.DraftOut, 201: schemas.DraftOut, **DRAFT_ERRORS},
    summary="暂存报送草稿（每单位每项任务一份：201 新建，200 替换）",
)
def draft_write(request: HttpRequest, task_id: Id, payload: schemas.DraftIn) -> Reply[ReportDraft]:
    user = user_of(request)
    task, chosen = reporting_unit(user, task_id, payload.unit)
    existed = drafts.draft_of(task, chosen.pk) is not None
    draft = drafts.draft_save(
        task=task,
        unit=chosen,
        actor=user,
        # As the web form cleans them.
        progress=payload.progress.strip(),
        status=payload.status,
        figures_text=payload.figures_text.strip(),
    )
    return Reply(200 if existed else 201, draft)


@router.delete(
    "/tasks/{task_id}/draft",
    response={204: None, **DRAFT_ERRORS},
    summary="删除报送草稿及本人为其保留的附件",
)
def draft_delete(request: HttpRequest, task_id: Id, unit: Id | None = None) -> Reply[None]:
    user = user_of(request)
    task, chosen = reporting_unit(user, task_id, unit)
    if drafts.draft_of(task, chosen.pk) is None and not drafts.held_files_of(task, chosen.pk, user):
        raise not_found()
    drafts.draft_drop(task=task, unit=chosen, actor=user)
    return Reply(204, None)


@router.get(
    "/tasks/{task_id}/held-files",
    response={200: list[schemas.HeldFileOut], **DRAFT_ERRORS},
    summary="本人为该任务保留的待报送附件",
)
def held_files(request: HttpRequest, task_id: Id, unit: Id | None = None) -> list[HeldFile]:
    user = user_of(request)
    task, chosen = reporting_unit(user, task_id, unit)
    return drafts.held_files_of(task, chosen.pk, user)


@router.post(
    "/tasks/{task_id}/held-files",
    response={201: schemas.HeldFileOut, **DRAFT_ERRORS},
    summary="上传待报送附件（照片或 PDF，multipart 字段 file；报送时以 held_files 提交）",
)
def held_file_add(
    request: HttpRequest, task_id: Id, file: File[UploadedFile], unit: Form[Id | None] = None
) -> Reply[HeldFile]:
    user = user_of(request)
    task, chosen = reporting_unit(user, task_id, unit)
    return Reply(201, drafts.file_hold(task=task, unit=chosen, owner=user, upload=file))


@router.delete(
    "/held-files/{held_id}",
    response={204: None, **READ_ERRORS},
    summary="删除本人的待报送附件",
)
def held_file_delete(request: HttpRequest, held_id: Id) -> Reply[None]:
    user = user_of(request)
    held = HeldFile.objects.select_related("task__ledger", "unit").filter(
        pk=held_id, owner_id=user.pk
    )
    found = held.first()
    if found is None:
        raise not_found()
    drafts.held_files_drop(task=found.task, unit=found.unit, owner=user, ids=[found.pk])
    return Reply(204, None)
