"""A collective phrase (各乡镇, 有关单位) serving a task is no unit that reports: it is left out
of every list and count of units that have not reported (the round page, the office's home,
the dashboard's and the bulletin's per-unit counts, the API) and is never sent a 催办."""

from __future__ import annotations

import datetime

import pytest

from taizhang.accounts import access
from taizhang.ledger.models import Task, TaskUnit, Unit, UnitRole
from taizhang.notify.models import Reminder
from taizhang.notify.services import ReminderError, reminders_send
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import missing_unit_ids, missing_units
from taizhang.reporting.services import round_open
from taizhang.supervision.bulletin import compose_bulletin
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.selectors import ledger_figures
from taizhang.supervision.state import states_refresh
from tests.factories import World, client_for

DAY = datetime.date(2021, 11, 1)
COLLECTIVE = "各乡镇（街道）"


@pytest.fixture
def round_(world: World) -> Round:
    towns = Unit.objects.create(name=COLLECTIVE)
    for number in (1, 3):
        TaskUnit.objects.create(task=world.task(number), unit=towns, role=UnitRole.LEAD, order=9)
    states_refresh(ledger=world.ledger)  # the links added behind the services' back
    return round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 10),
        actor=world.office,
    )


def names(units: list[Unit]) -> set[str]:
    return {unit.name for unit in units}


def test_a_collective_phrase_is_not_a_unit_missing_from_the_round(
    world: World, round_: Round
) -> None:
    assert "水利局" in names(missing_units(round_))
    assert COLLECTIVE not in names(missing_units(round_))
    towns = Unit.objects.get(name=COLLECTIVE).pk
    assert towns not in missing_unit_ids([round_])[round_.pk]
    assert len(missing_unit_ids([round_])[round_.pk]) == len(missing_units(round_))


def test_the_api_lists_no_collective_phrase(world: World, round_: Round) -> None:
    found = client_for(world, "office").get(f"/api/rounds/{round_.pk}/missing-units").json()
    assert COLLECTIVE not in {unit["name"] for unit in found}


def test_no_reminder_goes_to_a_collective_phrase(world: World, round_: Round) -> None:
    sent = reminders_send(round_=round_, actor=world.office)
    assert sent and COLLECTIVE not in {r.unit.name for r in sent}
    with pytest.raises(ReminderError):
        reminders_send(round_=round_, actor=world.office, units=[Unit.objects.get(name=COLLECTIVE)])
    assert not Reminder.objects.filter(unit__name=COLLECTIVE).exists()


def test_the_per_unit_counts_give_a_collective_phrase_nothing_not_reported(
    world: World, round_: Round
) -> None:
    tasks = Task.objects.filter(ledger=world.ledger, removed_at__isnull=True)
    for data in (
        ledger_figures(world.ledger, tasks, DAY),
        dashboard_data(world.ledger, access.visible_tasks(world.office), DAY, whole=True),
    ):
        (towns,) = [g for g in data["units"] if g["name"] == COLLECTIVE]
        assert towns["tasks"] == 2 and towns["not_reported"] == 0
        water = [g for g in data["units"] if g["name"] == "水利局"]
        assert water[0]["not_reported"] > 0
    data = ledger_figures(world.ledger, tasks, DAY)
    data["round"] = {"name": round_.name, "due_date": round_.due_date.isoformat()}
    text = "\n".join(compose_bulletin(data).body.splitlines())
    assert "水利局（" in text and COLLECTIVE not in text.split("报送情况")[-1]


def test_the_round_page_lists_no_collective_phrase(world: World, round_: Round) -> None:
    page = client_for(world, "office").get(f"/ledgers/{world.ledger.pk}/rounds/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "水利局" in html and COLLECTIVE not in html
