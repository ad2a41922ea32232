"""Tests for taizhang.chinese.quantities: figures, targets, actuals and indicators."""

from decimal import Decimal
from typing import Any

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.quantities import (
    KINDS,
    Indicator,
    Quantity,
    actuals,
    find_quantities,
    match_indicators,
    targets,
    task_indicators,
)
from tests.chinese.quantity_sentences import (
    HELD_OUT,
    HELD_OUT_2,
    SENTENCES,
    Score,
    Sentence,
    score,
)


def task(expected: dict[str, Any], number: int) -> dict[str, Any]:
    """Task `number` of the seed ledger's expected parse."""
    tasks = [t for category in expected["categories"] for t in category["tasks"]]
    return next(t for t in tasks if t["number"] == number)


def figures(quantities: list[Quantity]) -> list[tuple[Decimal, str]]:
    return [(q.value, q.unit) for q in quantities]


def one(text: str, **kwargs: str) -> Quantity:
    """The only figure of `text`."""
    found = find_quantities(text, **kwargs)
    assert len(found) == 1, found
    return found[0]


# --- the seed ledger ------------------------------------------------------------------------


def test_task_3_annual_investment_target_7000_of_9000(expected: dict[str, Any]) -> None:
    t = task(expected, 3)
    [target] = targets(t["goal"], t["deadline_text"])
    assert (target.value, target.unit, target.kind) == (Decimal(9000), "万元", "target")
    assert "完成投资" in target.subject
    investment = [q for q in actuals(t["progress"]) if q.unit == "万元"]
    assert figures(investment) == [(Decimal(7000), "万元")]
    assert "完成投资" in investment[0].subject
    assert task_indicators(t["goal"], t["deadline_text"], t["progress"]) == [
        Indicator("年度完成投资", Decimal(9000), Decimal(7000), "万元", Decimal("77.8"))
    ]


def test_task_3_plan_in_progress_is_a_plan(expected: dict[str, Any]) -> None:
    progress = task(expected, 3)["progress"]
    found = find_quantities(progress, default_kind="actual")
    plan = [q for q in found if q.kind == "plan"]
    assert figures(plan) == [(Decimal(9000), "万元")]
    assert (Decimal(9000), "米") in figures(actuals(progress))  # 完成9000余米
    assert (Decimal(2), "座") in figures(actuals(progress))  # 两座泵站


def test_task_4_heating_targets_and_actuals(expected: dict[str, Any]) -> None:
    t = task(expected, 4)
    found = targets(t["goal"], t["deadline_text"])
    assert [(q.subject, q.value, q.unit) for q in found] == [
        ("新增供热覆盖面积", Decimal(285), "万平方米"),
        ("改善供热质量", Decimal(215), "万平方米"),
    ]
    area = [q for q in actuals(t["progress"]) if q.unit == "万平方米"]
    assert [(q.subject, q.value, q.approximate) for q in area] == [
        ("新增供热覆盖面积", Decimal(165), True),
        ("改善供热质量", Decimal(115), True),
    ]


def test_task_4_this_years_plan_is_not_the_actual(expected: dict[str, Any]) -> None:
    progress = task(expected, 4)["progress"]
    found = find_quantities(progress, default_kind="actual")
    plan = [q.value for q in found if q.kind == "plan"]
    assert plan == [Decimal(20), Decimal(137), Decimal(101)]
    assert not {Decimal(137), Decimal(101)} & {q.value for q in actuals(progress)}


def test_task_4_indicators(expected: dict[str, Any]) -> None:
    t = task(expected, 4)
    indicators = task_indicators(t["goal"], t["deadline_text"], t["progress"])
    # 约165, 约115, 约21: the progress says these are approximate, so the bars say so
    assert indicators[:2] == [
        Indicator(
            "新增供热覆盖面积",
            Decimal(285),
            Decimal(165),
            "万平方米",
            Decimal("57.9"),
            "approximate",
        ),
        Indicator(
            "改善供热质量", Decimal(215), Decimal(115), "万平方米", Decimal("53.5"), "approximate"
        ),
    ]
    # the plan's 20 km of pipes has no goal figure; it measures the 21 km done
    assert indicators[2:] == [
        Indicator("完成管网建设", Decimal(20), Decimal(21), "公里", Decimal("105.0"), "approximate")
    ]


