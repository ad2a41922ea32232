"""The 督办通知单 of a unit: its tasks lit red or yellow as of a date, red first, each with
its reasons in the bulletin's words (`bulletin.bulletin_reason`, the one place they are
worded for documents), the request to 限期整改 and reply by a date, and the issuer. What it
answers for is what the dashboard's unit table counts (`selectors.unit_items`): its tasks,
and the sub-items it serves."""

from __future__ import annotations

import datetime
from typing import Final

from django.utils.translation import gettext as _

from taizhang.documents.write_notice import NoticeSheet, NoticeTask
from taizhang.ledger.models import Ledger, Task, Unit
from taizhang.supervision.bulletin import (
    bulletin_reason,
    bulletin_subject,
    chinese_date,
    office_name,
    short_goal,
)
from taizhang.supervision.lights import LABELS, RED, YELLOW
from taizhang.supervision.selectors import (
    Reported,
    TaskSupervision,
    display_number,
    supervise,
    unit_items,
)

REPLY_WORKING_DAYS: Final = 5


def reply_date(as_of: datetime.date, working_days: int = REPLY_WORKING_DAYS) -> datetime.date:
    """The default day to reply by: `working_days` working days (Monday to Friday; public
    holidays are not known) after `as_of`."""
    day = as_of
    left = working_days
    while left:
        day += datetime.timedelta(days=1)
        left -= day.weekday() < 5
    return day


def nothing_lit(unit: Unit, as_of: datetime.date) -> str:
    """The message where a unit has no red or yellow task: no notice is made."""
    return _("%(unit)s截至%(day)s没有亮红灯、黄灯的任务，无需督办。") % {
        "unit": unit.name,
        "day": chinese_date(as_of),
    }


def lit_by_unit(ledger: Ledger, as_of: datetime.date) -> dict[int, list[TaskSupervision]]:
    """For each unit (by id), the tasks and sub-items it answers for that are red or yellow
    as of the date, red first, in ledger order within a colour; read once for all units."""
    tasks = Task.objects.filter(removed_at__isnull=True)
    rows = supervise(ledger, tasks, as_of, reported=Reported.load(ledger))
    top = [row for row in rows if row.task.parent_id is None]
    visible = {row.task.pk for row in rows}
    lit: dict[int, list[TaskSupervision]] = {}
    for row, keys in unit_items(top, visible):
        if row.light.colour in (RED, YELLOW):
            for key, _name in keys:
                lit.setdefault(key, []).append(row)
    return {
        key: sorted(found, key=lambda row: row.light.colour != RED) for key, found in lit.items()
    }


def lit_items(ledger: Ledger, unit: Unit, as_of: datetime.date) -> list[TaskSupervision]:
    """The unit's red and yellow tasks and sub-items (`lit_by_unit`)."""
    return lit_by_unit(ledger, as_of).get(unit.pk, [])


def red_units(ledger: Ledger, as_of: datetime.date) -> list[tuple[Unit, list[TaskSupervision]]]:
    """The units with a red task as of the date, with their lit tasks: most red first, then
    by name (as the dashboard's unit table)."""
    lit = lit_by_unit(ledger, as_of)
    reds = {key: sum(row.light.colour == RED for row in rows) for key, rows in lit.items()}
    units = Unit.objects.filter(pk__in=[key for key, count in reds.items() if count])
    ordered = sorted(units, key=lambda unit: (-reds[unit.pk], unit.name))
    return [(unit, lit[unit.pk]) for unit in ordered]


def notice_task(row: TaskSupervision, as_of: datetime.date) -> NoticeTask:
    """A lit task as the notice's table gives it: number, short goal, deadline, light and
    its reasons in the bulletin's words."""
    task = row.task
    deadline = task.deadline or (task.parent.deadline if task.parent_id else None)  # type: ignore[union-attr]
    reasons = row.light.reasons
    alone = len(reasons) == 1
    words = "；".join(bulletin_reason(r, deadline, as_of, alone=alone) for r in reasons)
    return NoticeTask(
        number=display_number(task),
        goal=short_goal(task.goal),
        deadline=chinese_date(deadline) if deadline else "",
        light=LABELS[row.light.colour],
        reasons=f"{words}。" if words else "",
    )


def notice_sheet(
    ledger: Ledger,
    unit: Unit,
    as_of: datetime.date,
    *,
    reply_by: datetime.date | None = None,
    number: str = "",
    issuer: str = "",
    rows: list[TaskSupervision] | None = None,
) -> NoticeSheet:
    """The unit's 督办通知单 as of the date (its `tasks` empty where nothing is lit: see
    `nothing_lit`). `reply_by` defaults to `reply_date`, the issuer to the office's name;
    `rows`, the unit's lit tasks where already read (`red_units`)."""
    issuer = issuer.strip() or office_name()
    found = lit_items(ledger, unit, as_of) if rows is None else rows
    items = [notice_task(row, as_of) for row in found]
    red = sum(item.light == LABELS[RED] for item in items)
    counts = [
        f"{count}项亮{LABELS[colour]}"
        for count, colour in ((red, RED), (len(items) - red, YELLOW))
        if count
    ]
    subject = bulletin_subject(ledger.title, ledger.year)
    lead = (
        f"截至{chinese_date(as_of)}，你单位承担的{subject}任务中，"
        f"有{'、'.join(counts)}，现予督办。具体如下："
    )
    reply = chinese_date(reply_by or reply_date(as_of))
    request = (
        "请你单位对照督办事由，深入分析原因，制定整改措施，明确完成时间，限期整改，"
        f"并于{reply}前将整改情况书面反馈{issuer}。"
    )
    return NoticeSheet(
        unit=unit.name,
        lead=lead,
        tasks=tuple(items),
        request=request,
        issuer=issuer,
        date=chinese_date(as_of),
        number=number.strip(),
    )
