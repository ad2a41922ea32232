"""Every number in a composed bulletin agrees with every other and with the dashboard of the
same date (`supervision.dashboard.dashboard_data`, counted in the database): the text is read
back sentence by sentence, each number checked against the dashboard, and what is left after
the known sentences are taken out must hold no digit at all, so a new number in the text
cannot go unchecked. On the seed every week from 2021-06-01 to 2022-01-31, with and without
an open round, and on generated ledgers with sub-items and reports."""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from taizhang.chinese.statuses import STATUS_LABELS
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.services import ledger_import
from taizhang.reporting import services as reporting
from taizhang.supervision.bulletin import (
    BulletinText,
    bulletin_data,
    bulletin_subject,
    compose_bulletin,
)
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.lights import ReasonKind
from tests.factories import World
from tests.supervision.test_dashboard_counts import _reporters_round, generated

DATE = r"(\d{4})年(\d{1,2})月(\d{1,2})日"
LABELS = {**{str(label): code for code, label in STATUS_LABELS.items()}, "未标注进展状态": "none"}


def weeks(start: datetime.date, end: datetime.date) -> Iterator[datetime.date]:
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=7)


def _day(match: re.Match[str], first: int = 1) -> datetime.date:
    year, month, day = (int(match.group(first + i)) for i in range(3))
    return datetime.date(year, month, day)


def _share(count: int, total: int) -> str:
    value = Decimal(count) * 100 / Decimal(total) if total else Decimal(0)
    return f"{value.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


class Reader:
    """The body, from which each checked sentence is cut out as it is checked."""

    def __init__(self, body: str) -> None:
        self.rest = body

    def take(self, pattern: str, check: Callable[[re.Match[str]], None]) -> int:
        found = list(re.finditer(pattern, self.rest))
        for match in found:
            check(match)
        self.rest = re.sub(pattern, "", self.rest)
        return len(found)


def only_not_reported(brief: dict[str, Any]) -> bool:
    kinds = {r["kind"] for r in brief["light"]["reason_details"]}
    return kinds == {ReasonKind.NOT_REPORTED.value}


def check_numbers(text: BulletinText, ledger: Ledger, as_of: datetime.date) -> None:
    """Every number of the bulletin checked against the dashboard of `as_of`."""
    dash = dashboard_data(
        ledger, Task.objects.filter(removed_at__isnull=True), as_of, whole=True, limit=100_000
    )
    totals, lights, units = dash["totals"], dash["lights"], dash["units"]
    total = totals["tasks"]
    body = Reader(text.body)
    # Quoted goals and round names are the ledger's own words; the subject is the title's.
    body.take(r"“[^”]*”", lambda m: None)
    body.take(re.escape(bulletin_subject(ledger.title, ledger.year)), lambda m: None)

    def counts(listing: str) -> None:
        found = dict(re.findall(r"(\D+?)(\d+)项", "，" + listing))
        parsed = {LABELS[label.lstrip("，；")]: int(n) for label, n in found.items()}
        assert sum(parsed.values()) == total, listing
        for code, n in parsed.items():
            assert totals[code] == n, (code, listing)

    # 一: the opening's and the overview's counts and shares.
    def opening(m: re.Match[str]) -> None:
        assert _day(m) == as_of
        assert int(m.group(4)) == total
        counts(m.group(5))

    assert body.take(rf"截至{DATE}，(\d+)项任务中，([^。]*)。", opening) == 1

    def shares(m: re.Match[str]) -> None:
        assert int(m.group(1)) == total
        for label, n, share in re.findall(r"([^，；]+?)(\d+)项，占(\d+\.\d)%", m.group(2)):
            assert totals[LABELS[label]] == int(n)
            assert _share(int(n), total) == f"{share}%"

    body.take(r"共(\d+)项任务。从完成情况看，([^。]*)。", shares)

    def colours(m: re.Match[str]) -> None:
        assert int(m.group(1)) in (total - lights["completed"], total)
        if int(m.group(1)) != total:  # "未完成的N项任务中": none completed by sub-items alone
            assert lights["completed"] == totals["completed"]
        shown = dict(re.findall(r"亮(红|黄|绿)灯(\d+)项", m.group(2)))
        keys = {"红": "red", "黄": "yellow", "绿": "green"}
        for colour, key in keys.items():
            assert int(shown.get(colour, 0)) == lights[key]
        besides = re.search(r"另有(\d+)项已完成", m.group(2))
        assert int(besides.group(1) if besides else lights["completed"]) == lights["completed"]
        assert sum(int(n) for n in shown.values()) + lights["completed"] == total

    body.take(r"从预警情况看，(?:未完成的)?(\d+)项任务中，([^。]*)。", colours)

    def red_units(m: re.Match[str]) -> None:
        expected = [u["name"] for u in units if u["red"]]
        assert int(m.group(1)) == len(expected) and m.group(2).split("、") == expected

    assert body.take(r"红灯任务涉及(\d+)个责任单位：([^。]*)。", red_units) == (
        1 if lights["red"] else 0
    )
    # 二: the completed tasks.
    body.take(
        r"以下(\d+)项任务已完成|已完成(\d+)项任务",
        lambda m: assert_equal(int(m.group(1) or m.group(2)), totals["completed"]),
    )
    # 三: red and yellow tasks, all counted, those lit only for a missing report left out.
    for colour, key in (("红", "red"), ("黄", "yellow")):
        briefs = dash[key]
        left, count = sum(1 for b in briefs if only_not_reported(b)), len(briefs)
        heads = body.take(
            rf"亮{colour}灯的任务（(\d+)项）",
            lambda m, key=key: assert_equal(int(m.group(1)), lights[key]),
        )
        assert heads == (1 if lights[key] else 0)
        said = body.take(
            rf"其中(\d+)项任务因尚未报送进展情况而亮{colour}灯[^；]*；其余(\d+)项如下：",
            lambda m, left=left, n=count: assert_equal(
                (int(m.group(1)), int(m.group(2))), (left, n - left)
            ),
        )
        said += body.take(
            rf"以上(\d+)项任务均因尚未报送进展情况而亮{colour}灯",
            lambda m, left=left, n=count: assert_equal((int(m.group(1)), n), (left, left)),
        )
        assert said == (1 if left else 0)
    numbers = {b["number"] for b in [*dash["red"], *dash["yellow"]]}
    numbers |= {t["number"] for t in bulletin_data(ledger, as_of)["completed"]}
    index: list[int] = []

    def item(m: re.Match[str]) -> None:
        position, number = int(m.group(1)), int(m.group(2))
        assert position == 1 or index[-1] == position - 1
        index.append(position)
        assert number in numbers

    body.take(r"(?m)^(\d+)\.第(\d+)项", item)
    # The reasons: days to or past a deadline, the pace in percent, sub-item labels.
    body.take(
        rf"完成时限为{DATE}，目前已逾期(\d+)天",
        lambda m: assert_equal((as_of - _day(m)).days, int(m.group(4))),
    )
    body.take(
        rf"完成时限为{DATE}，(?:距完成时限仅剩|距完成时限还有)(\d+)天",
        lambda m: assert_equal((_day(m) - as_of).days, int(m.group(4))),
    )
    body.take(rf"完成时限为{DATE}，今日到期", lambda m: assert_equal(_day(m), as_of))
    paces = {
        (r["elapsed"], r["reached"])
        for b in [*dash["red"], *dash["yellow"]]
        for r in b["light"]["reason_details"]
        if r["kind"] == ReasonKind.BEHIND_PACE.value
    }
    body.take(
        r"时间已过(\d+\.\d)%，目标仅完成(\d+\.\d)%",
        lambda m: assert_equal(
            (m.group(1), m.group(2)) in {(_one(e), _one(r)) for e, r in paces}, True
        ),
    )
    body.take(r"子项\d+(?:-\d+)*", lambda m: None)

    # 四: the units that have not reported, each with its count.
    def missing(m: re.Match[str]) -> None:
        expected = {u["name"]: u["not_reported"] for u in units if u["not_reported"]}
        listed = dict(re.findall(r"([^、（]+)（(\d+)项）", m.group(2)))
        assert int(m.group(1)) == len(expected)
        assert {name: int(n) for name, n in listed.items()} == expected

    body.take(r"有(\d+)个责任单位尚有任务未报送进展情况：([^。]*)。", missing)
    # The round's due date, the closing date and the fixed 5 working days.
    body.take(rf"截至{DATE}", lambda m: assert_equal(_day(m), as_of))
    body.take(rf"(?m)^{DATE}$", lambda m: assert_equal(_day(m), as_of))
    body.take(rf"（?{DATE}）?(?:前|已过)", lambda m: None)
    body.take(r"于5个工作日内", lambda m: None)
    assert not re.search(r"\d", body.rest), body.rest


