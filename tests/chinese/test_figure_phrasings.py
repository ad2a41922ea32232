"""Short phrasings, one kind of mistake each, that the figure reader must read by its written
rules (docs/figures.md), and that it reads a long cell in time linear in its length."""

import time
from decimal import Decimal

from taizhang.chinese.quantities import Quantity, find_quantities, task_indicators


def read(text: str, cell: str = "progress") -> list[tuple[str, Decimal, str, str]]:
    kind = "actual" if cell == "progress" else "target"
    return [(q.subject, q.value, q.unit, q.kind) for q in find_quantities(text, default_kind=kind)]


def only(text: str, cell: str = "progress") -> Quantity:
    (found,) = find_quantities(text, default_kind="actual" if cell == "progress" else "target")
    return found


# --- a long cell -------------------------------------------------------------------------------


def _cpu_seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        find_quantities(text, default_kind="actual")
        task_indicators("改造12个。", "", text)
        best = min(best, time.process_time() - start)
    return best


def test_a_long_cell_reads_in_linear_time() -> None:
    # Eight times the figures: about eight times the work when linear, 64 when quadratic (as it
    # was: every figure scanned its sentence back to the start). CPU time, best of three.
    short, long = _cpu_seconds("完成改造12个，" * 100), _cpu_seconds("完成改造12个，" * 800)
    assert long < 24 * short, (short, long)


def test_a_long_cell_reads_every_figure_with_its_carried_subject() -> None:
    found = find_quantities("改造老旧小区12个，" + "完成12个，" * 799, default_kind="actual")
    assert len(found) == 800
    assert {(q.subject, q.value, q.kind) for q in found[1:]} == {
        ("老旧小区", Decimal(12), "actual")
    }


def test_a_marker_of_an_earlier_clause_holds_to_the_end_of_its_sentence() -> None:
    assert [k for *_, k in read("计划新建学校3所，改造12所，新增学位2000个。改造5所。")] == [
        "plan",
        "plan",
        "plan",
        "actual",
    ]


def test_a_clause_marker_binds_its_clause_only_in_a_goal_cell() -> None:
    # "在已建成12所的基础上，再建设8所": 已 says what stands, the next clause what is wanted.
    assert [k for *_, k in read("已建成学校12所，再建设8所", cell="goal")] == ["actual", "target"]
    assert [k for *_, k in read("目标新建学校12所，改造8所", cell="progress")] == [
        "target",
        "actual",
    ]
