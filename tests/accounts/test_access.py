"""accounts.access with sub-items: a sub-item is served by its own units (or its task's when it
names none) and led likewise; who may see a sub-item may see its task; a task split into
sub-items takes no report."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from taizhang.accounts import access
from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.import_jobs import import_job_create
from taizhang.ledger.models import Ledger, Person, Task, TaskLeader, TaskUnit, Unit
from taizhang.prepared import Prepared
from taizhang.reporting.exports import export_job_create
from taizhang.reporting.models import Attachment, Report, Round
from taizhang.reporting.services import report_submit
from tests.api import open_cycle
from tests.factories import PASSWORD, World
from tests.web.subitems import housing_reporter, split_task_3, subitem

pytestmark = pytest.mark.django_db


def visible(user: object, *tasks: Task) -> list[bool]:
    found = set(access.visible_tasks(user).values_list("pk", flat=True))  # type: ignore[arg-type]
    return [task.pk in found for task in tasks]


def loaded(task: Task) -> Task:
    return (
        Task.objects.select_related("parent")
        .prefetch_related(
            "unit_links", "leader_links", "parent__unit_links", "parent__leader_links"
        )
        .get(pk=task.pk)
    )


def test_a_reporter_sees_its_sub_items_and_their_task(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert visible(world.water, split.task, split.first, split.second, split.inheriting) == [
        True,
        True,
        False,
        True,
    ]
    housing = housing_reporter()
    assert visible(housing, split.task, split.first, split.second, split.inheriting) == [
        True,  # the context of 3-2
        False,
        True,
        False,
    ]
    assert visible(world.health, split.task) == [False]


@pytest.mark.parametrize("removed", ["none", "named", "inheriting", "task"])
def test_a_reporters_ids_are_its_visible_tasks(world: World, removed: str) -> None:
    # The reporters' ids query (`_visible_ids`) is written apart from `visible_tasks` for
    # speed: the same tasks, with sub-items served by name (3-1, 3-2: whose task 3 the
    # other unit does not serve) or through their task (（3）), and when one is removed.
    split = split_task_3(world, inheriting=True)
    gone = {"none": None, "named": split.second, "inheriting": split.inheriting}.get(
        removed, split.task
    )
    if gone is not None:
        Task.objects.filter(pk=gone.pk).update(removed_at=world.ledger.imported_at)
    for user in (world.water, world.health, housing_reporter()):
        mine = set(access.visible_tasks(user).values_list("pk", flat=True))
        assert mine  # each reporter sees some
        assert {pk for pk, *_rest in access._visible_ids(user)} == mine


def test_a_removed_sub_item_no_longer_opens_its_task(world: World) -> None:
    split = split_task_3(world)
    Task.objects.filter(pk=split.second.pk).update(removed_at=world.ledger.imported_at)
    assert visible(housing_reporter(), split.task, split.second) == [False, False]


def test_only_sub_items_take_reports_where_a_task_is_split(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert not access.can_report(world.water, loaded(split.task))
    assert access.can_report(world.water, loaded(split.first))
    assert not access.can_report(world.water, loaded(split.second))
    assert access.can_report(world.water, loaded(split.inheriting))  # type: ignore[arg-type]
    assert access.reportable_unit_ids(world.water, loaded(split.inheriting)) == [  # type: ignore[arg-type]
        world.water.profile.units.get().pk  # type: ignore[attr-defined]
    ]
    assert access.is_split(split.task) and not access.is_split(split.first)


def test_a_leader_leads_the_sub_items_naming_no_leader_and_those_naming_him(world: World) -> None:
    task = Task.objects.get(ledger=world.ledger, number=8, parent=None)  # 李拴根's
    own = subitem(task, 1, "改造老旧小区：城区", unit="住建局", leader="谭江")
    inherited = subitem(task, 2, "改造老旧小区：镇区", unit="住建局")
    other = Task.objects.get(ledger=world.ledger, number=3, parent=None)  # 侯波's
    named = subitem(other, 1, "北部供水", unit="水利局", leader="李拴根")
    assert visible(world.leader, own, inherited, named, other) == [False, True, True, True]
    assert access.can_comment(world.leader, loaded(inherited))
    assert access.can_comment(world.leader, loaded(named))
    assert not access.can_comment(world.leader, loaded(other))
    assert not access.can_comment(world.leader, loaded(own))


# --- the gate, one branch a case ---------------------------------------------------------------

ROLE_USERS = ("office", "water", "health", "leader", "viewer")


def superuser() -> User:
    return User.objects.create_superuser("root", password=PASSWORD)


def no_profile() -> User:
    return User.objects.create_user("bare", password=PASSWORD)


def lost_leader() -> User:
    """A leader account whose person was never set."""
    return account_create(username="lost", password=PASSWORD, role=Role.LEADER)


def two_unit_reporter(world: World) -> tuple[User, Task, Unit, Unit]:
    """A reporter of 水利局 and 卫健委, and task 3 made joint: served by both."""
    water, health = Unit.objects.get(name="水利局"), Unit.objects.get(name="卫健委")
    task = world.task(3)
    TaskUnit.objects.create(task=task, unit=health, role="cooperating")
    user = account_create(
        username="both", password=PASSWORD, role=Role.REPORTER, units=[water, health]
    )
    return user, loaded(task), water, health


def test_role_of_each_kind_of_user(world: World) -> None:
    assert [access.role_of(getattr(world, name)) for name in ROLE_USERS] == [
        Role.OFFICE,
        Role.REPORTER,
        Role.REPORTER,
        Role.LEADER,
        Role.VIEWER,
    ]
    assert access.role_of(AnonymousUser()) is None
    assert access.role_of(superuser()) == Role.OFFICE
    assert access.role_of(no_profile()) is None


def test_only_the_office_and_superusers_are_the_office(world: World) -> None:
    assert access.is_office(world.office) and access.is_office(superuser())
    assert not any(access.is_office(getattr(world, n)) for n in ROLE_USERS[1:])
    assert access.can_review(world.office) and not access.can_review(world.viewer)
    assert access.can_edit_task(world.office) and not access.can_edit_task(world.leader)


def test_only_the_office_checks_figures_and_not_on_a_removed_task(world: World) -> None:
    task = world.task(8)
    assert access.can_check_figures(world.office, task)
    assert not any(access.can_check_figures(getattr(world, n), task) for n in ROLE_USERS[1:])
    task.removed_at = datetime.datetime(2021, 11, 5, tzinfo=datetime.UTC)
    assert not access.can_check_figures(world.office, task)


def test_only_the_office_makes_a_units_notice(world: World) -> None:
    assert access.can_send_notice(world.office)
    assert not any(access.can_send_notice(getattr(world, n)) for n in ("water", "leader", "viewer"))
    assert not access.can_send_notice(AnonymousUser())


def test_the_office_exports_in_any_layout_a_reporter_its_own_ledger_only(world: World) -> None:
    assert access.can_export(world.office, "units") and access.can_export(world.office)
    assert access.can_export(world.water) and access.can_export(world.water, "ledger")
    assert not access.can_export(world.water, "units")
    assert not access.can_export(world.water, "leaders")
    assert not any(access.can_export(getattr(world, n)) for n in ("leader", "viewer"))


def test_unit_ids_are_a_reporters_own_and_read_once(
    world: World, django_assert_num_queries: Any
) -> None:
    assert access.unit_ids(world.office) == [] and access.unit_ids(AnonymousUser()) == []
    water = User.objects.select_related("profile").get(pk=world.water.pk)
    unit = Unit.objects.get(name="水利局")
    with django_assert_num_queries(1):
        assert access.unit_ids(water) == access.unit_ids(water) == [unit.pk]


def test_person_id_only_for_a_leader_with_a_person(world: World) -> None:
    assert access.person_id(world.leader) == Person.objects.get(name="李拴根").pk
    assert access.person_id(lost_leader()) is None
    assert access.person_id(world.viewer) is None


def test_everyone_with_a_role_reads_ledgers_and_no_one_else(world: World) -> None:
    assert all(access.can_read_ledgers(getattr(world, n)) for n in ROLE_USERS)
    assert not access.can_read_ledgers(AnonymousUser())
    assert not access.can_read_ledgers(no_profile())


@pytest.mark.parametrize(
    ("who", "numbers"),
    [
        ("office", list(range(1, 17))),
        ("viewer", list(range(1, 17))),
        ("water", [3, 9]),
        ("health", [1, 2, 16]),
        ("leader", [4, 8, 9, 10, 11, 12]),
        ("anonymous", []),
        ("superuser", list(range(1, 17))),
        ("no_profile", []),
        ("lost_leader", []),
    ],
)
def test_each_kind_of_user_sees_its_tasks(world: World, who: str, numbers: list[int]) -> None:
    users = {
        "anonymous": AnonymousUser,
        "superuser": superuser,
        "no_profile": no_profile,
        "lost_leader": lost_leader,
    }
    user = users[who]() if who in users else getattr(world, who)
    seen = access.visible_tasks(user).filter(ledger=world.ledger).order_by("number")
    assert list(seen.values_list("number", flat=True)) == numbers


def test_only_the_office_and_viewers_see_all_tasks(world: World) -> None:
    assert access.sees_all_tasks(world.office) and access.sees_all_tasks(world.viewer)
    assert not access.sees_all_tasks(world.water)  # a scope
    assert not access.sees_all_tasks(world.leader)
    assert not access.sees_all_tasks(AnonymousUser())  # nothing at all
    # Asked of the role: the same as a scope of all (an empty Q) for every kind of user.
    kinds = (world.office, world.viewer, world.water, world.leader, AnonymousUser())
    for user in (*kinds, superuser(), no_profile(), lost_leader()):
        scope = access.task_scope(user)
        assert access.sees_all_tasks(user) == (scope is not None and not scope)


def test_visible_tasks_narrows_the_tasks_given(world: World) -> None:
    given = Task.objects.filter(number__in=[3, 4])
    assert [t.number for t in access.visible_tasks(world.water, given)] == [3]
    assert sorted(t.number for t in access.visible_tasks(world.office, given)) == [3, 4]


def test_removed_tasks_are_seen_by_no_one(world: World) -> None:
    task = world.task(3)
    Task.objects.filter(pk=task.pk).update(removed_at=world.ledger.imported_at)
    for name in ("office", "water", "viewer"):
        with pytest.raises(Http404):
            access.access_task(getattr(world, name), task.pk)
    assert not access.can_see_task(world.office, task)


def test_access_task_is_the_same_404_for_missing_and_forbidden(world: World) -> None:
    task = world.task(3)
    assert access.access_task(world.water, task.pk) == task
    with pytest.raises(Http404) as forbidden:
        access.access_task(world.health, task.pk)
    with pytest.raises(Http404) as missing:
        access.access_task(world.office, 999_999)
    assert str(forbidden.value) == str(missing.value) == "未找到，或您无权查看"
    loaded_task = access.access_task(world.water, task.pk, Task.objects.select_related("ledger"))
    assert loaded_task.ledger == world.ledger
    assert access.can_see_task(world.water, task) and not access.can_see_task(world.health, task)


def _task_by_id(task_id: int) -> QuerySet[Task]:
    return Task.objects.filter(pk=task_id)


@pytest.mark.parametrize("loaded", ["no", "prefetched", "prepared"])
def test_access_task_opens_exactly_the_visible_tasks(world: World, loaded: str) -> None:
    """A reporter's task is checked on the task (`_reporter_sees`), everyone else's through
    `visible_tasks` (or, read by a `Prepared` query of any task by its id, on the task):
    the same tasks open either way, sub-items and removed ones included."""
    split = split_task_3(world, inheriting=True)
    Task.objects.filter(pk=world.task(4).pk).update(removed_at=world.ledger.imported_at)
    # 3-4 of 卫健委, removed: it does not open task 3 to 卫健委.
    removed = subitem(split.task, 4, "南部供水工程", unit="卫健委")
    Task.objects.filter(pk=removed.pk).update(removed_at=world.ledger.imported_at)
    given = {
        "no": None,
        "prefetched": Task.objects.select_related("parent").prefetch_related(
            "unit_links", "parent__unit_links"
        ),
        "prepared": Prepared(_task_by_id),
    }[loaded]
    users = [*(getattr(world, name) for name in ROLE_USERS), housing_reporter()]
    users += [account_create(username="nobody-unit", password=PASSWORD, role=Role.REPORTER)]
    for user in users:
        seen = set(access.visible_tasks(user).values_list("pk", flat=True))
        for pk in Task.objects.values_list("pk", flat=True):
            try:
                access.access_task(user, pk, given)
                opened = True
            except Http404:
                opened = False
            assert opened == (pk in seen), (user.username, pk)


def test_access_ledger_for_every_role_and_no_one_else(world: World) -> None:
    for name in ROLE_USERS:
        assert access.access_ledger(getattr(world, name), world.ledger.pk) == world.ledger
    for user in (AnonymousUser(), no_profile()):
        with pytest.raises(Http404):
            access.access_ledger(user, world.ledger.pk)
    with pytest.raises(Http404):
        access.access_ledger(world.office, 999_999)
    given = Ledger.objects.filter(pk=world.ledger.pk)
    assert list(access.visible_ledgers(world.viewer, given)) == [world.ledger]


def test_access_round_follows_its_ledger(world: World) -> None:
    round_ = open_cycle(world).round
    assert access.access_round(world.water, round_.pk) == round_
    assert list(access.visible_rounds(world.leader, Round.objects.all())) == [round_]
    with pytest.raises(Http404):
        access.access_round(AnonymousUser(), round_.pk)
    with pytest.raises(Http404):
        access.access_round(no_profile(), round_.pk)


def test_access_report_follows_its_task(world: World) -> None:
    cycle = open_cycle(world)
    water = cycle.water_report
    assert access.access_report(world.water, water.pk) == water
    assert access.access_report(world.viewer, water.pk) == water
    for user in (world.health, world.leader, AnonymousUser()):
        with pytest.raises(Http404):
            access.access_report(user, water.pk)
    assert list(access.visible_reports(world.office, Report.objects.filter(pk=water.pk))) == [water]


def test_a_reporters_list_holds_its_own_units_reports_only(world: World) -> None:
    cycle = open_cycle(world)
    user, task, _water, health = two_unit_reporter(world)
    joint = report_submit(
        task=task, unit=health, actor=world.health, progress="卫健委配合", status="in_progress"
    )
    # 卫健委's reporter sees task 3 only through its report on it: it is now joint.
    assert set(access.listed_reports(world.water)) == {cycle.water_report}
    assert set(access.visible_reports(world.water)) == {cycle.water_report, joint}
    assert set(access.listed_reports(world.health)) == {cycle.health_report, joint}
    assert set(access.listed_reports(world.office)) == {
        cycle.water_report,
        cycle.health_report,
        joint,
    }
    assert set(access.listed_reports(user, Report.objects.filter(task=task))) == {
        cycle.water_report,
        joint,
    }


def test_access_attachment_follows_its_reports_task(world: World) -> None:
    report = open_cycle(world).water_report
    item = Attachment.objects.create(
        report=report, file="reports/x.pdf", name="x.pdf", content_type="application/pdf", size=1
    )
    assert access.access_attachment(world.water, item.pk) == item
    assert access.access_attachment(world.office, item.pk).report == report
    for user in (world.health, AnonymousUser(), no_profile()):
        with pytest.raises(Http404):
            access.access_attachment(user, item.pk)


def test_serving_links_of_a_task_and_of_sub_items(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    assert [link.unit.name for link in access.serving_unit_links(loaded(split.task))] == ["水利局"]
    assert [link.unit.name for link in access.serving_unit_links(loaded(split.second))] == [
        "住建局"
    ]
    inheriting = loaded(split.inheriting)  # type: ignore[arg-type]
    assert [link.unit.name for link in access.serving_unit_links(inheriting)] == ["水利局"]
    assert [link.person.name for link in access.serving_leader_links(inheriting)] == ["侯波"]
    assert [link.person.name for link in access.serving_leader_links(loaded(split.first))] == [
        "侯波"
    ]
    bare = loaded(world.task(3))
    TaskUnit.objects.filter(task=bare).delete()
    TaskLeader.objects.filter(task=bare).delete()
    bare = loaded(bare)
    assert access.serving_unit_links(bare) == [] and access.serving_leader_links(bare) == []


def test_a_removed_sub_item_does_not_split_its_task(world: World) -> None:
    split = split_task_3(world)
    assert access.is_split(split.task)
    split.task.subitems.update(removed_at=world.ledger.imported_at)
    assert not access.is_split(split.task)
    assert access.can_report(world.water, loaded(split.task))


def test_can_report_only_for_a_unit_serving_the_task(world: World) -> None:
    assert access.can_report(world.water, loaded(world.task(3)))
    assert not access.can_report(world.health, loaded(world.task(3)))
    assert not access.can_report(world.office, loaded(world.task(3)))


def test_can_comment_only_as_the_tasks_leader(world: World) -> None:
    assert access.can_comment(world.leader, loaded(world.task(8)))
    assert not access.can_comment(world.leader, loaded(world.task(3)))
    assert not access.can_comment(lost_leader(), loaded(world.task(8)))
    assert not access.can_comment(world.office, loaded(world.task(8)))


# --- which unit a reporter reports for (report_unit_id) ----------------------------------------


def test_a_reporter_of_one_unit_reports_for_it_unasked(world: World) -> None:
    unit = Unit.objects.get(name="水利局")
    assert access.report_unit_id(world.water, loaded(world.task(3)), None) == unit.pk
    assert access.report_unit_id(world.water, loaded(world.task(3)), unit.pk) == unit.pk


def test_a_reporter_of_two_units_must_name_one(world: World) -> None:
    user, task, water, health = two_unit_reporter(world)
    with pytest.raises(access.UnitChoiceError, match="您属于多个责任单位，请选择报送单位"):
        access.report_unit_id(user, task, None)
    assert access.report_unit_id(user, task, health.pk) == health.pk
    assert access.report_unit_id(user, task, water.pk) == water.pk


def test_a_unit_not_the_reporters_or_not_serving_the_task_is_refused(world: World) -> None:
    user, task, water, health = two_unit_reporter(world)
    other = Unit.objects.exclude(pk__in=[water.pk, health.pk]).first()
    assert other is not None
    with pytest.raises(access.UnitChoiceError, match="您不能代表该单位报送这项任务"):
        access.report_unit_id(user, task, other.pk)
    with pytest.raises(access.UnitChoiceError, match="您不能代表该单位报送这项任务"):
        access.report_unit_id(world.health, loaded(world.task(9)), None)
    with pytest.raises(access.UnitChoiceError):
        access.report_unit_id(world.office, task, water.pk)


def test_who_reads_which_bulletin(world: World) -> None:
    """Drafts are the office's; an issued bulletin is read by viewers and by those it is
    addressed to: the units and leaders of the ledger's current tasks."""
    from taizhang.supervision.models import Bulletin

    def bulletin(issued: bool) -> Bulletin:
        return Bulletin.objects.create(
            ledger=world.ledger,
            as_of=world.ledger.imported_at.date(),
            title="通报",
            body="。",
            created_at=world.ledger.imported_at,
            issued_at=world.ledger.imported_at if issued else None,
        )

    draft, issued = bulletin(False), bulletin(True)
    every = Bulletin.objects.all()

    def read(user: Any) -> set[int]:
        return set(access.visible_bulletins(user, every).values_list("pk", flat=True))

    assert read(world.office) == {draft.pk, issued.pk}
    assert read(world.viewer) == {issued.pk}
    assert read(world.water) == {issued.pk}  # 水利局 serves tasks of the ledger
    assert read(world.leader) == {issued.pk}
    assert read(AnonymousUser()) == set()
    outsider = account_create(
        username="audit",
        password=PASSWORD,
        role=Role.REPORTER,
        units=[Unit.objects.create(name="审计局")],
    )
    assert read(outsider) == set()
    Task.objects.filter(ledger=world.ledger).update(removed_at=world.ledger.imported_at)
    assert read(world.water) == set()  # only current tasks address a bulletin


