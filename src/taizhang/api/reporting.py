"""The reporting cycle: rounds (the office opens and closes them), reports (a unit's reporter
submits, the office accepts or returns). Every decision is accounts.access's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import File, Query, Router
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status as Reply

from taizhang.accounts import access
from taizhang.accounts.access import AnyUser
from taizhang.api import schemas
from taizhang.api.auth import user_of
from taizhang.api.common import (
    INVALID,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    forbidden,
    not_found,
    page,
)
from taizhang.api.ledgers import openable_ledger, visible_task
from taizhang.api.scoping import my_reports, readable_rounds, visible_reports
from taizhang.ledger.models import Unit
from taizhang.reporting.models import Report, Round
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
    response={201: schemas.ReportOut, **WRITE_ERRORS},
    summary="报送进展（该任务责任单位的填报人）",
)
def report_create(request: HttpRequest, task_id: Id, payload: schemas.ReportIn) -> Reply[Report]:
    user = user_of(request)
    task = visible_task(user, task_id)
    if not access.reportable_unit_ids(user, task):
        raise forbidden()
    try:
        unit_id = access.report_unit_id(user, task, payload.unit)
    except access.UnitChoiceError as refused:
        raise HttpError(400, str(refused)) from None
    report = report_submit(
        task=task,
        unit=Unit.objects.get(pk=unit_id),
        actor=user,
        progress=payload.progress,
        status=payload.status,
        figures=[figure.dict() for figure in payload.figures],
    )
    return Reply(201, visible_report(user, report.pk))


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
    # The review queue is worked oldest first; other lists show the newest first.
    found = found.order_by("submitted_at", "pk") if query.state == "submitted" else found
    return page(found, query)


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
