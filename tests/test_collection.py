"""`taizhang.collection.full_collections_paused`: no full collection within the block, the
collector's thresholds as they were after it (nested blocks, an error), and an import runs
inside one."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from taizhang.collection import full_collections_paused


@pytest.fixture(autouse=True)
def _thresholds_kept() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_full_collections_wait_within_the_block_and_come_back_after_it() -> None:
    gc.set_threshold(700, 10, 10)
    with full_collections_paused():
        first, second, third = gc.get_threshold()
        assert (first, second) == (700, 10) and third >= 2**31 - 1
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_blocks_restore_the_thresholds_when_the_outer_one_ends() -> None:
    gc.set_threshold(500, 8, 12)
    with full_collections_paused():
        with full_collections_paused():
            pass
        assert gc.get_threshold()[2] >= 2**31 - 1  # the outer block still runs
    assert gc.get_threshold() == (500, 8, 12)


def test_an_error_inside_the_block_restores_the_thresholds() -> None:
    gc.set_threshold(700, 10, 10)
    with pytest.raises(RuntimeError), full_collections_paused():
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


def test_young_collections_still_run_within_the_block() -> None:
    gc.set_threshold(700, 10, 10)  # the suite's own are higher (tests/conftest.py)
    with full_collections_paused():
        before = gc.get_stats()[0]["collections"]
        for _ in range(5000):
            cycle: list[object] = []
            cycle.append(cycle)
        assert gc.get_stats()[0]["collections"] > before