def test_the_office_sees_a_whole_snapshot_others_the_entries_of_their_tasks(world: World) -> None:
    """By the id each entry's task had when the round closed, not by today's keys."""
    round_ = Round.objects.create(
        ledger=world.ledger,
        name="2021年10月",
        due_date=world.ledger.imported_at.date(),
        opened_at=world.ledger.imported_at,
        closed_at=world.ledger.imported_at,
        snapshot={},
        snapshot_ids={"3": world.task(3).pk, "5": world.task(5).pk, "99": 10**9},
    )
    assert access.visible_snapshot_keys(world.office, round_) is None
    assert access.visible_snapshot_keys(world.water, round_) == {"3"}  # 水利局's task 3
    assert access.visible_snapshot_keys(world.viewer, round_) == {"3", "5"}
    assert access.visible_snapshot_keys(AnonymousUser(), round_) == set()


def test_only_the_office_passes_the_office_gate(world: World) -> None:
    access.require_office(world.office)  # no exception
    for user in (world.water, world.leader, world.viewer, AnonymousUser()):
        with pytest.raises(Http404):
            access.require_office(user)


def test_the_office_and_a_superuser_see_the_backups(world: World) -> None:
    admin = User.objects.create_superuser("root", password=PASSWORD)
    assert access.can_see_backups(world.office) and access.can_see_backups(admin)


