"""Joint tasks: each unit keeps its own part of the progress. Task 9 of the seed is served by
住建局、水利局、教体局; one unit's accepted report replaces only its own part."""

from __future__ import annotations

import datetime
import io
import json
import zipfile

import pytest
from django.contrib.auth.models import User
from django.test import Client

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.json_format import ledger_to_dict
from taizhang.documents.write_docx import write_docx
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import AuditEvent, JointStatus, Ledger, Task, TaskRevision, Unit
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import ledger_joint_settings_update, task_update
from taizhang.ledger.services.joint import current_sections
from taizhang.reporting.models import Report
from taizhang.reporting.services import report_accept, report_submit, round_open
from tests.factories import World

SEED_TASK_9 = (
    "蟒河河道治理项目，治理范围西一环至济源大道，全长10.5公里，包含蟒河公园、清趣园、新蟒园。"
)
HOUSING = "蟒河东二环至东一环段南岸附属物清理完毕，全线完工。"
WATER = "龙河灾后重建项目已立项，正在招标。"


@pytest.fixture
def round_open_on(world: World) -> None:
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )


def reporter(unit_name: str) -> User:
    unit = Unit.objects.get(name=unit_name)
    return account_create(username=f"r-{unit.pk}", password="x", role=Role.REPORTER, units=[unit])


def submit(world: World, number: int, unit_name: str, text: str, status: str) -> Report:
    return report_submit(
        task=world.task(number),
        unit=Unit.objects.get(name=unit_name),
        actor=reporter(unit_name),
        progress=text,
        status=status,
    )


def accept_both(world: World) -> Task:
    report_accept(report=submit(world, 9, "住建局", HOUSING, "completed"), actor=world.office)
    report_accept(report=submit(world, 9, "水利局", WATER, "in_progress"), actor=world.office)
    return world.task(9)


def set_joint(world: World, *, prefix: bool, rule: str = JointStatus.LEAST) -> None:
    ledger_joint_settings_update(
        ledger=world.ledger, actor=world.office, prefix_unit_names=prefix, joint_status=rule
    )


@pytest.mark.usefixtures("round_open_on")
class TestAcceptedReportsOfAJointTask:
    def test_two_units_reports_keep_three_sections_and_the_seed_text(self, world: World) -> None:
        seed = world.task(9).progress

        task = accept_both(world)

        assert task.progress == f"{seed}\n{HOUSING}\n{WATER}"
        assert task.progress.startswith(SEED_TASK_9)
        units = {s["unit"] for s in task.sections}
        assert units == {
            None,
            *Unit.objects.filter(name__in=["住建局", "水利局"]).values_list("pk", flat=True),
        }
        assert len(task.sections) == 3

    def test_with_prefixes_each_part_is_named_and_documents_show_the_composition(
        self, world: World
    ) -> None:
        set_joint(world, prefix=True)

        task = accept_both(world)

        assert task.progress.endswith(f"\n住建局：{HOUSING}\n水利局：{WATER}")
        doc = ledger_document(Ledger.objects.get(pk=world.ledger.pk))
        [task_doc] = [t for c in doc.categories for t in c.tasks if t.number == 9]
        assert task_doc.progress == task.progress
        assert f"住建局：{HOUSING}" in json.dumps(ledger_to_dict(doc), ensure_ascii=False)
        with zipfile.ZipFile(io.BytesIO(write_docx(doc))) as docx:
            body = docx.read("word/document.xml").decode("utf-8")
        assert f"水利局：{WATER}" in body and SEED_TASK_9[:20] in body

    def test_a_units_second_report_replaces_its_own_part_only(self, world: World) -> None:
        accept_both(world)

        newer = "龙河灾后重建项目已开工。"
        report_accept(report=submit(world, 9, "水利局", newer, "in_progress"), actor=world.office)

        task = world.task(9)
        assert WATER not in task.progress
        assert task.progress.endswith(f"\n{HOUSING}\n{newer}")

    def test_the_review_compares_a_report_with_its_units_part(self, world: World) -> None:
        accept_both(world)

        report = submit(world, 9, "水利局", "龙河灾后重建项目已开工。", "in_progress")
        first = submit(world, 9, "教体局", "健身器材已安装。", "completed")

        assert report.previous_progress == WATER
        assert first.previous_progress == ""

    def test_a_task_with_one_unit_takes_the_whole_report_as_before(self, world: World) -> None:
        report = submit(world, 3, "水利局", "北部供水工程已开工。", "completed")
        assert report.previous_progress == world.task(3).progress

        report_accept(report=report, actor=world.office)

        task = world.task(3)
        assert task.progress == "北部供水工程已开工。"
        assert (task.status, task.status_label) == ("completed", "已完成")


@pytest.mark.usefixtures("round_open_on")
class TestStatusOfAJointTask:
    def test_least_takes_the_least_advanced_unit(self, world: World) -> None:
        task_update(task=world.task(9), version=1, actor=world.office, values={"status": "lagging"})

        report_accept(report=submit(world, 9, "住建局", HOUSING, "completed"), actor=world.office)
        # 水利局 and 教体局 have not reported: they count as the task's status before.
        assert world.task(9).status == "lagging"
        report_accept(report=submit(world, 9, "水利局", WATER, "in_progress"), actor=world.office)
        report_accept(
            report=submit(world, 9, "教体局", "已安装。", "completed"), actor=world.office
        )

        task = world.task(9)
        assert (task.status, task.status_label) == ("in_progress", "正在推进")
        statuses = {s["unit"]: s["status"] for s in task.sections if s["unit"]}
        assert sorted(statuses.values()) == ["completed", "completed", "in_progress"]

    def test_office_rule_keeps_the_tasks_status_and_records_the_units(self, world: World) -> None:
        set_joint(world, prefix=False, rule=JointStatus.OFFICE)
        before = world.task(9)

        report_accept(report=submit(world, 9, "住建局", HOUSING, "completed"), actor=world.office)

        task = world.task(9)
        assert (task.status, task.status_label) == (before.status, before.status_label)
        assert [s["status"] for s in task.sections if s["unit"]] == ["completed"]


