"""The office's direct edit of a joint task's progress keeps the units' parts: the sections are
given again from the edited text (`task_update`), so the next accepted report of a unit still
replaces that unit's part, and each unit's status stays with its part. Task 9 of the seed is
served by 住建局、水利局、教体局."""

from __future__ import annotations

import datetime

import pytest

from taizhang.ledger.models import Task, TaskRevision, Unit
from taizhang.ledger.services import task_update
from taizhang.reporting.services import report_accept, round_open
from tests.factories import World
from tests.reporting.test_joint_tasks import HOUSING, WATER, accept_both, set_joint, submit

pytestmark = pytest.mark.django_db

NEWER_HOUSING = "东二环段全部完工并验收。"


@pytest.fixture(autouse=True)
def round_open_on(world: World) -> None:
    round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )


def edit_progress(world: World, task: Task, progress: str) -> Task:
    return task_update(
        task=task, version=task.version, actor=world.office, values={"progress": progress}
    )


def statuses(task: Task) -> dict[str | None, str]:
    names = dict(Unit.objects.values_list("pk", "name"))
    return {names.get(s["unit"]): s["status"] for s in task.sections}


def test_an_office_fix_in_the_common_part_leaves_the_next_report_replacing_its_units_part(
    world: World,
) -> None:
    task = accept_both(world)
    edited = task.progress.replace("蟒河", "漭河", 1)

    edit_progress(world, task, edited)
    report = submit(world, 9, "住建局", NEWER_HOUSING, "completed")
    report_accept(report=report, actor=world.office)

    after = world.task(9)
    assert HOUSING not in after.progress
    common = edited.removesuffix(f"\n{HOUSING}\n{WATER}")
    assert after.progress == f"{common}\n{NEWER_HOUSING}\n{WATER}"
    assert statuses(after) == {None: "", "住建局": "completed", "水利局": "in_progress"}


def test_the_edit_writes_the_sections_in_its_own_revision(world: World) -> None:
    task = accept_both(world)
    revisions = TaskRevision.objects.filter(task=task).count()

    edited = edit_progress(world, task, "漭河" + task.progress)

    assert TaskRevision.objects.filter(task=task).count() == revisions + 1
    last = TaskRevision.objects.filter(task=task).latest("at", "pk")
    assert set(last.changes) == {"progress", "sections"}
    assert statuses(edited) == {None: "", "住建局": "completed", "水利局": "in_progress"}
    assert edited.sections[0]["text"].startswith("漭河")


def test_with_unit_names_the_edit_keeps_the_named_parts_and_their_statuses(world: World) -> None:
    set_joint(world, prefix=True)
    task = accept_both(world)

    edit_progress(world, task, task.progress.replace("蟒河", "漭河", 1))
    report = submit(world, 9, "住建局", NEWER_HOUSING, "completed")
    report_accept(report=report, actor=world.office)

    after = world.task(9)
    assert after.progress.endswith(f"\n住建局：{NEWER_HOUSING}\n水利局：{WATER}")
    assert statuses(after) == {None: "", "住建局": "completed", "水利局": "in_progress"}


def test_an_edit_of_a_task_one_unit_serves_leaves_its_sections_alone(world: World) -> None:
    task = world.task(3)

    edited = edit_progress(world, task, "北部供水工程已开工。")

    assert edited.sections == [] and edited.progress == "北部供水工程已开工。"