def test_no_one_else_sees_the_backups(world: World) -> None:
    for user in (world.water, world.leader, world.viewer, AnonymousUser()):
        assert not access.can_see_backups(user)


def test_the_office_and_a_superuser_see_failed_deliveries(world: World) -> None:
    admin = User.objects.create_superuser("root", password=PASSWORD)
    assert access.can_see_failed_deliveries(world.office)
    assert access.can_see_failed_deliveries(admin)


def test_no_one_else_sees_failed_deliveries(world: World) -> None:
    for user in (world.water, world.leader, world.viewer, AnonymousUser()):
        assert not access.can_see_failed_deliveries(user)


def test_a_background_export_is_its_creators_and_the_offices(world: World) -> None:
    ledger = Ledger.objects.get()
    job = export_job_create(actor=world.water, ledger=ledger, fmt="xlsx", enqueue=lambda _: None)
    assert access.access_export_job(world.water, job.pk) == job
    assert access.access_export_job(world.office, job.pk) == job
    for user in (world.viewer, world.leader, AnonymousUser()):
        with pytest.raises(Http404):
            access.access_export_job(user, job.pk)
    with pytest.raises(Http404):
        access.access_export_job(world.office, job.pk + 1)


def test_only_a_signed_in_user_with_the_flag_must_change_the_password(world: World) -> None:
    assert access.password_change_pending(AnonymousUser()) is False
    no_profile = User.objects.create_user(username="bare", password=PASSWORD)
    assert access.password_change_pending(no_profile) is False
    assert access.password_change_pending(world.water) is False
    world.water.profile.must_change_password = True
    assert access.password_change_pending(world.water) is True


