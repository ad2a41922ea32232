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
