"""Short phrasings, one kind of mistake each, that the figure reader must read by its written
rules (docs/figures.md), and that it reads a long cell in time linear in its length."""

import time
from decimal import Decimal

import pytest

from taizhang.chinese.quantities import Quantity, find_quantities, task_indicators
from tests.chinese.figure_reading import read


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


# --- subjects: verbs are no nouns ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        # A cut at 已 that leaves only verbs keeps the noun before it; bare verbs carry it on.
        ("CT设备已采购到位6台，安装调试完成4台。", ["CT设备", "设备"]),
        ("企业已入库纳统32家。", ["企业"]),
        ("已新开公交线路3条、优化调整5条，共计8条。", ["公交线路", "公交线路", "公交线路"]),
        ("12个签约项目中，已竣工投产7个，其余5个正在建设。", ["项目", "项目", "项目"]),
        ("5家社区食堂已有3家通过验收。", ["社区食堂", "社区食堂"]),
        ("农贸市场二期已完成主体工程6栋。", ["农贸市场"]),
        ("完成农村危房改造456户，其中已竣工入住398户。", ["农村危房", "农村危房"]),
        # A date that would leave only verbs keeps the noun before it.
        ("社区卫生服务站计划年底前再建成3个。", ["社区卫生服务站"]),
    ],
)
def test_a_subject_made_of_verbs_takes_the_noun_they_act_on(text: str, subjects: list[str]) -> None:
    found = [q.subject for q in find_quantities(text, default_kind="actual")]
    assert len(found) == len(subjects)
    for subject, wanted in zip(found, subjects, strict=True):
        assert wanted in subject, found


def test_verbs_joined_by_a_list_mark_share_the_noun_after_them() -> None:
    # "8所新建、改扩建幼儿园已竣工5所": the 8 is the whole (a target), 5 what is done.
    found = find_quantities("8所新建、改扩建幼儿园已竣工5所。", default_kind="actual")
    assert [(q.value, q.kind) for q in found] == [(Decimal(8), "target"), (Decimal(5), "actual")]
    assert all("幼儿园" in q.subject for q in found)


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        ("门诊量、住院量分别增长12.5%和8.1%。", ["门诊量", "住院量"]),
        ("养老床位、护理型床位分别达到3200张、1800张。", ["养老床位", "护理型床位"]),
        ("东区、西区、北区分别完成改造12个、8个、5个。", ["东区", "西区", "北区"]),
        # The values name their own noun: the listed words are no subjects of them.
        ("东区和西区分别新建食堂3个、4个。", ["新建食堂", "食堂"]),
    ],
)
def test_a_respectively_list_pairs_each_value_with_its_noun(text: str, subjects: list[str]) -> None:
    found = [q.subject for q in find_quantities(text, default_kind="actual")]
    for subject, wanted in zip(found, subjects, strict=True):
        assert wanted in subject, found


def test_a_figure_after_a_respectively_list_is_no_value_of_it() -> None:
    found = find_quantities(
        "东区、西区、北区分别完成改造12个、8个，新增绿地5个。", default_kind="actual"
    )
    assert [q.subject for q in found] == ["东区", "西区", "新增绿地"]


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        # A share right after a figure is a share of it; the next value of a list of figures
        # counts what the first counts.
        ("完成年度任务1.5万户的87.2%。", ["年度任务", "年度任务"]),
        ("惠及居民2.1万户、6.3万人。", ["居民", "居民"]),
        # A list of nouns before a figure is its subject whole.
        ("完成雨水、污水管网改造18公里。", ["雨水、污水管网"]),
        # A noun-only opening clause names a figure that names nothing, and whose scope a
        # scope word alone gives.
        ("背街小巷整治，已完成75%。", ["背街小巷整治"]),
        ("雨污分流改造方面，已完成60%。", ["雨污分流改造"]),
        ("滨河绿道建设，全长8.6公里，已完成6公里。", ["滨河绿道建设全长", "滨河绿道"]),
    ],
)
def test_lists_shares_and_openers_give_their_noun(text: str, subjects: list[str]) -> None:
    found = [q.subject for q in find_quantities(text, default_kind="actual")]
    for subject, wanted in zip(found, subjects, strict=True):
        assert wanted in subject, found


@pytest.mark.parametrize("opener", ["进展顺利", "据统计", "截至目前", "总体推进有序", "经核查"])
def test_an_opener_about_the_work_names_nothing(opener: str) -> None:
    assert only(f"{opener}，已建成9个。").subject == "建成"


# --- kinds ----------------------------------------------------------------------------------------


def test_actual_inside_a_noun_in_a_goal_cell_asks_for_it() -> None:
    assert only("实际使用外资2.5亿美元，实际到位资金30亿元。", cell="goal").kind == "target"
    # As an adverb it says what happened, in any cell.
    assert [q.kind for q in find_quantities("计划投资50亿元，实际完成42亿元。")] == [
        "plan",
        "actual",
    ]


def test_striving_in_a_goal_cell_ends_a_plan() -> None:
    found = find_quantities("年度计划投资80亿元，力争竣工项目30个。")
    assert [q.kind for q in found] == ["plan", "target"]


@pytest.mark.parametrize(
    "text",
    [
        "老旧街区改造项目8个，总投资12.6亿元，今年已完成投资3.1亿元。",
        "体育公园建设面积5.2万平方米，已完成建设的七成。",
    ],
)
def test_a_noun_only_head_with_its_scope_or_share_done_is_the_task(text: str) -> None:
    head = find_quantities(text, default_kind="actual")[0]
    assert head.kind == "target"