def test_task_6_teacher_housing_target(expected: dict[str, Any]) -> None:
    t = task(expected, 6)
    [target] = targets(t["goal"], t["deadline_text"])
    assert (target.value, target.unit, target.kind) == (Decimal(512), "套", "target")
    assert "教师周转宿舍" in target.subject


def test_task_8_old_communities_households_and_people(expected: dict[str, Any]) -> None:
    goal = task(expected, 8)["goal"]
    found = targets(goal, "")
    assert [(q.value, q.unit, q.approximate) for q in found] == [
        (Decimal(47), "个", False),
        (Decimal(5000), "户", False),
        (Decimal(20000), "人", True),
    ]
    assert "老旧小区" in found[0].subject
    assert found[2].text == "2万余人"


def test_task_9_river_length_target(expected: dict[str, Any]) -> None:
    t = task(expected, 9)
    [target] = targets(t["goal"], t["deadline_text"])
    assert (target.subject, target.value, target.unit) == ("水系治理", Decimal(30), "公里")


def test_task_15_percent_of_pupils_is_an_actual(expected: dict[str, Any]) -> None:
    [checked] = actuals(task(expected, 15)["progress"])
    assert (checked.value, checked.unit, checked.kind) == (Decimal(85), "%", "actual")
    assert "学生" in checked.subject


def test_seed_ledger_never_reads_dates_as_figures(expected: dict[str, Any]) -> None:
    tasks = [t for category in expected["categories"] for t in category["tasks"]]
    for t in tasks:
        for text in (t["goal"], t["deadline_text"], t["progress"]):
            for quantity in find_quantities(text):
                assert quantity.unit not in ("年", "月", "日", "号")
                assert not quantity.text.endswith(("年", "月", "日", "号"))


# --- numbers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("新增供热覆盖面积285万平方米", "285", "万平方米"),
        ("改造供水管网1.2公里", "1.2", "公里"),
        ("完成投资9,000万元", "9000", "万元"),
        ("完成投资９０００万元", "9000", "万元"),
        ("两座泵站已浇筑完成", "2", "座"),
        ("建成标准化考场十二个", "12", "个"),
        ("新建学校三所", "3", "所"),
        ("惠及一百二十户", "120", "户"),
        ("新增学位二千四百个", "2400", "个"),
        ("新增就业岗位一万个", "10000", "个"),
        ("新增城镇就业1.2万人", "12000", "人"),
        ("惠及群众2万余人", "20000", "人"),
        ("服务老人3千人次", "3000", "人次"),
        ("接待游客800万人次", "8000000", "人次"),
        ("覆盖百分之六十的行政村", "60", "%"),
        ("完成投资1.5亿元", "1.5", "亿元"),
        ("铺设管道3千米", "3", "千米"),
        ("治理水土流失5.2平方公里", "5.2", "平方公里"),
        ("完成造林2.6万亩", "2.6", "万亩"),
        ("日处理能力6万吨", "6", "万吨"),
        ("完成进度85％", "85", "%"),
        ("新增养老床位300床", "300", "床"),
    ],
)
def test_numbers_and_units_as_written(text: str, value: str, unit: str) -> None:
    quantity = one(text)
    assert (quantity.value, quantity.unit) == (Decimal(value), unit)


def test_longest_unit_wins() -> None:
    assert one("面积5平方米").unit == "平方米"
    assert one("面积5万平方米").unit == "万平方米"
    assert one("面积5平方公里").unit == "平方公里"
    assert one("长度5千米").unit == "千米"
    assert one("服务5人次").unit == "人次"


def test_value_keeps_trailing_zeros_out() -> None:
    assert str(one("发放1.20万元").value) == "1.2"
    assert str(one("惠及1.2万人").value) == "12000"


