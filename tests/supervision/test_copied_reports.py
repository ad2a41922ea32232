"""A report whose progress text is the same as, or nearly the same as, the previous round's is
flagged in the review queue with the difference shown."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from taizhang.reporting import services
from taizhang.reporting.models import Report
from tests.factories import World

pytestmark = pytest.mark.django_db
OCTOBER = "北部供水工程：环评已完成，正在进行招投标。玉阳湖工业供水工程已完成投资7000万元。"


def report_in(world: World, name: str, progress: str, *, close: bool) -> Report:
    round_ = services.round_open(
        ledger=world.ledger, name=name, due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    task = world.task(3)
    report = services.report_submit(
        task=task, unit=task.units.get(), actor=world.water, progress=progress, status="in_progress"
    )
    if close:
        services.report_accept(report=report, actor=world.office)
        services.round_close(round_=round_, actor=world.office)
    return report


def test_the_same_text_as_last_round_is_flagged(world: World) -> None:
    first = report_in(world, "2021年10月", OCTOBER, close=True)
    again = report_in(world, "2021年11月", OCTOBER, close=False)
    assert (again.similar_to, again.similarity, again.looks_copied) == (first, 1.0, True)


def test_a_nearly_identical_text_is_flagged(world: World) -> None:
    report_in(world, "2021年10月", OCTOBER, close=True)
    again = report_in(world, "2021年11月", OCTOBER.replace("7000", "7100"), close=False)
    assert again.looks_copied and 0.9 <= again.similarity < 1  # type: ignore[operator]


def test_a_real_update_is_not_flagged(world: World) -> None:
    report_in(world, "2021年10月", OCTOBER, close=True)
    again = report_in(
        world,
        "2021年11月",
        "北部供水工程已全面开工；玉阳湖工业供水工程完成投资9000万元，年度目标完成。",
        close=False,
    )
    assert not again.looks_copied and again.similarity < 0.9  # type: ignore[operator]


def test_without_an_earlier_report_the_tasks_progress_is_compared(world: World) -> None:
    copied = report_in(world, "2021年11月", world.task(3).progress, close=False)
    assert copied.similar_to is None and copied.looks_copied


def test_the_review_queue_shows_the_flag_and_the_difference(world: World) -> None:
    report_in(world, "2021年10月", OCTOBER, close=True)
    report_in(world, "2021年11月", OCTOBER.replace("7000", "7100"), close=False)
    client = Client()
    client.force_login(world.office)
    html = client.get(reverse("web:review")).content.decode()
    assert "疑似照抄上轮报送" in html and "对比 2021年10月" in html
    assert "<del>玉阳湖工业供水工程已完成投资7000万元。</del>" in html
    assert "<ins>玉阳湖工业供水工程已完成投资7100万元。</ins>" in html
