"""Benchmark: the ledger page and the task list API on a generated ledger of 10,000 tasks with
100,000 progress reports, against the bare SQL that fetches the same rows.

    .venv/bin/python bench/bench_pages.py [--tasks 10000] [--reports 100000] [--runs 20]
        [--reuse] [--profile N [--top 25]] [--save DIR]

Generates the ledger (500 categories of 20 tasks, one to two leaders and one to three of 40
units per task), imports it with `ledger_import`, adds 11 reporting rounds (10 closed, 1 open)
and the reports, then requests each page through Django's test client with DEBUG off: three
warm-up requests, then `--runs` timed ones, each followed by a run of the bare SQL for the same
rows (bench/pages_sql.py: a few hand-written queries on the driver's cursor, no ORM, templates
or serialisation), checked to list the same tasks. Prints the median and p95 of the requests
in milliseconds, the median of the bare SQL, their ratio and the SQL queries of one request;
`--profile N` then profiles N more requests of each (cProfile) and prints the top entries.
Uses DATABASE_URL when set (a database made for the benchmark: a previous run's ledger in it
is deleted first, or with `--reuse` used as it is), else a fresh SQLite file in a temporary
directory. Targets: under 150 ms each, within 3x of the bare SQL.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TAIZHANG_DATA_DIR", tempfile.mkdtemp(prefix="taizhang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")

TITLE = "2021年基准测试重点民生实事工作台账"
YEAR = 2021
UNITS = [
    "发改委", "财政局", "卫健委", "水利局", "住建局", "教体局", "交通运输局", "农业农村局",
    "文广旅局", "民政局", "人社局", "自然资源局", "生态环境局", "城管局", "市场监管局",
    "应急管理局", "工信局", "商务局", "公安局", "司法局", "医保局", "审计局", "统计局",
    "林业局", "退役军人事务局", "残联", "妇联", "团市委", "供电公司", "交投集团", "城投集团",
    "投资集团", "产城集团", "沁园街道", "济水街道", "北海街道", "天坛街道", "玉泉街道",
    "克井镇", "邵原镇",
]  # fmt: skip
LEADERS = [
    "谭  江", "侯  波", "李拴根", "张宏义", "王建民", "刘晓燕", "陈国强", "赵志刚", "孙丽娟",
    "周海涛", "吴振华", "郑永红",
]  # fmt: skip
PLACES = ["思礼", "承留", "克井", "五龙口", "轵城", "王屋", "大峪", "坡头", "梨林", "下冶", "邵原"]
THEMES = [
    ("提高城乡供水保障能力", "实施{p}镇供水管网改造工程，新建和改造供水管网{n}公里", "公里"),
    ("提升医疗服务保障能力", "完成{p}镇卫生院改扩建，新增床位{n}张", "张"),
    ("促进教育优质均衡发展", "新建和改建{p}镇中小学校舍，新增学位{n}个", "个"),
    ("改善城乡人居环境", "完成{p}镇老旧小区改造{n}个，配套建设停车位和充电桩", "个"),
    ("提升养老服务水平", "建设{p}镇社区养老服务中心，新增养老床位{n}张", "张"),
    ("加强交通基础设施建设", "实施{p}镇农村公路提质改造{n}公里", "公里"),
    ("稳定和扩大就业", "开展{p}镇职业技能培训，新增城镇就业{n}人", "人"),
    ("保障群众住房需求", "筹集{p}镇保障性租赁住房{n}套，完成棚户区改造", "套"),
    ("推进清洁取暖", "完成{p}镇清洁取暖改造{n}户，实现集中供热全覆盖", "户"),
    ("丰富群众文化生活", "建设{p}镇文化广场和城市书房{n}个，开展惠民演出", "个"),
]
DEADLINES = [
    "2021年12月31日",
    "5月底前完成选址，年底前建成。",
    "8月份开工建设；年底前完成主体工程。",
    "三季度末",
    "6月30日前完成招标，10月底前投入使用。",
    "上半年完成前期手续，年内具备开工条件。",
    "长期坚持",
]
# The share of each status among tasks: mostly under way, some done, some lagging.
STATUSES = ["in_progress"] * 10 + ["completed"] * 5 + ["lagging"] * 3 + ["not_started"] * 2
ROUNDS = 11


def generated_ledger(tasks: int, rng: random.Random) -> Any:
    """A `LedgerDoc` with `tasks` tasks in categories of 20, worded like a real ledger."""
    from taizhang.chinese.dates import parse_deadline
    from taizhang.chinese.statuses import status_label_text
    from taizhang.documents.cells import DEFAULT_COLUMNS
    from taizhang.documents.model import CategoryDoc, LedgerDoc, MilestoneDoc, TaskDoc, UnitRef

    doc = LedgerDoc(title=TITLE, year=YEAR, columns=list(DEFAULT_COLUMNS), source_name="bench.txt")
    for n in range(1, tasks + 1):
        theme, goal, measure = THEMES[(n - 1) // 20 % len(THEMES)]
        if (n - 1) % 20 == 0:
            place = PLACES[len(doc.categories) % len(PLACES)]
            name = f"{theme}（{place}片区）"
            doc.categories.append(CategoryDoc(number=len(doc.categories) + 1, name=name))
        place = rng.choice(PLACES)
        amount = rng.randint(3, 800)
        deadline_text = rng.choice(DEADLINES)
        deadline = parse_deadline(deadline_text, YEAR)
        status = rng.choice(STATUSES)
        units = rng.sample(UNITS, rng.choice([1, 1, 2, 2, 3]))
        doc.categories[-1].tasks.append(
            TaskDoc(
                number=n,
                goal=goal.format(p=place, n=amount) + f"，年度计划投资{amount * 37}万元。",
                leaders=rng.sample(LEADERS, rng.randint(1, 2)),
                units=[UnitRef(u, "lead" if i == 0 else "co") for i, u in enumerate(units)],
                deadline_text=deadline_text,
                deadline=deadline.deadline,
                milestones=[MilestoneDoc(m.text, m.date) for m in deadline.milestones],
                progress=progress_text(amount, measure, rng),
                status=status,
                status_label=status_label_text(status),
            )
        )
    return doc


def progress_text(amount: int, measure: str, rng: random.Random) -> str:
    done = rng.randint(0, 100)
    return (
        f"项目前期手续已办理完毕，完成招标工作，施工单位已进场。目前已完成{amount * done // 100}"
        f"{measure}，完成年度目标的{done}%；累计完成投资{amount * done // 4}万元。"
        f"\n下一步将加快施工进度，确保按期完成。"
    )


def generate(tasks: int, reports: int) -> tuple[Any, Any]:
    """Import the ledger, open the rounds and write the reports; the ledger and its office."""
    from django.db import connection, transaction

    from taizhang.accounts.services import account_create
    from taizhang.ledger.services import ledger_import

    rng = random.Random(2021)
    doc = generated_ledger(tasks, rng)
    with transaction.atomic():
        office = account_create(
            username="bench-office", password=secrets.token_urlsafe(), role="office"
        )
        ledger = ledger_import(doc=doc, actor=office).ledger
        rounds = create_rounds(ledger, office)
        insert_reports(ledger, rounds, office, reports, rng)
    if connection.vendor == "postgresql":
        # Autovacuum analyses the new rows and clears a previous run's deleted ones within a
        # minute or so; do it now, or the figures depend on when the timing starts (dead rows
        # made some queries 20 times slower).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return ledger, office


def delete_previous_run() -> None:
    """A database reused for the benchmark: remove the ledger a previous run left."""
    from taizhang.ledger.models import Ledger
    from taizhang.reporting.models import Report, Round

    for ledger in Ledger.objects.filter(title=TITLE, year=YEAR):
        # In parts: Django nulls the reports that supersede the deleted ones with one UPDATE
        # whose IN lists together name every deleted report, past the 65,535 parameters of a
        # statement bound on PostgreSQL's server (taizhang.postgresql_backend).
        ids = list(Report.objects.filter(round__ledger=ledger).values_list("pk", flat=True))
        for start in range(0, len(ids), 20_000):
            Report.objects.filter(pk__in=ids[start : start + 20_000]).delete()
        Round.objects.filter(ledger=ledger).delete()
        ledger.delete()


def previous_run(tasks: int) -> tuple[Any, Any] | None:
    """The ledger and office a previous run left (`--reuse`), if it has `tasks` tasks."""
    from django.contrib.auth.models import User

    from taizhang.ledger.models import Ledger

    ledger = Ledger.objects.filter(title=TITLE, year=YEAR).first()
    office = User.objects.filter(username="bench-office").first()
    if ledger is None or office is None or ledger.tasks.count() != tasks:
        return None
    return ledger, office


def reused_or_generated(tasks: int, reports: int, reuse: bool) -> tuple[Any, Any]:
    """The ledger and office a previous run left (with `reuse`, when it has `tasks` tasks),
    else a new one generated in place of any earlier run's."""
    found = previous_run(tasks) if reuse else None
    if found is None:
        delete_previous_run()
        found = generate(tasks, reports)
    return found


