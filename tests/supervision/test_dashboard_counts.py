"""The dashboard counted in the database from the stored state (`supervision.dashboard`) says
what the figures computed over every task in Python say (`selectors.ledger_figures`, which
the bulletin uses): on generated ledgers with sub-items, every status, deadlines on both sides
of the day asked, figures in the texts, reports in an open round (submitted, returned,
accepted with figures), closed rounds, changed thresholds and a later edition, for the office
and for a unit's reporter, on many days. The state is kept only by the services."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from taizhang.accounts import access
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.ledger.models import Ledger, Task, Unit
from taizhang.ledger.services import ledger_import, task_update
from taizhang.reporting import services as reporting
from taizhang.reporting.models import Report, RoundStatus, RoundTally
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.models import TaskState
from taizhang.supervision.selectors import ledger_figures
from taizhang.supervision.services import figure_set, light_settings_set
from taizhang.supervision.state import states_refresh
from tests.factories import World

UNITS = ["水利局", "卫健委", "住建局", "教体局"]
LEADERS = ["谭江", "侯波", "李拴根"]
STATUSES = [None, "completed", "in_progress", "lagging", "not_started"]
GOALS = [
    "新建学校{n}所，新增学位{m}个",
    "改造供水管网{m}公里",
    "完成老旧小区改造{n}个",
    "开展职业技能培训，培训{m}人次",
    "建设城市书房",
]
PROGRESS = ["已建成{k}所，新增学位{j}个", "已完成{j}公里", "已开工", "", "完成{k}个"]


def _task(rng: random.Random, number: int, *, sub: bool = False) -> TaskDoc:
    n, m = rng.randint(2, 9), rng.randint(50, 900)
    month = rng.randint(1, 12)
    deadline = None if rng.random() < 0.15 else datetime.date(2021, month, 28)
    which = rng.randrange(len(GOALS))
    return TaskDoc(
        number=number,
        goal=GOALS[which].format(n=n, m=m) + ("（子项）" if sub else ""),
        leaders=[] if sub and rng.random() < 0.5 else rng.sample(LEADERS, rng.randint(1, 2)),
        units=[]
        if sub and rng.random() < 0.4
        else [UnitRef(u) for u in rng.sample(UNITS, rng.randint(1, 2))],
        deadline_text=f"2021年{month}月底前" if deadline else "",
        deadline=deadline,
        progress=PROGRESS[which].format(k=rng.randint(0, n), j=rng.randint(0, m)),
        status=rng.choice(STATUSES),
    )


def generated(seed: int, tasks: int = 14) -> LedgerDoc:
    rng = random.Random(seed)  # noqa: S311 (test data)
    doc = LedgerDoc(title=f"2021年第{seed}号台账", year=2021)
    doc.categories = [CategoryDoc(number=c, name=f"分类{c}") for c in (1, 2, 3)]
    for number in range(1, tasks + 1):
        task = _task(rng, number)
        if rng.random() < 0.3:
            task.subitems = [_task(rng, k, sub=True) for k in range(1, rng.randint(2, 4))]
            for k, sub in enumerate(task.subitems, start=1):
                sub.label = f"{number}-{k}"
        doc.categories[number % 3].tasks.append(task)
    return doc


DAYS = [datetime.date(2021, 3, 15), datetime.date(2021, 7, 1), datetime.date(2021, 12, 31)]


def _same(ledger: Ledger, user: User, day: datetime.date) -> None:
    tasks = access.visible_tasks(user)
    expected = ledger_figures(ledger, tasks, day)
    whole = access.sees_all_tasks(user)
    found = dashboard_data(ledger, tasks, day, whole=whole, limit=10_000)
    for key in ("totals", "lights", "units", "leaders", "history", "round_open"):
        assert found[key] == expected[key], (key, day, user.username)
    for key in ("red", "yellow"):
        assert found[key] == expected[key], (key, day, user.username)
        assert found[f"{key}_total"] == len(expected[key])
    assert sorted(map(_key, found["indicators"])) == sorted(map(_key, expected["indicators"]))
    assert found["indicators_total"] == len({i["task_id"] for i in expected["indicators"]})


def _key(indicator: dict[str, Any]) -> str:
    return repr(sorted(indicator.items()))


def _check(ledger: Ledger, world: World, days: list[datetime.date] = DAYS) -> None:
    for day in days:
        for user in (world.office, world.water):
            _same(ledger, user, day)


def _reporters_round(world: World, ledger: Ledger, rng: random.Random) -> None:
    """An open round: some tasks reported by 水利局, some reports returned, some accepted with
    figures, some accepted changing the status."""
    reporting.round_open(
        ledger=ledger, name="2021年10月", due_date=datetime.date(2021, 10, 25), actor=world.office
    )
    water = Unit.objects.get(name="水利局")
    mine = Task.objects.filter(ledger=ledger, unit_links__unit=water, removed_at__isnull=True)
    for task in mine.order_by("pk"):
        if task.subitems.filter(removed_at__isnull=True).exists() or rng.random() < 0.3:
            continue
        report = reporting.report_submit(
            task=task,
            unit=water,
            actor=world.water,
            progress=f"已完成{rng.randint(1, 500)}公里",
            status=rng.choice(["in_progress", "lagging", "completed"]),
            figures=[{"name": "供水管网", "value": rng.randint(1, 300), "unit": "公里"}]
            if rng.random() < 0.5
            else None,
        )
        roll = rng.random()
        if roll < 0.25:
            reporting.report_return(report=report, actor=world.office, comment="请补充")
        elif roll < 0.6:
            reporting.report_accept(report=report, actor=world.office)


@pytest.mark.parametrize("seed", range(3))
def test_the_dashboard_counts_what_every_task_computed_says(world: World, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 (test data)
    ledger = ledger_import(doc=generated(seed)).ledger
    _check(ledger, world, [datetime.date(2020, 12, 1), datetime.date(2022, 2, 1), *DAYS])
    # A closed round (history), then an open one with reports.
    reporting.round_open(
        ledger=ledger, name="2021年9月", due_date=datetime.date(2021, 9, 25), actor=world.office
    )
    reporting.round_close(round_=ledger.rounds.get(), actor=world.office)
    _reporters_round(world, ledger, rng)
    _check(ledger, world)
    # The office's edits, figures and thresholds.
    first = Task.objects.filter(ledger=ledger, parent__isnull=True).order_by("order").first()
    assert first is not None
    task_update(
        task=first,
        version=first.version,
        actor=world.office,
        values={"status": "lagging", "deadline_text": "2021年5月底前"},
    )
    figure_set(
        task=first,
        name="新增学位",
        target=Decimal(1000),
        actual=Decimal(10),
        unit="个",
        actor=world.office,
    )
    light_settings_set(ledger=ledger, warn_days=60, pace_margin=Decimal(5), actor=world.office)
    _check(ledger, world)
    # A later edition: some tasks gone, some changed, one new.
    later = generated(seed)
    later.categories[0].tasks = later.categories[0].tasks[1:]
    later.categories[1].tasks[0].status = "completed"
    later.categories[2].tasks.append(
        TaskDoc(
            number=99, goal="建设智慧城市运行管理平台", units=[UnitRef("水利局")], status="lagging"
        )
    )
    # A sub-item moved from its task to another: the task it leaves changes too.
    split = next(t for c in later.categories for t in c.tasks if len(t.subitems) > 1)
    other = next(t for c in later.categories for t in c.tasks if not t.subitems)
    other.subitems = [split.subitems.pop()]
    ledger_import(doc=later, answers={})
    assert states_refresh(ledger=ledger) == 0  # the import rebuilt every state it changed
    _check(ledger, world)
    assert Report.objects.filter(task__ledger=ledger).exists()


def test_states_and_round_statuses_kept_before_they_existed_are_written_on_first_view(
    world: World,
) -> None:
    """A database upgraded from before the stored state: no task states, a round closed
    without statuses. The first dashboard writes them and counts as the full computation."""
    ledger = ledger_import(doc=generated(7)).ledger
    round_ = reporting.round_open(
        ledger=ledger, name="2021年9月", due_date=datetime.date(2021, 9, 25), actor=world.office
    )
    reporting.round_close(round_=round_, actor=world.office)
    assert RoundTally.objects.filter(round=round_).exists()  # kept when it closed
    TaskState.objects.filter(ledger=ledger).delete()
    RoundStatus.objects.filter(round=round_).delete()
    RoundTally.objects.filter(round=round_).delete()
    _check(ledger, world, DAYS[:1])
    assert (
        TaskState.objects.filter(ledger=ledger).count()
        == Task.objects.filter(ledger=ledger, removed_at__isnull=True).count()
    )
    assert RoundTally.objects.get(round=round_).counts


def test_a_reporter_sees_the_history_of_its_own_tasks_only(world: World) -> None:
    ledger = ledger_import(doc=generated(8)).ledger
    round_ = reporting.round_open(
        ledger=ledger, name="2021年9月", due_date=datetime.date(2021, 9, 25), actor=world.office
    )
    reporting.round_close(round_=round_, actor=world.office)
    day = DAYS[0]
    everything = dashboard_data(ledger, access.visible_tasks(world.office), day)["history"][0]
    mine = dashboard_data(ledger, access.visible_tasks(world.water), day)["history"][0]
    assert everything == dashboard_data(ledger, Task.objects.all(), day, whole=True)["history"][0]
    water_tasks = (
        Task.objects.filter(ledger=ledger, parent__isnull=True, unit_links__unit__name="水利局")
        .distinct()
        .count()
    )
    counts = [mine[s] for s in ("completed", "in_progress", "lagging", "not_started", "none")]
    assert (
        0
        < sum(counts)
        == water_tasks
        < everything["completed"]
        + everything["in_progress"]
        + (everything["lagging"] + everything["not_started"] + everything["none"])
    )


def test_the_whole_ledgers_history_leaves_out_tasks_removed_or_made_sub_items(
    world: World,
) -> None:
    """The round's tally less the tasks no longer current equals counting the current tasks'
    statuses kept at the close, whichever way a task stopped being current."""
    ledger = ledger_import(doc=generated(9)).ledger
    round_ = reporting.round_open(
        ledger=ledger, name="2021年9月", due_date=datetime.date(2021, 9, 25), actor=world.office
    )
    reporting.round_close(round_=round_, actor=world.office)
    top = list(Task.objects.filter(ledger=ledger, parent__isnull=True).order_by("pk"))
    removed, moved, parent = top[0], top[1], top[2]
    Task.objects.filter(pk=removed.pk).update(removed_at=datetime.datetime.now(datetime.UTC))
    Task.objects.filter(pk=moved.pk).update(parent=parent)
    current = Task.objects.filter(removed_at__isnull=True)
    [whole] = dashboard_data(ledger, current, DAYS[0], whole=True)["history"]
    [counted] = dashboard_data(ledger, current, DAYS[0])["history"]
    before = RoundTally.objects.get(round=round_).counts
    assert whole == counted
    assert sum(whole[key] for key in before) == sum(before.values()) - 2


def test_the_sums_packed_three_to_an_integer_come_back_apart() -> None:
    from taizhang.supervision.dashboard import _BITS, _unpacked

    # Of each status, of red, yellow and completed lights, overdue and not reported.
    sums = [(1 << _BITS) - 1, 0, 7, 123_456, 1, 0, 2_000_000, 3, 42]
    s0, s1, s2, s3, red, yellow, completed, overdue, unreported = sums
    packed = [
        s0 + (s1 << _BITS) + (s2 << 2 * _BITS),
        red + (yellow << _BITS) + (completed << 2 * _BITS),
        s3 + (overdue << _BITS) + (unreported << 2 * _BITS),
    ]
    row = ("u", 5, 2_000_001, *(Decimal(p) for p in packed))  # PostgreSQL's sums
    assert _unpacked(row) == ("u", 5, 2_000_001, *sums)
    assert _unpacked(("t", 0, 0, None, None, None)) == ("t", 0, 0, *[0] * 9)
    with pytest.raises(ValueError, match="at most"):
        _unpacked(("u", 5, 1 << _BITS, *packed))
    # A red or yellow page's row carries the task's position there, not a count: no limit.
    assert _unpacked(("r", 9, 1 << _BITS, 0, 0, 0))[:3] == ("r", 9, 1 << _BITS)


@pytest.mark.django_db
def test_the_indicators_are_asked_with_the_index_condition_written_out(world: World) -> None:
    """The empty list in the SQL, not a parameter: SQLite uses a partial index only for a
    condition it can see implies the index's (else it reads each state's indicators)."""
    from taizhang.supervision.dashboard import indicator_states

    states_refresh(ledger=world.ledger)
    states = TaskState.objects.filter(ledger=world.ledger)
    having, ordered = indicator_states(states)
    _sql, params = having.query.sql_with_params()
    assert list(params) == [world.ledger.pk]
    assert having.count() == states.exclude(indicators=[]).count() > 0
    assert {state.pk for state in ordered} == set(
        states.exclude(indicators=[]).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_the_listed_tasks_names_and_reasons_read_as_rows_say_what_their_links_say(
    world: World,
) -> None:
    """The red and yellow lists read their tasks' leaders and units as names (not links):
    in the links' order, several a task or none, and a task only a collective phrase
    serves awaits no report in an open round (its reasons say so); a page past the lists is
    empty."""
    doc = LedgerDoc(title="2021年名单台账", year=2021)
    doc.categories = [CategoryDoc(number=1, name="分类1")]
    serving = [["各乡镇"], ["水利局", "各乡镇"], [], ["卫健委", "水利局"], ["有关单位"]]
    for number, units in enumerate(serving, start=1):
        doc.categories[0].tasks.append(
            TaskDoc(
                number=number,
                goal=f"建设项目{number}",
                leaders=LEADERS[: number % 4][::-1],
                units=[UnitRef(u) for u in units],
                deadline_text="2021年7月20日前",
                deadline=datetime.date(2021, 7, 20),
                status="in_progress",
            )
        )
    ledger = ledger_import(doc=doc).ledger
    reporting.round_open(
        ledger=ledger, name="2021年7月", due_date=datetime.date(2021, 7, 25), actor=world.office
    )
    _check(ledger, world, [datetime.date(2021, 7, 1)])
    found = dashboard_data(ledger, access.visible_tasks(world.office), datetime.date(2021, 7, 1))
    listed = {row["number"]: row for row in found["red"] + found["yellow"]}
    assert listed[2]["units"] == ["水利局", "各乡镇"]
    assert listed[4]["units"] == ["卫健委", "水利局"]
    assert listed[3]["units"] == []
    assert listed[2]["leaders"] == ["侯波", "谭江"]
    assert listed[4]["leaders"] == []
    unreported = "尚未报送进展"
    awaited = {n for n, row in listed.items() if unreported in row["light"]["reasons"]}
    assert awaited == {2, 3, 4}  # not 1 and 5, which only collective phrases serve
    past = dashboard_data(
        ledger, access.visible_tasks(world.office), datetime.date(2021, 7, 1), offset=50
    )
    assert past["red"] == past["yellow"] == []
    assert past["yellow_total"] == found["yellow_total"] == 5
