"""Figures you can trust (issue 15): starts are not completion, plans and restated targets are
not actuals, subjects carry across clauses, rates, ranges and dimensions, units people use, and
the doubt code of a weak match."""

from decimal import Decimal
from typing import Any

import pytest

from taizhang.chinese.quantities import (
    DOUBTS,
    STAGES,
    Indicator,
    Quantity,
    actuals,
    find_quantities,
    match_indicators,
    task_indicators,
)
from tests.chinese.quantity_sentences import score
from tests.chinese.quantity_sentences_2 import NON_FIGURES, PAIRS, SENTENCES_2, Pair
from tests.chinese.quantity_sentences_3 import NON_FIGURES_3, PAIRS_3, SENTENCES_3
from tests.chinese.quantity_sentences_4 import NON_FIGURES_4, PAIRS_4, SENTENCES_4
from tests.chinese.quantity_sentences_5 import NON_FIGURES_5, PAIRS_5, SENTENCES_5
from tests.chinese.quantity_sentences_6 import NON_FIGURES_6, PAIRS_6, SENTENCES_6


def read(cell: str, text: str) -> list[Quantity]:
    return find_quantities(text, default_kind="actual" if cell == "progress" else "target")


def seed_task(expected: dict[str, Any], number: int) -> dict[str, Any]:
    tasks = [t for category in expected["categories"] for t in category["tasks"]]
    return next(t for t in tasks if t["number"] == number)


def seed_indicators(expected: dict[str, Any], number: int) -> list[Indicator]:
    t = seed_task(expected, number)
    return task_indicators(t["goal"], t["deadline_text"], t["progress"])


# --- the seed --------------------------------------------------------------------------------


def test_seed_task_8_shows_no_100_percent_bar(expected: dict[str, Any]) -> None:
    # 21 of 24 have started, 3 have not; the 2020 batch's main works are "basically" done with
    # 5 still under construction: nothing here is complete, so nothing is measured.
    indicators = seed_indicators(expected, 8)
    assert indicators
    assert all(i.percent != Decimal(100) for i in indicators)
    assert [(i.target, i.actual) for i in indicators if i.unit == "个"] == [
        (Decimal(47), None),
        (Decimal(23), None),
        (Decimal(24), None),
    ]


def test_seed_task_8_benefit_gets_its_actual_when_the_text_gives_one(
    expected: dict[str, Any],
) -> None:
    t = seed_task(expected, 8)
    none_given = {i.unit: i.actual for i in seed_indicators(expected, 8) if i.name == "惠及群众"}
    assert none_given == {"户": None, "人": None}  # the seed's progress gives no such figure
    progress = t["progress"] + "\n已完成改造的小区惠及群众3400户1.3万人。"
    found = task_indicators(t["goal"], t["deadline_text"], progress)
    benefit = {i.unit: (i.actual, i.percent) for i in found if i.name == "惠及群众"}
    assert benefit == {
        "户": (Decimal(3400), Decimal("68.0")),
        "人": (Decimal(13000), Decimal("65.0")),
    }


def test_seed_task_6_scope_of_the_rebuild_is_no_actual(expected: dict[str, Any]) -> None:
    # "382套改建教师周转宿舍，涉及6个镇，目前5个镇已完工" names the batch, it does not report 382
    assert [(i.target, i.actual) for i in seed_indicators(expected, 6)] == [(Decimal(512), None)]


def test_seed_task_3_and_4_unchanged_but_approximate_bars_say_so(expected: dict[str, Any]) -> None:
    [investment] = seed_indicators(expected, 3)
    assert (investment.actual, investment.percent, investment.doubt) == (
        Decimal(7000),
        Decimal("77.8"),
        None,
    )
    assert {i.doubt for i in seed_indicators(expected, 4)} == {"approximate"}


