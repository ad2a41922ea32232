"""A joint task's progress in sections (ledger/sections.py): which paragraph is whose, and the
text composed back from them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from taizhang.ledger.sections import (
    Section,
    compose,
    least_status,
    marker_unit,
    resplit,
    split,
    unit_aliases,
    with_section,
)

UNITS = ["住建局", "水利局", "教体局"]


def test_paragraphs_go_to_the_unit_whose_marker_opens_them_until_the_next_marker() -> None:
    text = (
        "三个单位共同推进。\n住建局：蟒河治理完工。\n北岸基本完工。\n"
        "【水利局】龙河重新立项。\n教体局方面，健身器材已招标。"
    )

    assert split(text, UNITS) == [
        Section(None, "三个单位共同推进。"),
        Section("住建局", "住建局：蟒河治理完工。\n北岸基本完工。"),
        Section("水利局", "【水利局】龙河重新立项。"),
        Section("教体局", "教体局方面，健身器材已招标。"),
    ]


def test_a_text_without_markers_is_the_common_section() -> None:
    text = "蟒河河道治理项目已完工。\n健身器材安装，教育部门已与相关单位对接。"

    assert split(text, UNITS) == [Section(None, text)]


def test_a_task_with_one_unit_owns_all_its_text() -> None:
    assert split("北部供水工程已开工。", ["水利局"]) == [Section("水利局", "北部供水工程已开工。")]


def test_a_unit_named_inside_a_sentence_is_no_marker() -> None:
    assert marker_unit("住建局、水利局联合督导。", UNITS) is None
    assert marker_unit("会同住建局：开展督导。", UNITS) is None


def test_short_and_long_forms_and_a_city_prefix_are_markers() -> None:
    units = ["住房和城乡建设局", "卫健委"]

    assert marker_unit("住建局：完成改造。", units) == "住房和城乡建设局"
    assert marker_unit("济源市卫健委：完成改造。", ["济源市卫健委"]) == "济源市卫健委"
    assert marker_unit("市卫健委，完成改造。", units) == "卫健委"
    assert "住建局" in unit_aliases("济源市住房和城乡建设局")


def test_compose_puts_the_common_section_first_then_units_in_the_tasks_order() -> None:
    sections = [
        Section("教体局", "已招标。"),
        Section("住建局", "已完工。"),
        Section(None, "共同。"),
    ]

    assert compose(sections, False, UNITS) == "共同。\n已完工。\n已招标。"
    assert compose(sections, True, UNITS) == "共同。\n住建局：已完工。\n教体局：已招标。"


def test_the_prefix_is_not_doubled_and_not_given_to_a_single_units_task() -> None:
    assert compose([Section("住建局", "住建局：已完工。")], True, UNITS) == "住建局：已完工。"
    assert compose([Section("水利局", "【水利局】已开工。")], True, UNITS) == "【水利局】已开工。"
    assert compose([Section("水利局", "已开工。")], True, ["水利局"]) == "已开工。"


def test_a_units_new_text_replaces_only_its_own_section() -> None:
    sections = split("共同。\n住建局：旧。\n水利局：旧。", UNITS)

    changed = with_section(sections, "水利局", "水利局：新。", "completed")

    assert compose(changed, True, UNITS) == "共同。\n住建局：旧。\n水利局：新。"
    assert compose(with_section(changed, "教体局", "招标。", "lagging"), True, UNITS).endswith(
        "\n教体局：招标。"
    )


def test_least_status_is_the_least_advanced_unit_with_silent_units_at_the_old_status() -> None:
    sections = [Section("住建局", "", "completed"), Section("水利局", "", "in_progress")]

    assert least_status(sections, UNITS[:2], "not_started") == "in_progress"
    assert least_status(sections, UNITS, "lagging") == "lagging"  # 教体局 has not reported
    assert least_status(sections, UNITS, "") == "in_progress"  # no status before: ignored
    assert least_status([], UNITS, "") == ""


paragraph = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), min_size=1, max_size=30
).filter(lambda line: marker_unit(line, UNITS) is None)


@given(st.lists(paragraph, max_size=5))
def test_a_text_without_markers_composes_back_unchanged(lines: list[str]) -> None:
    text = "\n".join(lines)

    assert compose(split(text, UNITS), False, UNITS) == text


@given(
    st.lists(paragraph, max_size=2),
    st.lists(
        st.tuples(st.booleans(), st.lists(paragraph, min_size=1, max_size=3)),
        min_size=3,
        max_size=3,
    ),
    st.sampled_from(["{}：", "【{}】", "{}方面，", "{},"]),
)
def test_a_text_with_markers_in_unit_order_composes_back_unchanged(
    common: list[str], parts: list[tuple[bool, list[str]]], marker: str
) -> None:
    lines = list(common)
    for unit, (present, body) in zip(UNITS, parts, strict=True):
        if present:
            lines += [marker.format(unit) + body[0], *body[1:]]
    text = "\n".join(lines)

    assert compose(split(text, UNITS), True, UNITS) == text
    assert compose(split(text, UNITS), False, UNITS) == text


# --- the office edits the whole progress text ---------------------------------------------

BEFORE = [
    Section(None, "蟒河治理范围西一环至济源大道。\n包含蟒河公园。"),
    Section("住建局", "东二环段附属物清理完毕。", "completed"),
    Section("水利局", "龙河项目已立项。\n正在招标。", "in_progress"),
]
WATER_PART = ["龙河项目已立项。", "正在招标。"]


def test_an_edit_of_the_common_part_keeps_each_units_part_and_status() -> None:
    edited = "\n".join(
        [
            "漭河治理范围西一环至济源大道。",
            "包含蟒河公园。",
            "东二环段附属物清理完毕。",
            *WATER_PART,
        ]
    )

    assert resplit(edited, BEFORE, False, UNITS) == [
        Section(None, "漭河治理范围西一环至济源大道。\n包含蟒河公园。"),
        BEFORE[1],
        BEFORE[2],
    ]


def test_with_prefixes_a_units_part_is_found_as_composed() -> None:
    edited = (
        "蟒河治理已完工。\n住建局：东二环段附属物清理完毕。\n水利局：龙河项目已立项。\n正在招标。"
    )

    found = resplit(edited, BEFORE, True, UNITS)

    assert found[1:] == BEFORE[1:] and found[0] == Section(None, "蟒河治理已完工。")
    assert compose(found, True, UNITS) == edited


def test_a_units_part_edited_in_place_joins_the_common_part() -> None:
    edited = "\n".join(
        ["蟒河治理范围西一环至济源大道。", "包含蟒河公园。", "东二环段全部完工。", *WATER_PART]
    )

    found = resplit(edited, BEFORE, False, UNITS)

    assert [s.unit for s in found] == [None, "水利局"] and found[1].status == "in_progress"
    assert compose(found, False, UNITS) == edited


def test_text_moved_between_the_units_parts_is_read_afresh() -> None:
    edited = "蟒河治理。\n龙河项目已立项。\n正在招标。\n东二环段全部完工。"

    assert resplit(edited, BEFORE, False, UNITS) == split(edited, UNITS) == [Section(None, edited)]


@given(st.lists(paragraph, max_size=4), st.lists(paragraph, min_size=1, max_size=3))
def test_an_edited_text_always_composes_back_unchanged(common: list[str], body: list[str]) -> None:
    edited = "\n".join([*common, *body])
    previous = [Section("住建局", "\n".join(body), "completed"), Section(None, "旧。")]

    assert compose(resplit(edited, previous, False, UNITS), False, UNITS) == edited
