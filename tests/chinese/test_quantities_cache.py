"""Reading figures fast without reading them differently: a text met again is not read again
(`sentences._found`, kept per text and kind), and a number already plain is not normalised
again (`units._plain`)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.quantities import find_quantities, task_indicators
from taizhang.chinese.quantities.sentences import _found
from taizhang.chinese.quantities.units import _plain

PROGRESS = "目前已完成投资1.2亿元，新建宿舍140套。\n主体工程完成80%。"


def test_a_text_met_again_gives_the_figures_of_its_first_reading() -> None:
    _found.cache_clear()
    first = find_quantities(PROGRESS, default_kind="actual")
    assert [(q.value, q.unit, q.kind) for q in first] == [
        (Decimal("1.2"), "亿元", "actual"),
        (Decimal("140"), "套", "actual"),
        (Decimal("80"), "%", "actual"),
    ]
    again = find_quantities(PROGRESS, default_kind="actual")
    assert _found.cache_info().hits == 1
    assert again == first
    assert again is not first  # each caller's own list: changing one changes no other
    first.clear()
    assert find_quantities(PROGRESS, default_kind="actual") == again


def test_the_same_text_is_kept_apart_for_each_default_kind() -> None:
    text = "新建宿舍140套"
    assert [q.kind for q in find_quantities(text)] == ["target"]
    assert [q.kind for q in find_quantities(text, default_kind="actual")] == ["actual"]
    assert [q.kind for q in find_quantities(text)] == ["target"]


def test_indicators_of_texts_read_before_are_those_of_a_first_reading() -> None:
    goal, deadline = "新建和改建教师周转宿舍140套，完成投资1.5亿元。", "年底前建成。"
    _found.cache_clear()
    fresh = task_indicators(goal, deadline, PROGRESS)
    assert [(i.name, i.percent) for i in fresh] == [
        ("新建和改建教师周转宿舍", Decimal("100.0")),
        ("完成投资", Decimal("80.0")),
    ]
    assert task_indicators(goal, deadline, PROGRESS) == fresh


def _normalised(number: Decimal) -> Decimal:
    """`_plain` as it was, normalising every number."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if not isinstance(exponent, int) or exponent <= 0:
        return normal
    with localcontext() as context:
        context.prec = len(normal.as_tuple().digits) + exponent
        return normal.quantize(Decimal(1))


@given(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=-8, max_value=8),
)
def test_a_plain_number_is_the_number_normalised(digits: int, shift: int) -> None:
    number = Decimal(digits).scaleb(shift)
    assert repr(_plain(number)) == repr(_normalised(number))


def test_plain_numbers_at_the_edges() -> None:
    for written in (
        "0",
        "-0",
        "10",
        "140",
        "12000.0",
        "1E+3",
        "0.000",
        "100.00",
        "9" * 28,
        "9" * 29,
    ):
        number = Decimal(written)
        assert repr(_plain(number)) == repr(_normalised(number)), written
    assert repr(_plain(Decimal("140"))) == "Decimal('140')"
    assert repr(_plain(Decimal("1.20"))) == "Decimal('1.2')"
