"""A later edition of a ledger keeps each task's history on its task: tasks are matched by
content (goal, units, category), not by number, so renumbering, per-category numbering, a
split, a merge, a move to another category or a reworded goal leave reports, comments and
revisions where they belong; what cannot be told apart waits for the office's decision."""

from __future__ import annotations

import copy
import datetime
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from taizhang.documents.json_format import write_json
from taizhang.documents.model import LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.read_text import read_text
from taizhang.ledger.editions import AmbiguousError, MatchError
from taizhang.ledger.matching import Kind
from taizhang.ledger.models import AuditEvent, Task, Unit
from taizhang.ledger.services import ImportResult, ledger_import
from taizhang.reporting.models import Report
from taizhang.reporting.selectors import review_queue
from taizhang.reporting.services import comment_add, report_submit, round_open
from tests.conftest import SEED
from tests.factories import World

pytestmark = pytest.mark.django_db


def seed() -> LedgerDoc:
    return read_text(SEED.read_bytes(), name=SEED.name)


def current(world: World, number: int) -> Task:
    """The current (not removed) task with this number."""
    return Task.objects.get(
        ledger=world.ledger, number=number, parent__isnull=True, removed_at__isnull=True
    )


def renumber(doc: LedgerDoc) -> LedgerDoc:
    for number, task in enumerate(doc.tasks, 1):
        task.number = number
    return doc


def kinds(result: ImportResult) -> Counter[Kind]:
    return Counter(d.kind for d in result.plan.decisions)


def report(world: World, number: int, unit: str, text: str) -> Report:
    user = world.water if unit == "水利局" else world.health
    return report_submit(
        task=world.task(number),
        unit=Unit.objects.get(name=unit),
        actor=user,
        progress=text,
        status="in_progress",
    )


@pytest.fixture
def open_round(world: World) -> None:
    round_open(
        ledger=world.ledger, name="5月", due_date=datetime.date(2021, 5, 31), actor=world.office
    )


def test_a_task_inserted_at_the_front_leaves_each_units_reports_on_its_task(
    world: World, open_round: None, client: Client
) -> None:
    hospital = report(world, 1, "卫健委", "妇女儿童医院已启用。")
    water = report(world, 3, "水利局", "北部供水工程已开工。")
    comment_add(task=world.task(4), actor=world.leader, text="请加快管网建设。")
    later = seed()
    later.categories[0].tasks.insert(
        0, TaskDoc(number=0, goal="新建市急救指挥中心。", units=[UnitRef("卫健委")])
    )
    result = ledger_import(doc=renumber(later))
    assert kinds(result) == {Kind.NEW: 1, Kind.MOVED: 16}
    assert result.tasks_removed == 0
    assert (hospital.task.pk, water.task.pk) == (world.task(2).pk, world.task(4).pk)
    assert list(world.task(2).reports.all()) == [hospital]  # type: ignore[attr-defined]
    assert list(world.task(4).reports.all()) == [water]  # type: ignore[attr-defined]
    assert world.task(5).comments.get().text == "请加快管网建设。"  # type: ignore[attr-defined]
    assert world.task(1).goal == "新建市急救指挥中心。"
    assert world.task(4).key == "4" and world.task(17).key == "17"
    client.force_login(world.health)
    assert client.get(reverse("web:task_detail", args=[water.task.pk])).status_code == 404
    page = client.get(reverse("web:task_detail", args=[hospital.task.pk]))
    assert page.status_code == 200 and "北部供水工程已开工" not in page.content.decode()


def test_numbering_afresh_in_each_category_removes_nothing_and_keeps_the_review_queue(
    world: World, open_round: None
) -> None:
    waiting = report(world, 3, "水利局", "北部供水工程已开工。")
    later = seed()
    for category in later.categories:
        for number, task in enumerate(category.tasks, 1):
            task.number = number
    result = ledger_import(doc=later)
    assert kinds(result) == {Kind.MOVED: 16} and result.tasks_removed == 0
    assert Task.objects.filter(ledger=world.ledger, removed_at__isnull=False).count() == 0
    assert list(review_queue(world.ledger.pk)) == [waiting]
    waiting.task.refresh_from_db()
    assert (waiting.task.key, waiting.task.number) == ("2.1", 1)


