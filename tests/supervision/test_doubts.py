"""An indicator's doubt and the office's check in words (`supervision.doubts`), the one place
the dashboard, the task page and the API take them from."""

from __future__ import annotations

import pytest

from taizhang.supervision.doubts import DOUBTS, doubt_text, verdict_text
from taizhang.supervision.indicators import IndicatorView, shown


def test_each_doubt_in_words() -> None:
    assert doubt_text("subject", name="新建学校", actual_name="改建校舍") == (
        "主语不同：目标是“新建学校”，进展是“改建校舍”"
    )
    assert doubt_text("subject", name="新建学校") == "主语不同：进展中的数字未必是“新建学校”"
    assert doubt_text("unit_only") == "仅单位相同：进展中的数字没有写明是什么"
    assert doubt_text("approximate") == "数字为约数"
    assert doubt_text("stage") == "进展是开工，目标是完工"
    assert doubt_text("something_new") == "识别结果可能有误"
    assert doubt_text(None) == doubt_text("") == ""


@pytest.mark.parametrize("doubt", DOUBTS)
def test_every_doubt_has_its_own_words(doubt: str) -> None:
    assert doubt_text(doubt, name="甲", actual_name="乙") != doubt_text("something_new")


def test_each_verdict_in_words() -> None:
    assert verdict_text("confirmed") == "督查室已核实"
    assert verdict_text("corrected") == "督查室已更正"
    assert verdict_text("not_figure") == "督查室判定：不是该目标的完成数"
    assert verdict_text(None) == verdict_text("odd") == ""


def test_an_indicator_stored_before_doubts_were_kept_is_shown_solid() -> None:
    old = {"name": "投资", "target": 9.0, "actual": 7.0, "unit": "万元", "percent": 77.8}
    assert shown({**old, "source": "text"}) == {
        **old,
        "source": "text",
        "uncertain": False,
        "doubt": None,
        "doubt_label": "",
        "checked": None,
    }


def test_a_view_words_its_doubt_from_its_two_subjects() -> None:
    view = IndicatorView("新建学校", None, None, "所", None, "text", "subject", "改建校舍")
    assert view.uncertain and view.doubt_label.startswith("主语不同")
    assert view.as_dict()["doubt_label"] == view.doubt_label
    assert "actual_name" not in view.as_dict() and view.facts()["actual_name"] == "改建校舍"