# --- the labelled second set -----------------------------------------------------------------


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "loose"])
def test_second_set_precision_and_recall(strict: bool) -> None:
    # After tuning on the fourth set: 1.000 / 0.996 strict and loose (floors rounded down).
    result = score(read, SENTENCES_2 + NON_FIGURES, strict=strict)
    assert result.precision >= 0.99, result.false_positives
    assert result.recall >= 0.99, result.misses


# --- the third set (written unseen; before tuning on it strict 0.932 / 0.935) ------------------


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "loose"])
def test_third_set_precision_and_recall_hold_their_floors(strict: bool) -> None:
    # After tuning on it: strict 0.990 / 0.990, loose 0.993 / 0.993; after tuning on the fourth
    # set 1.000 / 1.000 both (floors rounded down).
    result = score(read, SENTENCES_3 + NON_FIGURES_3, strict=strict)
    assert result.precision >= 1.0, result.false_positives
    assert result.recall >= 1.0, result.misses


def test_third_set_reads_no_non_figure_as_a_figure() -> None:
    assert score(read, NON_FIGURES_3, strict=False).false_positives == []


@pytest.mark.parametrize("pair", PAIRS_3, ids=lambda p: p.progress[:16])
def test_third_set_pair_gets_the_right_actual_or_none(pair: Pair) -> None:
    _assert_pair_right(pair)


# --- the fourth set (written unseen, scored before any tuning on it) -----------------------------


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "loose"])
def test_fourth_set_precision_and_recall_hold_their_floors(strict: bool) -> None:
    # Scored unseen (reader of commit c91de73): strict 243 of 265 (0.917) for precision and
    # recall, loose 257 of 265 (0.9698). After tuning on it: strict and loose 265 of 267 found
    # (0.9925) and 265 of 265 labelled (1.000), the two extra being visits in 家次/户次, which
    # the set then counted as no unit. Since the fifth set's tuning 家次/户次 are units in the
    # labels too (docstring): 267 of 267, 1.000 / 1.000; the floors are those rounded down.
    floor = 0.99
    result = score(read, SENTENCES_4 + NON_FIGURES_4, strict=strict)
    assert result.precision >= floor, result.false_positives
    assert result.recall >= floor, result.misses


def _assert_pair_right(pair: Pair) -> None:
    """Each wanted target of `pair` has an indicator, with the wanted actual (or none)."""
    indicators = task_indicators(pair.goal, pair.deadline, pair.progress)
    for target, unit, actual in pair.wanted:
        same = [i for i in indicators if (i.target, i.unit) == (target, unit)]
        assert same, f"no indicator for {target}{unit}"
        assert same[0].actual == actual, (pair.progress, same[0])


def _pair_is_right(pair: Pair) -> bool:
    indicators = task_indicators(pair.goal, pair.deadline, pair.progress)
    for target, unit, actual in pair.wanted:
        same = [i for i in indicators if (i.target, i.unit) == (target, unit)]
        if not same or same[0].actual != actual:
            return False
    return True


def test_fourth_set_non_figures_and_pairs_hold_their_floors() -> None:
    # Scored unseen: 1 of 27 non-figure sentences read a figure (1260户次), 19 of 20 pairs right;
    # after tuning on it the same sentence (户次 is a unit of visits now) and 20 of 20. Since the
    # fifth set's tuning that sentence is labelled a figure (moved to SENTENCES_4): 0 of 26.
    read_wrongly = {text for text, _ in score(read, NON_FIGURES_4, strict=False).false_positives}
    assert not read_wrongly, read_wrongly
    wrong = [pair.progress for pair in PAIRS_4 if not _pair_is_right(pair)]
    assert wrong == []


# --- the fifth set (written unseen; before tuning on it strict 0.911 / 0.913) -------------------


