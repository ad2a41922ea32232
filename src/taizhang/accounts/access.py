"""The one permission gate: the only place that decides who may see or change what. Views and
API endpoints ask here; a forbidden object answers like a missing one (404), so nothing
leaks about what exists.

Roles: the office (督查室) may do everything; a unit reporter sees and reports on the tasks of
its units; a leader sees the tasks he or she leads and may comment on them; a viewer reads.

Sub-items (3-1, （1）, ①) are tasks with a parent. A sub-item is served by its own units, or by
its task's when it names none (likewise its leaders). Whoever may see a sub-item may also see
its task, as the context it belongs to. A task split into sub-items is reported through them:
the task itself takes no report.

Fetching one object for a user is `access_ledger`, `access_task`, `access_round`,
`access_report`, `access_attachment`, `access_export_job`, `access_import_job` and
`access_account` (after Zulip's
`access_stream_by_id`): the object, or the same `Http404` whether it is missing or forbidden.
Callers pass their own queryset to load what they show; the scope is always applied here."""

from __future__ import annotations

from typing import Any, NamedTuple, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from taizhang.accounts.models import Role
from taizhang.ledger.models import ImportJob, Ledger, Task, TaskLeader, TaskUnit, Unit
from taizhang.prepared import Prepared, id_list
from taizhang.reporting.models import Attachment, ExportJob, Report, Round, snapshot_deferred
from taizhang.reporting.snapshots import snapshot_keys_of

AnyUser = User | AnonymousUser
M = TypeVar("M", bound=Model)
B = TypeVar("B", bound=Model)  # a bulletin (supervision sits above this gate)
N = TypeVar("N", bound=Model)  # a notification (notify sits above this gate)


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


def _unit_ids(profile_id: int) -> QuerySet[Unit, tuple[int]]:
    return Unit.objects.filter(members=profile_id).values_list("pk")  # by name, as `units`


# Compiled once (`Prepared`): the related manager built and compiled it each request.
_UNIT_IDS = Prepared(_unit_ids)


def unit_ids(user: AnyUser) -> list[int]:
    """The units a reporter belongs to (none for other roles)."""
    if role_of(user) != Role.REPORTER:
        return []
    # Asked several times a request (scope, forms, checks): read once per user object.
    cached: list[int] | None = getattr(user, "_taizhang_unit_ids", None)
    if cached is None:
        profile = user.profile  # type: ignore[union-attr]
        cached = [pk for (pk,) in _UNIT_IDS.rows(profile.pk)]
        user._taizhang_unit_ids = cached  # type: ignore[union-attr]
    return cached


def person_id(user: AnyUser) -> int | None:
    """The person (牵头领导) a leader account is."""
    if role_of(user) != Role.LEADER:
        return None
    profile = user.profile  # type: ignore[union-attr]
    return int(profile.person_id) if profile.person_id is not None else None


def _served_by(units: list[int]) -> Q:
    """Tasks and sub-items these units serve (a sub-item naming no unit: its task's), as
    subqueries on the link table rather than joins (no repeated rows to drop)."""
    linked = TaskUnit.objects.filter(unit_id__in=units).values("task_id")
    own = Exists(TaskUnit.objects.filter(task=OuterRef("pk")))
    return Q(pk__in=linked) | Q(~own, parent_id__in=linked)


def _led_by(pid: int) -> Q:
    """Tasks and sub-items this person leads (a sub-item naming no leader: its task's)."""
    linked = TaskLeader.objects.filter(person_id=pid).values("task_id")
    own = Exists(TaskLeader.objects.filter(task=OuterRef("pk")))
    return Q(pk__in=linked) | Q(~own, parent_id__in=linked)


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


def sees_all_tasks(user: AnyUser) -> bool:
    """Whether the user may see every current task (the office, a viewer): a count of all of
    them is then a count of what the user sees: those whose `task_scope` is all (asked of
    the role, without building the other roles' scopes)."""
    return role_of(user) in (Role.OFFICE, Role.VIEWER)


