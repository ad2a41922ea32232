"""Tests for taizhang.chinese.numbers: numerals and category markers."""

from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.numbers import chinese_numeral_to_int, figure_text, parse_category_marker


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一", 1),
        ("二", 2),
        ("三", 3),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("十九", 19),
        ("二十", 20),
        ("二十三", 23),
        ("九十九", 99),
        ("一百", 100),
        ("一百零五", 105),
        ("一百一十", 110),
        ("九百九十九", 999),
        ("一千零一", 1001),
        ("一万", 10000),
        ("〇", 0),
        ("零", 0),
        ("两", 2),
        ("两百", 200),
        ("壹", 1),
        ("贰", 2),
        ("叁", 3),
        ("壹贰叁", 123),
        ("贰拾", 20),
        ("壹佰零伍", 105),
        ("二〇二一", 2021),
        ("12", 12),
        ("0", 0),
        ("2021", 2021),
        ("１２", 12),
        ("０", 0),
        (" 十 ", 10),
    ],
)
def test_numerals_convert_to_their_value(text: str, expected: int) -> None:
    assert chinese_numeral_to_int(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "一二三abc",
        "第一",
        "一是",
        "十十",
        "百",
        "万",
        "一点五",
        "负一",
        "五元",
        "-1",
        "+1",
        "1.5",
        "12a",
        "1 2",
        "一 二",
        "abc",
        "提升医疗",
        "١٢",
    ],
)
def test_text_that_is_not_a_plain_numeral_gives_none(text: str) -> None:
    assert chinese_numeral_to_int(text) is None


def test_every_number_below_a_thousand_round_trips_through_cn2an() -> None:
    mismatches = [n for n in range(1000) if chinese_numeral_to_int(cn2an.an2cn(n)) != n]
    assert mismatches == []


@given(st.integers(min_value=0, max_value=999))
def test_chinese_numeral_round_trips_with_cn2an(n: int) -> None:
    assert chinese_numeral_to_int(cn2an.an2cn(n)) == n


@given(st.integers(min_value=0, max_value=99_999_999))
def test_financial_numerals_round_trip_with_cn2an(n: int) -> None:
    assert chinese_numeral_to_int(cn2an.an2cn(n, "up")) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_digits_give_their_value(n: int) -> None:
    assert chinese_numeral_to_int(str(n)) == n


@given(st.integers(min_value=0, max_value=10**6))
def test_full_width_digits_give_their_value(n: int) -> None:
    full_width = "".join(chr(ord(c) - ord("0") + ord("０")) for c in str(n))
    assert chinese_numeral_to_int(full_width) == n


@given(st.text())
def test_numeral_conversion_never_raises(text: str) -> None:
    result = chinese_numeral_to_int(text)
    assert result is None or (isinstance(result, int) and result >= 0)


@given(st.text(alphabet="零〇一二两三四五六七八九十百千万亿壹贰叁拾佰仟点负元", max_size=8))
def test_numeral_conversion_never_raises_on_numeral_soup(text: str) -> None:
    result = chinese_numeral_to_int(text)
    assert result is None or isinstance(result, int)


# --- category markers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一", (1, "")),
        ("十一", (11, "")),
        ("二十", (20, "")),
        ("一、提升医疗服务", (1, "提升医疗服务")),
        ("二、 重点项目建设", (2, "重点项目建设")),
        ("十一、", (11, "")),
        ("（三）", (3, "")),
        ("(三)", (3, "")),
        ("（ 三 ）", (3, "")),
        ("（三）加强管理", (3, "加强管理")),
        ("(三)、加强管理", (3, "加强管理")),
        ("三.", (3, "")),
        ("三．", (3, "")),
        ("三. 教育", (3, "教育")),
        ("四：民生实事", (4, "民生实事")),
        ("五 城市建设", (5, "城市建设")),
        ("六\u3000城市建设", (6, "城市建设")),
        ("  七、 ", (7, "")),
        ("一、市委宣传部（网信办）", (1, "市委宣传部（网信办）")),
    ],
)
def test_category_markers_give_number_and_title(text: str, expected: tuple[int, str]) -> None:
    assert parse_category_marker(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1",
        "1、提升医疗服务",
        "(1)",
        "提升医疗",
        "第三类",
        "第一",
        "三季度",
        "一是加强管理",
        "一提升医疗服务",
        "〇",
        "零、",
        "、",
        "（）",
        "（三",
        "abc",
    ],
)
def test_cells_without_a_leading_chinese_numeral_are_not_markers(text: str) -> None:
    assert parse_category_marker(text) is None


@given(st.integers(min_value=1, max_value=99), st.sampled_from(["、", ".", "．", " "]))
def test_any_numbered_title_is_a_marker(n: int, separator: str) -> None:
    assert parse_category_marker(f"{cn2an.an2cn(n)}{separator}标题") == (n, "标题")


@given(st.integers(min_value=1, max_value=99), st.sampled_from(["（{}）", "({})"]))
def test_any_bracketed_numeral_is_a_marker(n: int, template: str) -> None:
    assert parse_category_marker(template.format(cn2an.an2cn(n))) == (n, "")


@given(st.text())
def test_category_marker_never_raises(text: str) -> None:
    result = parse_category_marker(text)
    assert result is None or result[0] >= 1


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (3000.0, "3000"),
        ("2.50", "2.5"),
        (Decimal("1200.0000"), "1200"),
        (Decimal("1.2E+4"), "12000"),
        (Decimal("0.0500"), "0.05"),
        (-7, "-7"),
        ("x", None),
        (None, None),
        ("NaN", None),
        (Decimal("Infinity"), None),
    ],
)
def test_a_figure_is_written_without_exponent_or_trailing_zeros(
    value: object, written: str | None
) -> None:
    assert figure_text(value) == written