@pytest.mark.parametrize(
    ("strict", "precision", "recall"),
    [(True, 0.99, 0.99), (False, 0.99, 0.99)],
    ids=["strict", "loose"],
)
def test_fifth_set_precision_and_recall_hold_their_floors(
    strict: bool, precision: float, recall: float
) -> None:
    # Scored unseen (reader of commit c1f25d3): strict 306 of 336 found (0.911) and of 335
    # labelled (0.913), loose 332 (0.988 / 0.991). After tuning on it (one label added, 1860家次):
    # strict 335 of 336 (0.997 / 0.997), loose 336 of 336 (1.000); the floors rounded down.
    result = score(read, SENTENCES_5 + NON_FIGURES_5, strict=strict)
    assert result.precision >= precision, result.false_positives
    assert result.recall >= recall, result.misses


def test_fifth_set_reads_no_non_figure_as_a_figure() -> None:
    # Scored unseen: 0 of 28 non-figure sentences read a figure.
    assert score(read, NON_FIGURES_5, strict=False).false_positives == []


@pytest.mark.parametrize("pair", PAIRS_5, ids=lambda p: p.progress[:16])
def test_fifth_set_pair_gets_the_right_actual_or_none(pair: Pair) -> None:
    # Scored unseen: 20 of 20 pairs right.
    _assert_pair_right(pair)


# --- the sixth set (written unseen; before tuning on it strict 0.964 / 0.971) -------------------


@pytest.mark.parametrize(
    ("strict", "precision", "recall"),
    [(True, 0.99, 0.99), (False, 0.99, 0.99)],
    ids=["strict", "loose"],
)
def test_sixth_set_precision_and_recall_hold_their_floors(
    strict: bool, precision: float, recall: float
) -> None:
    # Scored unseen (reader of commit e8fd66d): strict 401 of 416 found (0.964) and of 413
    # labelled (0.971), loose 408 (0.981 / 0.988); 0.969 / 0.973 strict on the reader tuned on
    # the fifth set. After tuning on it by general rules (no label changed): strict and loose
    # 413 of 413 (1.000 / 1.000); the floors a little below, as the set is now seen.
    result = score(read, SENTENCES_6 + NON_FIGURES_6, strict=strict)
    assert result.precision >= precision, result.false_positives
    assert result.recall >= recall, result.misses


def test_sixth_set_reads_no_non_figure_as_a_figure() -> None:
    # Scored unseen: 4 of 35 (2.9人 after 每千人口…医师数, 亩次, 千瓦时, 辆次); after tuning 0.
    assert score(read, NON_FIGURES_6, strict=False).false_positives == []


@pytest.mark.parametrize("pair", PAIRS_6, ids=lambda p: p.progress[:16])
def test_sixth_set_pair_gets_the_right_actual_or_none(pair: Pair) -> None:
    # Scored unseen: 23 of 24 pairs right (主体工程 completed read as the works done); after
    # tuning 24 of 24.
    _assert_pair_right(pair)


@pytest.mark.parametrize(
    ("cell", "text", "wanted"),
    [
        # subjects kept at verbs the lists lacked, before a bracket, after 其中 + bare verbs
        ("actual", "村级光伏电站已并网发电18座。", "光伏电站"),
        ("actual", "农机购置补贴已兑付2860万元。", "农机购置补贴"),
        ("actual", "已安装自动体外除颤器（AED）100台。", "除颤器"),
        ("actual", "整治企业126家，其中关停取缔38家。", "企业"),
        ("actual", "标准化厂房已完工8栋，在建6栋。", "标准化厂房"),
        ("target", "4个公共文化空间建设。", "公共文化空间"),
        ("actual", "投资1.55亿元新建高标准农田项目5个。", "投资"),
    ],
)
def test_third_set_subject_rules(cell: str, text: str, wanted: str) -> None:
    found = find_quantities(text, default_kind=cell)
    assert wanted in found[-1 if "其中" in text or "在建" in text else 0].subject, found


