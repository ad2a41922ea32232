"""The report POST's permission gate, now reading the task through a compiled query
(`reporting` TASK_WITH_UNITS and `access.access_task`): a sub-item that names no unit is
reported by its task's unit and by no other, the office does not report, and a removed or
missing task is the same 404 (written by the session's reviewer)."""

from __future__ import annotations

from django.urls import reverse

from taizhang.reporting.models import Report
from tests.factories import World
from tests.factories import signed_in as client_for
from tests.web.subitems import housing_reporter, split_task_3
from tests.web.test_subitems import open_round

FORM = {"progress": "推进中", "status": "in_progress"}


def test_the_report_gate_through_the_prepared_task(world: World) -> None:
    split = split_task_3(world, inheriting=True)
    open_round(world)
    water, housing = client_for(world.water), client_for(housing_reporter())
    office = client_for(world.office)
    third = split.inheriting
    assert third is not None  # names no unit: served by its task's (水利局)
    assert housing.post(reverse("web:report_submit", args=[third.pk]), FORM).status_code == 404
    assert office.post(reverse("web:report_submit", args=[third.pk]), FORM).status_code == 404
    ok = water.post(reverse("web:report_submit", args=[third.pk]), FORM)
    assert ok.status_code in (302, 303) and Report.objects.filter(task=third).count() == 1
    third.removed_at = world.ledger.imported_at
    third.save(update_fields=["removed_at"])
    assert water.post(reverse("web:report_submit", args=[third.pk]), FORM).status_code == 404
    assert water.post(reverse("web:report_submit", args=[999_999]), FORM).status_code == 404
    assert Report.objects.count() == 1
