"""The events that notify people, each to exactly those concerned, as notifications in the
bell (`services.notifications_create`: one insert per event, then the outside channels).
Receivers of the reporting and supervision signals (connected in `apps.NotifyConfig.ready`);
`tasks_red_notify` is also the daily schedule's (`schedule.red_tasks_check`).

They run inside the service's transaction: a notification exists exactly when its event
does (a round whose opening is rolled back notified no one; an event committed always has
its notifications, with no window in which a crash after the commit loses them)."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.access import serving_leader_links, serving_unit_links
from taizhang.ledger.models import Task, TaskLeader, TaskUnit
from taizhang.notify.models import Event, Notification
from taizhang.notify.recipients import leader_accounts, reporters_of, unit_reporters
from taizhang.notify.services import notifications_create
from taizhang.reporting.models import Comment, Report, ReportState, Round, snapshot_deferred
from taizhang.reporting.selectors import missing_units
from taizhang.supervision.bulletin import chinese_date, short_goal
from taizhang.supervision.lights import ALWAYS
from taizhang.supervision.models import Bulletin
from taizhang.supervision.naming import bulletin_units
from taizhang.supervision.selectors import display_number

BATCH = 500  # red tasks told at a time


def _send(
    users: Iterable[int], event: str, title: str, body: str, link: str, dedup_key: str = ""
) -> list[Notification]:
    """The same notification to each of these users (each once)."""
    now = timezone.now()
    notes = [
        Notification(
            user_id=user_id,
            event=event,
            title=title[:200],
            body=body,
            link=link,
            created_at=now,
            dedup_key=dedup_key,
        )
        for user_id in dict.fromkeys(users)
    ]
    return notifications_create(notifications=notes) if notes else []


def on_round_opened(sender: object, *, round_: Round, **kwargs: Any) -> None:
    """A round opened: the reporters of every unit with a task or sub-item to report on."""
    units = [unit.pk for unit in missing_units(round_)]
    title = _("报送轮次已开启：%(round)s") % {"round": round_.name}
    body = _("《%(ledger)s》%(round)s报送已开启，请于%(due)s前报送本单位负责任务的进展。") % {
        "ledger": round_.ledger.title,
        "round": round_.name,
        "due": chinese_date(round_.due_date),
    }
    link = reverse("web:my_tasks", args=[round_.ledger_id])
    _send(reporters_of(units), Event.ROUND_OPENED, title, body, link)


def on_report_reviewed(sender: object, *, report: Report, **kwargs: Any) -> None:
    """A report accepted or returned: its reporter (the account that submitted it)."""
    if report.author_id is None:
        return
    report = (
        Report.objects.select_related("task__parent", "round", "unit", "author").defer(
            *snapshot_deferred("round__")
        )
    ).get(pk=report.pk)
    if not report.author or not report.author.is_active:
        return
    number = display_number(report.task)
    words = {"n": number, "round": report.round.name, "unit": report.unit.name}
    if report.state == ReportState.RETURNED:
        event = Event.REPORT_RETURNED
        title = _("报送被退回：任务 %(n)s") % words
        body = _("%(unit)s在%(round)s关于任务 %(n)s 的报送被退回，请修改后重新报送。") % words
        body += "\n" + _("退回意见：%(comment)s") % {"comment": report.review_comment}
    else:
        event = Event.REPORT_ACCEPTED
        title = _("报送已采纳：任务 %(n)s") % words
        body = _("%(unit)s在%(round)s关于任务 %(n)s 的报送已采纳，台账已更新。") % words
        if report.review_comment:
            body += "\n" + _("审核意见：%(comment)s") % {"comment": report.review_comment}
    link = reverse("web:task_detail", args=[report.task_id])
    _send([report.author.pk], event, title, body, link)


def on_comment_added(sender: object, *, comment: Comment, **kwargs: Any) -> None:
    """A 批示 on a task: the reporters of the units serving it."""
    task = _tasks([comment.task_id])[0]
    units = [link.unit_id for link in serving_unit_links(task)]
    author = comment.author
    name = ""
    if author is not None:
        profile = getattr(author, "profile", None)
        name = (profile.display_name if profile else "") or author.get_username()
    number = display_number(task)
    title = _("领导批示：任务 %(n)s") % {"n": number}
    body = _("%(name)s对任务 %(n)s（%(goal)s）作出批示：%(text)s") % {
        "name": name or _("领导"),
        "n": number,
        "goal": short_goal(task.goal),
        "text": comment.text,
    }
    link = reverse("web:task_detail", args=[task.pk])
    _send(reporters_of(units), Event.COMMENTED, title, body, link)


def on_bulletin_issued(sender: object, *, bulletin: Bulletin, **kwargs: Any) -> None:
    """A bulletin issued: the reporters of the units it names."""
    units = [unit.pk for unit in bulletin_units(bulletin)]
    title = _("督查通报已印发：%(title)s") % {"title": bulletin.title}
    body = _("督查室印发了%(title)s，其中提到本单位，请查阅。") % {"title": bulletin.title}
    link = reverse("web:bulletin_detail", args=[bulletin.pk])
    _send(reporters_of(units), Event.BULLETIN_ISSUED, title, body, link)


def on_tasks_turned_red(
    sender: object, *, ledger_id: int, red: list[tuple[int, datetime.date]], **kwargs: Any
) -> None:
    """`supervision.signals.tasks_turned_red`: see `tasks_red_notify` (in batches: an import
    may turn thousands red at once)."""
    for start in range(0, len(red), BATCH):
        tasks_red_notify(red[start : start + BATCH])


def tasks_red_notify(red: Collection[tuple[int, datetime.date]]) -> list[Notification]:
    """Tasks or sub-items turned red (each with the date it did): their leaders' accounts and
    their units' reporters, once per red episode (the key names the task and `_episode`)."""
    red_from = dict(red)
    tasks = _tasks(list(red_from))
    units = {t.pk: [link.unit_id for link in serving_unit_links(t)] for t in tasks}
    reporters = unit_reporters({unit for found in units.values() for unit in found})
    leaders = leader_accounts({link.person_id for t in tasks for link in serving_leader_links(t)})
    now = timezone.now()
    notes = []
    for task in tasks:
        since = red_from[task.pk]
        users = [u for unit in units[task.pk] for u in reporters.get(unit, [])]
        users += [u for link in serving_leader_links(task) for u in leaders.get(link.person_id, [])]
        title, body = _red_words(task, since)
        notes += [
            Notification(
                user_id=user_id,
                event=Event.TASK_RED,
                title=title,
                body=body,
                link=reverse("web:task_detail", args=[task.pk]),
                created_at=now,
                dedup_key=f"red:{task.pk}:{_episode(since).isoformat()}",
            )
            for user_id in dict.fromkeys(users)
        ]
    return notifications_create(notifications=notes) if notes else []


