"""Ledgers and their tasks: read them (scoped to the user), edit a task (the office, with
optimistic locking), comment on it (its leaders). Every decision is accounts.access's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.responses import NinjaJSONEncoder
from ninja.responses import Status as Reply

from taizhang.accounts import access
from taizhang.accounts.access import AnyUser
from taizhang.api import schemas
from taizhang.api.auth import user_of
from taizhang.api.common import (
    READ_ERRORS,
    WRITE_ERRORS,
    ErrorOut,
    Id,
    forbidden,
    not_found,
)
from taizhang.api.scoping import readable_ledgers, visible_reports
from taizhang.ledger.models import Ledger, Task, TaskLeader, TaskUnit
from taizhang.ledger.selectors import TaskFilters, task_list
from taizhang.ledger.services import task_update
from taizhang.reporting.models import Comment
from taizhang.reporting.services import comment_add
from taizhang.supervision.selectors import default_as_of, supervise_tasks
from taizhang.supervision.served import served_tasks

router = Router(tags=["台账与任务"])


@contextmanager
def found() -> Iterator[None]:
    """accounts.access's 404 as the API's: the same Chinese answer for missing and forbidden."""
    try:
        yield
    except Http404:
        raise not_found() from None


def readable_ledger(user: AnyUser, ledger_id: int) -> Ledger:
    """A ledger the user may open, with its visible task count, or 404."""
    with found():
        return access.access_ledger(user, ledger_id, readable_ledgers(user))


def openable_ledger(user: AnyUser, ledger_id: int) -> Ledger:
    """A ledger the user may open (without counts: one query), or 404."""
    with found():
        return access.access_ledger(user, ledger_id)


def visible_task(user: AnyUser, task_id: int) -> Task:
    """A task the user may see, with what a task shows loaded, or 404."""
    tasks = Task.objects.select_related("category", "parent").prefetch_related(
        Prefetch("leader_links", TaskLeader.objects.select_related("person")),
        Prefetch("unit_links", TaskUnit.objects.select_related("unit")),
        Prefetch("parent__unit_links", TaskUnit.objects.select_related("unit")),
        "milestones",
    )
    with found():
        return access.access_task(user, task_id, tasks)


def shown_subitems(user: AnyUser, tasks: list[Task]) -> set[int]:
    """The sub-items of these tasks that the user may see (one query)."""
    parents = [task.pk for task in tasks]
    visible = access.visible_tasks(user).filter(parent_id__in=parents)
    return set(visible.values_list("pk", flat=True))


@router.get("/ledgers", response=list[schemas.LedgerOut], summary="我可查看的台账")
def ledgers(request: HttpRequest) -> list[Ledger]:
    return list(readable_ledgers(user_of(request)))


@router.get("/ledgers/{ledger_id}", response={200: schemas.LedgerOut, **READ_ERRORS})
def ledger(request: HttpRequest, ledger_id: Id) -> Ledger:
    return readable_ledger(user_of(request), ledger_id)


@router.get(
    "/ledgers/{ledger_id}/tasks",
    response={200: schemas.TaskPage, **READ_ERRORS},
    summary="台账的任务（与台账页面相同的筛选）",
)
def ledger_tasks(
    request: HttpRequest, ledger_id: Id, query: Query[schemas.TaskQuery]
) -> HttpResponse:
    user = user_of(request)
    with found():
        ledger, ids = access.access_ledger_tasks(user, ledger_id)
    filters = TaskFilters(
        status=query.status,
        unit=query.unit,
        leader=query.leader,
        due_from=query.due_from,
        due_to=query.due_to,
        q=query.q,
    )
    tasks = task_list(access.ledger_scope(user, ledger.pk, ids), ledger.pk, filters)
    page = tasks.prefetch_related(None).values(*schemas.TASK_VALUES)
    rows = list(page[query.offset : query.offset + query.limit])
    task_ids = [row["id"] for row in rows]
    served = served_tasks(
        ledger,
        [(row["id"], row["parent_id"], row["progress"]) for row in rows],
        query.as_of or default_as_of(ledger),
    )
    subitems = {sub.id for one in served.values() for sub in one.subitems}
    data = schemas.task_page_data(
        tasks.count(),
        rows,
        served,
        shown(user, ids, task_ids, subitems),
        leader_names(task_ids),
        unit_names(task_ids),
    )
    return json_response(data)


def shown(user: AnyUser, ids: list[int] | None, rows: list[int], subitems: set[int]) -> set[int]:
    """Those of `subitems` (of the tasks `rows`) the user may see: those among `ids`, what
    `access.access_ledger_tasks` gave (all of them for None), without a query."""
    if ids is None:
        return subitems
    if len(ids) > access.IDS_LIMIT:  # not all named: asked of the database
        visible = access.visible_tasks(user).filter(parent_id__in=rows)
        return set(visible.values_list("pk", flat=True))
    return subitems & set(ids)


def leader_names(task_ids: list[int]) -> dict[int, list[str]]:
    """The names of the leaders of these tasks, by task id, in their order: one query (none
    for no tasks), no model instances."""
    names: dict[int, list[str]] = {pk: [] for pk in task_ids}
    if names:
        links = TaskLeader.objects.filter(task_id__in=names).order_by("task_id", "order", "pk")
        for task_id, name in links.values_list("task_id", "person__name"):
            names[task_id].append(name)
    return names


def unit_names(task_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The units of these tasks as `TaskUnitOut` gives them, by task id, in their order: one
    query (none for no tasks), no model instances. Sorted by the links' own columns: the
    models' default ordering joins the task and the ledger only to sort them."""
    units: dict[int, list[dict[str, Any]]] = {pk: [] for pk in task_ids}
    if units:
        links = TaskUnit.objects.filter(task_id__in=units).order_by("task_id", "order", "pk")
        for task_id, unit_id, name, role in links.values_list("task_id", *schemas.UNIT_VALUES):
            units[task_id].append({"id": unit_id, "name": name, "role": role})
    return units


