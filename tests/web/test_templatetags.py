"""The words the pages put on stored values."""

from __future__ import annotations

import pytest

from taizhang.web.templatetags.taizhang import field_label, revision_summary


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
