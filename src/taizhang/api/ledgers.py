"""Ledgers and their tasks: read them (scoped to the user), edit a task (the office, with
optimistic locking), comment on it (its leaders). Every decision is accounts.access's."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import Status as Reply

from taizhang.accounts import access
from taizhang.accounts.access import AnyUser
from taizhang.api import schemas
from taizhang.api.auth import user_of
from taizhang.api.schemas import ErrorOut
from taizhang.api.scoping import readable_ledgers, visible_reports
from taizhang.ledger.models import Ledger, Task, TaskLeader, TaskUnit
from taizhang.ledger.selectors import TaskFilters, ledger_get, task_list
from taizhang.ledger.services import task_update
from taizhang.reporting.models import Comment
from taizhang.reporting.services import comment_add
from taizhang.supervision.selectors import supervise_tasks, today

router = Router(tags=["台账与任务"])

READ_ERRORS: dict[int, Any] = {404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def not_found() -> HttpError:
    """Missing and forbidden answer alike."""
    return HttpError(404, _("未找到，或您无权查看"))


def forbidden() -> HttpError:
    """Only for an object the user may see but not change: saying so leaks nothing."""
    return HttpError(403, _("您没有权限执行此操作"))


def readable_ledger(user: AnyUser, ledger_id: int) -> Ledger:
    """A ledger the user may open, with its visible task count, or 404."""
    ledger = readable_ledgers(user).filter(pk=ledger_id).first()
    if ledger is None:
        raise not_found()
    return ledger


def openable_ledger(user: AnyUser, ledger_id: int) -> Ledger:
    """A ledger the user may open (without counts: one query), or 404."""
    ledger = ledger_get(ledger_id) if access.can_read_ledgers(user) else None
    if ledger is None:
        raise not_found()
    return ledger


def visible_task(user: AnyUser, task_id: int) -> Task:
    """A task the user may see, with what a task shows loaded, or 404."""
    task = (
        access.visible_tasks(user)
        .select_related("category", "parent")
        .prefetch_related(
            Prefetch("leader_links", TaskLeader.objects.select_related("person")),
            Prefetch("unit_links", TaskUnit.objects.select_related("unit")),
            Prefetch("parent__unit_links", TaskUnit.objects.select_related("unit")),
            "milestones",
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise not_found()
    return task


def shown_subitems(user: AnyUser, tasks: list[Task]) -> set[int]:
    """The sub-items of these tasks that the user may see (one query)."""
    parents = [task.pk for task in tasks]
    visible = access.visible_tasks(user).filter(parent_id__in=parents)
    return set(visible.values_list("pk", flat=True))


@router.get("/ledgers", response=list[schemas.LedgerOut], summary="我可查看的台账")
def ledgers(request: HttpRequest) -> list[dict[str, Any]]:
    return [schemas.ledger_out(ledger) for ledger in readable_ledgers(user_of(request))]


@router.get("/ledgers/{ledger_id}", response={200: schemas.LedgerOut, **READ_ERRORS})
def ledger(request: HttpRequest, ledger_id: int) -> dict[str, Any]:
    return schemas.ledger_out(readable_ledger(user_of(request), ledger_id))


@router.get(
    "/ledgers/{ledger_id}/tasks",
    response={200: schemas.TaskPage, **READ_ERRORS},
    summary="台账的任务（与台账页面相同的筛选）",
)
def ledger_tasks(
    request: HttpRequest, ledger_id: int, query: Query[schemas.TaskQuery]
) -> dict[str, Any]:
    user = user_of(request)
    ledger = openable_ledger(user, ledger_id)
    filters = TaskFilters(
        status=query.status,
        unit=query.unit,
        leader=query.leader,
        due_from=query.due_from,
        due_to=query.due_to,
        q=query.q,
    )
    tasks = task_list(access.visible_tasks(user), ledger.pk, filters).select_related("parent")
    rows = list(tasks[query.offset : query.offset + query.limit])
    found = supervise_tasks(ledger, rows, query.as_of or today())
    shown = shown_subitems(user, rows)
    return {"count": tasks.count(), "items": [schemas.task_out(s.task, s, shown) for s in found]}


def page(rows: QuerySet[Any], limit: int, offset: int, convert: Any) -> dict[str, Any]:
    """One page of a query: two queries (plus its prefetches) whatever the number of rows."""
    return {"count": rows.count(), "items": [convert(row) for row in rows[offset : offset + limit]]}


@router.get("/tasks/{task_id}", response={200: schemas.TaskDetailOut, **READ_ERRORS})
def task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    user = user_of(request)
    found = visible_task(user, task_id)
    reports = list(visible_reports(user).filter(task=found))
    comments = list(Comment.objects.filter(task=found).select_related("author__profile"))
    (supervision,) = supervise_tasks(found.ledger, [found], today())
    shown = shown_subitems(user, [found])
    return schemas.task_detail_out(found, supervision, reports, comments, shown)


@router.patch(
    "/tasks/{task_id}",
    response={200: schemas.TaskOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="修改任务（督查室；带上读取时的 version）",
)
def task_edit(request: HttpRequest, task_id: int, payload: schemas.TaskPatchIn) -> dict[str, Any]:
    user = user_of(request)
    found = visible_task(user, task_id)
    if not access.can_edit_task(user, found):
        raise forbidden()
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    task_update(task=found, version=version, actor=user, values=values)
    changed = visible_task(user, task_id)
    (supervision,) = supervise_tasks(changed.ledger, [changed], today())
    return schemas.task_out(changed, supervision, shown_subitems(user, [changed]))


@router.post(
    "/tasks/{task_id}/comments",
    response={201: schemas.CommentOut, **WRITE_ERRORS},
    summary="领导批示（该任务的牵头领导）",
)
def task_comment(
    request: HttpRequest, task_id: int, payload: schemas.CommentIn
) -> Reply[dict[str, Any]]:
    user = user_of(request)
    found = visible_task(user, task_id)
    if not access.can_comment(user, found):
        raise forbidden()
    return Reply(201, schemas.comment_out(comment_add(task=found, actor=user, text=payload.text)))
