"""The red/yellow/green lights (红黄绿灯) of a task for an "as of" date, each with its reasons
as data (`Reason`: a kind, and the dates and numbers it needs). Reasons are put into words
only where they are shown: `reason_text` for the pages and the API, the bulletin its own.
Pure: no database; the selectors gather the inputs."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypedDict, assert_never

from django.utils.translation import gettext as _

from taizhang.chinese.lights import COMPLETED as COMPLETED
from taizhang.chinese.lights import GREEN as GREEN
from taizhang.chinese.lights import LABELS as LABELS
from taizhang.chinese.lights import RED as RED
from taizhang.chinese.lights import YELLOW as YELLOW
from taizhang.chinese.statuses import STATUS_LABELS, StatusCode


class ReasonKind(StrEnum):
    """Why a task has its light."""

    COMPLETED = "completed"  # the task is completed
    SUBITEMS_COMPLETED = "subitems_completed"  # every sub-item is completed
    ON_PACE = "on_pace"  # green: nothing to warn of
    OVERDUE = "overdue"  # past `deadline` by `days`, not completed
    LAGGING = "lagging"  # marked 推进缓慢
    DUE_SOON = "due_soon"  # `days` left to `deadline`
    BEHIND_PACE = "behind_pace"  # `elapsed` percent of the time gone, `reached` percent done
    NOT_STARTED = "not_started"  # marked 未启动
    NOT_REPORTED = "not_reported"  # no report in the open round, or no progress ever


class ReasonData(TypedDict):
    """A reason as JSON carries it (the bulletin's data, the API's `reason_details`)."""

    kind: str
    deadline: str | None
    days: int | None
    elapsed: str | None
    reached: str | None
    subitem: str


class LightData(TypedDict):
    """A light as the dashboard's data and the API carry it."""

    colour: str
    label: str
    reasons: list[str]
    reason_details: list[ReasonData]


@dataclass(frozen=True)
class Reason:
    """One reason for a light. `subitem` is the label of the sub-item it comes from ("3-1"),
    empty for the task's own."""

    kind: ReasonKind
    deadline: datetime.date | None = None
    days: int | None = None
    elapsed: Decimal | None = None
    reached: Decimal | None = None
    subitem: str = ""

    def __str__(self) -> str:
        return reason_text(self)

    def as_dict(self) -> ReasonData:
        """JSON-ready: dates in ISO form, percentages as strings ("96.0")."""
        return {
            "kind": self.kind.value,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days": self.days,
            "elapsed": None if self.elapsed is None else str(self.elapsed),
            "reached": None if self.reached is None else str(self.reached),
            "subitem": self.subitem,
        }

    @classmethod
    def from_dict(cls, data: ReasonData) -> Reason:
        """The reverse of `as_dict`."""
        deadline, elapsed, reached = data.get("deadline"), data.get("elapsed"), data.get("reached")
        return cls(
            kind=ReasonKind(data["kind"]),
            deadline=datetime.date.fromisoformat(deadline) if deadline else None,
            days=data.get("days"),
            elapsed=None if elapsed is None else Decimal(elapsed),
            reached=None if reached is None else Decimal(reached),
            subitem=data.get("subitem") or "",
        )


def reason_text(reason: Reason) -> str:
    """A reason in the words the pages and the API show ("已超过完成时限（2021-10-31）5天，
    尚未完成"); a sub-item's is prefixed with it ("子项3-1：…")."""
    text = _reason_words(reason)
    if reason.subitem:
        return _("子项%(label)s：%(reason)s") % {"label": reason.subitem, "reason": text}
    return text


def _reason_words(reason: Reason) -> str:
    kind = reason.kind
    if kind is ReasonKind.COMPLETED:
        return _("已完成")
    if kind is ReasonKind.SUBITEMS_COMPLETED:
        return _("子项均已完成")
    if kind is ReasonKind.ON_PACE:
        return _("按序时推进")
    if kind is ReasonKind.OVERDUE:
        return _("已超过完成时限（%(deadline)s）%(days)s天，尚未完成") % _numbers(reason)
    if kind is ReasonKind.LAGGING:
        return _(STATUS_LABELS[StatusCode.LAGGING])
    if kind is ReasonKind.DUE_SOON:
        return _("距完成时限（%(deadline)s）还有%(days)s天") % _numbers(reason)
    if kind is ReasonKind.BEHIND_PACE:
        return _("落后序时进度：时间已过%(elapsed)s%%，目标完成%(reached)s%%") % _numbers(reason)
    if kind is ReasonKind.NOT_STARTED:
        return _("尚未启动")
    if kind is ReasonKind.NOT_REPORTED:
        return _("尚未报送进展")
    assert_never(kind)


