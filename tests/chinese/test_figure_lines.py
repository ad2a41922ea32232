"""Figures a reporter types in the report form, as people write them
(taizhang.chinese.quantities.read_figure_lines)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.quantities import TypedFigure, read_figure_line, read_figure_lines

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("河道清淤约3公里", [("河道清淤", "3", "公里")]),
        ("完成投资 1,200 万元", [("完成投资", "1200", "万元")]),
        ("完成投资１２００万元", [("完成投资", "1200", "万元")]),
        ("完成投资 7000 万元", [("完成投资", "7000", "万元")]),
        ("完成投资7000万元", [("完成投资", "7000", "万元")]),
        ("管线：9000 米", [("管线", "9000", "米")]),
        ("管线:9000米", [("管线", "9000", "米")]),
        ("入户率 95 %", [("入户率", "95", "%")]),
        ("入户率９５％", [("入户率", "95", "%")]),
        ("完成投资1.2亿元", [("完成投资", "1.2", "亿元")]),
        ("新增就业1.2万人", [("新增就业", "12000", "人")]),
        ("培训 300 人次", [("培训", "300", "人次")]),
        ("完成投资 12,345,678 元", [("完成投资", "12345678", "元")]),
        (
            "投资8200万元，完成年度计划的91%",
            [("投资", "8200", "万元"), ("完成年度计划", "91", "%")],
        ),
        (
            "新建学校两所、改造幼儿园3所",
            [("新建学校", "2", "所"), ("改造幼儿园", "3", "所")],
        ),
        # Units outside the reader's list, written "名称 数值 单位" as the form's hint asks.
        ("完成 5 公顷", [("完成", "5", "公顷")]),
        ("人数: 1.5", [("人数", "1.5", "")]),
        ("库存变化 -3 吨", [("库存变化", "-3", "吨")]),
    ],
)
def test_a_typed_line_gives_its_figures(line: str, expected: list[tuple[str, str, str]]) -> None:
    assert read_figure_line(line) == [TypedFigure(n, Decimal(v), u) for n, v, u in expected]


@pytest.mark.parametrize(
    "line",
    [
        "完成投资 很多",  # no number
        "3公里",  # no name
        "第3季度完成",  # an ordinal, not a figure
        "正在推进",
        "2021年11月",
        "   ",
    ],
)
def test_a_line_that_cannot_be_read_gives_nothing(line: str) -> None:
    assert read_figure_line(line) == []


def test_unread_lines_are_kept_whole_with_their_line_numbers() -> None:
    read = read_figure_lines("完成投资 7000 万元\n\n进度很快\n管线：9000 米\n3公里")
    assert read.figures == [
        TypedFigure("完成投资", Decimal(7000), "万元"),
        TypedFigure("管线", Decimal(9000), "米"),
    ]
    assert read.unread == [(3, "进度很快"), (5, "3公里")]


def test_no_text_no_figures() -> None:
    assert read_figure_lines("") == read_figure_lines("\n \n")
    assert read_figure_lines("").figures == [] and read_figure_lines("").unread == []


digits = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(digits, st.sampled_from(["", " ", "：", "\u3000"]), st.sampled_from(["万元", "公里", "个"]))
def test_any_amount_is_read_in_ascii_or_full_width_digits(
    amount: Decimal, gap: str, unit: str
) -> None:
    written = f"{amount:f}"
    for digits_as_typed in (written, written.translate(FULL_WIDTH)):
        [figure] = read_figure_line(f"完成投资{gap}{digits_as_typed}{unit}")
        assert (figure.name, figure.value, figure.unit) == ("完成投资", amount, unit)


@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_separators_are_read(amount: int) -> None:
    [figure] = read_figure_line(f"完成投资 {amount:,} 元")
    assert figure.value == amount


@given(st.text(max_size=80))
def test_reading_never_raises_and_every_line_is_read_or_kept(text: str) -> None:
    read = read_figure_lines(text)
    lines = [line for line in text.splitlines() if line.strip()]
    read_lines = sum(1 for line in lines if read_figure_line(line))
    assert read_lines + len(read.unread) == len(lines)
    assert all(figure.name for figure in read.figures)