def test_a_user_reads_his_or_her_own_notifications_only(world: World) -> None:
    from django.utils import timezone

    from taizhang.notify.models import Notification

    now = timezone.now()
    mine, theirs = (
        Notification.objects.create(user=user, event="reminder", title="催办", created_at=now)
        for user in (world.water, world.health)
    )
    notes = Notification.objects.all()
    assert list(access.visible_notifications(world.water, notes)) == [mine]
    assert not access.visible_notifications(AnonymousUser(), notes).exists()
    assert access.access_notification(world.water, mine.pk, notes) == mine
    with pytest.raises(Http404):
        access.access_notification(world.water, theirs.pk, notes)
    with pytest.raises(Http404):
        access.access_notification(world.office, mine.pk, notes)  # the office's neither


def import_job_of(user: Any) -> Any:
    return import_job_create(
        actor=user,
        data=b"x",
        name="t.txt",
        year=None,
        table=None,
        columns={},
        answers={},
        tasks=1,
        enqueue=lambda _: None,
    )


def test_a_background_import_is_its_creators_and_the_offices(world: World) -> None:
    # Started by an account that is not the office's (say, one whose role changed since):
    # its creator and the office see it, nobody else.
    job = import_job_of(world.water)
    assert access.access_import_job(world.water, job.pk) == job
    assert access.access_import_job(world.office, job.pk) == job
    for user in (world.viewer, world.leader, AnonymousUser()):
        with pytest.raises(Http404):
            access.access_import_job(user, job.pk)
    with pytest.raises(Http404):
        access.access_import_job(world.office, job.pk + 1)