def test_plan_inside_a_noun_and_rates_and_classes() -> None:
    kinds = [q.kind for q in read("progress", "全年新开工30项，超计划16项；未按计划开工项目12项。")]
    assert kinds == ["actual", "actual", "actual"]
    assert [q.value for q in read("goal", "低保标准提高到每人每月780元和560元。")] == []
    assert [q.value for q in read("goal", "按每户1500元标准为3000户困难家庭实施改造。")] == [
        Decimal(3000)
    ]
    assert [
        q.value for q in read("progress", "引进亿元以上项目107个，其中10亿元以上项目25个。")
    ] == [
        Decimal(107),
        Decimal(25),
    ]


def test_no_non_figure_is_read_as_a_figure() -> None:
    assert score(read, NON_FIGURES, strict=False).false_positives == []


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.progress[:16])
def test_goal_progress_pair_gets_the_right_actual_or_none(pair: Pair) -> None:
    indicators = task_indicators(pair.goal, pair.deadline, pair.progress)
    for target, unit, actual in pair.wanted:
        [indicator] = [i for i in indicators if (i.target, i.unit) == (target, unit)][:1]
        assert indicator.actual == actual, indicators


# --- stages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stages"),
    [
        ("已开工1200套，竣工交付480套", ["started", "done"]),
        ("21个小区已开工，3个小区未实质性开工", ["started", "pending"]),
        ("开工建设安置房1800套，建成交付1200套", ["started", "done"]),
        ("已建成公共厕所42座，其余8座正在进行内部装修", ["done", "started"]),
        ("其余2座正在办理用地手续", ["pending"]),
        ("28套主体已完工", ["started"]),
        ("计划改造24个", ["planned"]),
        ("新增城镇就业1.32万人", [""]),
        ("农村幸福院15个已全部启动建设", ["started"]),
        ("全市接待游客500万人次", [""]),
        ("3所新建学校，已全部投入使用。", ["done"]),
        ("12座公厕，均已开工建设。", ["started"]),
    ],
)
def test_stage_of_a_progress_figure(text: str, stages: list[str]) -> None:
    found = find_quantities(text, default_kind="actual")
    assert [q.stage for q in found] == stages
    assert {q.stage for q in found} <= set(STAGES)


def test_a_target_takes_the_stage_of_its_sentence() -> None:
    [target] = find_quantities("2021年24个老旧小区改造项目，应于6月底前开工，年底前完成。")
    assert target.stage == "done"
    [start] = find_quantities("启动建设保障性租赁住房3000套。")
    assert start.stage == "started"
    # a target with a verb of its own does not borrow another clause's start
    households, started = find_quantities("改造城镇老旧小区1.5万户，启动老旧小区改造60个。")
    assert (households.stage, started.stage) == ("", "started")


def q(subject: str, value: str, unit: str, stage: str = "", approx: bool = False) -> Quantity:
    return Quantity(subject, Decimal(value), unit, f"{value}{unit}", approx, "target", stage)


def test_a_start_does_not_measure_a_completion_target() -> None:
    [indicator] = match_indicators([q("老旧小区", "24", "个")], [q("小区", "21", "个", "started")])
    assert (indicator.actual, indicator.percent) == (None, None)


def test_a_start_measures_a_start_target() -> None:
    [indicator] = match_indicators(
        [q("开工建设安置房", "1800", "套", "started")], [q("开工安置房", "1650", "套", "started")]
    )
    assert (indicator.actual, indicator.doubt) == (Decimal(1650), None)


@pytest.mark.parametrize("stage", ["pending", "planned"])
def test_nothing_not_started_or_planned_measures_a_target(stage: str) -> None:
    [indicator] = match_indicators([q("小区", "24", "个")], [q("小区", "3", "个", stage)])
    assert indicator.actual is None


# --- doubts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "actual", "doubt"),
    [
        (q("新建学校", "12", "所"), q("学校", "10", "所", "done"), None),
        (q("新建学校", "12", "所"), q("学校", "10", "所", "done", approx=True), "approximate"),
        (q("新建学校建设", "12", "所"), q("学校改造", "10", "所", "done"), "subject"),
        (q("开工建设安置房", "1800", "套", "started"), q("安置房", "900", "套", "done"), "stage"),
        (q("建设5G基站", "1500", "个"), q("", "1623", "个", "done"), "unit_only"),
    ],
)
def test_doubt_codes(target: Quantity, actual: Quantity, doubt: str | None) -> None:
    [indicator] = match_indicators([target], [actual])
    assert indicator.actual is not None
    assert indicator.doubt == doubt
    assert doubt is None or doubt in DOUBTS