def _episode(since: datetime.date) -> datetime.date:
    """What tells a red episode from the next: the day it turned red; for a task red by its
    status (滞后, red on every day) the day it was found, so that one set lagging again
    after it was not is told again."""
    return timezone.localdate() if since == ALWAYS else since


def _red_words(task: Task, since: datetime.date) -> tuple[str, str]:
    number = display_number(task)
    title = _("任务亮红灯：任务 %(n)s") % {"n": number}
    goal = short_goal(task.goal)
    if since == ALWAYS:
        body = _("任务 %(n)s（%(goal)s）进展滞后，已亮红灯。") % {"n": number, "goal": goal}
    else:
        body = _("任务 %(n)s（%(goal)s）自%(day)s起亮红灯。") % {
            "n": number,
            "goal": goal,
            "day": chinese_date(since),
        }
    return title, body


def _tasks(task_ids: list[int]) -> list[Task]:
    """These tasks with their parents and the links that say who serves and leads them."""
    return list(
        Task.objects.filter(pk__in=task_ids)
        .select_related("parent")
        .prefetch_related(
            Prefetch("unit_links", queryset=TaskUnit.objects.all()),
            Prefetch("parent__unit_links", queryset=TaskUnit.objects.all()),
            Prefetch("leader_links", queryset=TaskLeader.objects.all()),
            Prefetch("parent__leader_links", queryset=TaskLeader.objects.all()),
        )
        .order_by("pk")
    )