def test_the_office_manages_accounts_but_a_superuser_only_a_superuser(world: World) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    other_root = User.objects.create_superuser(username="root2", password=PASSWORD)
    # Not the office: no account at all.
    assert not access.can_manage_account(world.viewer, world.water)
    assert not access.can_manage_account(AnonymousUser(), world.water)
    # The office: an ordinary account, but not a superuser.
    assert access.can_manage_account(world.office, world.water)
    assert not access.can_manage_account(world.office, root)
    # A superuser: a superuser too.
    assert access.can_manage_account(root, other_root)


def test_access_account_is_the_same_404_for_missing_and_forbidden(world: World) -> None:
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    assert access.access_account(world.office, world.water.pk) == world.water
    assert access.access_account(root, root.pk, User.objects.filter(is_superuser=True)) == root
    for actor, target in ((world.office, root.pk), (world.water, world.water.pk)):
        with pytest.raises(Http404):
            access.access_account(actor, target)
    with pytest.raises(Http404):
        access.access_account(world.office, root.pk + 1000)


def test_only_the_office_reads_the_audit_log(world: World) -> None:
    assert access.can_read_audit_log(world.office)
    for user in (world.water, world.leader, world.viewer, AnonymousUser()):
        assert not access.can_read_audit_log(user)


def test_a_reporter_sees_only_the_ledgers_where_its_unit_has_tasks(world: World) -> None:
    from django.utils import timezone

    other = Ledger.objects.create(title="2021年卫健系统台账", year=2021, imported_at=timezone.now())
    category = other.categories.create(number=1, name="医疗", order=1)
    task = Task.objects.create(ledger=other, category=category, number=1, goal="建病房楼", order=1)
    TaskUnit.objects.create(task=task, unit=Unit.objects.get(name="卫健委"), role="responsible")
    assert list(access.visible_ledgers(world.water)) == [world.ledger]
    assert set(access.visible_ledgers(world.health)) == {world.ledger, other}
    assert set(access.visible_ledgers(world.office)) == {world.ledger, other}
    with pytest.raises(Http404):
        access.access_ledger(world.water, other.pk)
    round_ = Round.objects.create(
        ledger=other, name="11月", due_date=datetime.date(2021, 11, 5), opened_at=timezone.now()
    )
    assert round_ not in access.visible_rounds(world.water)
    assert round_ in access.visible_rounds(world.health)
    assert round_ in access.visible_rounds(world.office)
    Task.objects.filter(pk=task.pk).update(removed_at=timezone.now())
    assert list(access.visible_ledgers(world.health)) == [world.ledger]


