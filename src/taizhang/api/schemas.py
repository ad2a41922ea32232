"""What the API reads and writes. Outputs are read from the models (ninja `ModelSchema`), so
endpoints return model instances; what is not a column (a task's light, a report's labels) is
a resolver. Resolvers only touch what the selectors loaded (select_related, prefetch_related,
to_attr) or what `TaskView` carries, so they add no queries. Inputs are bounded
(api/common.py): too large a number, too long a text or a NUL byte is a 422.

ninja reads a primary key or a blank column as optional (as an input would be); outputs always
have them, so those fields are declared again as required."""

import datetime
from dataclasses import dataclass, field
from typing import Annotated, Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Schema
from pydantic import ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from taizhang.api.common import MAX_LIMIT as MAX_LIMIT
from taizhang.api.common import ErrorOut as ErrorOut
from taizhang.api.common import Id, Out, PageQuery, Text, Version, stored_length
from taizhang.ledger.models import Category, Ledger, Milestone, Status, Task, TaskUnit
from taizhang.reporting.drafts import MAX_HELD_FILES
from taizhang.reporting.models import (
    Attachment,
    Comment,
    HeldFile,
    Report,
    ReportDraft,
    ReportState,
    Round,
)
from taizhang.supervision.lights import LightData, ReasonKind
from taizhang.supervision.selectors import TaskSupervision, display_number
from taizhang.supervision.served import Served, ServedSubitem

# --- what the selectors worked out, beside the rows ---------------------------------------


@dataclass
class TaskView:
    """A task as `TaskOut` reads it: the task's own fields (looked up on `task`), its light and
    indicators, and only the sub-items, reports and comments this user may see, which take
    the place of the task's unscoped relations of the same names."""

    task: Task
    supervision: TaskSupervision
    subitems: list["TaskView"]
    reports: list[Report] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.task, name)


def task_view(row: TaskSupervision, shown: set[int] | None = None) -> TaskView:
    """A supervised task as the API shows it; `shown` are the sub-items the user may see (all
    when None). A sub-item's task (`parent`) is selected with it."""
    subitems = [task_view(sub) for sub in row.subitems if shown is None or sub.task.pk in shown]
    return TaskView(task=row.task, supervision=row, subitems=subitems)


def person_name(user: User | None) -> str:
    """How a user is named to others: the display name, else the user name."""
    if user is None:
        return ""
    profile = getattr(user, "profile", None)
    return (profile.display_name if profile is not None else "") or user.username


def _label(view: TaskView) -> str:
    return display_number(view.task)


def _light(view: TaskView) -> LightData:
    return view.supervision.light_dict()


# --- ledgers and tasks -------------------------------------------------------------------


class RoundOut(ModelSchema, Out):
    id: int
    is_open: bool

    class Meta:
        model = Round
        fields = ["id", "ledger", "name", "due_date", "opened_at", "closed_at"]


class LedgerOut(ModelSchema, Out):
    id: int
    source_name: str
    task_count: int = Field(description="本人可见的任务数")
    open_round: RoundOut | None

    class Meta:
        model = Ledger
        fields = ["id", "title", "year", "as_of", "source_name", "imported_at"]

    @staticmethod
    def resolve_task_count(ledger: Ledger) -> int:
        return getattr(ledger, "task_count", 0)

    @staticmethod
    def resolve_open_round(ledger: Ledger) -> Round | None:
        found: list[Round] = getattr(ledger, "open_rounds", [])
        return found[0] if found else None


class CategoryOut(ModelSchema, Out):
    name: str

    class Meta:
        model = Category
        fields = ["number", "name"]


class TaskUnitOut(ModelSchema, Out):
    """A unit serving a task: the unit's id and name, and its role on the task."""

    id: int = Field(alias="unit_id")
    name: str = Field(alias="unit.name")

    class Meta:
        model = TaskUnit
        fields = ["role"]


