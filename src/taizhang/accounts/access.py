"""The one permission gate: the only place that decides who may see or change what. Views and
API endpoints ask here; a forbidden object answers like a missing one (404), so nothing
leaks about what exists.

Roles: the office (督查室) may do everything; a unit reporter sees and reports on the tasks of
its units; a leader sees the tasks he or she leads and may comment on them; a viewer reads."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from taizhang.accounts.models import Role
from taizhang.ledger.models import Task
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


def task_scope(user: AnyUser) -> Q | None:
    """The condition on tasks this user may see: an empty Q for all, None for nothing."""
    role = role_of(user)
    if role in (Role.OFFICE, Role.VIEWER):
        return Q()
    if role == Role.REPORTER:
        return Q(unit_links__unit_id__in=unit_ids(user))
    if role == Role.LEADER:
        pid = person_id(user)
        return None if pid is None else Q(leader_links__person_id=pid)
    return None


def visible_tasks(user: AnyUser, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks the user may see (current ones only), from `tasks` or all."""
    tasks = Task.objects.all() if tasks is None else tasks
    scope = task_scope(user)
    if scope is None:
        return tasks.none()
    tasks = tasks.filter(removed_at__isnull=True)
    if scope:
        # A join through the link tables may repeat a task; keep each once.
        tasks = tasks.filter(pk__in=Task.objects.filter(scope).values("pk"))
    return tasks


def visible_reports(user: AnyUser, reports: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """Reports the user may see: those on tasks the user may see (as the task page shows)."""
    reports = Report.objects.all() if reports is None else reports
    return reports.filter(task__in=visible_tasks(user))


def can_see_task(user: AnyUser, task: Task) -> bool:
    """Whether the user may see this task."""
    return visible_tasks(user, Task.objects.filter(pk=task.pk)).exists()


def reportable_unit_ids(user: AnyUser, task: Task) -> list[int]:
    """The units on whose behalf this user may report on this task."""
    mine = set(unit_ids(user))
    return [link.unit_id for link in task.unit_links.all() if link.unit_id in mine]


def can_report(user: AnyUser, task: Task) -> bool:
    """A reporter may report on a task of one of its units."""
    return bool(reportable_unit_ids(user, task))


def can_comment(user: AnyUser, task: Task) -> bool:
    """A leader may comment (批示) on a task he or she leads."""
    pid = person_id(user)
    return pid is not None and any(link.person_id == pid for link in task.leader_links.all())


def can_review(user: AnyUser) -> bool:
    """Accept or return reports, open and close rounds."""
    return is_office(user)


def can_edit_task(user: AnyUser, task: Any = None) -> bool:
    """Edit a task's fields directly."""
    return is_office(user)


def can_read_ledgers(user: AnyUser) -> bool:
    """Any signed-in user with a role may open the ledger pages (scoped to their tasks)."""
    return role_of(user) is not None