@pytest.mark.parametrize(
    ("text", "approximate"),
    [
        ("新增供热覆盖面积约165万平方米", True),
        ("完成9000余米", True),
        ("惠及100多户", True),
        ("改造供热管网近15公里", True),
        ("投资5000万元左右", True),
        ("全长大约2公里", True),
        ("完成投资7000万元", False),
        ("普及率85%以上", True),
        ("全市接待游客突破500万人次", True),
        ("惠及群众逾3万人", True),
        ("累计完成投资超过8亿元", True),
        ("约占年度计划的76%", True),
        ("主体建设基本完成23个", True),
        ("新增城镇就业1.2万至1.5万人", True),
        ("新增城镇就业1.2万人", False),
    ],
)
def test_approximate_words(text: str, approximate: bool) -> None:
    assert one(text).approximate is approximate


@pytest.mark.parametrize(
    "text",
    [
        "2021年12月31日",
        "10月底前完成",
        "截至11月5日",
        "其中3号管线已完成试通水",
        "主体施工至第8层",
        "工期延误约1个月",
        "提高2个百分点",
        "逐步实现中心城区供热一张网全覆盖",
        "落实一户一策帮扶措施",
        "每户补贴500元",
        "补贴标准500元/人",
        "全市PM2.5平均浓度为38微克/立方米",
        "召开专题会议3次",
        "完成山区五镇垃圾转运站建设",
        "实施“十大行动”",
        "千家万户",
        "编号12345678901234567890个",
        "",
    ],
)
def test_not_figures(text: str) -> None:
    assert find_quantities(text) == []


def test_text_is_the_span_of_the_input() -> None:
    quantity = one("新增供热覆盖面积约１６５万平方米左右。")
    assert quantity.text == "１６５万平方米左右"


# --- subjects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("新增供热覆盖面积285万平方米", "新增供热覆盖面积"),
        ("改造老旧小区47个", "改造老旧小区"),
        ("新建和改建教师周转宿舍512套", "新建和改建教师周转宿舍"),
        ("湨河等30公里水系治理", "水系治理"),
        ("改善215万平方米的供热质量", "改善供热质量"),
        ("玉阳湖工业供水工程年度完成投资9000万元", "年度完成投资"),
        ("目前已完成投资7000万元", "完成投资"),
        ("两座泵站已浇筑完成", "泵站"),
        ("王屋山、黄河三峡4个景区免门票", "景区"),
        ("建成区绿化覆盖率达到41%", "建成区绿化覆盖率"),
        ("今年计划建设的10座中转站", "中转站"),
        ("建设“四好农村路”120公里", "建设四好农村路"),
    ],
)
def test_subjects(text: str, subject: str) -> None:
    assert one(text).subject == subject


def test_a_second_figure_without_words_keeps_the_subject() -> None:
    people = find_quantities("惠及群众5000户2万余人")[1]
    assert people.subject == "惠及群众"


def test_a_parallel_clause_borrows_the_noun_it_leaves_out() -> None:
    rebuilt = find_quantities("新建公共厕所30座，改造提升20座。")[1]
    assert rebuilt.subject == "改造提升公共厕所"


# --- kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "default_kind", "kinds"),
    [
        ("新增学位3600个", "target", ["target"]),
        ("新增学位3600个", "actual", ["actual"]),
        ("今年计划投资1.5亿元，目前完成投资1.1亿元", "actual", ["plan", "actual"]),
        ("年度计划投资15亿元", "target", ["plan"]),
        ("该项目总投资3.6亿元", "actual", ["target"]),
        ("在已建成12所的基础上，再建设8所", "target", ["actual", "target"]),
        ("计划改造24个，已开工21个，完工5个", "actual", ["plan", "actual", "actual"]),
        ("计划新建的3所学校已全部建成投用", "actual", ["actual"]),
        ("已拨付3500万元，剩余1500万元计划于12月底前拨付", "actual", ["actual", "plan"]),
        ("占年度计划的64%", "actual", ["actual"]),
        ("已完成投资2.1亿元，占总投资的58.3%，今年完成8600万元", "actual", ["actual"] * 3),
        ("2022年底前累计完成投资2.8亿元", "target", ["target"]),
        ("截至9月底累计完成投资8600万元", "actual", ["actual"]),
    ],
)
def test_kinds(text: str, default_kind: str, kinds: list[str]) -> None:
    assert [q.kind for q in find_quantities(text, default_kind=default_kind)] == kinds


