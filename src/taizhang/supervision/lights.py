"""The red/yellow/green lights (红黄绿灯) of a task for an "as of" date, each with its reasons
in words. Pure: no database; the selectors gather the inputs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

RED, YELLOW, GREEN, COMPLETED = "red", "yellow", "green", "completed"
LABELS = {RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", COMPLETED: "已完成"}


@dataclass(frozen=True)
class LightInput:
    """What a light is computed from."""

    status: str | None
    deadline: datetime.date | None
    year: int
    percents: tuple[Decimal, ...] = ()  # share of each target reached, in percent
    reported: bool | None = None  # None when no round is open


@dataclass(frozen=True)
class Light:
    colour: str
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return LABELS[self.colour]


def elapsed_percent(year: int, deadline: datetime.date, as_of: datetime.date) -> Decimal:
    """序时进度: the share of the period from the start of the ledger's year to the deadline
    that has passed by `as_of`, in percent (0 to 100)."""
    start = datetime.date(year, 1, 1)
    total = (deadline - start).days
    if total <= 0:
        return Decimal(100)
    share = Decimal((as_of - start).days) / Decimal(total) * 100
    return min(max(share, Decimal(0)), Decimal(100)).quantize(Decimal("0.1"))


def light(
    task: LightInput,
    as_of: datetime.date,
    *,
    warn_days: int = 30,
    pace_margin: Decimal = Decimal("10"),
) -> Light:
    """The task's light as of a date. Completed tasks are apart. Red: past the deadline and not
    completed, or lagging. Yellow: deadline within `warn_days`, behind 序时进度 by more than
    `pace_margin` points, not started, or no report in the open round. Green otherwise."""
    if task.status == "completed":
        return Light(COMPLETED, ("已完成",))
    red = _red_reasons(task, as_of)
    if red:
        return Light(RED, tuple(red))
    yellow = _yellow_reasons(task, as_of, warn_days, pace_margin)
    if yellow:
        return Light(YELLOW, tuple(yellow))
    return Light(GREEN, ("按序时推进",))


def _red_reasons(task: LightInput, as_of: datetime.date) -> list[str]:
    reasons = []
    if task.deadline is not None and task.deadline < as_of:
        days = (as_of - task.deadline).days
        reasons.append(f"已超过完成时限（{task.deadline:%Y-%m-%d}）{days}天，尚未完成")
    if task.status == "lagging":
        reasons.append("推进缓慢")
    return reasons


def _yellow_reasons(
    task: LightInput, as_of: datetime.date, warn_days: int, pace_margin: Decimal
) -> list[str]:
    reasons = []
    if task.deadline is not None and 0 <= (task.deadline - as_of).days <= warn_days:
        reasons.append(
            f"距完成时限（{task.deadline:%Y-%m-%d}）还有{(task.deadline - as_of).days}天"
        )
    if task.deadline is not None and task.percents:
        due = elapsed_percent(task.year, task.deadline, as_of)
        reached = min(task.percents)
        if due - reached > pace_margin:
            reasons.append(f"落后序时进度：时间已过{due}%，目标完成{reached}%")
    if task.status == "not_started":
        reasons.append("尚未启动")
    if task.reported is False:
        reasons.append("本轮尚未报送")
    return reasons


# How red a light is: a task is as red as the reddest of its own light and its open sub-items.
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}


def with_subitems(own: Light, subitems: list[tuple[str, Light]]) -> Light:
    """A task's light given its sub-items' (label, light): as red as the reddest of its open
    (not completed) sub-items (red > yellow > green), with the reasons of each at that colour,
    the sub-item named ("子项3-1：已超过完成时限…"). A task split into sub-items is reported
    through them, so its own status as imported is no longer kept up and does not count (a
    sub-item without a deadline has its task's). A task marked completed stays completed;
    one whose sub-items are all completed is completed."""
    if own.colour == COMPLETED or not subitems:
        return own
    open_ = [(label, sub) for label, sub in subitems if sub.colour != COMPLETED]
    if not open_:
        return Light(COMPLETED, ("子项均已完成",))
    colour = max((sub.colour for _, sub in open_), key=_RANK.__getitem__)
    if colour == GREEN:
        return Light(GREEN, ("按序时推进",))
    reasons = [
        f"子项{label}：{reason}"
        for label, sub in open_
        if sub.colour == colour
        for reason in sub.reasons
    ]
    return Light(colour, tuple(reasons))
