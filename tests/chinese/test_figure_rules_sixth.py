"""The rules added when the figure reader was tuned on the sixth labelled set (docs/figures.md),
each on sentences of its own that are in no labelled set: 艘 a counter, no unit before 次 or in
千瓦时, 百余万, a rate across a bracket inside its noun, 完成主体工程 a start, a noun list after
the count, a list with 等 before it, a noun before a quoted name, a figure in brackets after its
noun, a level after a change in points, adverbs before a verb, the rest put off to a date, a
noun-first head with a part done after it, and the rest of a whole that names its noun."""

from decimal import Decimal

import pytest

from taizhang.chinese.quantities import find_quantities, task_indicators
from tests.chinese.figure_reading import read, subjects

# --- units and numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [("新建执法船艇4艘。", Decimal(4)), ("改造内河货船一百二十艘。", Decimal(120))],
)
def test_艘_is_a_counter(text: str, value: Decimal) -> None:
    ((_, found, unit, _),) = read(text)
    assert (found, unit) == (value, "艘")


@pytest.mark.parametrize(
    "text",
    ["累计出动执法车辆860台次。", "完成小麦一喷三防120万亩次。", "保障航班起降3.2万架次。"],
)
def test_a_unit_before_次_is_a_count_of_times_and_no_figure(text: str) -> None:
    assert read(text) == []


def test_the_visits_that_are_units_stay_figures() -> None:
    assert [(v, u) for _, v, u, _ in read("开展送医下乡服务3600人次，回访460户次。")] == [
        (Decimal(3600), "人次"),
        (Decimal(460), "户次"),
    ]


@pytest.mark.parametrize("text", ["风电场年上网电量4.6亿千瓦时。", "节约用电80万千瓦时。"])
def test_千瓦时_is_an_energy_and_no_figure(text: str) -> None:
    assert read(text) == []


def test_千瓦_alone_stays_a_figure() -> None:
    ((_, value, unit, _),) = read("新增分布式光伏装机容量3.5万千瓦。")
    assert (value, unit) == (Decimal("3.5"), "万千瓦")


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("全年接待游客百余万人次。", Decimal(1_000_000), "人次"),
        ("带动农户增收千余万元。", Decimal(1000), "万元"),
        ("累计服务群众千余万人。", Decimal(10_000_000), "人"),
    ],
)
def test_百_or_千_before_余万_is_a_number(text: str, value: Decimal, unit: str) -> None:
    (quantity,) = find_quantities(text, default_kind="actual")
    assert (quantity.value, quantity.unit, quantity.approximate) == (value, unit, True)


# --- rates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "每千人口注册（执业）护士数达到3.4人。",
        "每万人口全科（家庭）医生数达到3.9名。",
    ],
)
def test_a_rate_holds_across_a_bracket_inside_its_noun(text: str) -> None:
    assert read(text) == []


def test_a_bracket_after_a_noun_hides_no_figure_without_a_rate() -> None:
    ((_, value, unit, _),) = read("配备自动体外除颤器（AED）36台。")
    assert (value, unit) == (Decimal(36), "台")


# --- stages --------------------------------------------------------------------------------------


def test_the_main_works_completed_are_a_start_not_the_works_done() -> None:
    (quantity,) = find_quantities("安置房已完成主体工程6栋。", default_kind="actual")
    assert quantity.stage == "started"
    (indicator,) = task_indicators("建成安置房8栋。", "", "安置房已完成主体工程6栋。")
    assert indicator.actual is None


def test_the_whole_works_completed_stay_done() -> None:
    (quantity,) = find_quantities("安置房已全部完工6栋。", default_kind="actual")
    assert quantity.stage == "done"


# --- subjects ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "nouns"),
    [
        ("已为5120名孕产妇、新生儿建立健康档案。", ("孕产妇", "新生儿")),
        ("为860名脑卒中、冠心病患者提供康复指导。", ("脑卒中", "冠心病患者")),
    ],
)
def test_a_count_before_a_noun_list_counts_the_whole_list(
    text: str, nouns: tuple[str, ...]
) -> None:
    (subject,) = subjects(text)
    assert all(noun in subject for noun in nouns), subject


def test_a_list_of_counts_keeps_each_its_own_noun() -> None:
    assert subjects("已走访12个乡镇、56个村。") == ["走访乡镇", "村"]


@pytest.mark.parametrize(
    ("text", "nouns"),
    [
        ("发放农机具5600台，其中拖拉机、收割机等820台。", ("拖拉机", "收割机")),
        ("采购应急物资1.2万件，其中帐篷、折叠床等3400件。", ("帐篷", "折叠床")),
    ],
)
def test_a_list_with_等_right_before_the_count_names_what_is_counted(
    text: str, nouns: tuple[str, ...]
) -> None:
    subject = subjects(text)[-1]
    assert all(noun in subject for noun in nouns), subject


