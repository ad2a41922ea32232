"""Tests for taizhang.chinese.statuses: progress words to status codes."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.statuses import STATUS_CODES, status_code, status_label_text

STATUS_WORDS = [
    ("已完成", "completed"),
    ("提前完成", "completed"),
    ("超额完成", "completed"),
    ("完成", "completed"),
    ("正在推进", "in_progress"),
    ("序时推进", "in_progress"),
    ("按序时推进", "in_progress"),
    ("正常推进", "in_progress"),
    ("推进中", "in_progress"),
    ("进行中", "in_progress"),
    ("推进缓慢", "lagging"),
    ("进度滞后", "lagging"),
    ("滞后", "lagging"),
    ("慢序时", "lagging"),
    ("滞后序时", "lagging"),
    ("未启动", "not_started"),
    ("尚未启动", "not_started"),
    ("未开工", "not_started"),
]


def test_status_codes_are_the_four_known_codes_in_order() -> None:
    assert STATUS_CODES == ("completed", "in_progress", "lagging", "not_started")


@pytest.mark.parametrize(("label", "code"), STATUS_WORDS)
def test_status_words_map_to_their_code(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        (" 正在推进。", "in_progress"),
        ("正在推进.", "in_progress"),
        ("已完成，", "completed"),
        ("已完成,", "completed"),
        ("\u3000推进缓慢\u3000", "lagging"),
        ("\n未启动\n", "not_started"),
        ("正 在 推 进", "in_progress"),
        ("已完成。。", "completed"),
        ("已完成；", "completed"),
        ("已完成、", "completed"),
        ("已完成!", "completed"),
    ],
)
def test_labels_are_normalised_before_matching(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("已完成（提前1个月）", "completed"),
        ("已完成(提前1个月)", "completed"),
        ("推进缓慢，受疫情影响", "lagging"),
        ("推进缓慢,受疫情影响", "lagging"),
        ("进度滞后；资金未到位", "lagging"),
        ("滞后序时，原因是征地", "lagging"),
        ("滞后，原因是征地", "lagging"),
        ("正在推进：已完成主体", "in_progress"),
        ("未启动【待批复】", "not_started"),
        ("完成，已验收", "completed"),
        ("正在推进——已完成主体", "in_progress"),
    ],
)
def test_status_word_followed_by_an_explanation_maps_to_its_code(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize(
    "label",
    [
        "",
        "   ",
        "。",
        "请示市政府研究",
        "资金已到位",
        "未完成",
        "未完成，受疫情影响",
        "尚未完成",
        "完成前期手续",
        "已完成主体施工",
        "滞后于计划",
        "正在推进中的项目很多",
        "基本完成",
        "completed",
    ],
)
def test_labels_that_are_no_status_give_none(label: str) -> None:
    assert status_code(label) is None


def test_not_completed_is_never_completed() -> None:
    assert status_code("未完成") != "completed"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("completed", "已完成"),
        ("in_progress", "正在推进"),
        ("lagging", "推进缓慢"),
        ("not_started", "未启动"),
    ],
)
def test_every_code_has_its_chinese_label(code: str, label: str) -> None:
    assert status_label_text(code) == label


@pytest.mark.parametrize("code", STATUS_CODES)
def test_display_label_maps_back_to_its_code(code: str) -> None:
    assert status_code(status_label_text(code)) == code


@pytest.mark.parametrize("code", ["", "done", "Completed", "已完成"])
def test_unknown_code_has_no_label(code: str) -> None:
    with pytest.raises(ValueError, match="unknown status code"):
        status_label_text(code)


@given(st.text())
def test_status_code_never_raises_and_returns_a_known_code(label: str) -> None:
    assert status_code(label) in (*STATUS_CODES, None)


@given(st.sampled_from(STATUS_WORDS), st.sampled_from(["，", "（", ",", "("]), st.text())
def test_any_explanation_after_punctuation_keeps_the_code(
    word_and_code: tuple[str, str], punctuation: str, explanation: str
) -> None:
    word, code = word_and_code
    assert status_code(f"{word}{punctuation}{explanation}") == code


@given(st.sampled_from(STATUS_WORDS), st.text(alphabet=" \t\u3000\n", max_size=3))
def test_surrounding_whitespace_does_not_matter(word_and_code: tuple[str, str], pad: str) -> None:
    word, code = word_and_code
    assert status_code(f"{pad}{word}{pad}") == code


# --- words offices write (issue 8) -----------------------------------------------------------

PROJECT_PHRASES = [
    ("在建", "in_progress"),
    ("已开工", "in_progress"),
    ("开工建设", "in_progress"),
    ("超序时", "in_progress"),
    ("超序时进度", "in_progress"),
    ("快于序时", "in_progress"),
    ("按计划推进", "in_progress"),
    ("超进度", "in_progress"),
    ("达进度", "in_progress"),
    ("部分完成", "in_progress"),
    ("正在整改", "in_progress"),
    ("已竣工", "completed"),
    ("已完工", "completed"),
    ("已投用", "completed"),
    ("建成投用", "completed"),
    ("已投入使用", "completed"),
    ("已建成", "completed"),
    ("已办结", "completed"),
    ("已完成", "completed"),
    ("已整改", "completed"),
    ("已销号", "completed"),
    ("未开工", "not_started"),
    ("未启动", "not_started"),
    ("尚未开工", "not_started"),
    ("暂未开启", "not_started"),
    ("未整改", "not_started"),
    ("滞后", "lagging"),
    ("慢于序时", "lagging"),
    ("进度滞后", "lagging"),
    ("滞后序时", "lagging"),
    ("严重滞后", "lagging"),
    ("欠进度", "lagging"),
    ("低于序时进度", "lagging"),
]


@pytest.mark.parametrize(("label", "code"), PROJECT_PHRASES)
def test_project_and_supervision_phrases_map_to_their_code(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize(("label", "code"), PROJECT_PHRASES)
def test_project_phrases_followed_by_an_explanation_keep_their_code(label: str, code: str) -> None:
    assert status_code(f"{label}（截至10月底）") == code
    assert status_code(f"{label}，详见进展情况") == code


LIGHTS = [
    ("绿灯", "in_progress"),
    ("绿", "in_progress"),
    ("绿色", "in_progress"),
    ("亮绿灯", "in_progress"),
    ("绿牌", "in_progress"),
    ("黄灯", "lagging"),
    ("黄", "lagging"),
    ("黄色", "lagging"),
    ("黄牌", "lagging"),
    ("红灯", "lagging"),
    ("红", "lagging"),
    ("红色", "lagging"),
    ("亮红灯", "lagging"),
]


@pytest.mark.parametrize(("label", "code"), LIGHTS)
def test_lights_map_to_their_code(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("红灯（严重滞后）", "lagging"),
        ("黄灯，征地未完成", "lagging"),
        ("绿灯：按序时推进", "in_progress"),
    ],
)
def test_a_light_followed_by_an_explanation_keeps_its_code(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize("label", ["蓝灯", "橙色", "蓝"])
def test_lights_without_an_agreed_meaning_need_a_legend(label: str) -> None:
    assert status_code(label) is None
    assert status_code(label, {label: "in_progress"}) == "in_progress"


SYMBOLS = [
    ("√", "completed"),
    ("✓", "completed"),
    ("✔", "completed"),
    ("☑", "completed"),
    ("★", "completed"),
    ("●", "completed"),
    ("○", "in_progress"),
    ("〇", "in_progress"),
    ("◯", "in_progress"),
    ("☆", "in_progress"),
    ("△", "lagging"),
    ("▲", "lagging"),
    ("×", "not_started"),
    ("✗", "not_started"),
    ("✘", "not_started"),
    ("X", "not_started"),
]


@pytest.mark.parametrize(("symbol", "code"), SYMBOLS)
def test_symbols_without_a_legend_take_the_default(symbol: str, code: str) -> None:
    assert status_code(symbol) == code
    assert status_code(f" {symbol} ") == code


@pytest.mark.parametrize("symbol", ["◎", "◉", "▽", "▼", "■", "□", "◆", "◇"])
def test_symbols_without_a_default_need_a_legend(symbol: str) -> None:
    assert status_code(symbol) is None
    assert status_code(symbol, {symbol: "lagging"}) == "lagging"


@pytest.mark.parametrize(("symbol", "default"), SYMBOLS)
@pytest.mark.parametrize("code", STATUS_CODES)
def test_the_ledgers_legend_decides_over_the_default(symbol: str, default: str, code: str) -> None:
    assert status_code(symbol, {symbol: code}) == code


def test_a_legend_without_the_symbol_leaves_the_default() -> None:
    assert status_code("△", {"√": "completed", "○": "in_progress"}) == "lagging"


@pytest.mark.parametrize(
    ("label", "legend_key"),
    [("〇", "○"), ("○", "〇"), ("✓", "√"), ("✔", "√"), ("✗", "×"), ("绿", "绿灯"), ("绿色", "绿灯"),
     ("黄灯", "黄"), ("亮红灯", "红色")],
)  # fmt: skip
def test_look_alike_symbols_and_ways_of_writing_a_light_share_a_legend_entry(
    label: str, legend_key: str
) -> None:
    assert status_code(label, {legend_key: "completed"}) == "completed"


def test_a_legend_entry_with_an_unknown_code_or_no_marker_is_ignored() -> None:
    assert status_code("√", {"√": "done"}) == "completed"
    assert status_code("已完成", {"已完成": "lagging"}) == "completed"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("√（已验收）", "completed"),
        ("○，主体完工", "in_progress"),
        ("√已完成", "completed"),
        ("○ 正在推进", "in_progress"),
        ("○已完成", "completed"),  # the word written out decides
        ("△推进缓慢，征地未完成", "lagging"),
    ],
)
def test_a_symbol_followed_by_an_explanation_or_a_status_word(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize(
    "label",
    [
        "红色旅游",
        "黄河治理",
        "绿化已完成",
        "√资金已到位",
        "○未完成",
        "未开工建设的原因是征地",
        "已竣工部分",
        "在建项目12个",
        "欠进度原因",
        "资金已到位",
        "基本完成",
        "未完成",
    ],
)
def test_progress_sentences_that_open_like_a_status_are_no_status(label: str) -> None:
    assert status_code(label) is None


@given(st.text(), st.dictionaries(st.text(max_size=3), st.sampled_from([*STATUS_CODES, "x"])))
def test_status_code_with_any_legend_never_raises(label: str, legend: dict[str, str]) -> None:
    assert status_code(label, legend) in (*STATUS_CODES, None)


@given(
    st.sampled_from([*PROJECT_PHRASES, *LIGHTS, *SYMBOLS]),
    st.sampled_from(["，", "（", ",", "(", "：", "；"]),
    st.text(),
)
def test_any_explanation_after_a_phrase_light_or_symbol_keeps_the_code(
    label_and_code: tuple[str, str], punctuation: str, explanation: str
) -> None:
    label, code = label_and_code
    assert status_code(f"{label}{punctuation}{explanation}") == code


@given(
    st.sampled_from(STATUS_WORDS + PROJECT_PHRASES), st.sampled_from(["未", "尚未", "没有", "不"])
)
def test_a_negated_completion_word_is_never_completed(
    word_and_code: tuple[str, str], negation: str
) -> None:
    word, code = word_and_code
    if code == "completed" and not word.startswith(("已", "建成")):
        assert status_code(f"{negation}{word}") != "completed"


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("进度滞后\n原因：征地未完成", "lagging"),
        ("已完成\r\n（提前1个月）", "completed"),
        ("√\n已验收", "completed"),
        ("\n绿灯\n按序时推进", "in_progress"),
        ("正 在 推 进\n说明：1.本表每月25日前报送", "in_progress"),
        ("正在\n推进", "in_progress"),  # a word wrapped in a narrow cell
        ("尚未\n开工", "not_started"),
    ],
)
def test_a_line_break_after_a_status_ends_it_like_punctuation(label: str, code: str) -> None:
    assert status_code(label) == code


@pytest.mark.parametrize("label", ["资金已到位\n已完成", "已完成主体施工\n正在装修", "未\n完成"])
def test_a_status_on_a_later_line_or_split_over_lines_is_not_taken(label: str) -> None:
    assert status_code(label) is None


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("达序推进", "in_progress"),
        ("未办结", "in_progress"),
        ("持续整改", "in_progress"),
        ("长期坚持", "in_progress"),
        ("待办理", "not_started"),
        ("已办结", "completed"),
    ],
)
def test_words_of_督办_and_整改_ledgers_are_statuses(label: str, code: str) -> None:
    assert status_code(label) == code