def _one(value: str | None) -> str:
    return str(Decimal(value or 0).quantize(Decimal("0.1"), ROUND_HALF_UP))


def assert_equal(found: object, expected: object) -> None:
    assert found == expected


def test_percentages_are_written_with_one_decimal_everywhere(world: World) -> None:
    for as_of in (datetime.date(2021, 7, 1), datetime.date(2021, 11, 10)):
        body = compose_bulletin(bulletin_data(world.ledger, as_of)).body
        assert re.findall(r"[\d.]+%", body)
        assert all(re.fullmatch(r"\d+\.\d%", p) for p in re.findall(r"[\d.]+%", body))


SEED_DAYS = list(weeks(datetime.date(2021, 6, 1), datetime.date(2022, 1, 31)))


def test_the_seed_bulletin_agrees_with_the_dashboard_every_week(world: World) -> None:
    for as_of in SEED_DAYS:
        check_numbers(compose_bulletin(bulletin_data(world.ledger, as_of)), world.ledger, as_of)


def test_the_seed_bulletin_agrees_with_an_open_round(world: World) -> None:
    reporting.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 8),
        actor=world.office,
    )
    for as_of in (datetime.date(2021, 11, 5), datetime.date(2021, 11, 10), *SEED_DAYS[::5]):
        text = compose_bulletin(bulletin_data(world.ledger, as_of))
        check_numbers(text, world.ledger, as_of)
    # The example: part 一's yellow count is part 三's.
    data = bulletin_data(world.ledger, datetime.date(2021, 11, 10))
    body = compose_bulletin(data).body
    assert f"亮黄灯{data['lights']['yellow']}项" in body
    assert f"亮黄灯的任务（{data['lights']['yellow']}项）" in body


@pytest.mark.parametrize("seed", range(4))
def test_a_generated_ledgers_bulletin_agrees_with_the_dashboard(world: World, seed: int) -> None:
    ledger = ledger_import(doc=generated(seed, tasks=18)).ledger
    days = [datetime.date(2021, 2, 1), datetime.date(2021, 6, 30), datetime.date(2021, 12, 31)]
    for as_of in days:
        check_numbers(compose_bulletin(bulletin_data(ledger, as_of)), ledger, as_of)
    _reporters_round(world, ledger, random.Random(seed))  # noqa: S311 (test data)
    for as_of in (datetime.date(2021, 10, 20), datetime.date(2021, 11, 1)):
        check_numbers(compose_bulletin(bulletin_data(ledger, as_of)), ledger, as_of)