def create_rounds(ledger: Any, office: Any) -> list[Any]:
    """Monthly rounds, the last one open (closed ones get no snapshot: not read here)."""
    from taizhang.reporting.models import Round

    rounds = []
    for month in range(1, ROUNDS + 1):
        opened = datetime.datetime(YEAR, month, 20, 9, tzinfo=datetime.UTC)
        last = month == ROUNDS
        rounds.append(
            Round(
                ledger=ledger,
                name=f"{YEAR}年{month}月",
                due_date=opened.date() + datetime.timedelta(days=5),
                opened_at=opened,
                opened_by=office,
                closed_at=None if last else opened + datetime.timedelta(days=8),
                closed_by=None if last else office,
            )
        )
    return Round.objects.bulk_create(rounds)


def unit_authors() -> dict[int, int]:
    """One reporting account (user id) per unit, as authors of the reports."""
    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.contrib.auth.models import User

    from taizhang.ledger.models import Unit

    units = dict(Unit.objects.filter(name__in=UNITS).values_list("name", "pk"))
    names = {f"bench-{units[name]}": units[name] for name in UNITS}
    users = [User(username=name, password=UNUSABLE_PASSWORD_PREFIX) for name in names]
    User.objects.bulk_create(users, ignore_conflicts=True)
    found = User.objects.filter(username__in=names).values_list("username", "pk")
    return {names[username]: pk for username, pk in found}


