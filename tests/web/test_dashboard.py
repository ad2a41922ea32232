"""The dashboard page (驾驶舱): who may open it and what each role's numbers are, the seed
ledger's figures as of 2021-11-05 in plain HTML, the data island the charts read, the strict
Content-Security-Policy, and a query count that does not grow with the ledger."""

from __future__ import annotations

import datetime
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.ledger.models import Ledger, Unit
from taizhang.ledger.services import ledger_import
from taizhang.reporting import services
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db
AS_OF = "2021-11-05"
ROLES = ["office", "water", "health", "leader", "viewer"]
VISIBLE = {
    "office": 16,
    "water": 2,  # tasks 3 and 9
    "health": 3,  # tasks 1, 2 and 16
    "leader": 6,  # tasks 4, 8, 9, 10, 11, 12
    "viewer": 16,
}
RED = {"office": [8, 9], "water": [9], "health": [], "leader": [8, 9], "viewer": [8, 9]}


class Tables(HTMLParser):
    """The cells' text of every table with an id, and the page's text without tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.text: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        table_id = dict(attrs).get("id")
        if tag == "table" and table_id:
            self._table = table_id
            self.tables[table_id] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag == "td" and self._table:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag == "td" and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(response: Any) -> Tables:
    parser = Tables()
    parser.feed(response.content.decode())
    return parser


def body_rows(page: Tables, table_id: str) -> list[list[str]]:
    return [row for row in page.tables[table_id] if row]


def text(page: Tables) -> str:
    return re.sub(r"\s+", "", "".join(page.text))


def dashboard(
    world: World,
    role: str,
    as_of: str = AS_OF,
    ledger: Ledger | None = None,
    client: Client | None = None,
) -> Any:
    url = reverse("web:dashboard", args=[(ledger or world.ledger).pk])
    client = client or client_for(world, role)
    return client.get(url, {"as_of": as_of} if as_of else {})


def island(response: Any) -> dict[str, Any]:
    found = re.search(
        r'<script id="dashboard-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.DOTALL,
    )
    assert found, "the data island is missing"
    data: dict[str, Any] = json.loads(found.group(1))
    return data


# --- who may open it, and what each role counts --------------------------------------------


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = dashboard(world, "anonymous")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_missing_ledger_is_404(world: World) -> None:
    response = client_for(world, "office").get(reverse("web:dashboard", args=[999_999]))
    assert response.status_code == 404


def test_a_user_without_a_role_gets_404(world: World) -> None:
    from django.contrib.auth.models import User

    client = Client()
    client.force_login(User.objects.create_user("nobody", password="x"))
    response = client.get(reverse("web:dashboard", args=[world.ledger.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_each_role_counts_only_the_tasks_it_may_see(world: World, role: str) -> None:
    response = dashboard(world, role)
    assert response.status_code == 200
    data = island(response)
    assert data["totals"]["tasks"] == VISIBLE[role]
    assert sum(data["lights"].values()) == VISIBLE[role]
    assert [task["number"] for task in data["red"]] == RED[role]
    page = parse(response)
    assert f"共{VISIBLE[role]}项" in text(page)
    assert [row[0] for row in body_rows(page, "red-list") if row[0] != "无。"] == [
        str(n) for n in RED[role]
    ]


def test_each_listed_task_and_lagging_unit_row_has_its_words(world: World) -> None:
    """The words of the lists' rows (their labels on a phone, the notice link) are translated
    once for the page: every row still has them, in the page's language."""
    html = dashboard(world, "office").content.decode()
    red = html.split('id="red-list"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", red, re.DOTALL)[1:]
    assert len(rows) == 2
    labels = ["序号", "牵头领导", "责任单位", "完成时限", "状态", "预警原因"]
    for row in rows:
        assert re.findall(r'data-label="([^"]*)"', row) == labels
    units = html.split('id="unit-table"', 1)[1].split("</table>", 1)[0]
    links = re.findall(r'<a class="notice-link" href="[^"]+">([^<]*)</a>', units)
    assert links and set(links) == {"督办通知单"}


def test_a_reporter_sees_only_its_units_rows(world: World) -> None:
    page = parse(dashboard(world, "water"))
    units = {row[0] for row in body_rows(page, "unit-table")}
    # Task 9 is shared with 住建局 and 教体局; task 3 only 水利局's. Nothing of other tasks.
    assert units == {"水利局", "住建局", "教体局"}
    water = next(row for row in body_rows(page, "unit-table") if row[0] == "水利局")
    assert water[1:6] == ["2", "0", "0", "1", "—"]  # tasks, completed, lagging, overdue, —


def test_a_reporter_of_a_unit_without_tasks_does_not_see_the_ledger(world: World) -> None:
    from taizhang.accounts.models import Role
    from taizhang.accounts.services import account_create

    idle = account_create(
        username="idle",
        password="x" * 12,
        role=Role.REPORTER,
        units=[Unit.objects.create(name="档案局")],
    )
    client = Client()
    client.force_login(idle)
    response = dashboard(world, "idle", client=client)
    assert response.status_code == 404  # like a ledger that does not exist (access.py)


def test_a_reporters_history_counts_only_its_tasks(world: World) -> None:
    round_ = services.round_open(
        ledger=world.ledger,
        name="2021年10月",
        due_date=datetime.date(2021, 10, 25),
        actor=world.office,
    )
    services.round_close(round_=round_, actor=world.office)
    [past] = island(dashboard(world, "water"))["history"]
    assert sum(past[key] for key in past if key not in ("round", "closed_at")) == 2


def test_free_text_cannot_break_out_of_the_page_or_the_data_island(world: World) -> None:
    from taizhang.ledger.models import Task

    evil = "</script><script>alert(1)</script><b>x</b>"
    Task.objects.filter(pk=world.task(8).pk).update(goal=evil)
    content = dashboard(world, "office").content.decode()
    assert evil not in content and "<script>alert(1)" not in content
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in content  # the red list, escaped
    assert "\\u003C/script\\u003E" in content  # the data island, escaped


# --- the seed ledger as of 2021-11-05 ------------------------------------------------------


def test_the_tiles_show_the_totals_and_shares(world: World) -> None:
    page = text(parse(dashboard(world, "office")))
    assert "共16项" in page and "已完成4项" in page
    assert "25%" in page  # 4 of 16 completed
    assert "数据截至2021年11月5日" in page


def test_the_red_list_has_tasks_8_and_9_with_their_reasons(world: World) -> None:
    response = dashboard(world, "office")
    rows = body_rows(parse(response), "red-list")
    assert [(row[0], row[-1]) for row in rows] == [
        ("8", "推进缓慢"),
        ("9", "已超过完成时限（2021-10-31）5天，尚未完成"),
    ]
    nine = rows[1]
    assert nine[2] == "张宏义、李拴根、侯波" and nine[3] == "住建局、水利局、教体局"
    assert nine[4] == "2021-10-31"
    assert reverse("web:task_detail", args=[world.task(9).pk]) in response.content.decode()
    assert body_rows(parse(response), "yellow-list") == [["无。"]]


def test_the_unit_and_leader_tables(world: World) -> None:
    page = parse(dashboard(world, "office"))
    units = {row[0]: row[1:] for row in body_rows(page, "unit-table")}
    # 住建局: 5 tasks, 2 completed, 1 lagging (8), 1 overdue (9), not reported "—", 2 red;
    # the office's link to its 督办通知单 (tests/web/test_notice.py).
    assert units["住建局"] == ["5", "2", "1", "1", "—", "2", "0", "督办通知单"]
    leaders = {row[0]: row[1:] for row in body_rows(page, "leader-table")}
    assert leaders["李拴根"] == ["6", "3", "1", "1", "—", "2", "0"]
    assert list(leaders) == ["李拴根", "侯波", "张宏义", "谭江"]  # most red first


def test_not_reported_is_counted_while_a_round_is_open(world: World) -> None:
    services.round_open(
        ledger=world.ledger,
        name="2021年11月",
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )
    task = world.task(3)
    services.report_submit(
        task=task,
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已开工。",
        status="in_progress",
    )
    page = parse(dashboard(world, "office"))
    units = {row[0]: row[1:] for row in body_rows(page, "unit-table")}
    assert units["水利局"][4] == "1"  # task 9 not reported, task 3 reported
    assert units["卫健委"][4] == "3"
    assert "本轮报送进行中" in text(page)


def test_the_indicators_and_history_read_without_javascript(world: World) -> None:
    response = dashboard(world, "office")
    content = response.content.decode()
    assert 'id="indicator-bars"' in content and "年度完成投资" in content
    assert "77.8%" in content  # task 3: 7000 of 9000 万元, a bar in the table
    assert 'id="no-history"' in content and 'id="chart-history"' not in content


def test_a_closed_round_appears_in_the_history(world: World) -> None:
    round_ = services.round_open(
        ledger=world.ledger,
        name="2021年10月",
        due_date=datetime.date(2021, 10, 25),
        actor=world.office,
    )
    services.round_close(round_=round_, actor=world.office)
    response = dashboard(world, "office")
    assert 'id="chart-history"' in response.content.decode()
    [past] = island(response)["history"]
    assert past["round"] == "2021年10月" and past["completed"] == 4


# --- the page itself -----------------------------------------------------------------------


def test_the_data_island_matches_the_tables(world: World) -> None:
    response = dashboard(world, "office")
    data = island(response)
    assert data["as_of"] == AS_OF
    assert data["totals"]["tasks"] == 16 and data["lights"]["red"] == 2
    labels = re.search(
        r'id="dashboard-labels" type="application/json">(.*?)</script>', response.content.decode()
    )
    assert labels and json.loads(labels.group(1))["lights"]["red"] == "红灯"


def test_no_inline_script_or_style_and_a_strict_policy(world: World) -> None:
    response = dashboard(world, "office")
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    content = response.content.decode()
    assert " style=" not in content and "<style" not in content
    for tag in re.findall(r"<script[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert "/static/vendor/echarts/echarts.min.js" in content
    assert "/static/taizhang/dashboard.js" in content
    assert "http://" not in content and "https://" not in content  # nothing from outside


def test_the_vendored_echarts_is_served_locally(world: World) -> None:
    from django.contrib.staticfiles import finders

    found = finders.find("vendor/echarts/echarts.min.js")
    assert found
    with open(found, encoding="utf-8") as script:
        assert "Apache" in script.read(2000)
    assert finders.find("vendor/echarts/LICENSE") and finders.find("vendor/echarts/NOTICE")


@pytest.mark.parametrize("as_of", ["2021-13-45", "yesterday", ""])
def test_a_malformed_or_missing_date_falls_back_to_today(world: World, as_of: str) -> None:
    with time_machine.travel(datetime.datetime(2021, 11, 5, 10, 0, tzinfo=datetime.UTC)):
        response = dashboard(world, "office", as_of=as_of)
    assert response.status_code == 200
    assert island(response)["as_of"] == AS_OF
    assert 'value="2021-11-05"' in response.content.decode()


def test_the_ledger_and_home_pages_link_to_the_dashboard(world: World) -> None:
    url = reverse("web:dashboard", args=[world.ledger.pk])
    client = client_for(world, "viewer")
    assert url in client.get(reverse("web:home")).content.decode()
    assert url in client.get(reverse("web:ledger_detail", args=[world.ledger.pk])).content.decode()


# --- performance ---------------------------------------------------------------------------

# The session, the user, the profile, the bell's unread count, the ledger, then
# dashboard_data's fixed set, counted from the stored state (supervision.dashboard): whether
# any state is missing, the closed rounds without statuses, the open round, one query that
# works out every state's light and counts the tasks, the units' and leaders' links and the
# pages of red and yellow tasks, those tasks with their leaders, units and reports, what
# their reasons are computed from (sub-items and their units, figures, reports' figures,
# settings), the indicators and their count, the units' and leaders' names, the closed
# rounds, the current tasks, their tallies and the statuses of tasks removed since; then the
# light settings of the office's form. A reporter reads its units and its tasks' ids (once,
# for every query that follows), but no tallies.
QUERIES = 26


def big_ledger(tasks: int) -> Ledger:
    """A ledger of `tasks` tasks with leaders, units, figures in the text and every light."""
    doc = LedgerDoc(title=f"2021年{tasks}项台账", year=2021)
    doc.categories = [CategoryDoc(number=c, name=f"分类{c}") for c in range(1, 11)]
    statuses = ["in_progress", "completed", "lagging", "not_started"]
    for n in range(1, tasks + 1):
        doc.categories[n % 10].tasks.append(
            TaskDoc(
                number=n,
                goal=f"新建学校{n}所，完成投资{n * 100}万元。",
                leaders=["谭江", f"领导{n % 7}"],
                units=[UnitRef("水利局" if n % 2 else "卫健委"), UnitRef(f"单位{n % 13}")],
                deadline_text="2021年10月底前" if n % 3 else "2021年12月底前",
                deadline=datetime.date(2021, 10, 31) if n % 3 else datetime.date(2021, 12, 31),
                progress=f"已完成投资{n * 40}万元。",
                status=statuses[n % 4],
            )
        )
    return ledger_import(doc=doc).ledger


def with_rounds(world: World, ledger: Ledger) -> None:
    """A closed round (history) and an open one with a report of 水利局 (not reported counts)."""
    for name in ("2021年9月", "2021年10月"):
        round_ = services.round_open(
            ledger=ledger, name=name, due_date=datetime.date(2021, 10, 25), actor=world.office
        )
        services.round_close(round_=round_, actor=world.office)
    services.round_open(
        ledger=ledger, name="2021年11月", due_date=datetime.date(2021, 11, 25), actor=world.office
    )
    task = ledger.tasks.filter(unit_links__unit__name="水利局").order_by("number").first()
    assert task is not None
    services.report_submit(
        task=task,
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="已完成投资100万元。",
        status="in_progress",
    )


@pytest.mark.parametrize("role", ["office", "water"])
def test_the_dashboard_costs_the_same_queries_for_any_size(world: World, role: str) -> None:
    large = big_ledger(200)
    for ledger in (world.ledger, large):
        with_rounds(world, ledger)
    client = client_for(world, role)
    counts = []
    for ledger in (world.ledger, large):
        with CaptureQueriesContext(connection) as queries:
            response = dashboard(world, role, ledger=ledger, client=client)
        assert response.status_code == 200
        counts.append(len(queries))
    assert island(response)["totals"]["tasks"] == (200 if role == "office" else 100)
    assert len(island(response)["history"]) == 2
    assert counts[0] == counts[1], counts
    assert counts[0] == QUERIES, counts
