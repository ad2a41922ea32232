"""A clause of thousands of characters with no punctuation (pasted text) is read in pieces,
so its cost stays linear in its length; cells of ordinary clauses are read whole, as before."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.quantities.sentences import CLAUSE_MOST, _find, _pieces, find_quantities

REPEATED = "已完成管网建设约21公里计划"


def test_a_cell_of_ordinary_clauses_is_read_whole() -> None:
    text = "，".join([REPEATED] * 200)
    assert _pieces(text) == [text]
    assert find_quantities(text, default_kind="actual") == _find(text, "actual")


def test_a_long_clause_is_cut_into_pieces_that_keep_every_character() -> None:
    text = REPEATED * 100
    pieces = _pieces(text)
    assert len(pieces) > 1
    assert "".join(pieces) == text
    assert all(len(piece) <= CLAUSE_MOST for piece in pieces)


def test_no_figure_of_a_long_clause_is_lost_or_cut() -> None:
    text = REPEATED * 100
    found = find_quantities(text, default_kind="actual")
    assert len(found) == 100
    assert {(q.value, q.unit) for q in found} == {(Decimal("21"), "公里")}


def test_a_run_of_digits_longer_than_a_piece_is_still_cut() -> None:
    pieces = _pieces("1" * 1000 + "个")
    assert "".join(pieces) == "1" * 1000 + "个"
    assert len(pieces) == 4


@given(st.text(alphabet="0123456789.万个公里已完成项目其余、，", max_size=2000))
def test_pieces_always_rejoin_to_the_text(text: str) -> None:
    pieces = _pieces(text)
    assert "".join(pieces) == text
    assert pieces == [text] or all(pieces)