@pytest.mark.usefixtures("round_open_on")
def test_an_edited_progress_makes_the_sections_stale_and_they_are_read_again(
    world: World,
) -> None:
    set_joint(world, prefix=True)
    task = accept_both(world)
    edited = f"共同推进。\n住建局：{HOUSING}\n水利局：修改后的进展。"
    task_update(task=task, version=task.version, actor=world.office, values={"progress": edited})
    task = Task.objects.select_related("ledger").get(pk=task.pk)

    assert [s.text for s in current_sections(task)][2] == "水利局：修改后的进展。"
    report_accept(report=submit(world, 9, "教体局", "已安装。", "completed"), actor=world.office)
    assert world.task(9).progress == f"{edited}\n教体局：已安装。"


@pytest.mark.usefixtures("round_open_on")
def test_switching_prefixes_recomposes_the_ledger_with_a_revision_and_an_audit_row(
    world: World,
) -> None:
    accept_both(world)
    version = world.task(9).version

    set_joint(world, prefix=True)

    task = world.task(9)
    assert f"\n住建局：{HOUSING}\n水利局：{WATER}" in task.progress
    assert task.version == version + 1
    assert TaskRevision.objects.filter(task=task, source=TaskRevision.Source.EDIT).exists()
    event = AuditEvent.objects.get(action="ledger.joint_settings")
    assert event.data["tasks"] == [task.key]
    set_joint(world, prefix=False)
    assert world.task(9).progress == f"{world.task(9).sections[0]['text']}\n{HOUSING}\n{WATER}"


def test_an_unknown_status_rule_is_refused_and_changes_nothing(world: World) -> None:
    with pytest.raises(EditError, match="请选择多单位任务的状态规则"):
        set_joint(world, prefix=True, rule="loudest")

    ledger = Ledger.objects.get(pk=world.ledger.pk)
    assert (ledger.prefix_unit_names, ledger.joint_status) == (False, JointStatus.LEAST)


class TestJointSettingsPage:
    def url(self, world: World) -> str:
        return f"/ledgers/{world.ledger.pk}/joint/"

    def test_only_the_office_sees_it(self, world: World) -> None:
        for user in (world.water, world.leader, world.viewer):
            client = Client()
            client.force_login(user)
            assert client.get(self.url(world)).status_code == 404
            assert client.post(self.url(world), {"joint_status": "office"}).status_code == 404
        assert Ledger.objects.get(pk=world.ledger.pk).joint_status == JointStatus.LEAST

    def test_the_office_saves_the_choice(self, world: World) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.office)
        page = client.get(self.url(world))
        assert page.status_code == 200
        assert "以进度最慢的单位为准" in page.content.decode()
        token = page.cookies["csrftoken"].value

        response = client.post(
            self.url(world),
            {"prefix_unit_names": "on", "joint_status": "office", "csrfmiddlewaretoken": token},
            follow=True,
        )

        assert "多单位任务的设置已保存" in response.content.decode()
        ledger = Ledger.objects.get(pk=world.ledger.pk)
        assert (ledger.prefix_unit_names, ledger.joint_status) == (True, "office")

    def test_a_post_without_the_csrf_token_is_refused(self, world: World) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(world.office)

        response = client.post(self.url(world), {"joint_status": "office"})

        assert response.status_code == 403
        assert Ledger.objects.get(pk=world.ledger.pk).joint_status == JointStatus.LEAST


def test_a_joint_tasks_form_starts_from_the_units_own_part(
    world: World, round_open_on: None
) -> None:
    from taizhang.ledger.services.joint import unit_part

    housing, water = Unit.objects.get(name="住建局"), Unit.objects.get(name="水利局")
    assert unit_part(world.task(9), housing.pk) == ""  # not the other units' paragraphs
    report_accept(report=submit(world, 9, "住建局", HOUSING, "in_progress"), actor=world.office)
    task = world.task(9)
    assert unit_part(task, housing.pk) == HOUSING
    assert unit_part(task, water.pk) == "" and unit_part(task, None) == ""
    single = world.task(1)
    assert unit_part(single, single.unit_links.first().unit_id) == single.progress  # type: ignore[union-attr]


def test_a_joint_tasks_report_form_on_the_task_page_holds_only_the_units_part(
    world: World, round_open_on: None
) -> None:
    client = Client()
    client.force_login(reporter("水利局"))
    page = client.get(f"/tasks/{world.task(9).pk}/")
    form = page.context["report_panel"].form if "report_panel" in page.context else None
    html = page.content.decode()
    assert SEED_TASK_9 in html  # the task's progress is shown …
    textarea = html[html.index("<textarea") : html.index("</textarea>")]
    assert SEED_TASK_9 not in textarea  # … but the form does not hand it to 水利局 to resend
    assert form is None or form.initial.get("progress") == ""
