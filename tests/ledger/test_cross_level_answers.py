"""The office's answers about the matching (`--match`, `--match-file`, the web preview's
selects) pair a task with a task and a sub-item with a sub-item only: a task stored as a
sub-item would vanish from the ledger's documents, and a swap would make a parent cycle. The
web confirm takes only the choices its preview offered."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from taizhang.documents.json_format import write_json
from taizhang.documents.model import LedgerDoc, TaskDoc
from taizhang.ledger import editions, matching
from taizhang.ledger.editions import MatchError
from taizhang.ledger.matching import AnswerError, Item, match
from taizhang.ledger.models import AuditEvent, Ledger, Task
from taizhang.ledger.selectors import ledger_document
from taizhang.ledger.services import ledger_import
from tests.factories import World
from tests.ledger.test_import_editions import halved, seed

pytestmark = pytest.mark.django_db


def with_subitems() -> LedgerDoc:
    """The seed with task 3 split into two sub-items."""
    doc = seed()
    task = doc.tasks[2]
    task.subitems = [
        TaskDoc(number=1, goal="北部供水工程子项一：管网铺设二十公里", units=list(task.units)),
        TaskDoc(number=2, goal="玉阳湖工业供水子项二：水厂建设", units=list(task.units)),
    ]
    return doc


def stored() -> Ledger:
    return ledger_import(doc=with_subitems()).ledger


def parents(ledger: Ledger) -> dict[str, str | None]:
    tasks = Task.objects.filter(ledger=ledger).select_related("parent")
    return {t.key: t.parent.key if t.parent else None for t in tasks}


def rows_in_document(ledger: Ledger) -> int:
    doc = ledger_document(Ledger.objects.get(pk=ledger.pk))
    return sum(1 + len(task.subitems) for task in doc.tasks)


@pytest.mark.parametrize(("new_parent", "old_parent"), [(None, "3"), ("3", None)])
def test_matching_refuses_an_answer_pairing_a_task_with_a_sub_item(
    new_parent: str | None, old_parent: str | None
) -> None:
    old = [
        Item("3", "一", "供水"),
        Item("3/1", "一", "北部供水", parent="3"),
        Item("5", "一", "教育"),
    ]
    new = [
        Item("3", "一", "供水"),
        Item("3/1", "一", "北部供水", parent="3"),
        Item("5", "一", "教育"),
    ]
    new_key = "5" if new_parent is None else "3/1"
    old_key = "3/1" if old_parent is not None else "5"
    with pytest.raises(AnswerError) as caught:
        match(old, new, {new_key: old_key})
    assert (caught.value.side, caught.value.key, caught.value.other) == ("level", new_key, old_key)


def test_an_answer_storing_a_task_as_a_sub_item_is_refused_and_changes_nothing() -> None:
    ledger = stored()
    before, events = parents(ledger), AuditEvent.objects.count()
    message = "新台账的 5 与原台账的 3/1 不能对应：任务只能对应任务，子项只能对应子项"
    with pytest.raises(MatchError, match=message):
        ledger_import(doc=with_subitems(), answers={"5": "3/1"})
    assert parents(ledger) == before and AuditEvent.objects.count() == events
    assert rows_in_document(ledger) == 18


def test_a_swap_of_a_task_and_its_sub_item_is_refused() -> None:
    ledger = stored()
    with pytest.raises(MatchError, match="任务只能对应任务"):
        ledger_import(doc=with_subitems(), answers={"3": "3/1", "3/1": "3"})
    assert parents(ledger)["3"] is None and parents(ledger)["3/1"] == "3"


def test_the_importer_never_leaves_a_task_under_another_whatever_the_matching_pairs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ledger = stored()
    real = matching.match

    def careless(old: list[Item], new: list[Item], answers: Any = None) -> Any:
        # A matching without the level rule: the stored sub-item 3/1 passes for a task.
        old = [dataclasses.replace(i, parent=None) if i.key == "3/1" else i for i in old]
        return real(old, new, answers)

    monkeypatch.setattr(editions, "match", careless)
    ledger_import(doc=with_subitems(), answers={"5": "3/1"})

    assert parents(ledger)["5"] is None
    assert rows_in_document(ledger) == 18


def call(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    try:
        call_command(*args, stdout=io.StringIO(), stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), err.getvalue()
    return 0, err.getvalue()


def test_the_cli_refuses_a_cross_level_match_in_one_line(tmp_path: Path) -> None:
    ledger = stored()
    path = tmp_path / "later.json"
    path.write_bytes(write_json(with_subitems()))
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"3/1": "3"}), encoding="utf-8")

    code, err = call("import", str(path), "--match", "5=3/1")
    assert code == 1 and "任务只能对应任务，子项只能对应子项" in err
    assert len(err.strip().splitlines()) == 1
    code, err = call("import", str(path), "--match-file", str(answers))
    assert code == 1 and "新台账的 3/1 与原台账的 3 不能对应" in err
    assert parents(ledger)["5"] is None and parents(ledger)["3/1"] == "3"


def upload(client: Client, doc: LedgerDoc) -> tuple[str, str]:
    """The preview's token and page."""
    handle = io.BytesIO(write_json(doc))
    handle.name = "later.json"
    response = client.post(reverse("web:ledger_upload"), {"file": handle})
    return str(response.context["token"]), response.content.decode()


def test_the_web_confirm_refuses_a_choice_the_preview_did_not_offer(
    world: World, client: Client
) -> None:
    client.force_login(world.office)
    token, _page = upload(client, halved())
    events = AuditEvent.objects.count()
    # New task 3 is stored task 2 renumbered: the preview offers no choice for it.
    posted = {"token": token, "match-1": "1", "match-2": "new", "match-3": "3"}

    refused = client.post(reverse("web:ledger_upload_confirm"), posted)

    assert refused.status_code == 200
    assert "新序号 3 的选择不是预览列出的选项" in refused.content.decode()
    assert Task.objects.filter(ledger=world.ledger).count() == 16
    assert AuditEvent.objects.count() == events
    del posted["match-3"]
    assert client.post(reverse("web:ledger_upload_confirm"), posted).status_code == 302


def first_task_split() -> LedgerDoc:
    """The seed with its task 1 split into one sub-item (the stored edition)."""
    doc = seed()
    doc.tasks[0].subitems = [TaskDoc(1, "妇女儿童医院启用", units=list(doc.tasks[0].units))]
    return doc


def with_two_alike_sub_items(doc: LedgerDoc) -> LedgerDoc:
    """`doc` whose first task has two sub-items alike, either of which may be stored 1/1."""
    first = doc.tasks[0]
    first.subitems = [
        TaskDoc(1, "妇女儿童医院启用一期", units=list(first.units)),
        TaskDoc(2, "妇女儿童医院启用二期", units=list(first.units)),
    ]
    return doc


def test_the_web_confirm_takes_a_sub_items_choice_offered_once_its_task_is_decided(
    world: World, client: Client
) -> None:
    ledger_import(doc=first_task_split())
    client.force_login(world.office)
    token, page = upload(client, with_two_alike_sub_items(halved()))
    assert 'name="match-1"' in page and 'name="match-1/1"' not in page
    posted = {"token": token, "match-1": "1", "match-2": "new", "match-1/1": "1/1"}

    done = client.post(reverse("web:ledger_upload_confirm"), posted)

    assert done.status_code == 302
    assert Task.objects.get(ledger=world.ledger, key="1/1").goal == "妇女儿童医院启用一期"