# An indicator's doubt and the office's check of it, as both indicator schemas document them.
Uncertain = Annotated[
    bool,
    Field(
        description="识别结果可能有误（主语不同、仅单位相同、数字为约数、开工与完工不同），"
        "进度条画为斜纹"
    ),
]
Doubt = Annotated[
    str | None,
    Field(
        description="存疑原因代码：subject（主语不同）、unit_only（仅单位相同）、approximate（约数）、"
        "stage（开工与完工不同）；不存疑为 null"
    ),
]
DoubtLabel = Annotated[str, Field(description="存疑原因的文字（不存疑为空）")]
Checked = Annotated[
    str | None,
    Field(
        description="督查室对识别结果的核实：confirmed（已核实）、corrected（已更正完成数）、"
        "not_figure（不是该目标的完成数）；未核实或进展已改为 null"
    ),
]


class IndicatorOut(Out):
    name: str
    target: float | None
    actual: float | None
    unit: str
    percent: float | None
    source: str
    uncertain: Uncertain
    doubt: Doubt
    doubt_label: DoubtLabel
    checked: Checked


class ReasonOut(Out):
    """One reason for a light, as data: the words of `reasons` are made from it (and may be
    reworded); a client that needs the facts reads these."""

    kind: str = Field(
        description="原因类别", json_schema_extra={"enum": [k.value for k in ReasonKind]}
    )
    deadline: datetime.date | None = Field(description="完成时限（overdue、due_soon）")
    days: int | None = Field(description="超期或剩余天数（overdue、due_soon）")
    elapsed: str | None = Field(description='时间已过百分比，如 "96.0"（behind_pace）')
    reached: str | None = Field(description="完成百分比（behind_pace）")
    subitem: str = Field(description="原因来自的子项序号，如 3-1；任务本身的为空")


class LightOut(Out):
    colour: str
    label: str
    reasons: list[str] = Field(description="原因（文字）")
    reason_details: list[ReasonOut] = Field(description="原因（数据），与 reasons 一一对应")


class SubitemOut(ModelSchema, Out):
    id: int
    number: int = Field(description="在所属任务下的顺序（1、2……）")
    label: str = Field(description="序号原文，如 3-1、（1）、①")
    status: str
    status_label: str
    light: LightOut

    class Meta:
        model = Task
        fields = ["id", "number", "goal", "status", "status_label"]

    resolve_label = staticmethod(_label)
    resolve_light = staticmethod(_light)


class EntryOut(Out):
    title: str = Field(description="如 3月、本月进展")
    text: str
    month: int | None


def task_entries(task: Task) -> list[dict[str, Any]]:
    """A task's month entries (`EntryOut`)."""
    return task_entries_of(task.entries)


def task_entries_of(entries: Any) -> list[dict[str, Any]]:
    """Month entries (`EntryOut`) as stored. They are JSON as the reader wrote them: keep the
    well-formed ones."""
    return [
        {"title": str(e.get("title", "")), "text": str(e.get("text", "")), "month": e.get("month")}
        for e in entries or []
        if isinstance(e, dict)
    ]


def _entries(view: TaskView) -> list[dict[str, Any]]:
    return task_entries(view.task)