def test_unknown_default_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        find_quantities("新增学位3600个", default_kind="goal")


def test_targets_leave_out_done_figures_and_repeats() -> None:
    found = targets("在已建成12所的基础上，再建设8所学校。", "年底前建设8所学校。")
    assert figures(found) == [(Decimal(8), "所")]


def test_actuals_leave_out_plans() -> None:
    found = actuals("全年计划培训新型职业农民3000人，目前已培训2150人。")
    assert figures(found) == [(Decimal(2150), "人")]


# --- indicators -----------------------------------------------------------------------------


def q(subject: str, value: str, unit: str, kind: str = "target") -> Quantity:
    return Quantity(subject, Decimal(value), unit, f"{value}{unit}", False, kind)


def test_in_unit_converts_within_a_family_only() -> None:
    assert q("投资", "1", "亿元").in_unit("万元") == Decimal(10000)
    assert q("投资", "7000", "万元").in_unit("亿元") == Decimal("0.7")
    assert q("管网", "3", "公里").in_unit("米") == Decimal(3000)
    assert q("管网", "3", "千米").in_unit("公里") == Decimal(3)
    assert q("面积", "2", "万平方米").in_unit("平方米") == Decimal(20000)
    assert q("儿童", "5", "名").in_unit("人") == Decimal(5)
    assert q("投资", "1", "万元").in_unit("公里") is None
    assert q("学校", "1", "所").in_unit("个") is None
    assert q("学校", "1", "所").in_unit("斤") is None
    assert q("粮食", "3", "斤").in_unit("斤") == Decimal(3)


def test_units_outside_the_list_still_match_their_own_kind() -> None:
    indicators = match_indicators(
        [q("粮食", "100", "斤"), q("学校", "2", "所")], [q("粮食", "50", "斤")]
    )
    assert [i.percent for i in indicators] == [Decimal("50.0"), None]


def test_an_actual_in_yi_yuan_meets_a_target_in_wan_yuan() -> None:
    indicators = match_indicators(
        [q("年度完成投资", "9000", "万元")], [q("完成投资", "0.7", "亿元")]
    )
    assert indicators == [
        Indicator("年度完成投资", Decimal(9000), Decimal(7000), "万元", Decimal("77.8"))
    ]


def test_a_target_without_actual_gets_none() -> None:
    indicators = match_indicators([q("水系治理", "30", "公里")], [q("完成投资", "7000", "万元")])
    assert indicators == [Indicator("水系治理", Decimal(30), None, "公里", None)]


def test_each_target_and_each_actual_is_used_once() -> None:
    wanted = [q("新建学校", "12", "所"), q("改扩建学校", "8", "所")]
    done = [q("新建学校", "10", "所")]
    indicators = match_indicators(wanted, done)
    assert [i.actual for i in indicators] == [Decimal(10), None]


def test_subjects_must_share_two_characters() -> None:
    indicators = match_indicators([q("幼儿园", "12", "所")], [q("卫生院", "6", "所")])
    assert indicators[0].actual is None


def test_best_subject_wins_over_order() -> None:
    wanted = [q("新增供热覆盖面积", "285", "万平方米"), q("改善供热质量", "215", "万平方米")]
    done = [q("改善供热质量", "115", "万平方米"), q("新增供热覆盖面积", "165", "万平方米")]
    assert [i.actual for i in match_indicators(wanted, done)] == [Decimal(165), Decimal(115)]


def test_a_lone_subjectless_actual_meets_the_lone_target_of_its_family() -> None:
    found = task_indicators("建设5G基站1500个。", "", "已建成1623个。")
    assert found == [
        Indicator("建设5G基站", Decimal(1500), Decimal(1623), "个", Decimal("108.2"), "unit_only")
    ]


def test_percent_rounds_half_up_and_zero_target_has_none() -> None:
    assert match_indicators([q("投资", "8", "万元")], [q("投资", "0.5", "万元")])[0].percent == (
        Decimal("6.3")  # 6.25
    )
    assert match_indicators([q("投资", "0", "万元")], [q("投资", "5", "万元")])[0].percent is None


