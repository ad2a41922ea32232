"""Drafts (暂存) and held files: reporting.drafts services and selectors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from taizhang.ledger.models import AuditEvent, Unit
from taizhang.reporting import drafts
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import HeldFile, ReportDraft
from tests.factories import World

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + bytes(100)


def png(name: str = "a.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


def water(world: World) -> Unit:
    return Unit.objects.get(name="水利局")


def test_saving_a_draft_again_replaces_it_and_leaves_an_audit_row(world: World) -> None:
    task, unit = world.task(3), water(world)
    for text in ("第一稿", "第二稿"):
        drafts.draft_save(
            task=task, unit=unit, actor=world.water, progress=text, status="", figures_text=""
        )
    assert list(ReportDraft.objects.values_list("progress", flat=True)) == ["第二稿"]
    assert drafts.draft_of(task, unit.pk).progress == "第二稿"  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="report.draft_save").count() == 2


def test_a_draft_with_an_unknown_status_is_refused_and_nothing_saved(world: World) -> None:
    with pytest.raises(ReportingError, match="请选择状态"):
        drafts.draft_save(
            task=world.task(3),
            unit=water(world),
            actor=world.water,
            progress="x",
            status="nonsense",
            figures_text="",
        )
    assert ReportDraft.objects.count() == 0


def test_dropping_a_draft_drops_its_held_files_too(world: World) -> None:
    task, unit = world.task(3), water(world)
    drafts.draft_save(
        task=task, unit=unit, actor=world.water, progress="x", status="", figures_text=""
    )
    drafts.file_hold(task=task, unit=unit, owner=world.water, upload=png())
    drafts.draft_drop(task=task, unit=unit, actor=world.water)
    assert ReportDraft.objects.count() == 0 and HeldFile.objects.count() == 0
    assert AuditEvent.objects.get(action="report.draft_drop").data["files"] == ["a.png"]


def test_a_held_file_is_checked_by_content(world: World) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 an exe")
    with pytest.raises(ReportingError, match="不是照片"):
        drafts.file_hold(task=world.task(3), unit=water(world), owner=world.water, upload=upload)
    assert HeldFile.objects.count() == 0


def test_held_files_are_bounded_per_person_task_and_unit(world: World) -> None:
    task, unit = world.task(3), water(world)
    for n in range(drafts.MAX_HELD_FILES):
        drafts.file_hold(task=task, unit=unit, owner=world.water, upload=png(f"{n}.png"))
    with pytest.raises(ReportingError, match="最多保留"):
        drafts.file_hold(task=task, unit=unit, owner=world.water, upload=png())


def test_only_the_owners_held_files_are_dropped(world: World) -> None:
    task, unit = world.task(3), water(world)
    mine = drafts.file_hold(task=task, unit=unit, owner=world.water, upload=png())
    assert drafts.held_files_drop(task=task, unit=unit, owner=world.health, ids=[mine.pk]) == 0
    assert drafts.held_files_of(task, unit.pk, world.water) == [mine]
    assert drafts.held_files_drop(task=task, unit=unit, owner=world.water, ids=[mine.pk]) == 1
    assert HeldFile.objects.count() == 0


def test_drafts_by_task_reads_all_tasks_in_one_query(
    world: World, django_assert_num_queries: object
) -> None:
    unit = water(world)
    tasks = [world.task(3), world.task(9)]
    for task in tasks:
        drafts.draft_save(
            task=task,
            unit=unit,
            actor=world.water,
            progress=str(task.number),
            status="",
            figures_text="",
        )
    with django_assert_num_queries(1):  # type: ignore[operator]
        found = drafts.drafts_by_task(tasks, [unit.pk])
    assert {pk: d.progress for pk, d in found.items()} == {tasks[0].pk: "3", tasks[1].pk: "9"}