class TaskOut(ModelSchema, Out):
    id: int
    parent: int | None = Field(alias="parent_id", description="子项所属任务的 id；任务为 null")
    label: str = Field(description="台账所写的序号：子项如 3-1、（1）、①，任务为其序号")
    category: CategoryOut
    leaders: list[str]
    units: list[TaskUnitOut]
    deadline_text: str
    progress: str
    status: str
    status_label: str
    remarks: str
    indicators: list[IndicatorOut]
    light: LightOut = Field(description="分为子项的任务：与其最红的未完成子项同色")
    subitems: list[SubitemOut] = Field(description="本人可见的子项（按台账顺序）")
    entries: list[EntryOut] = Field(description="月度进展（按月台账的各月、本月进展）")

    class Meta:
        model = Task
        fields = [
            "id",
            "ledger",
            "number",
            "goal",
            "deadline_text",
            "deadline",
            "progress",
            "status",
            "status_label",
            "remarks",
            "version",
        ]

    resolve_label = staticmethod(_label)
    resolve_light = staticmethod(_light)
    resolve_entries = staticmethod(_entries)

    @staticmethod
    def resolve_leaders(view: TaskView) -> list[str]:
        return [link.person.name for link in view.task.leader_links.all()]

    @staticmethod
    def resolve_units(view: TaskView) -> list[TaskUnit]:
        return list(view.task.unit_links.all())

    @staticmethod
    def resolve_indicators(view: TaskView) -> list[dict[str, Any]]:
        return [indicator.as_dict() for indicator in view.supervision.indicators]


class TaskPage(Out):
    count: int
    items: list[TaskOut]


# --- a page of tasks written directly ----------------------------------------------------
# `TaskPage` documents the task list; the endpoint writes it with the functions below, from
# the tasks read as values and their stored state (`supervision.served`), rather than
# validating 100 tasks field by field through `TaskOut` (which cost more than all the queries
# of the request). They give the same keys in the same order and the same values as
# `TaskPage.model_validate(...).model_dump(mode="json")`: tests/api/test_task_list_json.py
# holds the two together, so a field added to `TaskOut` must be added here too.

# The columns of a task the list reads (`task_data`'s `row`).
TASK_VALUES = (
    "id", "parent_id", "label", "parent__number", "category__name", "category__number",
    "deadline_text", "progress", "status", "status_label", "remarks", "entries", "ledger_id",
    "number", "goal", "deadline", "version",
)  # fmt: skip
# The columns of a task's units (`task_data`'s `units`), after the task's id.
UNIT_VALUES = ("unit_id", "unit__name", "role")


def task_page_data(
    count: int,
    rows: list[dict[str, Any]],
    served: dict[int, Served],
    shown: set[int],
    leaders: dict[int, list[str]],
    units: dict[int, list[dict[str, Any]]],
) -> dict[str, Any]:
    """A `TaskPage` as JSON-ready data: `rows` are tasks as values (`TASK_VALUES`), `served`
    their lights and indicators (`supervision.served.served_tasks`), `shown` the sub-items
    the user may see, `leaders` the names of each task's leaders, `units` its units as
    `TaskUnitOut` gives them."""
    return {
        "count": count,
        "items": [
            task_data(row, served[row["id"]], shown, leaders[row["id"]], units[row["id"]])
            for row in rows
        ],
    }


def task_data(
    row: dict[str, Any],
    served: Served,
    shown: set[int],
    leaders: list[str],
    units: list[dict[str, Any]],
) -> dict[str, Any]:
    """`TaskOut` of a task read as values, with the sub-items in `shown`."""
    deadline = row["deadline"]
    parent = row["parent_id"]
    return {
        "id": row["id"],
        "parent": parent,
        "label": row["label"]
        or (
            f"{row['parent__number']}-{row['number']}" if parent is not None else str(row["number"])
        ),
        "category": {"name": row["category__name"], "number": row["category__number"]},
        "leaders": leaders,
        "units": units,
        "deadline_text": row["deadline_text"],
        "progress": row["progress"],
        "status": row["status"],
        "status_label": row["status_label"],
        "remarks": row["remarks"],
        "indicators": served.indicators,
        "light": served.light,
        "subitems": [subitem_data(sub) for sub in served.subitems if sub.id in shown],
        "entries": task_entries_of(row["entries"]),
        "ledger": row["ledger_id"],
        "number": row["number"],
        "goal": row["goal"],
        "deadline": deadline.isoformat() if deadline else None,
        "version": row["version"],
    }