def test_an_indicator_without_actual_has_no_doubt() -> None:
    [indicator] = match_indicators([q("学校", "12", "所")], [])
    assert indicator.doubt is None


# --- plans, restatements, subjects, rates, ranges, dimensions, units -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "主体工程已完工，建成后可新增学位1350个。",
        "已完成土方开挖，下一步将铺设供水管网12公里。",
        "力争年底前再完成改造1200户。",
        "剩余4公里年底前完工。",
        "为完成新增停车泊位2000个的目标任务，正在加快推进。",
        "2021年24个老旧小区改造项目，目前招标工作已完成。",
    ],
)
def test_plans_and_restated_targets_are_no_actuals(text: str) -> None:
    assert actuals(text) == []


def test_a_goal_keeps_its_future_words_as_targets() -> None:
    found = find_quantities("新建市第二人民医院，建成后可新增床位800张；力争完成投资5亿元。")
    assert [q.kind for q in found] == ["target", "target"]


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("已建成公共厕所42座，其余8座正在进行内部装修。", ["建成公共厕所", "其余公共厕所"]),
        ("已发放补贴资金1320万元，本月新增发放210万元。", ["发放补贴资金", "新增发放补贴资金"]),
        ("集中供暖覆盖率已达92%。", ["集中供暖覆盖率"]),
        ("已建成公共厕所42座。其余8座正在装修。", ["建成公共厕所", "其余公共厕所"]),
        ("新建的口袋公园中，已有21个建成开放。", ["口袋公园"]),
    ],
)
def test_subjects_carry_across_clauses(text: str, subjects: list[str]) -> None:
    assert [q.subject for q in find_quantities(text, default_kind="actual")] == subjects


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("按每户600元标准发放补贴252万元。", [("252", "万元")]),
        ("户均补贴800元，共惠及困难群众4200户。", [("4200", "户")]),
        ("农村居民人均可支配收入达到1.86万元，同比增长8.2%。", [("8.2", "%")]),
        ("每千人口托位数达到3.5个。", []),
        ("单套面积不大于90平方米。", []),
        ("新建纬三路，道路全长2.3公里，红线宽40米。", [("2.3", "公里")]),
        ("新建堤防4.5公里，堤顶宽8米，堤高6米。", [("4.5", "公里")]),
        ("在全省考核中位居前10名，较上月提升2个名次。", []),
        ("实施“三个一批”工程，落实“两个确保”。", []),
        ("全年日均接待游客1.2万人次，千人床位数达到6.5张。", []),
        ("建设“四好农村路”120公里。", [("120", "公里")]),
    ],
)
def test_rates_dimensions_and_ranks_are_no_figures(
    text: str, figures: list[tuple[str, str]]
) -> None:
    assert [(q.value, q.unit) for q in find_quantities(text)] == [
        (Decimal(v), u) for v, u in figures
    ]


