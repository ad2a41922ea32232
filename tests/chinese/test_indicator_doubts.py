"""Why an indicator's pairing may be wrong (`Indicator.doubt`): only the unit matched, the
subjects differ, or the actual is approximate; None when target and actual plainly agree."""

from __future__ import annotations

from decimal import Decimal

from taizhang.chinese.quantities import Indicator, task_indicators


def test_a_plain_match_is_solid() -> None:
    [found] = task_indicators("年度完成投资9000万元。", "", "已完成投资7000万元。")
    assert (found.percent, found.doubt, found.actual_name) == (Decimal("77.8"), None, "完成投资")


def test_a_subjectless_actual_matched_by_its_unit_only_is_doubted() -> None:
    [found] = task_indicators("建设5G基站1500个。", "", "已建成1623个。")
    assert found.actual == Decimal(1623) and found.doubt == "unit_only"


def test_an_approximate_actual_is_doubted() -> None:
    [found] = task_indicators("新增供热面积285万平方米。", "", "已新增供热面积约165万平方米。")
    assert found.doubt == "approximate"


def test_subjects_that_share_words_but_name_other_things_are_doubted() -> None:
    [found] = task_indicators("新建幼儿园12所。", "", "已建成园区卫生院6所。")
    if found.actual is not None:  # paired only when the subjects share two characters
        assert found.doubt == "subject"
    [paired] = task_indicators("改造老旧小区供水管网30公里。", "", "已完成小区雨污管网改造12公里。")
    assert paired.actual == Decimal(12)
    assert paired.doubt == "subject" and paired.actual_name


def test_a_shorter_name_of_the_same_thing_is_not_doubted() -> None:
    [found] = task_indicators("改造老旧小区47个。", "", "已完成小区改造21个。")
    assert found.actual == Decimal(21) and found.doubt is None


def test_no_actual_no_doubt_and_the_actuals_name_is_not_part_of_equality() -> None:
    [found] = task_indicators("水系治理30公里。", "", "正在推进。")
    assert found.doubt is None and found.actual_name == ""
    same = Indicator("a", Decimal(1), Decimal(1), "个", Decimal(100), None, "b")
    assert same == Indicator("a", Decimal(1), Decimal(1), "个", Decimal(100))
    assert same != Indicator("a", Decimal(1), Decimal(1), "个", Decimal(100), "approximate")


def test_other_works_on_the_same_thing_are_doubted() -> None:
    [found] = task_indicators("新建学校12所。", "", "已完成学校改造10所。")
    assert found.actual == Decimal(10) and found.doubt == "subject"
