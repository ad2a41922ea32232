"""The one permission gate: the only place that decides who may see or change what. Views and
API endpoints ask here; a forbidden object answers like a missing one (404), so nothing
leaks about what exists.

Roles: the office (督查室) may do everything; a unit reporter sees and reports on the tasks of
its units; a leader sees the tasks he or she leads and may comment on them; a viewer reads.

Sub-items (3-1, （1）, ①) are tasks with a parent. A sub-item is served by its own units, or by
its task's when it names none (likewise its leaders). Whoever may see a sub-item may also see
its task, as the context it belongs to. A task split into sub-items is reported through them:
the task itself takes no report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from taizhang.accounts.models import Role
from taizhang.ledger.models import Task, TaskLeader, TaskUnit
from taizhang.reporting.models import Report

AnyUser = User | AnonymousUser


def role_of(user: AnyUser) -> str | None:
    """The user's role; superusers are the office; anonymous users and users without a
    profile have none."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.OFFICE
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def is_office(user: AnyUser) -> bool:
    """May import and edit ledgers, run rounds, review reports, export."""
    return role_of(user) == Role.OFFICE


def unit_ids(user: AnyUser) -> list[int]:
    """The units a reporter belongs to (none for other roles)."""
    if role_of(user) != Role.REPORTER:
        return []
    # Asked several times a request (scope, forms, checks): read once per user object.
    cached: list[int] | None = getattr(user, "_taizhang_unit_ids", None)
    if cached is None:
        cached = list(user.profile.units.values_list("pk", flat=True))  # type: ignore[union-attr]
        user._taizhang_unit_ids = cached  # type: ignore[union-attr]
    return cached


def person_id(user: AnyUser) -> int | None:
    """The person (牵头领导) a leader account is."""
    if role_of(user) != Role.LEADER:
        return None
    profile = user.profile  # type: ignore[union-attr]
    return int(profile.person_id) if profile.person_id is not None else None


def _served_by(units: list[int]) -> Q:
    """Tasks and sub-items these units serve (a sub-item naming no unit: its task's)."""
    own = Exists(TaskUnit.objects.filter(task=OuterRef("pk")))
    inherited = Q(~own, parent__unit_links__unit_id__in=units)
    return Q(unit_links__unit_id__in=units) | inherited


def _led_by(pid: int) -> Q:
    """Tasks and sub-items this person leads (a sub-item naming no leader: its task's)."""
    own = Exists(TaskLeader.objects.filter(task=OuterRef("pk")))
    inherited = Q(~own, parent__leader_links__person_id=pid)
    return Q(leader_links__person_id=pid) | inherited


def task_scope(user: AnyUser) -> Q | None:
    """The condition on tasks this user serves or leads: an empty Q for all, None for
    nothing (`visible_tasks` adds the tasks of those sub-items)."""
    role = role_of(user)
    if role in (Role.OFFICE, Role.VIEWER):
        return Q()
    if role == Role.REPORTER:
        return _served_by(unit_ids(user))
    if role == Role.LEADER:
        pid = person_id(user)
        return None if pid is None else _led_by(pid)
    return None


def visible_tasks(user: AnyUser, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks and sub-items the user may see (current ones only), from `tasks` or all: those
    in `task_scope`, and the task of each such sub-item."""
    tasks = Task.objects.all() if tasks is None else tasks
    scope = task_scope(user)
    if scope is None:
        return tasks.none()
    tasks = tasks.filter(removed_at__isnull=True)
    if scope:
        # A join through the link tables may repeat a task; keep each once.
        mine = Task.objects.filter(scope)
        parents = mine.filter(parent__isnull=False, removed_at__isnull=True)
        tasks = tasks.filter(Q(pk__in=mine.values("pk")) | Q(pk__in=parents.values("parent_id")))
    return tasks


def visible_reports(user: AnyUser, reports: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """Reports the user may see: those on tasks the user may see (as the task page shows)."""
    reports = Report.objects.all() if reports is None else reports
    return reports.filter(task__in=visible_tasks(user))


def can_see_task(user: AnyUser, task: Task) -> bool:
    """Whether the user may see this task."""
    return visible_tasks(user, Task.objects.filter(pk=task.pk)).exists()


def serving_unit_links(task: Task) -> list[TaskUnit]:
    """The units that serve a task: its own, or, for a sub-item naming none, its task's
    (from prefetched `unit_links` and `parent__unit_links` when the caller loaded them)."""
    links = list(task.unit_links.all())
    if not links and task.parent_id is not None:
        links = list(task.parent.unit_links.all())  # type: ignore[union-attr]
    return links


def serving_leader_links(task: Task) -> list[TaskLeader]:
    """The leaders of a task: its own, or, for a sub-item naming none, its task's."""
    links = list(task.leader_links.all())
    if not links and task.parent_id is not None:
        links = list(task.parent.leader_links.all())  # type: ignore[union-attr]
    return links


def is_split(task: Task) -> bool:
    """Whether a task is split into (current) sub-items, and so takes no report itself."""
    if task.parent_id is not None:
        return False
    return task.subitems.filter(removed_at__isnull=True).exists()


def reportable_unit_ids(user: AnyUser, task: Task) -> list[int]:
    """The units on whose behalf this user may report on this task or sub-item."""
    mine = set(unit_ids(user))
    return [link.unit_id for link in serving_unit_links(task) if link.unit_id in mine]


def can_report(user: AnyUser, task: Task) -> bool:
    """A reporter may report on a task or sub-item of one of its units; not on a task split
    into sub-items (each sub-item is reported on instead)."""
    if not reportable_unit_ids(user, task):
        return False
    return not is_split(task)


class UnitChoiceError(ValueError):
    """The unit a report is for is missing or not the reporter's (message in Chinese)."""


def report_unit_id(user: AnyUser, task: Task, requested: int | None) -> int:
    """The unit this user reports for on this task, one rule for the web and the API: the
    unit named, which must be one of the user's units serving the task; with none named, the
    only such unit. A reporter serving the task with several units must name one: nothing is
    taken silently. Raises `UnitChoiceError` otherwise."""
    mine = reportable_unit_ids(user, task)
    if requested is not None:
        if requested not in mine:
            raise UnitChoiceError(_("您不能代表该单位报送这项任务"))
        return requested
    if len(mine) > 1:
        raise UnitChoiceError(_("您属于多个责任单位，请选择报送单位"))
    if not mine:
        raise UnitChoiceError(_("您不能代表该单位报送这项任务"))
    return mine[0]


def can_comment(user: AnyUser, task: Task) -> bool:
    """A leader may comment (批示) on a task (or sub-item) he or she leads."""
    pid = person_id(user)
    return pid is not None and any(link.person_id == pid for link in serving_leader_links(task))


def can_review(user: AnyUser) -> bool:
    """Accept or return reports, open and close rounds."""
    return is_office(user)


def can_edit_task(user: AnyUser, task: Any = None) -> bool:
    """Edit a task's fields directly."""
    return is_office(user)


def can_read_ledgers(user: AnyUser) -> bool:
    """Any signed-in user with a role may open the ledger pages (scoped to their tasks)."""
    return role_of(user) is not None
