"""The ledger document model: task keys, the identity of a task between editions."""

from __future__ import annotations

from taizhang.documents.model import (
    CategoryDoc,
    LedgerDoc,
    TaskDoc,
    all_task_docs,
    subitem_keys,
    task_keys,
)


def _doc(*categories: tuple[int, list[int]]) -> LedgerDoc:
    return LedgerDoc(
        title="2024年测试台账",
        year=2024,
        categories=[
            CategoryDoc(number, f"分类{number}", [TaskDoc(n, f"任务{n}") for n in numbers])
            for number, numbers in categories
        ],
    )


def test_task_keys_are_the_numbers_where_the_ledger_numbers_tasks_once() -> None:
    assert task_keys(_doc((1, [1, 2]), (2, [3]))) == ["1", "2", "3"]


def test_task_keys_name_the_category_where_each_category_numbers_afresh() -> None:
    assert task_keys(_doc((1, [1, 2]), (2, [1]))) == ["1.1", "1.2", "2.1"]


def test_task_keys_tell_apart_a_number_used_twice_in_a_category() -> None:
    # The other tasks keep the keys they have in an edition without the mistake.
    assert task_keys(_doc((1, [1, 2, 2]), (2, [3]))) == ["1", "2", "2-2", "3"]


def test_a_sub_item_shows_its_label_else_its_place_under_its_task() -> None:
    task = TaskDoc(3, "供水")
    assert TaskDoc(1, "北部", label="（1）").display_number(task) == "（1）"
    assert TaskDoc(2, "玉阳湖").display_number(task) == "3-2"
    assert task.display_number() == "3"


def test_every_row_comes_in_document_order_with_its_key_and_parent() -> None:
    doc = _doc((1, [1, 2]), (2, [1]))
    first = doc.tasks[0]
    first.subitems = [TaskDoc(1, "甲", label="①"), TaskDoc(2, "乙", label="②")]
    rows = [(key, task.goal, parent) for key, task, parent in all_task_docs(doc)]
    assert rows == [
        ("1.1", "任务1", None),
        ("1.1/1", "甲", first),
        ("1.1/2", "乙", first),
        ("1.2", "任务2", None),
        ("2.1", "任务1", None),
    ]
    assert subitem_keys("3", first.subitems) == ["3/1", "3/2"]


def test_sub_items_numbered_alike_get_keys_of_their_own() -> None:
    alike = [TaskDoc(1, "甲"), TaskDoc(1, "乙"), TaskDoc(2, "丙")]
    assert subitem_keys("3", alike) == ["3/1", "3/1-2", "3/2"]