def test_a_task_split_in_two_keeps_its_history_on_the_closer_half(
    world: World, open_round: None
) -> None:
    water = report(world, 3, "水利局", "北部供水工程已开工。")
    later = seed()
    task3 = later.tasks[2]
    task3.goal = task3.goal.replace("启动邵原镇和南部岭区供水工程，", "")
    split = TaskDoc(number=0, goal="启动邵原镇和南部岭区供水工程。", units=list(task3.units))
    later.categories[1].tasks.append(split)
    result = ledger_import(doc=renumber(later))
    decisions = {d.new.key: d for d in result.plan.decisions if d.new}
    assert decisions["3"].kind == Kind.CHANGED and decisions["3"].old.key == "3"  # type: ignore[union-attr]
    assert decisions["4"].kind == Kind.NEW
    assert world.task(3).pk == water.task.pk and world.task(3).reports.count() == 1  # type: ignore[attr-defined]
    assert world.task(4).reports.count() == 0  # type: ignore[attr-defined]


def test_two_tasks_merged_keep_the_closer_ones_history_and_remove_the_other(
    world: World,
) -> None:
    before = {n: world.task(n).pk for n in (13, 14, 15)}
    later = seed()
    tasks = later.categories[8].tasks
    tasks[0].goal += tasks[1].goal
    del tasks[1]
    result = ledger_import(doc=renumber(later))
    assert result.tasks_removed == 1
    assert current(world, 13).pk == before[13]
    assert Task.objects.get(pk=before[14]).removed_at is not None
    assert current(world, 14).pk == before[15]


def test_a_task_moved_to_another_category_keeps_its_row(world: World) -> None:
    teeth = world.task(16).pk
    later = seed()
    moved = later.categories[9].tasks.pop()
    later.categories[0].tasks.append(moved)
    result = ledger_import(doc=renumber(later))
    assert kinds(result)[Kind.REMOVED] == 0 and result.tasks_created == 0
    task = Task.objects.select_related("category").get(pk=teeth)
    assert (task.number, task.category.name) == (3, "提升医疗服务保障能力")
    assert task.revisions.order_by("id").last().changes["key"] == {"old": "16", "new": "3"}  # type: ignore[union-attr]


def test_a_slightly_reworded_goal_is_the_same_task_changed(world: World) -> None:
    school = world.task(5).pk
    later = seed()
    later.tasks[4].goal = "优化城乡教育资源布局，加快推进玉川路小学、天坛路小学扩建工程。"
    result = ledger_import(doc=later)
    assert kinds(result) == {Kind.UNCHANGED: 15, Kind.CHANGED: 1}
    change = Task.objects.get(pk=school).revisions.order_by("id").last()
    assert change is not None and set(change.changes) == {"goal"}


def test_a_unit_dropped_from_a_task_loses_it_and_the_preview_says_so(
    world: World, client: Client
) -> None:
    river = world.task(9)
    client.force_login(world.water)
    assert client.get(reverse("web:task_detail", args=[river.pk])).status_code == 200
    later = seed()
    later.tasks[8].units = [u for u in later.tasks[8].units if u.name != "水利局"]
    result = ledger_import(doc=later)
    assert result.plan.unit_notes == ["水利局 不再负责任务9"]
    assert world.task(9).pk == river.pk
    assert client.get(reverse("web:task_detail", args=[river.pk])).status_code == 404


def halved() -> LedgerDoc:
    """Task 1 split in two halves: each could be it, neither clearly is."""
    later = seed()
    first = later.tasks[0]
    second = copy.deepcopy(first)
    first.goal, second.goal = (
        "启用妇女儿童医院，完成中医院二期扩建。",
        "启动人民医院东院区、二院综合病房楼建设。",
    )
    later.categories[0].tasks.insert(1, second)
    return renumber(later)


def test_an_ambiguous_task_refuses_the_import_and_changes_nothing(world: World) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(AmbiguousError) as caught:
        ledger_import(doc=halved())
    assert "请逐项确认后再导入" in str(caught.value)
    assert [d.new.key for d in caught.value.plan.ambiguous] == ["1", "2"]  # type: ignore[union-attr]
    assert Task.objects.filter(ledger=world.ledger).count() == 16
    assert world.task(1).goal.startswith("启用妇女儿童医院，完成中医院二期扩建，启动")
    assert AuditEvent.objects.count() == events