def _numbers(reason: Reason) -> dict[str, Any]:
    return {
        "deadline": f"{reason.deadline:%Y-%m-%d}" if reason.deadline else "",
        "days": reason.days,
        "elapsed": reason.elapsed,
        "reached": reason.reached,
    }


@dataclass(frozen=True)
class LightInput:
    """What a light is computed from."""

    status: str | None
    deadline: datetime.date | None
    year: int
    percents: tuple[Decimal, ...] = ()  # share of each target reached, in percent
    reported: bool | None = None  # None when no round is open
    # False when nothing was ever reported: no progress text. With no status either, nothing
    # says the task is on pace, so it is not green (yellow, "not reported").
    has_progress: bool = True

    @property
    def nothing_known(self) -> bool:
        """No progress and no status: the task has never been reported on."""
        return not self.has_progress and self.status is None


@dataclass(frozen=True)
class Light:
    colour: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return LABELS[self.colour]

    @property
    def reason_texts(self) -> list[str]:
        """The reasons in words, as the API's `reasons` has always given them."""
        return [reason_text(reason) for reason in self.reasons]

    @property
    def reason_details(self) -> list[ReasonData]:
        """The reasons as data (`Reason.as_dict`), for the bulletin and the API."""
        return [reason.as_dict() for reason in self.reasons]


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
    `pace_margin` points, not started, no report in the open round, or nothing ever reported
    (no progress and no status: nothing says it is on pace). Green otherwise."""
    if task.status == StatusCode.COMPLETED:
        return Light(COMPLETED, (Reason(ReasonKind.COMPLETED),))
    red = _red_reasons(task, as_of)
    if red:
        return Light(RED, tuple(red))
    yellow = _yellow_reasons(task, as_of, warn_days, pace_margin)
    if yellow:
        return Light(YELLOW, tuple(yellow))
    return Light(GREEN, (Reason(ReasonKind.ON_PACE),))


def _red_reasons(task: LightInput, as_of: datetime.date) -> list[Reason]:
    reasons = []
    if task.deadline is not None and task.deadline < as_of:
        days = (as_of - task.deadline).days
        reasons.append(Reason(ReasonKind.OVERDUE, deadline=task.deadline, days=days))
    if task.status == StatusCode.LAGGING:
        reasons.append(Reason(ReasonKind.LAGGING))
    return reasons


def _yellow_reasons(
    task: LightInput, as_of: datetime.date, warn_days: int, pace_margin: Decimal
) -> list[Reason]:
    reasons = []
    if task.deadline is not None and 0 <= (task.deadline - as_of).days <= warn_days:
        days = (task.deadline - as_of).days
        reasons.append(Reason(ReasonKind.DUE_SOON, deadline=task.deadline, days=days))
    if task.deadline is not None and task.percents:
        due = elapsed_percent(task.year, task.deadline, as_of)
        reached = min(task.percents)
        if due - reached > pace_margin:
            reasons.append(Reason(ReasonKind.BEHIND_PACE, elapsed=due, reached=reached))
    if task.status == StatusCode.NOT_STARTED:
        reasons.append(Reason(ReasonKind.NOT_STARTED))
    if task.reported is False or task.nothing_known:
        reasons.append(Reason(ReasonKind.NOT_REPORTED))
    return reasons


# How red a light is: a task is as red as the reddest of its own light and its open sub-items.
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}


def with_subitems(own: Light, subitems: list[tuple[str, Light]]) -> Light:
    """A task's light given its sub-items' (label, light): as red as the reddest of its open
    (not completed) sub-items (red > yellow > green), with the reasons of each at that colour,
    each naming its sub-item (`Reason.subitem`). A task split into sub-items is reported
    through them, so its own status as imported is no longer kept up and does not count (a
    sub-item without a deadline has its task's). A task marked completed stays completed;
    one whose sub-items are all completed is completed."""
    if own.colour == COMPLETED or not subitems:
        return own
    open_ = [(label, sub) for label, sub in subitems if sub.colour != COMPLETED]
    if not open_:
        return Light(COMPLETED, (Reason(ReasonKind.SUBITEMS_COMPLETED),))
    colour = max((sub.colour for _label, sub in open_), key=_RANK.__getitem__)
    if colour == GREEN:
        return Light(GREEN, (Reason(ReasonKind.ON_PACE),))
    reasons = [
        replace(reason, subitem=label)
        for label, sub in open_
        if sub.colour == colour
        for reason in sub.reasons
    ]
    return Light(colour, tuple(reasons))


# --- a light as dates: what a task's light is on any day, stored so the database can count ---


@dataclass(frozen=True)
class Thresholds:
    """A task's light on every day at once, as the database can compare it: completed (on
    every day), else red from `red_from` on, else yellow from `yellow_from` on, else green (a
    date of None never comes). "No report in the open round" is not in it: it changes with
    each report, and the dashboard asks the reports (`colour_on`'s `unreported`)."""

    completed: bool = False
    red_from: datetime.date | None = None
    yellow_from: datetime.date | None = None


ALWAYS = datetime.date.min


def thresholds(task: LightInput, *, warn_days: int, pace_margin: Decimal) -> Thresholds:
    """The dates on which `light` turns the task red and yellow (`task.reported` aside).
    Red: lagging (always), or past the deadline (the day after it). Yellow: not started or
    nothing ever reported (always), within `warn_days` of the deadline, or behind 序时进度
    (`pace_from`)."""
    if task.status == StatusCode.COMPLETED:
        return Thresholds(completed=True)
    red = [ALWAYS] if task.status == StatusCode.LAGGING else []
    yellow = [ALWAYS] if task.status == StatusCode.NOT_STARTED or task.nothing_known else []
    if task.deadline is not None:
        red += [_day_after(task.deadline)] if task.deadline < datetime.date.max else []
        yellow.append(_minus_days(task.deadline, warn_days))
        if task.percents:
            behind = pace_from(task.year, task.deadline, min(task.percents), pace_margin)
            yellow += [behind] if behind is not None else []
    return Thresholds(False, min(red, default=None), min(yellow, default=None))


def _day_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=1)


