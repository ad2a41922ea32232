"""Tests for taizhang.chinese.names: people and units."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.chinese.names import (
    is_collective_unit,
    normalize_person,
    normalize_unit,
    split_people,
    split_units,
    split_units_with_roles,
)

# Common CJK ideographs: NFKC leaves them unchanged, so generated names are already canonical.
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
# Names, not positions: a piece ending in 长, 书记 or 主任 may be a position (县长), which a
# leader cell drops beside a name (see test_a_position_written_beside_a_name_is_no_person).
long_names = st.text(alphabet=cjk, min_size=2, max_size=6).filter(
    lambda name: not name.endswith(("长", "书记", "主任"))
)
any_names = st.text(alphabet=cjk, min_size=1, max_size=6).filter(
    lambda name: not name.endswith(("长", "书记", "主任"))
)


# --- people -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("谭江", "谭江"),
        ("谭  江", "谭江"),
        ("谭 江", "谭江"),
        ("谭\u3000江", "谭江"),
        (" 谭江 ", "谭江"),
        ("\t谭\n江\r", "谭江"),
        ("\xa0谭\xa0江", "谭江"),
        ("李 拴 根", "李拴根"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_person_names_lose_all_whitespace(name: str, expected: str) -> None:
    assert normalize_person(name) == expected


def test_person_names_are_nfkc_normalised() -> None:
    assert normalize_person("Ｌｉ　Ｍｉｎｇ") == "LiMing"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("李拴根\n\n侯  波", ["李拴根", "侯波"]),
        ("张宏义 李拴根", ["张宏义", "李拴根"]),
        ("张宏义\u3000李拴根", ["张宏义", "李拴根"]),
        ("谭  江", ["谭江"]),
        ("谭\u3000江", ["谭江"]),
        ("张三、李四", ["张三", "李四"]),
        ("张三，李四", ["张三", "李四"]),
        ("张三,李四", ["张三", "李四"]),
        ("张三；李四", ["张三", "李四"]),
        ("张三;李四", ["张三", "李四"]),
        ("张三/李四", ["张三", "李四"]),
        ("张三／李四", ["张三", "李四"]),
        ("张三\r\n李四", ["张三", "李四"]),
        ("张三、张三", ["张三"]),
        ("张三\n李四\n张三", ["张三", "李四"]),
        ("谭  江\n谭江", ["谭江"]),
        ("李四 张三、王五", ["李四", "张三", "王五"]),
        ("张宏义 谭 江", ["张宏义谭江"]),
        ("", []),
        ("  \n\n ", []),
        ("、、，", []),
    ],
)
def test_people_cells_split_into_names(cell: str, expected: list[str]) -> None:
    assert split_people(cell) == expected


@given(st.text())
def test_normalize_person_is_idempotent_and_removes_all_whitespace(name: str) -> None:
    normalized = normalize_person(name)
    assert normalize_person(normalized) == normalized
    assert not any(char.isspace() for char in normalized)


@given(st.text())
def test_split_people_never_returns_empty_or_duplicate_names(cell: str) -> None:
    people = split_people(cell)
    assert all(people)
    assert len(people) == len(set(people))
    assert all(normalize_person(person) == person for person in people)


@given(st.lists(any_names, min_size=1, max_size=5), st.sampled_from(["、", "，", "\n", ";", "/"]))
def test_people_joined_by_a_separator_split_back(names: list[str], separator: str) -> None:
    assert split_people(separator.join(names)) == list(dict.fromkeys(names))


@given(st.lists(long_names, min_size=1, max_size=5))
def test_people_joined_by_spaces_split_back_when_all_are_long(names: list[str]) -> None:
    assert split_people(" ".join(names)) == list(dict.fromkeys(names))


@given(long_names, st.text(alphabet=cjk, min_size=1, max_size=1))
def test_a_single_character_piece_keeps_the_cell_one_person(first: str, single: str) -> None:
    assert split_people(f"{first} {single}") == [first + single]


# --- units --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("交投集团", "交投集团"),
        (" 交投集团 ", "交投集团"),
        ("交投 集团", "交投集团"),
        ("市委宣传部（网信办）", "市委宣传部（网信办）"),
        ("市委宣传部(网信办)", "市委宣传部（网信办）"),
        ("市委宣传部 （网信办）", "市委宣传部（网信办）"),
        ("ＡＢＣ公司", "ABC公司"),
        ("\u3000教体局\u3000", "教体局"),
    ],
)
def test_unit_names_are_normalised(name: str, expected: str) -> None:
    assert normalize_unit(name) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("交投集团\n\n教体局", ["交投集团", "教体局"]),
        ("住建局、水利局", ["住建局", "水利局"]),
        ("住建局，水利局", ["住建局", "水利局"]),
        ("住建局,水利局", ["住建局", "水利局"]),
        ("住建局；水利局", ["住建局", "水利局"]),
        ("住建局 水利局", ["住建局", "水利局"]),
        ("住建局  水利局\u3000教体局", ["住建局", "水利局", "教体局"]),
        ("市委宣传部（网信办、文明办）", ["市委宣传部（网信办、文明办）"]),
        ("市委宣传部(网信办、文明办)", ["市委宣传部（网信办、文明办）"]),
        # NFKC makes the full-width comma ASCII; only the brackets are turned back.
        ("市委宣传部（网信办，文明办）、教体局", ["市委宣传部（网信办,文明办）", "教体局"]),
        ("市委宣传部（网信办 文明办）", ["市委宣传部（网信办文明办）"]),
        ("市委宣传部 （网信办） 教体局", ["市委宣传部（网信办）", "教体局"]),
        ("住建局、住建局\n水利局", ["住建局", "水利局"]),
        ("住 建 局", ["住建局"]),
        ("住建局/水利局", ["住建局/水利局"]),
        ("市委宣传部（网信办、文明办", ["市委宣传部（网信办", "文明办"]),
        ("", []),
        (" 、\n ", []),
    ],
)
def test_unit_cells_split_into_units(cell: str, expected: list[str]) -> None:
    assert split_units(cell) == expected


@given(st.text())
def test_normalize_unit_is_idempotent(name: str) -> None:
    normalized = normalize_unit(name)
    assert normalize_unit(normalized) == normalized
    assert not any(char.isspace() for char in normalized)
    assert "(" not in normalized
    assert ")" not in normalized


@given(st.text())
def test_split_units_never_returns_empty_or_duplicate_units(cell: str) -> None:
    units = split_units(cell)
    assert all(units)
    assert len(units) == len(set(units))
    assert all(normalize_unit(unit) == unit for unit in units)


@given(st.lists(long_names, min_size=1, max_size=5), st.sampled_from(["、", "，", "\n", " "]))
def test_units_joined_by_a_separator_split_back(names: list[str], separator: str) -> None:
    assert split_units(separator.join(names)) == list(dict.fromkeys(names))


@given(long_names, st.lists(long_names, min_size=2, max_size=4), st.sampled_from(["、", "，", " "]))
def test_separators_inside_brackets_do_not_split_a_unit(
    unit: str, inner: list[str], separator: str
) -> None:
    cell = f"{unit}（{separator.join(inner)}）"
    assert split_units(cell) == [normalize_unit(cell)]


# --- annotations in brackets after a name ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张宏义（常务副市长）", "张宏义"),
        ("张宏义(副市长)", "张宏义"),
        ("张宏义 （市长）", "张宏义"),
        ("王五（县委书记）", "王五"),
        ("赵六（办公室主任）", "赵六"),
        ("李四（秘书长）", "李四"),
        ("李四（牵头）", "李四"),
        ("（市长）", "(市长)"),
        ("张三（小名）", "张三(小名)"),
        ("张三（副市长、秘书长）", "张三(副市长、秘书长)"),
    ],
)
def test_a_title_in_brackets_after_a_person_is_no_part_of_the_name(
    name: str, expected: str
) -> None:
    assert normalize_person(name) == expected


def test_people_with_titles_in_brackets_split_into_their_names() -> None:
    cell = "张宏义（常务副市长）、李拴根(副市长)\n张宏义"
    assert split_people(cell) == ["张宏义", "李拴根"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("卫健委（牵头）", "卫健委"),
        ("教体局（配合）", "教体局"),
        ("教体局(协办)", "教体局"),
        ("发改委（主办）", "发改委"),
        ("市委宣传部（网信办）", "市委宣传部（网信办）"),
        ("市委宣传部（网信办）（牵头）", "市委宣传部（网信办）"),
        ("（牵头）", "（牵头）"),
        ("市委宣传部（网信办、文明办）", "市委宣传部（网信办、文明办）"),
    ],
)
def test_a_role_in_brackets_after_a_unit_is_no_part_of_the_name(name: str, expected: str) -> None:
    assert normalize_unit(name) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "卫健委（牵头）、教体局（配合）、医保局",
            [("卫健委", "lead"), ("教体局", "co"), ("医保局", None)],
        ),
        ("发改委(主办)\n财政局(协办)", [("发改委", "lead"), ("财政局", "co")]),
        ("市委宣传部（网信办）", [("市委宣传部（网信办）", None)]),
        ("卫健委、卫健委（牵头）", [("卫健委", "lead")]),
        ("卫健委（牵头）、卫健委（配合）", [("卫健委", "lead")]),
        ("", []),
    ],
)
def test_unit_cells_split_into_units_with_the_role_their_brackets_hint(
    cell: str, expected: list[tuple[str, str | None]]
) -> None:
    assert split_units_with_roles(cell) == expected
    assert split_units(cell) == [name for name, _ in expected]


@given(st.text())
def test_split_units_with_roles_names_the_units_split_units_gives(cell: str) -> None:
    with_roles = split_units_with_roles(cell)
    assert [name for name, _ in with_roles] == split_units(cell)
    assert {role for _, role in with_roles} <= {"lead", "co", None}


@given(long_names, st.sampled_from(["市长", "副市长", "常务副市长", "县委书记", "主任"]))
def test_any_person_with_a_title_in_brackets_is_that_person(name: str, title: str) -> None:
    assert split_people(f"{name}（{title}）") == [name]


@pytest.mark.parametrize(
    ("cell", "people"),
    [
        ("县长 李刚", ["李刚"]),
        ("局党组书记 陈刚", ["陈刚"]),
        ("常务副县长 王强", ["王强"]),
        ("王五、副市长", ["王五"]),
        ("张国长 李四", ["张国长", "李四"]),  # a name ending in 长 is a name
        ("李书记", ["李书记"]),
        ("副县长", ["副县长"]),  # a position alone is kept: it is all the cell says
    ],
)
def test_a_position_written_beside_a_name_is_no_person(cell: str, people: list[str]) -> None:
    assert split_people(cell) == people


# --- collective phrases ----------------------------------------------------------------------

COLLECTIVE = [
    "各乡镇",
    "各县区",
    "各街道",
    "各有关单位",
    "市直各单位",
    "各乡镇（街道）",
    "各乡镇(街道)",
    "各县（市、区）",
    "县直各部门",
    "县直有关部门",
    "有关单位",
    "相关部门",
    "相关乡镇（街道）",
    "属地乡镇",
    "其他成员单位",
    "各成员单位",
    "各镇（街道）",
    "各级各部门",
    "全体成员单位",
    "各县市区",
    "涉及乡镇",
    "各相关单位",
    "市直有关单位",
    "各村（社区）",
    "驻县各单位",
    "市直单位",
    " 各 乡 镇 ",
]
NOT_COLLECTIVE = [
    "县发改委",
    "市直机关工委",
    "交通局",
    "县政府办",
    "市委宣传部（网信办）",
    "县直属机关工委",
    "乡镇企业局",
    "街道办事处",
    "城关镇",
    "民政局",
    "县教体局",
    "区住建局",
    "县委政法委",
    "各",
    "有关",
]


@pytest.mark.parametrize("name", COLLECTIVE)
def test_collective_phrases_are_no_single_unit(name: str) -> None:
    assert is_collective_unit(name)


@pytest.mark.parametrize("name", NOT_COLLECTIVE)
def test_unit_names_are_not_collective(name: str) -> None:
    assert not is_collective_unit(name)


def test_a_cell_with_a_collective_phrase_keeps_it_as_written() -> None:
    assert split_units("县交通局、各乡镇（街道）") == ["县交通局", "各乡镇（街道）"]
