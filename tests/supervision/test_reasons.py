"""Light reasons are data (`Reason`), put into words only where they are shown: every kind
through the page's words (`reason_text`, which the API's `reasons` also gives), the page's
snippet, and the bulletin's own words; rewording the page cannot change the bulletin."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from taizhang.supervision import lights
from taizhang.supervision.bulletin import bulletin_reason, task_reasons
from taizhang.supervision.lights import Light, Reason, ReasonKind, reason_text

AS_OF = datetime.date(2021, 11, 5)
D = datetime.date

# kind: (the reason, as the page and the API word it, as the bulletin words it)
CASES = {
    ReasonKind.COMPLETED: (Reason(ReasonKind.COMPLETED), "已完成", "已完成"),
    ReasonKind.SUBITEMS_COMPLETED: (
        Reason(ReasonKind.SUBITEMS_COMPLETED),
        "子项均已完成",
        "子项均已完成",
    ),
    ReasonKind.ON_PACE: (Reason(ReasonKind.ON_PACE), "按序时推进", "按序时推进"),
    ReasonKind.OVERDUE: (
        Reason(ReasonKind.OVERDUE, deadline=D(2021, 10, 31), days=5),
        "已超过完成时限（2021-10-31）5天，尚未完成",
        "完成时限为2021年10月31日，目前已逾期5天，尚未完成",
    ),
    ReasonKind.LAGGING: (Reason(ReasonKind.LAGGING), "推进缓慢", "推进缓慢"),
    ReasonKind.DUE_SOON: (
        Reason(ReasonKind.DUE_SOON, deadline=D(2021, 11, 20), days=15),
        "距完成时限（2021-11-20）还有15天",
        "完成时限为2021年11月20日，距完成时限仅剩15天，尚未完成",
    ),
    ReasonKind.BEHIND_PACE: (
        Reason(ReasonKind.BEHIND_PACE, elapsed=Decimal("84.6"), reached=Decimal("50.0")),
        "落后序时进度：时间已过84.6%，目标完成50.0%",
        "落后于序时进度（时间已过84.6%，目标仅完成50.0%）",
    ),
    ReasonKind.NOT_STARTED: (Reason(ReasonKind.NOT_STARTED), "尚未启动", "尚未启动"),
    ReasonKind.NOT_REPORTED: (Reason(ReasonKind.NOT_REPORTED), "尚未报送进展", "尚未报送进展情况"),
}


def test_every_kind_has_a_case() -> None:
    assert set(CASES) == set(ReasonKind)


@pytest.mark.parametrize("kind", list(ReasonKind))
def test_each_kind_in_the_words_of_the_page_and_the_api(kind: ReasonKind) -> None:
    reason, page, _bulletin = CASES[kind]
    assert reason_text(reason) == str(reason) == page
    assert Light(lights.RED, (reason,)).reason_texts == [page]
    html = render_to_string("web/_light_reasons.html", {"reasons": [reason, reason]})
    assert html.strip() == f"{page}；{page}"


@pytest.mark.parametrize("kind", list(ReasonKind))
def test_each_kind_in_the_words_of_the_bulletin(kind: ReasonKind) -> None:
    reason, _page, bulletin = CASES[kind]
    assert bulletin_reason(reason, None, AS_OF) == bulletin


@pytest.mark.parametrize("kind", list(ReasonKind))
def test_each_kind_survives_the_trip_through_json(kind: ReasonKind) -> None:
    reason = replace(CASES[kind][0], subitem="3-1")
    assert Reason.from_dict(reason.as_dict()) == reason


def test_a_sub_items_reason_names_it_on_the_page_and_in_the_bulletin() -> None:
    reason, page, bulletin = CASES[ReasonKind.OVERDUE]
    named = replace(reason, subitem="3-1")
    assert reason_text(named) == f"子项3-1：{page}"
    assert bulletin_reason(named, None, AS_OF) == f"子项3-1{bulletin}"
    missing = replace(CASES[ReasonKind.NOT_REPORTED][0], subitem="3-1")
    assert bulletin_reason(missing, None, AS_OF) == "子项3-1尚未报送进展情况"


def test_a_lagging_task_with_only_that_reason_is_told_its_time_left() -> None:
    lagging = Reason(ReasonKind.LAGGING)
    words = bulletin_reason(lagging, D(2021, 11, 30), AS_OF, alone=True)
    assert words == "推进缓慢，完成时限为2021年11月30日，距完成时限还有25天"
    assert bulletin_reason(lagging, D(2021, 11, 30), AS_OF, alone=False) == "推进缓慢"


def test_rewording_the_page_does_not_change_the_bulletin(monkeypatch: pytest.MonkeyPatch) -> None:
    reasons = [CASES[kind][0] for kind in ReasonKind]
    brief = {"deadline": None, "light": {"reason_details": [r.as_dict() for r in reasons]}}
    before = task_reasons(brief, AS_OF)
    monkeypatch.setattr(lights, "_reason_words", lambda reason: f"reworded {reason.kind}")
    assert reason_text(reasons[0]) == "reworded completed"
    assert task_reasons(brief, AS_OF) == before
    assert before == [CASES[kind][2] for kind in ReasonKind]
