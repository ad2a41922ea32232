"""A collective phrase (各乡镇, 有关单位) serving a task is no unit that reports: it is left out
of every list and count of units that have not reported (the round page, the office's home,
the dashboard's and the bulletin's per-unit counts, the API) and is never sent a 催办."""

from __future__ import annotations

import datetime

import pytest
import time_machine

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
from tests.web.subitems import subitem

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


# --- a task only collective phrases serve awaits no report ----------------------------------

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def green_tasks(world: World) -> list[Task]:
    """Tasks green on DAY with no round open (so that the open round alone could turn them
    yellow), not split, in ledger order."""
    client = client_for(world, "office")
    items = client.get(f"/api/ledgers/{world.ledger.pk}/tasks", {"as_of": DAY}).json()["items"]
    green = [i["id"] for i in items if i["light"]["colour"] == "green" and not i["subitems"]]
    return [Task.objects.get(pk=pk) for pk in green]


def served_only_by(task: Task, unit: Unit) -> None:
    TaskUnit.objects.filter(task=task).delete()
    TaskUnit.objects.create(task=task, unit=unit, role=UnitRole.LEAD, order=0)


def lights_shown(world: World, task: Task) -> dict[str, str]:
    """The task's light on the ledger page's row, in the dashboard's lists and counts, and in
    the API's list and detail, on DAY."""
    client = client_for(world, "office")
    html = client.get(f"/ledgers/{world.ledger.pk}/").content.decode()
    row = html.split(f'href="/tasks/{task.pk}/"', 1)[1].split("</tr>", 1)[0]
    data = dashboard_data(world.ledger, access.visible_tasks(world.office), DAY, whole=True)
    listed = [colour for colour in ("red", "yellow") if task.pk in {t["id"] for t in data[colour]}]
    items = client.get(f"/api/ledgers/{world.ledger.pk}/tasks", {"as_of": DAY}).json()["items"]
    (item,) = [i for i in items if i["id"] == task.pk]
    detail = client.get(f"/api/tasks/{task.pk}").json()
    return {
        "row": "尚未报送进展" if "尚未报送进展" in row else row.split("badge-", 1)[1][:6],
        "dashboard": listed[0] if listed else "green",
        "api list": item["light"]["colour"] + "：" + "，".join(item["light"]["reasons"]),
        "api task": detail["light"]["colour"] + "：" + "，".join(detail["light"]["reasons"]),
    }


def test_a_task_only_collective_phrases_serve_is_not_lit_as_not_reported(world: World) -> None:
    at = datetime.datetime(DAY.year, DAY.month, DAY.day, 10, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        towns_only, water_only = green_tasks(world)[:2]
        served_only_by(towns_only, Unit.objects.create(name=COLLECTIVE))
        served_only_by(water_only, Unit.objects.get(name="水利局"))
        states_refresh(ledger=world.ledger)  # the links changed behind the services' back
        round_open(ledger=world.ledger, name="2021年11月", due_date=DAY, actor=world.office)
        before = dashboard_data(world.ledger, access.visible_tasks(world.office), DAY, whole=True)
        towns, water = lights_shown(world, towns_only), lights_shown(world, water_only)
    # The task 水利局 serves awaits its report: yellow everywhere, "尚未报送进展".
    assert water == {
        "row": "尚未报送进展",
        "dashboard": "yellow",
        "api list": "yellow：尚未报送进展",
        "api task": "yellow：尚未报送进展",
    }
    # No one reports for 各乡镇（街道）: the task stays green everywhere.
    assert towns == {
        "row": 'green"',
        "dashboard": "green",
        "api list": "green：按序时推进",
        "api task": "green：按序时推进",
    }
    counted = {g["name"]: g for g in before["units"]}
    assert counted[COLLECTIVE]["yellow"] == 0 and counted["水利局"]["yellow"] >= 1


def test_a_split_task_whose_sub_items_only_collective_phrases_serve_is_not_lit(
    world: World,
) -> None:
    at = datetime.datetime(DAY.year, DAY.month, DAY.day, 10, tzinfo=SHANGHAI)
    with time_machine.travel(at, tick=False):
        task, control = green_tasks(world)[:2]
        served_only_by(task, Unit.objects.create(name=COLLECTIVE))
        served_only_by(control, Unit.objects.get(name="水利局"))
        for parent in (task, control):
            for number, unit in ((1, COLLECTIVE), (2, None)):  # （2） takes its task's units
                subitem(parent, number, "分项工作", unit=unit, deadline=datetime.date(2021, 12, 31))
        subitem(control, 3, "分项工作", unit=COLLECTIVE, deadline=datetime.date(2021, 12, 31))
        states_refresh(ledger=world.ledger)
        round_open(ledger=world.ledger, name="2021年11月", due_date=DAY, actor=world.office)
        split, awaited = lights_shown(world, task), lights_shown(world, control)
    assert awaited["dashboard"] == "yellow"  # （2） of the control task: 水利局's report
    assert awaited["api list"] == f"yellow：子项{control.number}-2：尚未报送进展"
    assert split == {
        "row": 'green"',
        "dashboard": "green",
        "api list": "green：按序时推进",
        "api task": "green：按序时推进",
    }