@pytest.mark.parametrize(
    ("text", "low", "high", "unit"),
    [
        ("新增城镇就业1.2万至1.5万人", "12000", "15000", "人"),
        ("建设乡镇污水处理设施8-10座", "8", "10", "座"),
        ("年内完成造林绿化2万～3万亩", "2", "3", "万亩"),
        ("引进高层次人才100到150名", "100", "150", "名"),
        ("培训1.2至1.5万人次", "12000", "15000", "人次"),
    ],
)
def test_a_range_is_one_figure_with_its_range_kept(
    text: str, low: str, high: str, unit: str
) -> None:
    [found] = find_quantities(text)
    assert (found.value, found.high, found.unit, found.approximate) == (
        Decimal(low),
        Decimal(high),
        unit,
        True,
    )
    assert found.text in text and found.text.startswith(low[0])


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("加装电梯50部", "50", "部"),
        ("更换节能路灯1860盏", "1860", "盏"),
        ("新建社区足球场24块", "24", "块"),
        ("栽植行道树8600株", "8600", "株"),
        ("补植苗木1.2万棵", "12000", "棵"),
        ("修复破损路面3200㎡", "3200", "㎡"),
        ("工程形象进度已完成七成", "70", "%"),
        ("整治山坪塘7.4万口", "74000", "口"),
        ("新打机井320眼", "320", "眼"),
        ("完成供地12宗", "12", "宗"),
        ("新建高标准农田1200公顷", "1200", "公顷"),
        ("配送图书3.6万册", "36000", "册"),
        ("救治重症患者逾百人", "100", "人"),
    ],
)
def test_units_people_use(text: str, value: str, unit: str) -> None:
    [found] = find_quantities(text)
    assert (found.value, found.unit) == (Decimal(value), unit)


@pytest.mark.parametrize("text", ["五部门联合", "一口气完成", "三成立了专班", "分成两组"])
def test_new_units_do_not_read_other_words(text: str) -> None:
    assert find_quantities(text) == []


def test_hectares_and_square_metres_compare_as_areas() -> None:
    assert q("农田", "1", "公顷").in_unit("平方米") == Decimal(10000)
    assert q("路面", "3200", "㎡").in_unit("平方米") == Decimal(3200)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("3所新建学校，已全部投入使用。", ["actual"]),
        ("130套新建教师周转宿舍，目前已完工82套。", ["target", "actual"]),
        ("126条农村黑臭水体治理已完成120条。", ["target", "actual"]),
        ("已将1200户纳入保障范围。", ["actual"]),
        ("按照年度新增城镇就业1.5万人的目标，新增城镇就业1.32万人。", ["target", "actual"]),
        ("按照人均每月不低于600元的标准发放特困人员基本生活费1280万元。", ["actual"]),
        ("已建成充电桩320个，将于11月底前再建成180个。", ["actual", "plan"]),
    ],
)
def test_a_sentence_head_is_a_restatement_only_when_the_sentence_goes_on_elsewhere(
    text: str, kinds: list[str]
) -> None:
    assert [q.kind for q in find_quantities(text, default_kind="actual")] == kinds


@pytest.mark.parametrize(
    ("goal", "progress", "actual"),
    [
        ("改造老旧小区24个。", "今年共实施老旧小区改造24个，目前已开工21个。", None),
        ("改造老旧小区24个。", "共24个老旧小区，已完工18个。", Decimal(18)),
        ("新增城镇就业1.2万人。", "新增城镇就业1.2万人，其中高校毕业生2130人。", Decimal(12000)),
        ("建成公租房600套。", "建成公租房600套，已分配入住512套。", Decimal(600)),
        ("改造老旧小区24个。", "24个小区已全部完成招标，进场施工18个。", None),
        ("完成24个项目招标。", "已完成18个项目招标。", Decimal(18)),
        (
            "完成危旧房改造600户。",
            "完成危旧房改造600户的任务已下达，已开工420户，竣工310户。",
            Decimal(310),
        ),
        ("新建社区食堂20个。", "社区食堂建设共涉及20个社区，已建成运营12个。", Decimal(12)),
    ],
)
def test_a_progress_figure_that_repeats_the_target_is_not_its_actual(
    goal: str, progress: str, actual: Decimal | None
) -> None:
    [indicator] = task_indicators(goal, "", progress)
    assert indicator.actual == actual


def test_a_range_written_with_its_unit_twice_is_one_figure() -> None:
    [found] = find_quantities("新增城镇就业1.2万人至1.5万人。")
    assert (found.value, found.high, found.text) == (
        Decimal(12000),
        Decimal(15000),
        "1.2万人至1.5万人",
    )