def test_plan_figures_without_actuals_make_no_indicators() -> None:
    progress = "计划建设农村教师保障房1500套，单套面积不大于120平方米。目前已启动土地收储工作。"
    assert task_indicators("启动农村教师保障性住房建设工程。", "", progress) == []


# --- the labelled set -----------------------------------------------------------------------


def read(cell: str, text: str) -> list[Quantity]:
    """The reader as the set is scored: goal and deadline default to targets."""
    return find_quantities(text, default_kind="actual" if cell == "progress" else "target")


def report(result: Score) -> str:
    lines = [f"P={result.precision:.3f} R={result.recall:.3f}"]
    lines += [f"miss {label} in {text}" for text, label in result.misses]
    lines += [f"extra {found} in {text}" for text, found in result.false_positives]
    return "\n".join(lines)


def test_the_set_is_large_and_labelled_by_cell() -> None:
    assert len(SENTENCES) >= 120
    assert {s.cell for s in SENTENCES} == {"goal", "deadline", "progress"}
    assert {e.kind for s in SENTENCES for e in s.expected} == set(KINDS)
    assert sum(not s.expected for s in SENTENCES) >= 10  # sentences that must yield nothing


@pytest.mark.parametrize(
    ("sentences", "strict", "floor"),
    [
        # Floors are what the reader scores, rounded down; see bench/score_quantities.py.
        (SENTENCES, True, 1.0),
        (SENTENCES, False, 1.0),
        (HELD_OUT, True, 0.98),
        (HELD_OUT, False, 1.0),
        (HELD_OUT_2, True, 1.0),
        (HELD_OUT_2, False, 1.0),
    ],
    ids=[
        "set-strict",
        "set-loose",
        "held-out-strict",
        "held-out-loose",
        "held-out-2-strict",
        "held-out-2-loose",
    ],
)
def test_precision_and_recall_over_the_labelled_sentences(
    sentences: tuple[Sentence, ...], strict: bool, floor: float
) -> None:
    result = score(read, sentences, strict=strict)
    assert result.precision >= floor, report(result)
    assert result.recall >= floor, report(result)


# --- properties -----------------------------------------------------------------------------

FRAGMENTS = [
    "万", "亿", "千", "元", "万元", "米", "平方米", "个", "月", "年", "第", "每", "/", "约", "余",
    "多", "左右", "的", "已", "计划", "目前", "，", "。", "、", "“", "”", "1", "2", "0", ".",
    ",", "９", "％", "%", "一", "两", "十", "百", "零", "百分之", "人次", "户", "套", "号", "岁",
]  # fmt: skip
tricky_text = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3), max_size=30).map("".join)


@given(st.text() | tricky_text, st.sampled_from(KINDS))
def test_find_quantities_never_raises_and_spans_come_from_the_input(text: str, kind: str) -> None:
    for quantity in find_quantities(text, default_kind=kind):
        assert quantity.text in text
        assert quantity.kind in KINDS
        assert quantity.value >= 0
        assert quantity.in_unit(quantity.unit) == quantity.value


@given(st.text() | tricky_text, st.text() | tricky_text, st.text() | tricky_text)
def test_task_indicators_never_raise(goal: str, deadline: str, progress: str) -> None:
    for indicator in task_indicators(goal, deadline, progress):
        assert (indicator.actual is None) <= (indicator.percent is None)


amounts = st.integers(min_value=0, max_value=10**15 - 1).map(Decimal) | st.decimals(
    min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False
)


@given(amounts, st.sampled_from(["万元", "个"]), st.sampled_from(["", "约", "共"]))
def test_any_amount_in_a_neutral_sentence_is_found(amount: Decimal, unit: str, word: str) -> None:
    found = find_quantities(f"全市建成示范点，项目{word}{amount:f}{unit}。")
    assert [(q.value, q.unit) for q in found] == [(amount, unit)]


@given(st.integers(min_value=1000, max_value=10**12))
def test_thousands_separators_are_read(amount: int) -> None:
    assert one(f"完成投资{amount:,}万元。").value == amount


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_chinese_numerals_before_a_counter(amount: int) -> None:
    numeral = cn2an.an2cn(amount)
    assert one(f"全市建成示范点{numeral}个。").value == amount