def visible_tasks(user: AnyUser, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """Tasks and sub-items the user may see (current ones only), from `tasks` or all: those
    in `task_scope`, and the task of each such sub-item."""
    tasks = Task.objects.all() if tasks is None else tasks
    scope = task_scope(user)
    if scope is None:
        return tasks.none()
    return _within(tasks, scope)


def _within(tasks: QuerySet[Task], scope: Q) -> QuerySet[Task]:
    """The current ones of `tasks` in `scope` (`task_scope`), and the task of each such
    sub-item."""
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


def listed_reports(user: AnyUser, reports: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """The reports a user's list shows: a reporter's, its own units' (the task page still
    shows other units' reports on a joint task); everyone else's, all they may see."""
    reports = visible_reports(user, reports)
    if role_of(user) == Role.REPORTER:
        return reports.filter(unit_id__in=unit_ids(user))
    return reports


def visible_ledgers(user: AnyUser, ledgers: QuerySet[Ledger] | None = None) -> QuerySet[Ledger]:
    """Ledgers the user may open (from `ledgers` or all): for a reporter, those where one of
    its units serves a current task (another ledger's very title is not its business); every
    ledger for another user with a role, whose pages then show only the tasks the user may
    see; none for others."""
    ledgers = Ledger.objects.all() if ledgers is None else ledgers
    if not can_read_ledgers(user):
        return ledgers.none()
    if role_of(user) == Role.REPORTER:
        return ledgers.filter(pk__in=visible_tasks(user).values("ledger_id"))
    return ledgers


def visible_rounds(user: AnyUser, rounds: QuerySet[Round] | None = None) -> QuerySet[Round]:
    """Rounds of the ledgers the user may open (`visible_ledgers`)."""
    rounds = Round.objects.all() if rounds is None else rounds
    if not can_read_ledgers(user):
        return rounds.none()
    if role_of(user) == Role.REPORTER:
        return rounds.filter(ledger__in=visible_ledgers(user))
    return rounds


def _one(found: QuerySet[M] | Prepared, pk: int) -> M:
    """The object with this id among those found (or that a query of one id, `Prepared`,
    finds), or 404: forbidden and missing alike."""
    if isinstance(found, Prepared):
        item: M | None = next(iter(found.objects(pk)), None)
    else:
        item = found.filter(pk=pk).first()
    if item is None:
        raise Http404(_("未找到，或您无权查看"))
    return item


def access_ledger(user: AnyUser, ledger_id: int, ledgers: QuerySet[Ledger] | None = None) -> Ledger:
    """The ledger with this id if the user may open it (from `ledgers`, to load more), or 404."""
    return _one(visible_ledgers(user, ledgers), ledger_id)


# The most task ids a page's queries name as a list (SQLite allows 32,766 parameters); a
# user who sees more has them as the scope's subquery.
IDS_LIMIT = 20000


class Visible(NamedTuple):
    """A current task or sub-item a user sees, as `access_ledger_rows` gives it: its id, its
    task's (None for a task) and its place in the document."""

    pk: int
    parent_id: int | None
    order: int


def access_ledger_tasks(
    user: AnyUser, ledger_id: int, ledgers: QuerySet[Ledger] | Prepared | None = None
) -> tuple[Ledger, list[int] | None]:
    """The ledger with this id if the user may open it (`access_ledger`), with the ids of its
    current tasks and sub-items the user may see (`visible_tasks`), or 404: None for a user
    who sees them all (`sees_all_tasks`). The ids are read by one plain query, so that a
    page's queries name them as a list (`ledger_scope`) rather than each repeating the
    scope's subqueries; for a reporter that query also decides whether it may open the
    ledger (one of its units serves a task of it, as `visible_ledgers`)."""
    ledger, rows = access_ledger_rows(user, ledger_id, ledgers)
    return ledger, None if rows is None else [row.pk for row in rows]


def access_ledger_rows(
    user: AnyUser, ledger_id: int, ledgers: QuerySet[Ledger] | Prepared | None = None
) -> tuple[Ledger, list[Visible] | None]:
    """`access_ledger_tasks`, each task the user sees with its task and place (`Visible`),
    from the same query: enough to count them and pick a page of them without asking the
    database again. `ledgers` may be a `Prepared` query of a ledger by its id."""
    ledgers = Ledger.objects.all() if ledgers is None else ledgers
    if sees_all_tasks(user):
        return _one(ledgers, ledger_id), None  # every ledger, as `visible_ledgers`
    # The ledger is picked here, not in the query: SQLite, asked for the ledger too, walked
    # its index over every task of the ledger (4.3 ms at 10,000) instead of the scope's.
    rows = [
        Visible(pk, parent, order)
        for pk, ledger, parent, order in _visible_ids(user)
        if ledger == ledger_id
    ]
    # `visible_ledgers`: a reporter's, where one of its units serves a current task; every
    # ledger for another user with a role.
    if not (rows if role_of(user) == Role.REPORTER else can_read_ledgers(user)):
        raise Http404(_("未找到，或您无权查看"))
    return _one(ledgers, ledger_id), rows


_VISIBLE_FIELDS = ("pk", "ledger_id", "parent_id", "order")


def _served_ids(units: list[int]) -> QuerySet[Task, tuple[int, int, int | None, int]]:
    """`_within(tasks, _served_by(units))` written for SQLite to answer sooner (1.0 -> 0.75 ms
    for a unit's 455 tasks of 10,000): the scope is asked of the tasks themselves, not of a
    subquery of tasks each then found again by its id; and a task is added for its current
    sub-items that a unit serves by name only, since one that names no unit is served
    through its task, which is then served itself."""
    linked = TaskUnit.objects.filter(unit_id__in=units).values("task_id")
    named = Task.objects.filter(pk__in=linked, parent__isnull=False, removed_at__isnull=True)
    current = Task.objects.filter(removed_at__isnull=True)
    served = current.filter(_served_by(units) | Q(pk__in=named.values("parent_id")))
    return served.order_by().values_list(*_VISIBLE_FIELDS)


# The reporters' query, compiled once for each number of units (it cost 1 ms a request).
_SERVED_IDS = Prepared(_served_ids)


def _visible_ids(user: AnyUser) -> list[tuple[int, int, int | None, int]]:
    """The (id, ledger id, parent id, order) of every current task and sub-item the user sees
    (`visible_tasks`), one query (none for a reporter with no unit)."""
    if role_of(user) != Role.REPORTER:
        return list(visible_tasks(user).order_by().values_list(*_VISIBLE_FIELDS))
    units = unit_ids(user)
    return _SERVED_IDS.rows(units) if units else []


def current_tasks(ledger_id: int, tasks: QuerySet[Task] | None = None) -> QuerySet[Task]:
    """The ledger's current tasks and sub-items (from `tasks` or all): what a user for whom
    `access_ledger_tasks` gave None sees of it."""
    return (Task.objects.all() if tasks is None else tasks).filter(
        ledger_id=ledger_id, removed_at__isnull=True
    )


def ledger_scope(
    user: AnyUser, ledger_id: int, ids: list[int] | None, tasks: QuerySet[Task] | None = None
) -> QuerySet[Task]:
    """The ledger's current tasks (from `tasks` or all) among `ids`, what
    `access_ledger_tasks` gave this user: `visible_tasks` of the ledger, with the ids named
    as a list (as the scope's subquery beyond IDS_LIMIT of them)."""
    if ids is None:
        return current_tasks(ledger_id, tasks)
    tasks = (Task.objects.all() if tasks is None else tasks).filter(ledger_id=ledger_id)
    if len(ids) > IDS_LIMIT:
        return visible_tasks(user, tasks)
    return tasks.filter(pk__in=id_list(ids, tasks.db))


def access_task(
    user: AnyUser, task_id: int, tasks: QuerySet[Task] | Prepared | None = None
) -> Task:
    """The task or sub-item with this id if the user may see it (from `tasks`), or 404. A
    reporter's task is read by its id alone and `visible_tasks`' rule checked on it
    (`_reporter_sees`): compiling and running the scope's subqueries for one task cost
    4-5 ms of a report's 20 at 10,000 tasks. `tasks` may be a `Prepared` query of a task by
    its id, whatever its state: the rule is then checked on the task it reads
    (`_task_seen`)."""
    if isinstance(tasks, Prepared):
        return _task_seen(user, _one(tasks, task_id))
    if role_of(user) != Role.REPORTER:
        return _one(visible_tasks(user, tasks), task_id)
    tasks = Task.objects.all() if tasks is None else tasks
    task = _one(tasks.filter(removed_at__isnull=True), task_id)
    if not _reporter_sees(unit_ids(user), task):
        raise Http404(_("未找到，或您无权查看"))
    return task


def _task_seen(user: AnyUser, task: Task) -> Task:
    """The task, if the user may see it (`visible_tasks`' rule on this one task), or 404."""
    if task.removed_at is not None:
        raise Http404(_("未找到，或您无权查看"))
    if role_of(user) == Role.REPORTER:
        seen = _reporter_sees(unit_ids(user), task)
    else:
        seen = visible_tasks(user, Task.objects.filter(pk=task.pk)).exists()
    if not seen:
        raise Http404(_("未找到，或您无权查看"))
    return task


def _reporter_sees(units: list[int], task: Task) -> bool:
    """`visible_tasks` for a reporter of these units, on one current task: the units serve
    it (`serving_unit_links`, from the caller's prefetch when it made one), or serve one of
    its current sub-items through a link of the sub-item's own (one naming none is served
    by the task's units, which then serve the task itself)."""
    mine = set(units)
    if any(link.unit_id in mine for link in serving_unit_links(task)):
        return True
    subitems = TaskUnit.objects.filter(
        unit_id__in=units, task__parent_id=task.pk, task__removed_at__isnull=True
    )
    return subitems.exists()


def access_round(user: AnyUser, round_id: int, rounds: QuerySet[Round] | None = None) -> Round:
    """The round with this id if the user may open its ledger (from `rounds`), or 404."""
    return _one(visible_rounds(user, rounds), round_id)


def access_report(user: AnyUser, report_id: int, reports: QuerySet[Report] | None = None) -> Report:
    """The report with this id if the user may see its task (from `reports`), or 404."""
    return _one(visible_reports(user, reports), report_id)


def access_attachment(user: AnyUser, attachment_id: int) -> Attachment:
    """The attachment with this id if the user may see its report's task, or 404."""
    found = Attachment.objects.filter(report__task__in=visible_tasks(user))
    return _one(found.select_related("report"), attachment_id)


def access_export_job(user: AnyUser, job_id: int) -> ExportJob:
    """A background export with this id for the user who asked for it, or for the office (who
    may export anything); 404 for anyone else. Its file holds the ledger as its creator could
    see it, so it is not anyone else's to read."""
    jobs = ExportJob.objects.select_related("ledger", "round").defer(*snapshot_deferred("round__"))
    if not is_office(user):
        jobs = jobs.filter(created_by_id=user.pk) if user.is_authenticated else jobs.none()
    return _one(jobs, job_id)


def access_import_job(user: AnyUser, job_id: int) -> ImportJob:
    """A background import with this id for the user who started it, or for the office (who
    may import anything); 404 for anyone else. The job's row alone: its page, polled while
    the import holds the ledger tables in its transaction, reads no other table."""
    jobs = ImportJob.objects.all()
    if not is_office(user):
        jobs = jobs.filter(created_by_id=user.pk) if user.is_authenticated else jobs.none()
    return _one(jobs, job_id)


def visible_bulletins(user: AnyUser, bulletins: QuerySet[B]) -> QuerySet[B]:
    """The bulletins (督查通报) a user may read, of `bulletins`: the office all, drafts
    included; a viewer every issued one; the issued ones of a ledger where the reporter's
    units serve, or the leader leads, a current task (a bulletin is addressed to 各责任单位、
    各牵头领导); anyone else none."""
    if is_office(user):
        return bulletins
    issued = bulletins.filter(issued_at__isnull=False)
    if role_of(user) == Role.VIEWER:
        return issued
    scope = task_scope(user)
    if not scope:  # None: nothing; an empty Q is only the office's and viewers'
        return issued.none()
    addressed = Task.objects.filter(scope, removed_at__isnull=True)
    return issued.filter(ledger__in=addressed.values("ledger_id"))


def visible_notifications(user: AnyUser, notifications: QuerySet[N]) -> QuerySet[N]:
    """The notifications (of `notifications`, from `notify`, which sits above this gate) a
    user may read: his or her own; none for no one signed in."""
    if not user.is_authenticated:
        return notifications.none()
    return notifications.filter(user_id=user.pk)


def access_notification(user: AnyUser, notification_id: int, notifications: QuerySet[N]) -> N:
    """The user's own notification with this id (of `notifications`), or 404."""
    return _one(visible_notifications(user, notifications), notification_id)


def visible_snapshot_keys(user: AnyUser, round_: Round) -> set[str] | None:
    """The entries of a closed round's snapshot this user may see, by their key in it: None
    for all (the office sees the ledger as it stood, removed tasks and entries of no known
    task too); else those whose task, by id (`Round.snapshot_ids`), the user may see now."""
    if is_office(user):
        return None
    mine = visible_tasks(user).filter(ledger_id=round_.ledger_id)
    return snapshot_keys_of(round_, set(mine.values_list("pk", flat=True)))


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


def _current_subitem(task_id: int) -> QuerySet[Task, tuple[int]]:
    current = Task.objects.filter(parent_id=task_id, removed_at__isnull=True)
    return current.order_by().values_list("pk")[:1]


# Compiled once (`Prepared`): asked on every report sent.
_CURRENT_SUBITEM = Prepared(_current_subitem)


def is_split(task: Task) -> bool:
    """Whether a task is split into (current) sub-items, and so takes no report itself."""
    if task.parent_id is not None:
        return False
    return bool(_CURRENT_SUBITEM.rows(task.pk))


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


def require_office(user: AnyUser) -> None:
    """The office's pages and actions: anyone else gets the 404 of something missing."""
    if not is_office(user):
        raise Http404(_("未找到，或您无权查看"))


def can_check_figures(user: AnyUser, task: Task) -> bool:
    """Confirm or correct the figures read from a task's text (an uncertain bar): the office
    only, and not on a removed task."""
    if task.removed_at is not None:
        return False
    return is_office(user)


def can_export(user: AnyUser, layout: str = "ledger") -> bool:
    """Whether the user may export a ledger in `layout` (`documents.writers.LAYOUTS`): the
    office in any; a unit's reporter its own tasks (those `visible_tasks` gives it), as the
    ledger itself: the per-unit zip and the 领导分管 version are the office's."""
    if is_office(user):
        return True
    return role_of(user) == Role.REPORTER and layout == "ledger"


def can_review(user: AnyUser) -> bool:
    """Accept or return reports, open and close rounds."""
    return is_office(user)


def can_send_notice(user: AnyUser) -> bool:
    """Make a unit's 督办通知单 (the dashboard's link and the download): the office only; a
    unit reads its lights on its own pages, and a leader or viewer issues nothing."""
    return is_office(user)


def can_edit_task(user: AnyUser, task: Any = None) -> bool:
    """Edit a task's fields directly."""
    return is_office(user)


def can_read_audit_log(user: AnyUser) -> bool:
    """The audit trail (its page and export) is the office's to read; no one changes it."""
    return is_office(user)


def can_see_backups(user: AnyUser) -> bool:
    """The last successful backup and the warning when it is old (the home page): the office
    keeps the installation running."""
    return is_office(user)


def can_see_failed_deliveries(user: AnyUser) -> bool:
    """How many deliveries of notifications failed (the home page): the office's to retry."""
    return is_office(user)


def can_read_ledgers(user: AnyUser) -> bool:
    """Any signed-in user with a role may open the ledger pages (scoped to their tasks)."""
    return role_of(user) is not None


def can_manage_account(actor: AnyUser, target: User) -> bool:
    """Whether the actor may edit, reset the password of, deactivate or reactivate the target
    account: the office may, but a superuser (the sysadmin, with the whole /admin/) is managed
    by a superuser only, so no office account can take it over."""
    if not is_office(actor):
        return False
    if target.is_superuser:
        return actor.is_superuser
    return True


def access_account(actor: AnyUser, user_id: int, users: QuerySet[User] | None = None) -> User:
    """The account with this id if the actor may manage it (`can_manage_account`, from
    `users`), or the same 404 whether it is missing or forbidden."""
    users = User.objects.all() if users is None else users
    target = users.filter(pk=user_id).first()
    if target is None or not can_manage_account(actor, target):
        raise Http404(_("未找到，或您无权查看"))
    return target


def password_change_pending(user: AnyUser) -> bool:
    """A signed-in user whose password the office set (a new account, a reset) and who has
    not changed it yet: nothing opens but the password change (and signing out)."""
    if not user.is_authenticated:
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.must_change_password