def subitem_data(sub: ServedSubitem) -> dict[str, Any]:
    """`SubitemOut` of a sub-item served from its stored state."""
    return {
        "id": sub.id,
        "number": sub.number,
        "label": sub.label,
        "status": sub.status,
        "status_label": sub.status_label,
        "light": sub.light,
        "goal": sub.goal,
    }


class TaskQuery(PageQuery):
    """The filters of the ledger page, and a page of the result."""

    status: str = Field(
        "",
        description="completed, in_progress, lagging, not_started 或 none（未标注）",
        json_schema_extra={"enum": ["", "none", *Status.values]},
    )
    unit: Id | None = Field(None, description="单位 id")
    leader: Id | None = Field(None, description="牵头领导 id")
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    q: Text = Field("", max_length=200, description="关键词（空格分隔，全部匹配）")
    as_of: datetime.date | None = Field(None, description="红黄绿灯的“截至”日期（默认今天）")

    @field_validator("status")
    @classmethod
    def known_status(cls, value: str) -> str:
        if value not in ("", "none", *Status.values):
            raise PydanticCustomError("unknown_status", _("未知的状态"))
        return value

    @field_validator("due_to")
    @classmethod
    def window_in_order(
        cls, value: datetime.date | None, info: ValidationInfo
    ) -> datetime.date | None:
        """A deadline window that starts after it ends is refused, as the ledger page does,
        not answered with no tasks."""
        start = info.data.get("due_from")
        if value is not None and start is not None and start > value:
            raise PydanticCustomError("date_range", _("开始日期晚于结束日期"))
        return value


class NamedOut(Out):
    id: int
    name: str


class AttachmentOut(ModelSchema, Out):
    id: int

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size"]


class ReportOut(ModelSchema, Out):
    id: int
    round: NamedOut
    task_number: int
    task_label: str = Field(description="台账所写的序号：子项如 3-1")
    ledger: int
    unit: NamedOut
    author: str
    status_label: str
    figures: list[Any]
    previous_progress: str
    previous_status: str
    state_label: str
    review_comment: str
    attachments: list[AttachmentOut]

    class Meta:
        model = Report
        fields = [
            "id",
            "task",
            "progress",
            "status",
            "previous_progress",
            "previous_status",
            "state",
            "submitted_at",
            "reviewed_at",
            "review_comment",
        ]

    @staticmethod
    def resolve_task_number(report: Report) -> int:
        return report.task.number

    @staticmethod
    def resolve_task_label(report: Report) -> str:
        return display_number(report.task)

    @staticmethod
    def resolve_ledger(report: Report) -> int:
        return report.task.ledger_id

    @staticmethod
    def resolve_author(report: Report) -> str:
        return person_name(report.author)

    @staticmethod
    def resolve_status_label(report: Report) -> str:
        return str(Status(report.status).label)

    @staticmethod
    def resolve_state_label(report: Report) -> str:
        return str(ReportState(report.state).label)


class ReportPage(Out):
    count: int
    items: list[ReportOut]


class ReportQuery(PageQuery):
    state: str = Field(
        "",
        description="submitted（待审核）, accepted, returned；空为全部",
        json_schema_extra={"enum": ["", *ReportState.values]},
    )
    ledger: Id | None = None
    redo: bool = Field(
        False,
        description="只列出本人单位须重新报送的：被退回、轮次未关闭、其后未再报送（填报人）",
    )

    @field_validator("state")
    @classmethod
    def known_state(cls, value: str) -> str:
        if value not in ("", *ReportState.values):
            raise PydanticCustomError("unknown_state", _("未知的审核状态"))
        return value


class CommentOut(ModelSchema, Out):
    id: int
    author: str

    class Meta:
        model = Comment
        fields = ["id", "text", "created_at"]

    @staticmethod
    def resolve_author(comment: Comment) -> str:
        return person_name(comment.author)


class MilestoneOut(ModelSchema, Out):
    class Meta:
        model = Milestone
        fields = ["text", "date"]