@pytest.mark.parametrize(
    "text",
    [
        "募集就业岗位1200个，已有860人上岗。",
        "挂牌督办隐患点24处，已完成整改20处。",
        "新开工项目47个，超额完成年度目标。",
    ],
)
def test_a_head_that_reports_what_was_done_stays_an_actual(text: str) -> None:
    assert find_quantities(text, default_kind="actual")[0].kind == "actual"


# --- numbers and units ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "approximate"),
    [
        ("覆盖率达到百分之八十七点五。", "87.5", "%", False),
        ("绿化率达到三十二点五%。", "32.5", "%", False),
        ("归集数据3500余万条。", "35000000", "条", True),
        ("惠及群众近万人。", "10000", "人", True),
        ("服务企业逾万家。", "10000", "家", True),
        ("新增就业岗位5000至1万个。", "5000", "个", True),
        ("新增就业岗位1.2至1.5万个。", "12000", "个", True),
        ("可解决3.2万山区人口饮水问题。", "32000", "人", False),
        ("帮扶群众百余人。", "100", "人", True),
        ("走访企业上千家。", "1000", "家", True),
        ("服务群众万余人次。", "10000", "人次", True),
        ("检查企业1.8万家次。", "18000", "家次", False),
        ("回访群众860户次。", "860", "户次", False),
        ("受理投诉1260件次。", "1260", "件次", False),
    ],
)
def test_numbers_people_write(text: str, value: str, unit: str, approximate: bool) -> None:
    found = only(text)
    assert (found.value, found.unit, found.approximate) == (Decimal(value), unit, approximate)


@pytest.mark.parametrize("text", ["较上年提升2个位次。", "排名上升3个位次。"])
def test_a_change_of_rank_is_no_figure(text: str) -> None:
    assert find_quantities(text) == []


def test_people_counted_by_a_noun_ending_in_people_keep_the_noun() -> None:
    assert only("可解决3.2万山区人口饮水问题。").subject == "山区人口"


def test_visits_are_their_own_family() -> None:
    # 家次 counts visits, not firms: it never measures a target in 家.
    indicators = task_indicators("检查企业300家。", "", "已检查企业1200家次。")
    assert [(i.target, i.actual) for i in indicators] == [(Decimal(300), None)]


# --- matching -------------------------------------------------------------------------------


def test_the_only_target_and_the_only_measuring_actual_pair_with_a_subject_doubt() -> None:
    (indicator,) = task_indicators("新建中小学5所。", "", "学校已建成3所。")
    assert (indicator.actual, indicator.doubt) == (Decimal(3), "subject")


def test_a_target_for_people_names_the_work_done_for_them() -> None:
    # "为1000户…家庭实施无障碍改造": the progress reports the work, not the families.
    (indicator,) = task_indicators(
        "为1000户困难残疾人家庭实施无障碍改造。", "", "已完成无障碍改造860户。"
    )
    assert (indicator.actual, indicator.doubt) == (Decimal(860), None)
    assert "家庭" in indicator.name


def test_signing_measures_a_target_of_attracting_projects() -> None:
    (indicator,) = task_indicators("招引亿元以上项目30个。", "", "已签约亿元以上项目32个。")
    assert (indicator.actual, indicator.doubt) == (Decimal(32), None)
    # For works, signing is a step before them and measures nothing.
    assert task_indicators("新建学校3所。", "", "已签约学校项目3所。")[0].actual is None


@pytest.mark.parametrize(
    ("goal", "progress"),
    [
        ("新建中小学5所。", "全市有学校120所。"),  # stands, says nothing of the work
        ("新建停车场3个。", "已建成充电桩120个。"),  # other things counted in one counter
        ("卫生厕所普及率达到90%。", "已完成改造，改造户数占全市农户总数的45%。"),  # a share
    ],
)
def test_a_figure_that_measures_nothing_of_the_task_gets_no_bar(goal: str, progress: str) -> None:
    assert all(i.actual is None for i in task_indicators(goal, "", progress))


def test_a_part_given_after_a_stage_verb_makes_the_whole_the_task() -> None:
    found = find_quantities("第二批8个项目完成5个。", default_kind="actual")
    assert [(q.value, q.kind) for q in found] == [(Decimal(8), "target"), (Decimal(5), "actual")]


@pytest.mark.parametrize(
    "text", ["12个乡镇中，已有10个完成垃圾分类试点。", "30个村中，已有26个通过验收。"]
)
def test_a_whole_among_which_a_part_is_done_stands_as_an_actual(text: str) -> None:
    assert [q.kind for q in find_quantities(text, default_kind="actual")] == ["actual", "actual"]


def test_yue_inside_a_word_is_no_approximation() -> None:
    signed = only("已签约1180户。")
    assert (signed.subject, signed.approximate) == ("签约", False)
    assert only("已安置约1180户。").approximate


@pytest.mark.parametrize(
    ("text", "subject"),
    [
        ("新建的6座水厂中，已有4座通水运行。", "水厂"),
        ("城镇登记失业率控制在3.2%以内。", "城镇登记失业率"),
        ("3个片区合计征收房屋1260户。", "片区"),
        ("为2.1万名城乡低保对象发放低保金。", "城乡低保对象"),
    ],
)
def test_verbs_after_a_unit_and_words_before_a_number_are_no_subject(
    text: str, subject: str
) -> None:
    assert subject in [q.subject for q in find_quantities(text, default_kind="actual")]