def test_a_list_with_等_before_a_noun_after_the_unit_names_places() -> None:
    assert subjects("完成清河、沙河等4条河道清淤。") == ["河道清淤"]


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("小微企业入驻“个体工商户服务平台”360家。", "小微企业"),
        ("养老机构接入“智慧养老监管平台”58家。", "养老机构"),
    ],
)
def test_too_long_a_name_loses_its_quoted_programme_not_its_noun(text: str, noun: str) -> None:
    (subject,) = subjects(text)
    assert subject.startswith(noun), subject


def test_a_short_name_keeps_its_quoted_part() -> None:
    assert subjects("建设“美丽庭院”示范户320户。") == ["建设美丽庭院示范户"]


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("检查校外培训机构260家，依法关停9家。", "校外培训机构"),
        ("排查自建房1.6万栋，临时封停38栋。", "自建房"),
    ],
)
def test_an_adverb_before_a_verb_names_nothing_so_the_noun_is_carried(text: str, noun: str) -> None:
    assert noun in subjects(text)[-1]


def test_临时_opens_the_noun_临时救助() -> None:
    assert subjects("临时救助困难群众860人次。") == ["临时救助困难群众"]


# --- a figure in brackets, a level after a change ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("新建污水管网18公里，占全年目标（25公里）的72%。", "全年目标"),
        ("发放创业担保贷款1.8亿元，占年度任务（2.5亿元）的72%。", "年度任务"),
    ],
)
def test_a_figure_alone_in_brackets_after_the_task_is_the_task(text: str, noun: str) -> None:
    _, (task, _size, unit, kind), (share, _, percent, share_kind) = read(text)
    assert noun in task and kind == "target" and unit != "%"
    assert noun in share and (percent, share_kind) == ("%", "actual")


def test_a_share_of_a_plan_sized_in_brackets_stays_an_actual() -> None:
    assert [kind for *_, kind in read("已完成年度计划（800万元）的90%。")] == ["target", "actual"]


def test_a_figure_in_brackets_after_another_noun_names_that_noun() -> None:
    ((subject, _, _, kind),) = read("完成老旧管网（12公里）改造。")
    assert "老旧管网" in subject and kind == "actual"


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("城镇居民医保参保率较上年提高1.2个百分点，达到96.5%。", "参保率"),
        ("全县森林覆盖率提高两个百分点，达到42.3%，新增造林1.2万亩。", "森林覆盖率"),
        ("城区黑臭水体比例下降8个百分点，降至3%。", "黑臭水体比例"),
    ],
)
def test_a_level_after_a_change_in_points_is_the_level_of_what_changed(
    text: str, noun: str
) -> None:
    subject = subjects(text)[0]
    assert noun in subject and "较" not in subject, subject


# --- the rest, a noun-first head -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "乡镇污水处理站已建成14座，其余3座因管网未接通延至明年5月投用。",
        "新建公厕20座，3座因征地问题推迟至明年6月建成。",
        "城市书房已开放9家，剩余2家受装修进度影响年内建成。",
    ],
)
def test_the_rest_or_works_put_off_due_by_a_date_are_a_plan(text: str) -> None:
    assert [kind for *_, kind in read(text)][-1] == "plan"


def test_works_completed_on_a_date_without_the_rest_stay_done() -> None:
    assert [kind for *_, kind in read("该项目于今年3月完工，完成投资1200万元。")] == ["actual"]


@pytest.mark.parametrize(
    ("text", "noun"),
    [
        ("农村公路安防工程128公里，目前已完工96公里。", "农村公路安防工程"),
        ("新能源公交车120辆，已投入运营96辆。", "新能源公交车"),
    ],
)
def test_a_noun_first_head_with_a_smaller_part_done_after_it_is_the_task(
    text: str, noun: str
) -> None:
    (head, *_, head_kind), (_, _, _, part_kind) = read(text)
    assert noun in head and (head_kind, part_kind) == ("target", "actual")


@pytest.mark.parametrize(
    "text",
    [
        "新建公交车120辆，已投入运营96辆。",  # a verb first: what was done
        "募集见习岗位846个，已有512名高校毕业生上岗。",  # another unit
    ],
)
def test_a_head_with_a_verb_or_without_a_part_in_its_unit_stays_what_was_done(text: str) -> None:
    assert read(text)[0][3] == "actual"


def test_the_rest_counts_the_whole_when_the_part_lost_its_noun_to_a_verb() -> None:
    rest = subjects("26个招商项目已开工19个，其余7个正在办理施工许可。")[-1]
    assert "招商项目" in rest, rest


def test_the_rest_keeps_the_part_noun_when_it_holds_the_whole() -> None:
    assert subjects("120件信访积案已化解104件，剩余16件已落实包案领导。")[-1] == "剩余信访积案化解"
