"""The rules added when the figure reader was tuned on the fifth labelled set (docs/figures.md),
each on sentences of its own that are in no labelled set: verbs a report uses for what was done
(认定, 受理, 化解, 销号, 安置 …), nouns that open with a stop (和美乡村), 基本 as an adverb, 其余 /
剩余 before a verb or a cause, 为 and 可 inside a noun, a part after 已 of the whole before it,
百分之百, a count inside a longer quoted slogan, 总投资 binding within its clause, 计划 inside a
programme's name, a verb that makes a noun with one character (安置房), and visits (家次)."""

from decimal import Decimal

import pytest

from taizhang.chinese.quantities import find_quantities, task_indicators
from tests.chinese.figure_reading import read, subjects

# --- verbs of what was done keep the noun before 已, and carry it ------------------------------


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("示范家庭农场已认定35家。", "家庭农场"),
        ("农村集体土地已颁证5600宗。", "农村集体土地"),
        ("公共租赁住房已配租430套。", "公共租赁住房"),
        ("退役军人已安置86名。", "退役军人"),
        ("群众反映问题已销号220个。", "群众反映问题"),
        ("人才公寓房源已筹集640套。", "人才公寓房源"),
        ("“散乱污”企业已取缔关闭26家。", "散乱污企业"),
        ("政务服务事项已上线1260项。", "政务服务事项"),
        ("破损井盖已封堵更换340个。", "破损井盖"),
    ],
)
def test_a_verb_of_what_was_done_after_已_keeps_the_noun_before_it(text: str, noun: str) -> None:
    (subject,) = subjects(text)
    assert noun in subject, subject


@pytest.mark.parametrize(
    ("text", "noun"),
    [("城区老旧管网已勘验86处。", "城区老旧管网"), ("农村危房已鉴定320户。", "农村危房")],
)
def test_one_word_after_已_is_a_verb_even_when_no_list_knows_it(text: str, noun: str) -> None:
    # 已 is an adverb: what follows it opens with a verb, so two characters alone are the verb.
    (subject,) = subjects(text)
    assert subject.startswith(noun), subject


def test_a_verb_and_a_noun_after_已_name_the_noun() -> None:
    # "补贴已对接商户320家": 320 counts 商户, not 补贴.
    (subject,) = subjects("补贴已对接商户320家。")
    assert subject.endswith("商户") and "补贴" not in subject, subject


def test_clauses_of_such_verbs_alone_carry_the_noun() -> None:
    found = subjects("劳动争议案件已受理1320件，调解成功1100件，剩余220件已转入仲裁。")
    assert all("劳动争议案件" in subject for subject in found), found
    found = subjects("历史遗留问题已化解58个，剩余12个正在推进。")
    assert all("历史遗留问题" in subject for subject in found), found


def test_a_verb_that_makes_a_noun_with_one_character_stays_in_the_noun() -> None:
    # 救助站, 安置房: the verb and the character after it are the noun, carried as a whole.
    found = subjects("新建救助站3个，已建成投用2个。")
    assert "救助站" in found[1], found
    found = subjects("开工建设安置房900套，交付使用600套。")
    assert "安置房" in found[1], found


# --- nouns, adverbs and causes after the unit ---------------------------------------------------


def test_a_noun_after_the_unit_may_open_with_a_stop() -> None:
    # 和 ends a noun ("3所和…"), but not 和美乡村 or 和谐社区.
    assert "和谐社区" in subjects("30个和谐社区已全部挂牌。")[0]
    found = subjects("18个和美乡村已完成村庄规划，基本建成9个。")
    assert "和美乡村" in found[0] and "和美乡村" in found[1], found


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("为3.2万名未成年人提供心理健康服务。", "未成年人"),
        ("12个对口帮扶村已全部脱贫出列。", "对口帮扶村"),
        ("6个共同富裕示范村已挂牌。", "共同富裕示范村"),
        ("8个基本农田保护区已划定。", "基本农田保护区"),
    ],
)
def test_a_noun_after_the_unit_may_open_with_any_stop_but_a_predicate(text: str, noun: str) -> None:
    (found,) = find_quantities(text, default_kind="actual")
    assert found.subject == noun
    assert found.stage == ""  # 未 inside 未成年人 says nothing of the work


def test_a_predicate_after_a_bare_count_is_still_no_noun() -> None:
    assert subjects("已建成公厕42座，其余8座正在装修。")[1] == "其余公厕"
    assert subjects("已改造36个，其余6个未开工。")[1] == "其余"


def test_基本_is_an_adverb_that_names_nothing() -> None:
    found = subjects("新建口袋公园18个，基本建成11个。")
    assert "口袋公园" in found[1], found
    found = subjects("改造农村危房420户，年内基本完成300户。", cell="goal")
    assert "农村危房" in found[1], found