class TaskDetailOut(TaskOut):
    """A task with what its page shows: a `TaskView` with the user's reports and comments."""

    milestones: list[MilestoneOut]
    extra: dict[str, Any]
    updated_at: datetime.datetime
    reports: list[ReportOut]
    comments: list[CommentOut]


# --- what clients send -------------------------------------------------------------------


class TaskPatchIn(Schema):
    """Only the fields sent are changed; `version` is the version the client read."""

    version: Version
    goal: Text = ""
    deadline_text: Text = ""
    progress: Text = ""
    status: Text = Field("", max_length=stored_length(Task, "status"))
    status_label: Text = Field("", max_length=stored_length(Task, "status_label"))
    remarks: Text = ""


# As the web's report form bounds them (web/forms.ReportForm).
PROGRESS_LENGTH = 10000
FIGURES_TEXT_LENGTH = 2000


class FigureIn(Schema):
    name: Text = Field(min_length=1, max_length=100, description="指标名称，如 完成投资")
    value: float = Field(allow_inf_nan=False)
    unit: Text = Field("", max_length=20, description="单位，如 万元")


class ReportIn(Schema):
    progress: Text
    status: Text = Field(
        max_length=stored_length(Report, "status"),
        description="completed, in_progress, lagging 或 not_started",
    )
    unit: Id | None = Field(None, description="报送单位 id（所属单位多于一个时必填）")
    figures: list[FigureIn] = Field(default_factory=list, max_length=50)
    figures_text: Text = Field(
        "",
        max_length=FIGURES_TEXT_LENGTH,
        description="数据，按填写习惯每行一项（如：完成投资 7000 万元）；未能识别的行作为文字"
        "附在进展情况之后，并在 notices 中说明",
    )
    held_files: list[Id] = Field(
        default_factory=list,
        max_length=MAX_HELD_FILES,
        description="随本次报送提交的待报送附件 id（本人为该任务、该单位上传的）",
    )


class AcceptIn(Schema):
    comment: Text = ""


class ReturnIn(Schema):
    comment: Text


class RoundIn(Schema):
    ledger: Id
    name: Text = Field(max_length=stored_length(Round, "name"))
    due_date: datetime.date


class CommentIn(Schema):
    text: Text


# --- what a reporter has not sent yet: drafts and held files --------------------------------


class DraftOut(ModelSchema, Out):
    """A unit's draft (暂存) of its report on a task."""

    task: int = Field(alias="task_id")
    unit: NamedOut
    status: str = Field(description="可为空（尚未选择）")
    updated_at: datetime.datetime

    class Meta:
        model = ReportDraft
        fields = ["task", "progress", "status", "figures_text", "updated_at"]


class DraftIn(Schema):
    """A draft may be half written: every field may be empty."""

    unit: Id | None = Field(None, description="报送单位 id（所属单位多于一个时必填）")
    progress: Text = Field("", max_length=PROGRESS_LENGTH)
    status: Text = Field(
        "",
        max_length=stored_length(ReportDraft, "status"),
        description="completed, in_progress, lagging, not_started 或空",
    )
    figures_text: Text = Field(
        "", max_length=FIGURES_TEXT_LENGTH, description="数据，每行一项，如：完成投资 7000 万元"
    )


class HeldFileOut(ModelSchema, Out):
    """A file kept for a report not sent yet (only its owner sees it)."""

    id: int
    task: int = Field(alias="task_id")
    unit: int = Field(alias="unit_id")

    class Meta:
        model = HeldFile
        fields = ["id", "name", "content_type", "size", "created_at"]


@dataclass
class SentReport:
    """A report just sent, with the notices about what was typed (`ReportSentOut`)."""

    report: Report
    notices: list[str]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.report, name)


class ReportSentOut(ReportOut):
    notices: list[str] = Field(
        description="figures_text 中未能识别为数据、已作为文字附在进展情况之后的行"
    )
