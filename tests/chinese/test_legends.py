"""Tests for taizhang.chinese.statuses.parse_legend and is_legend: a ledger's own legend row."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.statuses import STATUS_CODES, is_legend, parse_legend, status_code

FOUR = {"√": "completed", "○": "in_progress", "△": "lagging", "×": "not_started"}


@pytest.mark.parametrize(
    ("text", "legend"),
    [
        ("注：√为已完成，○为正在推进，△为推进缓慢，×为未启动", FOUR),
        ("注:√为已完成;○为正在推进;△为推进缓慢;×为未启动。", FOUR),
        ("说明：1.“√”表示已完成；2.“○”表示序时推进", {"√": "completed", "○": "in_progress"}),
        ("填表说明：“√”代表已完成，“○”代表正在推进，“×”代表未启动。",
         {"√": "completed", "○": "in_progress", "×": "not_started"}),
        ("备注：√即已完成、○即正在推进、△即推进缓慢",
         {"√": "completed", "○": "in_progress", "△": "lagging"}),
        ("图例：√：已完成  ○：正在推进", {"√": "completed", "○": "in_progress"}),
        ("√ 已完成   ○ 正在推进   △ 推进缓慢   × 未启动", FOUR),
        ("√已完成○正在推进△推进缓慢×未启动", FOUR),
        ("1.√已完成2.○正在推进", {"√": "completed", "○": "in_progress"}),
        ("已完成（√）、正在推进（○）、推进缓慢（△）、未启动（×）", FOUR),
        ("注：★为已完成，☆为正在推进，▲为滞后",
         {"★": "completed", "☆": "in_progress", "▲": "lagging"}),
        ("注：●表示已完成，◎表示正在推进，○表示未启动",
         {"●": "completed", "◎": "in_progress", "○": "not_started"}),
        ("绿灯：按序时推进；黄灯：进度滞后；红灯：严重滞后",
         {"绿灯": "in_progress", "黄灯": "lagging", "红灯": "lagging"}),
        ("注：绿色为正常推进，黄色为滞后序时，红色为严重滞后",
         {"绿色": "in_progress", "黄色": "lagging", "红色": "lagging"}),
        ("说明：“红”表示严重滞后、“黄”表示推进缓慢、“绿”表示序时推进",
         {"红": "lagging", "黄": "lagging", "绿": "in_progress"}),
        ("注：√为已完成，×为未完成", {"√": "completed"}),
        ("注：◎为基本完成，√为已完成", {"√": "completed"}),
        ("注：“√”为已完成（含提前完成），“○”为正在推进（按序时）",
         {"√": "completed", "○": "in_progress"}),
        ("注：〇为在建，√为已竣工，×为未开工",
         {"〇": "in_progress", "√": "completed", "×": "not_started"}),
    ],
)  # fmt: skip
def test_legend_rows_give_their_symbols_and_lights(text: str, legend: dict[str, str]) -> None:
    assert parse_legend(text) == legend


@pytest.mark.parametrize(
    "text",
    [
        "",
        "注：",
        "注：本表由各单位填报",
        "说明：数据截至10月底",
        "资金已到位",
        "√",
        "红黄绿",
        "注：√为",
        "进展情况：年底前完成",
    ],
)
def test_text_without_a_legend_gives_an_empty_legend(text: str) -> None:
    assert parse_legend(text) == {}


def test_the_first_meaning_given_to_a_symbol_is_kept() -> None:
    assert parse_legend("√为已完成，√为正在推进") == {"√": "completed"}


def test_a_parsed_legend_decodes_the_ledgers_own_symbols() -> None:
    legend = parse_legend("注：●表示已完成，◎表示正在推进，○表示未启动")
    assert status_code("○", legend) == "not_started"
    assert status_code("●", legend) == "completed"
    assert status_code("◎", legend) == "in_progress"
    assert status_code("△", legend) == "lagging"  # not in this legend: the default


def test_a_parsed_legend_of_lights_decodes_every_way_of_writing_them() -> None:
    legend = parse_legend("说明：“绿”表示已完成、“黄”表示正在推进、“红”表示推进缓慢")
    assert status_code("绿灯", legend) == "completed"
    assert status_code("黄色", legend) == "in_progress"
    assert status_code("亮红灯", legend) == "lagging"


@pytest.mark.parametrize(
    "text",
    [
        "注：√为已完成，○为正在推进",
        "说明：本表数据截至10月底",
        "填表说明：请于每月25日前报送",
        "备注：无",
        "图例：见附件",
        "√为已完成，×为未完成",
        "绿灯：按序时推进；黄灯：进度滞后",
        "  注:  √已完成",
    ],
)
def test_legend_rows_are_recognised(text: str) -> None:
    assert is_legend(text)


@pytest.mark.parametrize(
    "text",
    ["", "√", "√已完成", "○正在推进", "已完成", "绿灯", "资金已到位", "3-1", "合计", "注意安全"],
)
def test_status_cells_and_other_text_are_no_legend(text: str) -> None:
    assert not is_legend(text)


# --- properties ------------------------------------------------------------------------------

MARKERS = ["√", "○", "△", "×", "★", "☆", "●", "◎", "▲", "绿灯", "黄灯", "红灯"]
DESCRIPTIONS = {
    "completed": ["已完成", "已竣工", "已办结"],
    "in_progress": ["正在推进", "序时推进", "在建"],
    "lagging": ["推进缓慢", "进度滞后", "严重滞后"],
    "not_started": ["未启动", "未开工"],
}
CONNECTORS = ["为", "表示", "代表", "即", "：", ":", ""]
SEPARATORS = ["，", "；", "、", " ", ",", ";", "。"]
QUOTES = [("", ""), ("“", "”"), ('"', '"')]


@st.composite
def legends(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    keys = draw(st.lists(st.sampled_from(MARKERS), min_size=1, max_size=5, unique=True))
    prefix = draw(st.sampled_from(["", "注：", "说明：", "填表说明：", "备注:"]))
    separator = draw(st.sampled_from(SEPARATORS))
    connector = draw(st.sampled_from(CONNECTORS))
    opening, closing = draw(st.sampled_from(QUOTES))
    numbered = draw(st.booleans())
    expected: dict[str, str] = {}
    items = []
    for index, key in enumerate(keys, 1):
        code = draw(st.sampled_from(STATUS_CODES))
        description = draw(st.sampled_from(DESCRIPTIONS[code]))
        number = f"{index}." if numbered else ""
        items.append(f"{number}{opening}{key}{closing}{connector}{description}")
        expected[key] = code
    return prefix + separator.join(items), expected


@given(legends())
def test_any_well_formed_legend_is_read_back(legend: tuple[str, dict[str, str]]) -> None:
    text, expected = legend
    assert parse_legend(text) == expected


@given(legends())
def test_a_legend_of_two_or_more_entries_is_a_legend(legend: tuple[str, dict[str, str]]) -> None:
    text, expected = legend
    if len(expected) >= 2 or text.startswith(("注", "说明", "填表说明", "备注")):
        assert is_legend(text)


@given(st.text())
def test_parse_legend_never_raises_and_gives_codes(text: str) -> None:
    legend = parse_legend(text)
    assert set(legend.values()) <= set(STATUS_CODES)
    for key in legend:
        assert status_code(key, legend) == legend[key]
    assert isinstance(is_legend(text), bool)