def json_response(data: dict[str, Any]) -> HttpResponse:
    """Data already in the shape of the endpoint's response schema, as the API's renderer
    writes it (api.ChineseJSONRenderer: Chinese as is, not \\u-escaped); ninja passes a
    response through without validating it again."""
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, cls=NinjaJSONEncoder),
        content_type="application/json; charset=utf-8",
    )


@router.get("/tasks/{task_id}", response={200: schemas.TaskDetailOut, **READ_ERRORS})
def task(request: HttpRequest, task_id: Id) -> schemas.TaskView:
    user = user_of(request)
    found = visible_task(user, task_id)
    reports = list(visible_reports(user).filter(task=found))
    comments = list(Comment.objects.filter(task=found).select_related("author__profile"))
    (supervision,) = supervise_tasks(found.ledger, [found], default_as_of(found.ledger))
    shown = shown_subitems(user, [found])
    return replace(schemas.task_view(supervision, shown), reports=reports, comments=comments)


@router.patch(
    "/tasks/{task_id}",
    response={200: schemas.TaskOut, 409: ErrorOut, **WRITE_ERRORS},
    summary="修改任务（督查室；带上读取时的 version）",
)
def task_edit(request: HttpRequest, task_id: Id, payload: schemas.TaskPatchIn) -> schemas.TaskView:
    user = user_of(request)
    found = visible_task(user, task_id)
    if not access.can_edit_task(user, found):
        raise forbidden()
    values = payload.dict(exclude_unset=True)
    version = values.pop("version")
    task_update(task=found, version=version, actor=user, values=values)
    changed = visible_task(user, task_id)
    (supervision,) = supervise_tasks(changed.ledger, [changed], default_as_of(changed.ledger))
    return schemas.task_view(supervision, shown_subitems(user, [changed]))


@router.post(
    "/tasks/{task_id}/comments",
    response={201: schemas.CommentOut, **WRITE_ERRORS},
    summary="领导批示（该任务的牵头领导）",
)
def task_comment(request: HttpRequest, task_id: Id, payload: schemas.CommentIn) -> Reply[Comment]:
    user = user_of(request)
    found = visible_task(user, task_id)
    if not access.can_comment(user, found):
        raise forbidden()
    return Reply(201, comment_add(task=found, actor=user, text=payload.text))
