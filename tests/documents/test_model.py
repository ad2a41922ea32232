"""The ledger document model: task keys, the identity of a task between editions."""

from __future__ import annotations

from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, task_keys


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
    assert task_keys(_doc((1, [1, 2, 2]))) == ["1.1", "1.2", "1.2-2"]
