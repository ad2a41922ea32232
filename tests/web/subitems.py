"""Sub-items for tests: task 3 of the seed ledger (水利局) split into 3-1 (水利局) and 3-2
(住建局), and optionally （3）, which names no unit, leader or deadline and so takes task 3's.
Made with the ORM, as `ledger_import` stores them: a parent, a label, a key "3/n", and an order
that sorts right after the task."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Person, Task, TaskLeader, TaskUnit, Unit
from taizhang.supervision.state import states_refresh
from tests.factories import PASSWORD, World


@dataclass
class Split:
    task: Task  # task 3
    first: Task  # 3-1, 水利局
    second: Task  # 3-2, 住建局
    inheriting: Task | None  # （3）, no units of its own


def subitem(
    task: Task,
    number: int,
    goal: str,
    *,
    label: str | None = None,
    unit: str | None = None,
    leader: str | None = None,
    deadline: datetime.date | None = None,
    status: str = "in_progress",
    progress: str = "",
) -> Task:
    """A sub-item of `task`, numbered `number` under it."""
    labels = {"completed": "已完成", "in_progress": "正在推进", "lagging": "推进缓慢"}
    sub = Task.objects.create(
        ledger=task.ledger,
        category=task.category,
        parent=task,
        number=number,
        label=f"{task.number}-{number}" if label is None else label,
        key=f"{task.key}/{number}",
        order=task.order,
        goal=goal,
        deadline_text=f"{deadline.month}月底前" if deadline else "",
        deadline=deadline,
        progress=progress,
        status=status,
        status_label=labels.get(status, ""),
    )
    if unit:
        TaskUnit.objects.create(
            task=sub, unit=Unit.objects.get_or_create(name=unit)[0], role="responsible"
        )
    if leader:
        TaskLeader.objects.create(task=sub, person=Person.objects.get_or_create(name=leader)[0])
    return sub


def split_task_3(world: World, *, inheriting: bool = False) -> Split:
    """Task 3 split into 3-1 (水利局, due 2021-06-30) and 3-2 (住建局, due 2021-12-31)."""
    task = Task.objects.get(ledger=world.ledger, number=3, parent=None)
    first = subitem(
        task,
        1,
        "北部供水工程：完成管网铺设",
        unit="水利局",
        leader="侯波",
        deadline=datetime.date(2021, 6, 30),
        progress="管网铺设完成60%",
    )
    second = subitem(
        task,
        2,
        "玉阳湖工业供水工程：完成主体建设",
        unit="住建局",
        leader="侯波",
        deadline=datetime.date(2021, 12, 31),
        progress="主体工程已开工",
    )
    third = subitem(task, 3, "南部岭区供水：完成选址", label="（3）") if inheriting else None
    states_refresh(ledger=world.ledger, task_ids=[task.pk])  # as an import of them would
    return Split(task, first, second, third)


def housing_reporter() -> User:
    """A reporter of 住建局 (which serves 3-2, not 3-1)."""
    return account_create(
        username="zjj",
        password=PASSWORD,
        role=Role.REPORTER,
        units=[Unit.objects.get(name="住建局")],
    )
