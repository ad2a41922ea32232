"""Irreversible steps ask first and say what they leave behind: closing a round, accepting a
report. Without JavaScript: a POST without confirm=1 shows the question and changes nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from taizhang.reporting import services
from taizhang.reporting.models import Report, ReportState, Round
from taizhang.reporting.selectors import missing_units
from tests.factories import World
from tests.web.test_pages import client_for, open_round, submit

pytestmark = pytest.mark.django_db


def test_closing_a_round_first_says_what_is_left_and_changes_nothing(world: World) -> None:
    round_ = open_round(world)
    submit(world)
    response = client_for(world, "office").post(reverse("web:round_close", args=[round_.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    missing = len(missing_units(round_))
    assert f"还有1条待审核、{missing}个单位未报送" in html
    assert reverse("web:review") in html and "#missing" in html  # remind them first
    assert 'name="confirm" value="1"' in html
    round_.refresh_from_db()
    assert round_.is_open and round_.snapshot is None


def test_only_a_confirmed_post_closes_the_round(world: World) -> None:
    round_ = open_round(world)
    office = client_for(world, "office")
    response = office.post(reverse("web:round_close", args=[round_.pk]), {"confirm": "1"})
    assert response.status_code == 302
    assert not Round.objects.get().is_open


def test_a_plain_report_is_accepted_from_the_queue_with_its_confirm_field(world: World) -> None:
    open_round(world)
    report = submit(world)
    office = client_for(world, "office")
    queue = office.get(reverse("web:review")).content.decode()
    assert 'name="confirm" value="1"' in queue
    office.post(reverse("web:report_accept", args=[report.pk]), {"confirm": "1"})
    assert Report.objects.get().state == ReportState.ACCEPTED


def test_accept_without_confirm_asks_first_and_changes_nothing(world: World) -> None:
    open_round(world)
    report = submit(world)
    office = client_for(world, "office")
    response = office.post(reverse("web:report_accept", args=[report.pk]), {"comment": "同意"})
    assert response.status_code == 200 and "确认采纳" in response.content.decode()
    assert "同意" in response.content.decode()  # the comment typed is kept
    assert Report.objects.get().state == ReportState.SUBMITTED
    assert world.task(3).version == 1


def test_a_report_that_changes_nothing_asks_to_confirm_even_from_the_queue(world: World) -> None:
    open_round(world)
    task = world.task(3)
    report = services.report_submit(
        task=task,
        unit=task.units.first(),  # type: ignore[arg-type]
        actor=world.water,
        progress=task.progress,
        status=task.status,
    )
    office = client_for(world, "office")
    queue = office.get(reverse("web:review"))
    [(_, _, warnings)] = queue.context["reports"]
    assert warnings and "采纳不会改变台账" in warnings[-1]
    html = queue.content.decode().split(f'id="report-{report.pk}"')[1]
    assert 'name="confirm"' not in html  # the queue's 采纳 leads to the question
    response = office.post(reverse("web:report_accept", args=[report.pk]))
    assert "采纳不会改变台账" in response.content.decode()
    assert Report.objects.get().state == ReportState.SUBMITTED


def test_a_copied_report_asks_to_confirm_with_its_similarity(world: World) -> None:
    open_round(world)
    report = submit(world)
    Report.objects.filter(pk=report.pk).update(similarity=0.96)
    response = client_for(world, "office").post(reverse("web:report_accept", args=[report.pk]))
    assert "与上轮报送相似度 96%，疑似照抄" in response.content.decode()
    assert Report.objects.get().state == ReportState.SUBMITTED
