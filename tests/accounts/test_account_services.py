"""The office's writes of accounts and units: accounts created with one-time passwords,
edited, reset, deactivated (never oneself, never the last office account); one reporter
account per unit of a ledger with none; the password change; units created, renamed and
given contacts; a unit merged into another with everything that points at it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from taizhang.accounts.errors import AccountError
from taizhang.accounts.merging import unit_merge
from taizhang.accounts.models import Profile, Role
from taizhang.accounts.selectors import unit_choices, unit_rows
from taizhang.accounts.services import (
    PASSWORD_ALPHABET,
    AccountFields,
    account_add,
    account_password_reset,
    account_set_active,
    account_update,
    accounts_for_units,
    one_time_password,
    password_change,
    units_without_reporter,
)
from taizhang.documents.read_text import read_text
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import AuditEvent, Person, TaskRevision, TaskUnit, Unit
from taizhang.ledger.services import ledger_import
from taizhang.ledger.services.units import UnitContacts, unit_create, unit_update
from taizhang.notify.models import Delivery, Reminder
from taizhang.reporting.models import HeldFile, Report, ReportDraft
from taizhang.reporting.services import report_submit, round_close, round_open
from taizhang.supervision.models import StateUnit
from tests.conftest import SEED
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

SEED_UNITS = ["交投集团", "住建局", "农业农村局", "教体局", "文广旅局", "民政局"]


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def reporter_fields(*units: Unit) -> AccountFields:
    return AccountFields(role=Role.REPORTER, units=units)


# Accounts -----------------------------------------------------------------------------------


def test_a_new_account_gets_a_readable_one_time_password_and_must_change_it(world: World) -> None:
    user, password = account_add(
        username="zjj", fields=reporter_fields(unit("住建局")), actor=world.office
    )
    assert len(password) == 10
    assert set(password) <= set(PASSWORD_ALPHABET)
    assert not set("0O1lIo") & set(PASSWORD_ALPHABET)
    assert user.check_password(password)
    assert user.profile.must_change_password is True
    assert list(user.profile.units.values_list("name", flat=True)) == ["住建局"]
    event = AuditEvent.objects.get(action="account.add")
    assert event.actor == world.office
    assert event.data["username"] == "zjj"
    assert password not in str(event.data)


def test_one_time_passwords_differ() -> None:
    assert len({one_time_password() for _ in range(50)}) == 50


@pytest.mark.parametrize(
    ("username", "fields", "message"),
    [
        ("SLJ", AccountFields(role=Role.VIEWER), "已被使用"),
        ("bad name", AccountFields(role=Role.VIEWER), "用户名只能包含"),
        ("", AccountFields(role=Role.VIEWER), "用户名须为"),
        ("new1", AccountFields(role=Role.REPORTER), "至少属于一个责任单位"),
        ("new2", AccountFields(role=Role.LEADER), "须关联一位领导"),
        ("new3", AccountFields(role="boss"), "未知的角色"),
    ],
)
def test_a_bad_account_is_refused_and_nothing_is_created(
    world: World, username: str, fields: AccountFields, message: str
) -> None:
    before = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(AccountError, match=message):
        account_add(username=username, fields=fields, actor=world.office)
    assert (User.objects.count(), AuditEvent.objects.count()) == before


def test_a_leader_account_is_linked_to_its_person(world: World) -> None:
    person = Person.objects.get(name="李拴根")
    user, _ = account_add(
        username="lsg2", fields=AccountFields(role=Role.LEADER, person=person), actor=world.office
    )
    assert user.profile.person == person
    assert list(user.profile.units.all()) == []


def test_an_update_changes_role_and_units_and_is_audited(world: World) -> None:
    account_update(
        user=world.viewer,
        fields=AccountFields(role=Role.REPORTER, display_name="住建", units=(unit("住建局"),)),
        actor=world.office,
    )
    profile = Profile.objects.get(user=world.viewer)
    assert (profile.role, profile.display_name) == (Role.REPORTER, "住建")
    assert [u.name for u in profile.units.all()] == ["住建局"]
    assert AuditEvent.objects.filter(action="account.update").count() == 1


def test_the_last_office_account_keeps_its_role_and_stays_active(world: World) -> None:
    other, _ = account_add(
        username="office2", fields=AccountFields(role=Role.VIEWER), actor=world.office
    )
    with pytest.raises(AccountError, match="不能停用或启用自己"):
        account_set_active(user=world.office, active=False, actor=world.office)
    with pytest.raises(AccountError, match="最后一个"):
        account_set_active(user=world.office, active=False, actor=other)
    with pytest.raises(AccountError, match="最后一个"):
        account_update(user=world.office, fields=AccountFields(role=Role.VIEWER), actor=other)
    world.office.refresh_from_db()
    assert world.office.is_active
    assert world.office.profile.role == Role.OFFICE


def test_an_account_is_deactivated_and_reactivated(world: World) -> None:
    account_set_active(user=world.water, active=False, actor=world.office)
    world.water.refresh_from_db()
    assert not world.water.is_active
    account_set_active(user=world.water, active=True, actor=world.office)
    world.water.refresh_from_db()
    assert world.water.is_active
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["account.deactivate", "account.activate"]


def test_a_reset_gives_a_new_password_to_change(world: World) -> None:
    password = account_password_reset(user=world.water, actor=world.office)
    world.water.refresh_from_db()
    assert world.water.check_password(password)
    assert not world.water.check_password(PASSWORD)
    assert world.water.profile.must_change_password


def test_the_password_change_clears_the_flag_and_refuses_weak_or_same(world: World) -> None:
    password = account_password_reset(user=world.water, actor=world.office)
    world.water.refresh_from_db()
    with pytest.raises(AccountError):
        password_change(user=world.water, password="abc")
    with pytest.raises(AccountError, match="不能与原密码相同"):
        password_change(user=world.water, password=password)
    assert Profile.objects.get(user=world.water).must_change_password
    password_change(user=world.water, password="河道清淤 2021 slj")
    world.water.refresh_from_db()
    assert world.water.check_password("河道清淤 2021 slj")
    assert not Profile.objects.get(user=world.water).must_change_password
    assert AuditEvent.objects.filter(action="account.password_change", actor=world.water).exists()


def test_accounts_for_the_units_of_a_ledger_that_have_none(world: World) -> None:
    assert [u.name for u in units_without_reporter(world.ledger)] == SEED_UNITS
    User.objects.create_user(username=f"u{unit('住建局').pk:04d}")  # a name already taken
    issued = accounts_for_units(ledger=world.ledger, actor=world.office)
    assert [a.unit for a in issued] == SEED_UNITS
    by_unit = {a.unit: a for a in issued}
    assert by_unit["住建局"].username == f"u{unit('住建局').pk:04d}-2"
    assert by_unit["教体局"].username == f"u{unit('教体局').pk:04d}"
    for account in issued:
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert user.profile.role == Role.REPORTER
        assert user.profile.must_change_password
        assert [u.name for u in user.profile.units.all()] == [account.unit]
    assert accounts_for_units(ledger=world.ledger, actor=world.office) == []
    account_set_active(user=world.water, active=False, actor=world.office)
    assert [a.unit for a in accounts_for_units(ledger=world.ledger, actor=world.office)] == [
        "水利局"
    ]


# Units --------------------------------------------------------------------------------------


def test_a_unit_is_created_with_contacts_and_its_name_normalised(world: World) -> None:
    contacts = UnitContacts(
        contact_name="王科长",
        phone="0391-1234567",
        email="fgw@example.gov.cn",
        webhook_kind="dingtalk",
        webhook_url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        webhook_secret="SECabc123",
    )
    created = unit_create(name=" 发改委（牵头） ", contacts=contacts, actor=world.office)
    assert created.name == "发改委"
    assert created.webhook_secret == "SECabc123"
    event = AuditEvent.objects.get(action="unit.create")
    assert event.data["name"] == "发改委"
    assert "SECabc123" not in str(event.data)
    # 钉钉's access_token is a credential too: the address is kept as its scheme and host.
    assert "access_token" not in str(event.data)
    assert event.data["webhook_url"] == "https://oapi.dingtalk.com/…"


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        (UnitContacts(email="not-an-address"), "电子邮箱格式不正确"),
        (UnitContacts(webhook_kind="wecom"), "请填写群机器人地址"),
        (UnitContacts(webhook_url="https://qyapi.weixin.qq.com/x"), "请选择企业微信或钉钉"),
        (UnitContacts(webhook_kind="wecom", webhook_url="ftp://host/x"), "https:// 或 http://"),
        (UnitContacts(webhook_kind="wecom", webhook_url="https:///x"), "https:// 或 http://"),
        (
            UnitContacts(webhook_kind="dingtalk", webhook_url="https://h/x", webhook_secret="abc"),
            "以 SEC 开头",
        ),
        (
            UnitContacts(webhook_kind="wecom", webhook_url="https://h/x", webhook_secret="SECx"),
            "只有钉钉",
        ),
        (UnitContacts(webhook_kind="slack"), "未知的群机器人类型"),
        (UnitContacts(phone="1" * 31), "过长"),
    ],
)
def test_bad_contacts_are_refused_and_change_nothing(
    world: World, contacts: UnitContacts, message: str
) -> None:
    water = unit("水利局")
    with pytest.raises(EditError, match=message):
        unit_update(unit=water, name="水务局", contacts=contacts, actor=world.office)
    with pytest.raises(EditError, match=message):
        unit_create(name="发改委", contacts=contacts, actor=world.office)
    assert unit("水利局").name == "水利局"
    assert not Unit.objects.filter(name__in=["发改委", "水务局"]).exists()
    assert not AuditEvent.objects.filter(action__startswith="unit.").exists()


def test_a_rename_keeps_names_unique_and_is_audited(world: World) -> None:
    water = unit("水利局")
    with pytest.raises(EditError, match="已有名为“卫健委”的单位"):
        unit_update(unit=water, name="卫健委", contacts=UnitContacts(), actor=world.office)
    with pytest.raises(EditError, match="请填写单位名称"):
        unit_update(unit=water, name="  ", contacts=UnitContacts(), actor=world.office)
    unit_update(unit=water, name="水务局", contacts=UnitContacts(phone="123"), actor=world.office)
    water.refresh_from_db()
    assert (water.name, water.phone) == ("水务局", "123")
    changes = AuditEvent.objects.get(action="unit.update").data["changes"]
    assert changes["name"] == {"old": "水利局", "new": "水务局"}
    assert world.task(3).units.get().name == "水务局"


# Merging ------------------------------------------------------------------------------------


def test_a_merge_moves_tasks_reports_drafts_files_reminders_and_members(world: World) -> None:
    water, housing = unit("水利局"), unit("住建局")
    round_ = round_open(
        ledger=world.ledger,
        name="2021年10月",
        due_date=datetime.date(2021, 10, 25),
        actor=world.office,
    )
    report = report_submit(
        task=world.task(3), unit=water, actor=world.water, progress="已开工。", status="in_progress"
    )
    now = timezone.now()
    ReportDraft.objects.create(task=world.task(9), unit=water, progress="新", updated_at=now)
    older = now - datetime.timedelta(hours=1)
    ReportDraft.objects.create(task=world.task(9), unit=housing, progress="旧", updated_at=older)
    HeldFile.objects.create(
        task=world.task(3),
        unit=water,
        owner=world.water,
        name="a.pdf",
        content_type="application/pdf",
        size=1,
        created_at=now,
    )
    today = timezone.localdate()
    Reminder.objects.create(round=round_, unit=water, kind="due", sent_on=today, created_at=now)
    Reminder.objects.create(round=round_, unit=housing, kind="due", sent_on=today, created_at=now)
    Reminder.objects.create(round=round_, unit=water, kind="manual", sent_on=today, created_at=now)
    revisions = TaskRevision.objects.count()
    task9_order = list(world.task(9).unit_links.values_list("unit__name", flat=True))
    assert task9_order == ["住建局", "水利局", "教体局"]

    result = unit_merge(source=water, target=housing, actor=world.office)

    water.refresh_from_db()
    assert water.merged_into == housing and water.merged_at is not None
    assert list(world.task(3).unit_links.values_list("unit__name", "order")) == [("住建局", 0)]
    assert list(world.task(9).unit_links.values_list("unit__name", flat=True)) == [
        "住建局",
        "教体局",
    ]
    assert not TaskUnit.objects.filter(unit=water).exists()
    report.refresh_from_db()
    assert report.unit == housing
    assert list(
        ReportDraft.objects.filter(task=world.task(9)).values_list("unit__name", "progress")
    ) == [("住建局", "新")]
    assert HeldFile.objects.get().unit == housing
    # A scheduled reminder both got that day stays with the merged unit, as history.
    assert list(Reminder.objects.filter(unit=water).values_list("kind", flat=True)) == ["due"]
    assert Reminder.objects.filter(unit=housing).count() == 2
    assert [u.name for u in Profile.objects.get(user=world.water).units.all()] == ["住建局"]
    assert not StateUnit.objects.filter(unit=water).exists()
    assert StateUnit.objects.filter(unit=housing, state__task=world.task(3)).exists()
    assert result.kept["notify.reminder"] == 1
    # History reads as it did: no revision written, the audit row names both.
    assert TaskRevision.objects.count() == revisions
    event = AuditEvent.objects.get(action="unit.merge")
    assert (event.data["name"], event.data["into_name"]) == ("水利局", "住建局")
    assert water not in unit_rows() and water not in unit_choices()
    assert Unit.objects.filter(pk=water.pk).exists()


def test_a_closed_rounds_snapshot_still_names_the_merged_unit(world: World) -> None:
    round_ = round_open(
        ledger=world.ledger,
        name="2021年10月",
        due_date=datetime.date(2021, 10, 25),
        actor=world.office,
    )
    round_close(round_=round_, actor=world.office)
    unit_merge(source=unit("水利局"), target=unit("住建局"), actor=world.office)
    round_.refresh_from_db()
    assert "水利局" in str(round_.snapshot)


def test_a_merge_is_refused_when_both_units_wait_for_review_on_one_task(world: World) -> None:
    water, housing = unit("水利局"), unit("住建局")
    round_open(
        ledger=world.ledger,
        name="2021年10月",
        due_date=datetime.date(2021, 10, 25),
        actor=world.office,
    )
    for who, unit_ in ((world.water, water), (world.office, housing)):
        report_submit(
            task=world.task(9), unit=unit_, actor=who, progress="进展。", status="in_progress"
        )
    with pytest.raises(EditError, match="请先审核"):
        unit_merge(source=water, target=housing, actor=world.office)
    assert Unit.objects.get(pk=water.pk).merged_into is None
    assert Report.objects.filter(unit=water).count() == 1
    assert TaskUnit.objects.filter(unit=water).count() == 2


def test_merging_into_itself_or_a_merged_unit_is_refused(world: World) -> None:
    water, housing, health = unit("水利局"), unit("住建局"), unit("卫健委")
    with pytest.raises(EditError, match="它自己"):
        unit_merge(source=water, target=water, actor=world.office)
    unit_merge(source=water, target=housing, actor=world.office)
    with pytest.raises(EditError, match="已并入"):
        unit_merge(source=health, target=water, actor=world.office)
    with pytest.raises(EditError, match="已并入"):
        unit_merge(source=water, target=health, actor=world.office)
    with pytest.raises(EditError, match="已并入其他单位"):
        unit_update(unit=water, name="水利局", contacts=UnitContacts(), actor=world.office)


def test_units_merged_before_follow_the_merge(world: World) -> None:
    water, housing, health = unit("水利局"), unit("住建局"), unit("卫健委")
    unit_merge(source=water, target=housing, actor=world.office)
    unit_merge(source=housing, target=health, actor=world.office)
    assert Unit.objects.get(pk=water.pk).merged_into == health
    assert [u.name for u in Profile.objects.get(user=world.water).units.all()] == ["卫健委"]


def test_a_later_import_naming_the_merged_unit_serves_the_unit_it_became(world: World) -> None:
    water, housing = unit("水利局"), unit("住建局")
    unit_merge(source=water, target=housing, actor=world.office)
    ledger_import(doc=read_text(SEED.read_bytes(), name=SEED.name), actor=world.office)
    assert not TaskUnit.objects.filter(unit=water).exists()
    assert list(world.task(3).unit_links.values_list("unit__name", flat=True)) == ["住建局"]
    # Task 9 names both: served once, in the target's place.
    assert list(world.task(9).unit_links.values_list("unit__name", flat=True)) == [
        "住建局",
        "教体局",
    ]


def test_a_merge_keeps_the_lead_role_and_the_earlier_place(world: World) -> None:
    water, housing = unit("水利局"), unit("住建局")
    task = world.task(9)  # 住建局 (0), 水利局 (1), 教体局 (2)
    TaskUnit.objects.filter(task=task, unit=water).update(role="lead", order=0)
    TaskUnit.objects.filter(task=task, unit=housing).update(role="co", order=1)
    unit_merge(source=water, target=housing, actor=world.office)
    assert list(task.unit_links.values_list("unit__name", "role", "order")) == [
        ("住建局", "lead", 0),
        ("教体局", TaskUnit.objects.get(task=task, unit__name="教体局").role, 2),
    ]


def test_a_merge_keeps_the_targets_stronger_role(world: World) -> None:
    water, housing = unit("水利局"), unit("住建局")
    task = world.task(9)
    TaskUnit.objects.filter(task=task, unit=water).update(role="co", order=1)
    TaskUnit.objects.filter(task=task, unit=housing).update(role="lead", order=0)
    unit_merge(source=water, target=housing, actor=world.office)
    assert TaskUnit.objects.filter(task=task, unit=housing).values_list("role", "order").get() == (
        "lead",
        0,
    )


def test_a_merged_units_pending_deliveries_go_to_the_targets_contacts_or_fail(
    world: World,
) -> None:
    water, housing = unit("水利局"), unit("住建局")
    Unit.objects.filter(pk=water.pk).update(
        email="slj@example.gov.cn",
        webhook_kind="wecom",
        webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=old",
    )
    Unit.objects.filter(pk=housing.pk).update(email="zjj@example.gov.cn")
    now = timezone.now()

    def delivery(channel: str, target: str, state: str) -> Delivery:
        return Delivery.objects.create(
            channel=channel,
            target=target,
            unit=water,
            subject="催办",
            body="请报送",
            state=state,
            created_at=now,
            next_attempt_at=now,
        )

    mail = delivery("email", "slj@example.gov.cn", "retrying")
    robot = delivery("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=old", "queued")
    sent = delivery("email", "slj@example.gov.cn", "sent")
    unit_merge(source=unit("水利局"), target=unit("住建局"), actor=world.office)
    mail.refresh_from_db()
    robot.refresh_from_db()
    sent.refresh_from_db()
    assert (mail.unit, mail.target, mail.state) == (housing, "zjj@example.gov.cn", "retrying")
    assert robot.state == "failed" and robot.next_attempt_at is None
    assert "已并入“住建局”" in robot.last_error and "没有该渠道" in robot.last_error
    assert (sent.target, sent.state) == ("slj@example.gov.cn", "sent")  # history as it was


def test_a_collective_phrase_gets_no_reporter_account(world: World) -> None:
    task = world.ledger.tasks.first()
    assert task is not None
    for name in ("各乡镇（街道）", "市直各单位", "有关单位"):
        TaskUnit.objects.create(task=task, unit=Unit.objects.create(name=name), role="co")
    assert [u.name for u in units_without_reporter(world.ledger)] == SEED_UNITS
    assert [a.unit for a in accounts_for_units(ledger=world.ledger, actor=world.office)] == (
        SEED_UNITS
    )
    assert Unit.objects.get(name="各乡镇（街道）").is_collective
    assert not Unit.objects.get(name="水利局").is_collective