@pytest.mark.parametrize(
    "text",
    ["已整治河道26条，剩余4条因汛期影响暂缓施工。", "已整治河道26条，其余4条落实专人巡查。"],
)
def test_the_rest_followed_by_a_verb_or_a_cause_carries_the_noun(text: str) -> None:
    rest = subjects(text)[1]
    assert "河道" in rest and "汛期" not in rest and "巡查" not in rest, rest


def test_为_and_可_inside_a_noun_stay() -> None:
    assert "不文明行为" in subjects("劝导不文明行为2300人次。")[0]
    assert "可容纳人数" in subjects("全民健身中心可容纳人数1200人。")[0]
    # 可 before other words is still no part of the subject: "建成后可新增床位300张".
    assert subjects("养老院建成后可新增床位300张。")[0].endswith("床位")


def test_a_part_after_已_of_the_whole_before_it_counts_what_the_whole_counts() -> None:
    found = read("32所中小学已完成校舍加固26所，6所正在施工。")
    assert [kind for *_, kind in found] == ["target", "actual", "actual"]
    assert all("中小学" in subject for subject, *_ in found), found


# --- numbers ------------------------------------------------------------------------------------


def test_百分之百_is_100_percent() -> None:
    assert read("适龄儿童入学率达到百分之百。") == [("适龄儿童入学率", Decimal(100), "%", "actual")]


def test_a_count_inside_a_longer_quoted_slogan_is_no_figure() -> None:
    found = read("“办好身边一件事”活动已办结诉求3600件。")
    assert [(value, unit) for _, value, unit, _ in found] == [(Decimal(3600), "件")]


def test_visits_are_units_but_batches_are_not() -> None:
    assert read("检查餐饮单位3200家次，完成抽检1.2万批次。") == [
        ("检查餐饮单位", Decimal(3200), "家次", "actual")
    ]
    # 家次 measures only a target in 家次.
    (indicator,) = task_indicators("检查餐饮单位3000家次。", "", "已检查餐饮单位3200家次。")
    assert (indicator.target, indicator.actual, indicator.unit) == (3000, 3200, "家次")


# --- kinds --------------------------------------------------------------------------------------


def test_总投资_binds_within_its_clause() -> None:
    found = read("今年新引进项目52个，总投资318亿元，其中50亿元以上项目3个。")
    assert [kind for *_, kind in found] == ["actual", "target", "actual"]


@pytest.mark.parametrize(
    "text",
    [
        "青年就业见习提升计划吸纳见习人员860名。",
        "“雨露计划”资助脱贫家庭学生1860人。",
        "农村订单定向医学生培养计划录取学生120名。",
    ],
)
def test_计划_inside_a_programme_name_is_no_plan(text: str) -> None:
    assert [kind for *_, kind in read(text)] == ["actual"]


def test_计划_after_a_noun_still_makes_a_plan() -> None:
    assert [kind for *_, kind in read("该项目计划新建学校3所。")] == ["plan"]
    assert [kind for *_, kind in read("年度计划投资12亿元。")] == ["plan"]


@pytest.mark.parametrize(
    "text",
    [
        "已改造老旧小区36个，其余6个受天气影响延至明年。",
        "已改造老旧小区36个，剩余6个待验收。",
        "已改造老旧小区36个，其余6个按计划推进。",
    ],
)
def test_the_rest_followed_by_a_cause_a_wait_or_a_step_carries_the_noun(text: str) -> None:
    subject, _, _, kind = read(text)[1]
    assert subject == "其余老旧小区" or subject == "剩余老旧小区", subject
    assert kind == "actual"  # 按计划 is no plan


def test_a_bare_count_entering_a_stage_carries_the_noun() -> None:
    found = subjects("12个城市口袋公园已建成开放8个，4个进入绿化种植阶段。")
    assert "口袋公园" in found[2], found


def test_a_rest_waiting_for_a_step_is_pending() -> None:
    found = find_quantities("已改造老旧小区36个，剩余6个待验收。", default_kind="actual")
    assert [q.stage for q in found] == ["", "pending"]


def test_a_clause_opening_with_the_period_so_far_reports_what_happened() -> None:
    text = "全年计划完成投资56亿元，1-10月完成投资48.6亿元，占年度计划的86.8%。"
    assert [kind for *_, kind in read(text)] == ["plan", "actual", "actual"]
    # In a goal cell, and inside a plan's own clause, the period changes nothing.
    assert [kind for *_, kind in read("计划上半年完成投资5亿元。")] == ["plan"]
    assert [kind for *_, kind in read(text, cell="goal")][:2] == ["plan", "plan"]