REPORT_FIELDS = (
    "round", "task", "unit", "author", "progress", "status", "figures", "previous_progress",
    "previous_status", "state", "submitted_at", "reviewed_by", "reviewed_at", "review_comment",
)  # fmt: skip


def insert_reports(ledger: Any, rounds: list[Any], office: Any, count: int, rng: Any) -> None:
    """`count` reports on random tasks in random rounds, each by one of the task's units."""
    from taizhang.ledger.models import Task, TaskUnit
    from taizhang.ledger.services import _insert_rows
    from taizhang.reporting.models import Report

    authors = unit_authors()
    tasks = list(Task.objects.filter(ledger=ledger).values_list("pk", "progress", "status"))
    units: dict[int, list[int]] = defaultdict(list)
    for task_id, unit_id in TaskUnit.objects.filter(task__ledger=ledger).values_list(
        "task_id", "unit_id"
    ):
        units[task_id].append(unit_id)
    rows = []
    for _ in range(count):
        task = rng.choice(tasks)
        unit = rng.choice(units[task[0]])
        rows.append(report_row(task, rng.choice(rounds), unit, authors[unit], office.pk, rng))
    _insert_rows(Report, REPORT_FIELDS, one_waiting(rows))


def one_waiting(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows with at most one report awaiting review per round, task and unit (the
    database allows no more): an earlier one that a later one replaced is `superseded`."""
    state = REPORT_FIELDS.index("state")
    last: dict[tuple[Any, ...], int] = {}
    for n, row in enumerate(rows):
        if row[state] == "submitted":
            last[row[:3]] = n
    return [
        (*row[:state], "superseded", *row[state + 1 :])
        if row[state] == "submitted" and last[row[:3]] != n
        else row
        for n, row in enumerate(rows)
    ]


def report_row(
    task: tuple[int, str, str], round_: Any, unit: int, author: int, office: int, rng: Any
) -> tuple[Any, ...]:
    """A report (REPORT_FIELDS) on a task (pk, progress, status): accepted or (one in ten)
    returned in a closed round, awaiting review in the open one. Half the accepted ones carry
    a figure (投资, 万元), which the task's indicators then use."""
    task_id, progress, status = task
    at = round_.opened_at + datetime.timedelta(minutes=rng.randint(60, 7 * 24 * 60))
    state = "submitted" if round_.is_open else rng.choice(["accepted"] * 9 + ["returned"])
    reviewed = None if state == "submitted" else at + datetime.timedelta(days=1)
    figures = []
    if state == "accepted" and rng.random() < 0.5:
        figures = [{"name": "投资", "value": rng.randint(10, 30000), "unit": "万元"}]
    return (
        round_.pk, task_id, unit, author,
        f"{round_.name}进展：" + progress_text(rng.randint(3, 800), "个", rng),
        rng.choice(STATUSES), json.dumps(figures, ensure_ascii=False), progress, status, state,
        db_datetime(at), office if reviewed else None,
        db_datetime(reviewed) if reviewed else None,
        "请补充投资完成情况和佐证材料。" if state == "returned" else "",
    )  # fmt: skip


def db_datetime(value: datetime.datetime) -> Any:
    """A datetime as the database backend stores it (naive UTC text on SQLite)."""
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)


