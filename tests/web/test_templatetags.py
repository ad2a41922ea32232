"""The words the pages put on stored values."""

from __future__ import annotations

import pytest

from taizhang.web.templatetags.taizhang import (
    field_label,
    person_name,
    plain_number,
    revision_summary,
)


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("goal", "工作目标任务"),
        ("leaders", "牵头领导"),
        ("units", "责任单位"),
        ("milestones", "节点"),
        ("category", "分类"),
        ("deadline", "截止日期"),
        ("entries", "月度进展"),
        ("sections", "分单位进展"),
        ("no_such_field", ""),
    ],
)
def test_a_revised_field_is_named_by_the_models_label(name: str, label: str) -> None:
    assert field_label(name) == label


def test_a_revision_of_links_and_an_unknown_field_names_only_the_known_ones() -> None:
    changes = {
        "units": {"old": ["水利局"], "new": ["住建局"]},
        "milestones": {"old": [], "new": ["2021-06-30"]},
        "mystery": {"old": 1, "new": 2},
    }
    assert revision_summary(changes) == "责任单位、节点"


class _Profile:
    def __init__(self, display_name: str) -> None:
        self.display_name = display_name


class _User:
    def __init__(self, display_name: str, full_name: str = "", username: str = "u0012") -> None:
        self.profile = _Profile(display_name)
        self.full_name, self.username = full_name, username

    def get_full_name(self) -> str:
        return self.full_name

    def get_username(self) -> str:
        return self.username


class _Unit:
    name = "水利局"


@pytest.mark.parametrize(
    ("user", "unit", "expected"),
    [
        (_User("王磊"), _Unit(), "王磊"),
        (_User("", "王 磊"), _Unit(), "王 磊"),
        (_User(""), _Unit(), "水利局填报员"),
        (_User(""), None, "u0012"),
        (None, _Unit(), "—"),
    ],
)
def test_a_person_is_named_by_display_name_full_name_unit_then_login(
    user: object, unit: object, expected: str
) -> None:
    assert person_name(user, unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3000.0, "3000"), (2.5, "2.5"), (12345678.0, "12345678"), ("x", "x"), (None, "")],
)
def test_a_figure_is_written_as_people_write_it(value: object, expected: str) -> None:
    assert plain_number(value) == expected