def test_a_ledgers_tasks_for_each_user_are_its_visible_tasks_named_by_id(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = Ledger.objects.create(title="2021年卫健系统台账", year=2021, imported_at=timezone.now())
    category = other.categories.create(number=1, name="医疗", order=1)
    task = Task.objects.create(ledger=other, category=category, number=1, goal="建病房楼", order=1)
    TaskUnit.objects.create(task=task, unit=Unit.objects.get(name="卫健委"), role="responsible")
    split_task_3(world, inheriting=True)
    for name in ROLE_USERS:
        user = getattr(world, name)
        ledger, ids = access.access_ledger_tasks(user, world.ledger.pk)
        assert ledger == world.ledger
        assert (ids is None) == access.sees_all_tasks(user)
        mine = access.visible_tasks(user).filter(ledger=world.ledger)
        scoped = access.ledger_scope(user, world.ledger.pk, ids)
        assert set(scoped.values_list("pk", flat=True)) == set(mine.values_list("pk", flat=True))
        monkeypatch.setattr(access, "IDS_LIMIT", 1)  # more than the limit: the scope's subquery
        scoped = access.ledger_scope(user, world.ledger.pk, ids)
        assert set(scoped.values_list("pk", flat=True)) == set(mine.values_list("pk", flat=True))
        monkeypatch.undo()
    # A leader opens every ledger, even one with none of his tasks; a reporter only those
    # where one of its units serves a task; no one without a role.
    assert access.access_ledger_tasks(world.leader, other.pk) == (other, [])
    assert access.access_ledger_tasks(world.health, other.pk) == (other, [task.pk])
    for user in (world.water, AnonymousUser(), no_profile()):
        with pytest.raises(Http404):
            access.access_ledger_tasks(user, other.pk)
    with pytest.raises(Http404):
        access.access_ledger_tasks(world.health, 999_999)
    given = Ledger.objects.filter(pk=world.ledger.pk)
    with pytest.raises(Http404):
        access.access_ledger_tasks(world.health, other.pk, given)  # not among those given
    # A ledger read by a query of its id compiled once: the same answers.
    by_id = Prepared(lambda pk: Ledger.objects.filter(pk=pk))
    assert access.access_ledger_tasks(world.health, other.pk, by_id) == (other, [task.pk])
    assert access.access_ledger_tasks(world.office, other.pk, by_id) == (other, None)
    for user in (world.water, world.office):
        with pytest.raises(Http404):
            access.access_ledger_tasks(user, 999_999, by_id)