def test_the_offices_answers_decide_an_ambiguous_task(world: World) -> None:
    hospital = world.task(1).pk
    result = ledger_import(doc=halved(), answers={"1": "1", "2": None})
    assert world.task(1).pk == hospital and result.tasks_created == 1


def test_an_answer_naming_a_missing_task_is_refused_and_changes_nothing(world: World) -> None:
    with pytest.raises(MatchError, match="原台账中没有序号为 99 的任务"):
        ledger_import(doc=halved(), answers={"1": "99", "2": None})
    with pytest.raises(MatchError, match="新台账中没有序号为 40 的任务"):
        ledger_import(doc=halved(), answers={"40": "1"})
    assert Task.objects.filter(ledger=world.ledger).count() == 16


def test_a_task_removed_earlier_is_matched_back_and_keeps_its_key_free(world: World) -> None:
    teeth = world.task(16).pk
    shorter = seed()
    shorter.categories[9].tasks.pop()
    ledger_import(doc=shorter)
    # Task 16 back, 15 dropped: 16 becomes 15, and the dropped 15 gives up its key.
    again = seed()
    del again.categories[9].tasks[0]
    renumber(again)
    result = ledger_import(doc=again)
    assert Task.objects.get(pk=teeth).removed_at is None
    assert current(world, 15).pk == teeth and kinds(result)[Kind.REMOVED] == 1
    eyes = Task.objects.get(ledger=world.ledger, removed_at__isnull=False)
    assert eyes.goal.startswith("启动“明眸”工程") and eyes.key == f"~{eyes.pk}"


# --- the command line ---------------------------------------------------------------------------


def call(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def edition_file(tmp_path: Path, doc: LedgerDoc) -> str:
    path = tmp_path / "later.json"
    path.write_bytes(write_json(doc))
    return str(path)


def test_the_import_summary_lists_renumbered_and_new_tasks(world: World, tmp_path: Path) -> None:
    later = seed()
    later.categories[0].tasks.insert(0, TaskDoc(number=0, goal="新建市急救指挥中心。"))
    code, out, _err = call("import", edition_file(tmp_path, renumber(later)))
    assert code == 0
    assert "按内容与原台账比对：重新编号或移动 16 项，新增 1 项" in out
    assert "重新编号或移动：1 → 2 「启用妇女儿童医院" in out
    assert "新增：— → 1 「新建市急救指挥中心。」" in out


def test_the_dry_run_previews_the_matching_on_stderr_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    # The JSON goes to the standard output's buffer; the comparison to stderr.
    code, _out, err = call("import", edition_file(tmp_path, halved()), "--dry-run")
    assert code == 0
    assert "待确认：新1 可能是原1" in err and "--match" in err
    assert Task.objects.filter(ledger=world.ledger).count() == 16


def test_the_cli_refuses_an_ambiguous_edition_until_match_decides(
    world: World, tmp_path: Path
) -> None:
    path = edition_file(tmp_path, halved())
    code, out, err = call("import", path)
    assert code == 1 and out == ""
    assert "错误：有 2 项任务无法确定" in err and "--match 新序号=原序号" in err
    assert Task.objects.filter(ledger=world.ledger).count() == 16
    hospital = world.task(1).pk
    code, out, _err = call("import", path, "--match", "1=1", "--match", "2=new")
    assert code == 0 and "新增 1 项" in out
    assert world.task(1).pk == hospital and world.task(2).pk != hospital


def test_a_match_file_decides_too(world: World, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"1": "new", "2": "1"}), encoding="utf-8")
    hospital = world.task(1).pk
    code, _out, _err = call(
        "import", edition_file(tmp_path, halved()), "--match-file", str(answers)
    )
    assert code == 0 and world.task(2).pk == hospital


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("1=99", "原台账中没有序号为 99 的任务"),
        ("1", "应为 新序号=原序号"),
        ("40=1", "新台账中没有"),
    ],
)
def test_a_bad_match_is_one_line_and_changes_nothing(
    world: World, tmp_path: Path, option: str, message: str
) -> None:
    code, _out, err = call("import", edition_file(tmp_path, halved()), "--match", option)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1
    assert Task.objects.filter(ledger=world.ledger).count() == 16