def _minus_days(day: datetime.date, days: int) -> datetime.date:
    try:
        return day - datetime.timedelta(days=days)
    except OverflowError:
        return ALWAYS


def pace_from(
    year: int, deadline: datetime.date, reached: Decimal, pace_margin: Decimal
) -> datetime.date | None:
    """The first day on which a task that reached `reached` percent is behind 序时进度 by more
    than `pace_margin` points (the share of the time gone only grows), or None: never before
    its deadline, after which it is red anyway."""

    def behind(day: datetime.date) -> bool:
        return elapsed_percent(year, deadline, day) - reached > pace_margin

    start = datetime.date(year, 1, 1)
    if behind(start):
        return ALWAYS  # as much time has gone on every earlier day: none
    if deadline <= start or not behind(deadline):
        return None
    low, high = start, deadline  # not behind on `low`, behind on `high`
    while (high - low).days > 1:
        middle = low + datetime.timedelta(days=(high - low).days // 2)
        low, high = (low, middle) if behind(middle) else (middle, high)
    return high


def combined(own: Thresholds, subitems: list[Thresholds]) -> Thresholds:
    """A task split into sub-items, as `with_subitems` lights it: completed when marked so or
    when every sub-item is; else red and yellow from the first day any open sub-item is."""
    open_ = [sub for sub in subitems if not sub.completed]
    if own.completed or not open_:
        return Thresholds(completed=True)
    reds = [sub.red_from for sub in open_ if sub.red_from is not None]
    yellows = [sub.yellow_from for sub in open_ if sub.yellow_from is not None]
    return Thresholds(False, min(reds, default=None), min(yellows, default=None))


def colour_on(found: Thresholds, day: datetime.date, *, unreported: bool = False) -> str:
    """The colour `light` gives on `day`; `unreported`: an open round has no report of the
    task (for a task split into sub-items: of an open sub-item)."""
    return colour_of(found.completed, found.red_from, found.yellow_from, day, unreported)


def colour_of(
    completed: bool,
    red_from: datetime.date | None,
    yellow_from: datetime.date | None,
    day: datetime.date,
    unreported: bool = False,
) -> str:
    """`colour_on` of the thresholds given as they are stored, without making a `Thresholds`
    of them (a page's 100 rows each made one)."""
    if completed:
        return COMPLETED
    if red_from is not None and red_from <= day:
        return RED
    if unreported or (yellow_from is not None and yellow_from <= day):
        return YELLOW
    return GREEN


def first_reason(
    colour: str,
    task: LightInput,
    as_of: datetime.date,
    *,
    warn_days: int = 30,
    pace_margin: Decimal = Decimal("10"),
) -> Reason | None:
    """The first reason `light` gives a task whose colour on `as_of` is known (counted in the
    database from its stored state, `dashboard.light_case`): the same reasons in the same
    order, asked only of that colour. A yellow light none of the dates explain is the open
    round's missing report. None when nothing explains the colour (a split task's: its
    sub-items')."""
    if colour == COMPLETED:
        return Reason(ReasonKind.COMPLETED)
    if colour == GREEN:
        return Reason(ReasonKind.ON_PACE)
    if colour == RED:
        reasons = _red_reasons(task, as_of)
    else:
        # (`replace` only when needed: a page's ~30 yellow rows each paid its field walk.)
        unreported = task if task.reported is False else replace(task, reported=False)
        reasons = _yellow_reasons(unreported, as_of, warn_days, pace_margin)
    return reasons[0] if reasons else None