@dataclass(frozen=True)
class Measurement:
    """A request of the benchmark and the bare SQL for the same rows (bench/pages_sql.py)."""

    name: str
    request: Callable[[], Any]
    bare: Callable[[], list[int]]
    kind: str  # "page" or "api": what the response holds


@dataclass(frozen=True)
class Timing:
    app: float  # median ms
    app_p95: float
    bare: float  # median ms
    queries: int
    response: Any
    app_cpu: float = 0.0  # median ms of this process's CPU (time.process_time)
    bare_cpu: float = 0.0

    @property
    def ratio(self) -> float:
        return self.app / self.bare

    @property
    def cpu_ratio(self) -> float:
        return self.app_cpu / self.bare_cpu if self.bare_cpu else float("inf")


def timed(measurement: Measurement, runs: int) -> Timing:
    """Median and p95 in ms of `runs` requests after three warm-ups and the median of as
    many runs of the bare SQL, each run right after a request (so that other work on the
    machine weighs on both alike); the queries of one request, and its response."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = measurement.request()
        assert response.status_code == 200, response.status_code
        measurement.bare()
    app, bare, app_cpu, bare_cpu = [], [], [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        measurement.request()
        middle, middle_cpu = time.perf_counter(), time.process_time()
        measurement.bare()
        app.append((middle - start) * 1000)
        bare.append((time.perf_counter() - middle) * 1000)
        app_cpu.append((middle_cpu - start_cpu) * 1000)
        bare_cpu.append((time.process_time() - middle_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = measurement.request()
    p95 = statistics.quantiles(app, n=20, method="inclusive")[-1]
    return Timing(
        statistics.median(app),
        p95,
        statistics.median(bare),
        len(queries),
        response,
        statistics.median(app_cpu),
        statistics.median(bare_cpu),
    )


def measurements(ledger: Any, office: Any, tasks: int) -> list[Measurement]:
    """What is timed."""
    from django.test import Client

    from pages_sql import Filters, api_rows, page_rows
    from taizhang.accounts.services import account_create, token_create
    from taizhang.ledger.models import Unit
    from taizhang.supervision.selectors import default_as_of

    page = f"/ledgers/{ledger.pk}/"
    api = f"/api/ledgers/{ledger.pk}/tasks"
    middle = tasks // 2
    office_client = Client(SERVER_NAME="localhost")
    office_client.force_login(office)
    token = token_create(user=office, name="bench")
    api_client = Client(SERVER_NAME="localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
    unit = Unit.objects.get(name="水利局")
    reporter = account_create(
        username="bench-reporter", password=secrets.token_urlsafe(), role="reporter", units=[unit]
    )
    reporter_client = Client(SERVER_NAME="localhost")
    reporter_client.force_login(reporter)
    lagging = {"status": "lagging", "q": "供水"}
    red_on = default_as_of(ledger)
    return [
        Measurement(
            "ledger page, first page",
            lambda: office_client.get(page),
            lambda: page_rows(ledger.pk, Filters()),
            "page",
        ),
        Measurement(
            "ledger page, ?status=lagging&q=供水",
            lambda: office_client.get(page, lagging),
            lambda: page_rows(ledger.pk, Filters(**lagging)),
            "page",
        ),
        Measurement(
            "ledger page, ?light=red",
            lambda: office_client.get(page, {"light": "red"}),
            lambda: page_rows(ledger.pk, Filters(red_on=red_on)),
            "page",
        ),
        Measurement(
            "ledger page, reporter of 水利局",
            lambda: reporter_client.get(page),
            lambda: page_rows(ledger.pk, Filters(), reporter=reporter.pk),
            "page",
        ),
        Measurement(
            "task list API, first page",
            lambda: api_client.get(api),
            lambda: api_rows(ledger.pk, 0),
            "api",
        ),
        Measurement(
            f"task list API, ?offset={middle}",
            lambda: api_client.get(api, {"offset": middle}),
            lambda: api_rows(ledger.pk, middle),
            "api",
        ),
    ]


def listed(response: Any, kind: str) -> tuple[list[int], str]:
    """The ids of the tasks a response lists, and how many of how many, to see that each
    request does the work."""
    if kind == "api":
        data = response.json()
        ids = [item["id"] for item in data["items"]]
        return ids, f"{len(ids)} of {data['count']} tasks"
    html = response.content.decode()
    ids = [
        int(i)
        for i in re.findall(r'<td class="num" data-label="[^"]*"><a href="/tasks/(\d+)/', html)
    ]
    total = re.search(r"共 (\d+) 项任务", html)
    return ids, f"{len(ids)} of {total.group(1) if total else '?'} tasks"


# What the cumulative profile lists: the project's functions and the library calls where a
# request's time goes (templates, SQL, validation, prefetching), not the middleware chain.
PROFILED = (
    r"src/taizhang/|loader.py.*render_to_string|compiler.py.*execute_sql|model_validate|"
    r"prefetch_related_objects|json/__init__.py.*dumps"
)


def profile(measurement: Measurement, runs: int, top: int) -> None:
    """cProfile of `runs` requests: the top entries by own time, and by cumulative time those
    of PROFILED."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile(time.process_time)  # CPU: the machine may be busy
    profiler.enable()
    for _ in range(runs):
        measurement.request()
    profiler.disable()
    for order, only in (("tottime", ()), ("cumulative", (PROFILED,))):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*only, top)
        text = re.sub(r"/\S*/(site-packages|src|lib/python3\.\d+)/", "", out.getvalue())
        print(f"--- {measurement.name}: {runs} requests, by {order}")
        print(text[text.index("ncalls") :].rstrip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="after timing each request, profile N more (cProfile) and print the top entries",
    )
    parser.add_argument("--top", type=int, default=25, help="entries of each profile")
    parser.add_argument(
        "--save",
        type=Path,
        metavar="DIR",
        help="write each response's body to DIR (1.html, ...), to compare two versions' output",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the ledger a previous run left in DATABASE_URL (same --tasks) if there is one",
    )
    args = parser.parse_args()

    # Start Django as the WSGI server does, with whatever taizhang.wsgi does at start-up.
    importlib.import_module("taizhang.wsgi")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    found = previous_run(args.tasks) if args.reuse else None
    if found is None:
        delete_previous_run()
        ledger, office = generate(args.tasks, args.reports)
    else:
        ledger, office = found
    generation = time.perf_counter() - start
    print(
        f"database: {connection.vendor}; ledger: {args.tasks} tasks, {args.reports} reports; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(f"data generation (import, rounds, reports): {generation:.1f} s")
    for n, measurement in enumerate(measurements(ledger, office, args.tasks), 1):
        timing = timed(measurement, args.runs)
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            suffix = "json" if measurement.kind == "api" else "html"
            # The CSRF token is new each request: masked, so two runs compare equal.
            body = re.sub(rb'(csrfmiddlewaretoken" value=")\w+', rb"\1-", timing.response.content)
            (args.save / f"{n}.{suffix}").write_bytes(body)
        ids, shown = listed(timing.response, measurement.kind)
        assert ids == measurement.bare(), f"{measurement.name}: not the rows of the bare SQL"
        print(
            f"median {timing.app:6.1f} ms  p95 {timing.app_p95:6.1f} ms  "
            f"bare SQL {timing.bare:5.1f} ms  ratio {timing.ratio:4.1f}x  "
            f"{timing.queries:2} queries  {measurement.name} ({shown})"
        )
        print(
            f"    CPU of this process (time.process_time): request {timing.app_cpu:5.1f} ms, "
            f"bare SQL {timing.bare_cpu:5.1f} ms, ratio {timing.cpu_ratio:4.1f}x"
            + ("" if connection.vendor == "sqlite" else " (the server's CPU not counted)")
        )
        if args.profile:
            profile(measurement, args.profile, args.top)
    print(
        f"(median and p95 of {args.runs} requests after 3 warm-ups, and the median of as many "
        f"runs of the bare SQL for the same rows, each right after a request; DEBUG off; "
        f"load average {os.getloadavg()[0]:.1f} at the end)"
    )
    print("target: under 150 ms each, within 3x of the bare SQL")


if __name__ == "__main__":
    main()
