"""A joint task through the API: task 9 of the seed is served by 住建局、水利局、教体局. Each unit
reports through the API, the office accepts through the API, and the task keeps one section a
unit (after the seed's own text): no unit's report overwrites another's."""

from __future__ import annotations

import pytest
from django.test import Client

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import Unit
from tests.api import client_for, send
from tests.factories import PASSWORD, World, signed_in
from tests.web.test_pages import open_round

pytestmark = pytest.mark.django_db

TEXTS = {
    "住建局": "蟒河东二环至东一环段南岸附属物清理完毕，全线完工。",
    "水利局": "龙河灾后重建项目已立项，正在招标。",
    "教体局": "沿河健身步道及器材已安装完毕。",
}


def reporter_of(unit_name: str) -> Client:
    unit = Unit.objects.get(name=unit_name)
    user = account_create(
        username=f"r-{unit.pk}", password=PASSWORD, role=Role.REPORTER, units=[unit]
    )
    return signed_in(user)


def report_and_accept(world: World, office: Client, unit_name: str, status: str) -> None:
    url = f"/api/tasks/{world.task(9).pk}/reports"
    body = {"progress": TEXTS[unit_name], "status": status}
    sent = send(reporter_of(unit_name), "POST", url, body)
    assert sent.status_code == 201, sent.content
    assert sent.json()["unit"]["name"] == unit_name
    accepted = send(office, "POST", f"/api/reports/{sent.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.content


def test_three_units_reports_accepted_through_the_api_keep_three_sections(world: World) -> None:
    open_round(world)
    office = client_for(world, "office")
    seed = office.get(f"/api/tasks/{world.task(9).pk}").json()["progress"]

    for unit_name, status in (
        ("住建局", "completed"),
        ("水利局", "in_progress"),
        ("教体局", "completed"),
    ):
        report_and_accept(world, office, unit_name, status)

    shown = office.get(f"/api/tasks/{world.task(9).pk}").json()
    assert shown["progress"] == "\n".join([seed, *TEXTS.values()])
    # The least advanced unit's status (the ledger's default rule for joint tasks).
    assert shown["status"] == "in_progress"
    sections = world.task(9).sections
    units = dict(Unit.objects.filter(name__in=TEXTS).values_list("pk", "name"))
    by_unit = {units[s["unit"]]: s["text"] for s in sections if s["unit"] is not None}
    assert by_unit == TEXTS
    assert len(sections) == 4  # the seed's text, then one section a unit


def test_a_units_second_report_replaces_only_its_own_section(world: World) -> None:
    open_round(world)
    office = client_for(world, "office")
    for unit_name in TEXTS:
        report_and_accept(world, office, unit_name, "in_progress")

    after = {**TEXTS, "水利局": "龙河灾后重建项目已开工。"}
    water = client_for(world, "water")
    sent = send(
        water,
        "POST",
        f"/api/tasks/{world.task(9).pk}/reports",
        {"progress": after["水利局"], "status": "in_progress"},
    )
    # What the office compares it with is 水利局's own part, not the whole progress.
    assert sent.json()["previous_progress"] == TEXTS["水利局"]
    send(office, "POST", f"/api/reports/{sent.json()['id']}/accept")

    progress = office.get(f"/api/tasks/{world.task(9).pk}").json()["progress"]
    assert progress.endswith("\n".join(after.values()))
    assert TEXTS["水利局"] not in progress
