"""Supervision: the dashboard (驾驶舱) figures as JSON, the same data the dashboard page draws,
scoped to the tasks the user may see. Every decision is accounts.access's."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from taizhang.accounts import access
from taizhang.api import schemas
from taizhang.api.auth import user_of
from taizhang.api.common import MAX_LIMIT, READ_ERRORS, WRITE_ERRORS, Id, Offset, Text, forbidden
from taizhang.api.ledgers import openable_ledger, visible_task
from taizhang.supervision.dashboard import LIST_LIMIT, dashboard_data
from taizhang.supervision.selectors import default_as_of, supervise_tasks
from taizhang.supervision.services import figure_check

router = Router(tags=["督查"])


class DashboardLedger(Schema):
    id: int
    title: str
    year: int


class Totals(Schema):
    tasks: int
    completed: int
    in_progress: int
    lagging: int
    not_started: int
    none: int = Field(description="未标注状态")


class Lights(Schema):
    red: int
    yellow: int
    green: int
    completed: int


class Group(Schema):
    id: int
    name: str
    tasks: int
    completed: int
    lagging: int
    overdue: int = Field(description="超过完成时限仍未完成")
    not_reported: int = Field(description="本轮未报送（无进行中的轮次时为 0）")
    red: int
    yellow: int


class TaskLight(Schema):
    colour: str
    label: str
    reasons: list[str]
    reason_details: list[schemas.ReasonOut]


class TaskBrief(Schema):
    id: int
    number: int
    goal: str
    leaders: list[str]
    units: list[str]
    deadline: datetime.date | None
    status: str | None
    status_label: str
    light: TaskLight


class Indicator(Schema):
    task_id: int
    task: int = Field(description="任务序号（子项的指标：所属任务的序号）")
    label: str = Field(description="台账所写的序号：任务为其序号，子项如 3-1")
    name: str
    target: float | None
    actual: float | None
    unit: str
    percent: float | None
    source: str = Field(description="text（台账文字）、report（报送）或 office（督查室更正）")
    uncertain: schemas.Uncertain
    doubt: schemas.Doubt
    doubt_label: schemas.DoubtLabel
    checked: schemas.Checked


class HistoryRound(Schema):
    round: str
    closed_at: datetime.datetime | None
    completed: int
    in_progress: int
    lagging: int
    not_started: int
    none: int


class DashboardOut(Schema):
    ledger: DashboardLedger
    as_of: datetime.date
    round_open: bool
    totals: Totals
    lights: Lights
    light_labels: dict[str, str]
    units: list[Group] = Field(
        description="各单位负责的事项：未分子项的任务；分子项的任务按子项计（子项未写单位的，"
        "计入所属任务的单位）；任务的单位不负责其任何子项时，按任务本身计"
    )
    leaders: list[Group] = Field(description="各牵头领导的任务（不含子项）")
    red: list[TaskBrief] = Field(
        description="红灯任务，按台账顺序自 offset 起最多 limit 项（分子项的任务：原因中写明子项）"
    )
    red_total: int = Field(description="红灯任务总数")
    yellow: list[TaskBrief] = Field(description="黄灯任务，分页同 red")
    yellow_total: int = Field(description="黄灯任务总数")
    indicators: list[Indicator] = Field(
        description="有目标值的指标，完成率最低的任务在前，自 offset 起最多 limit 项任务的指标"
    )
    indicators_total: int = Field(description="有目标值指标的任务（含子项）总数")
    history: list[HistoryRound]


@router.get(
    "/ledgers/{ledger_id}/dashboard",
    response={200: DashboardOut, **READ_ERRORS},
    summary="驾驶舱数据（截至某日，默认今天；仅本人可见的任务）",
)
def dashboard(
    request: HttpRequest,
    ledger_id: Id,
    as_of: datetime.date | None = None,
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT, description="各列表每页项数")] = LIST_LIMIT,
    offset: Offset = 0,
) -> dict[str, Any]:
    user = user_of(request)
    ledger = openable_ledger(user, ledger_id)
    return dashboard_data(
        ledger,
        access.visible_tasks(user),
        as_of or default_as_of(ledger),
        whole=access.sees_all_tasks(user),
        limit=limit,
        offset=offset,
    )


class FigureCheckIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100, description="指标名称（name）")]
    verdict: Literal["confirmed", "corrected", "not_figure"] = Field(
        description="confirmed：识别无误；corrected：更正完成数（须带 actual）；"
        "not_figure：不是该目标的完成数"
    )
    actual: Decimal | None = Field(
        default=None, ge=0, lt=10**12, max_digits=16, decimal_places=4,
        description="更正后的完成数（指标的单位）",
    )  # fmt: skip


@router.post(
    "/tasks/{task_id}/figure-checks",
    response={200: list[schemas.IndicatorOut], **WRITE_ERRORS},
    summary="核实文字识别的指标：确认、更正完成数或判定不是该目标的数字（督查室）",
)
def task_figure_check(
    request: HttpRequest, task_id: Id, payload: FigureCheckIn
) -> list[dict[str, Any]]:
    """The office's check of an indicator read from the task's text, for its progress text as
    it stands; answers the task's indicators after it."""
    user = user_of(request)
    task = visible_task(user, task_id)
    if not access.can_check_figures(user, task):
        raise forbidden()
    figure_check(task=task, actor=user, **payload.dict())
    task.refresh_from_db()
    (row,) = supervise_tasks(task.ledger, [task], default_as_of(task.ledger))
    return [indicator.as_dict() for indicator in row.indicators]
