"""The office's audit log: a page of AuditEvent rows filtered by date range, user and action,
paged at the same query count for more rows, and the same filter exported as a streamed CSV
(itself recorded). Others get a 404; nothing deletes an event, on the page or in the admin."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from taizhang.ledger.audit_log import ACTION_LABELS, AuditFilters, audit_actions, audit_events
from taizhang.ledger.models import AuditEvent, JointStatus, Person, Unit
from taizhang.ledger.services.audit import audit_record
from taizhang.reporting.models import ReportState
from taizhang.reporting.services import report_submit, round_open
from tests.factories import World, client_for
from tests.web.subitems import split_task_3

pytestmark = pytest.mark.django_db
PAGE = "/audit/"
EXPORT = "/audit/export.csv"


def at(day: str, hour: int = 12) -> datetime.datetime:
    date = datetime.date.fromisoformat(day)
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def trail(world: World) -> None:
    """A known trail beside whatever the world's making wrote."""
    AuditEvent.objects.all().delete()
    AuditEvent.objects.create(
        at=at("2026-03-01"), actor=world.office, action="round.open", ledger=world.ledger
    )
    AuditEvent.objects.create(
        at=at("2026-03-02"),
        actor=world.water,
        action="report.submit",
        ledger=world.ledger,
        data={"task": 3, "progress": "=cmd|' /C calc'!A0"},
    )
    AuditEvent.objects.create(at=at("2026-03-03", 0), actor=None, action="round.remind_scheduled")
    AuditEvent.objects.create(at=at("2026-03-04", 23), actor=world.office, action="round.close")


def listed(response: Any) -> list[str]:
    return [row["code"] for row in response.context["rows"]]


def test_the_urls() -> None:
    assert reverse("web:audit_log") == PAGE and reverse("web:audit_export") == EXPORT


@pytest.mark.parametrize("role", ["water", "health", "leader", "viewer"])
def test_other_roles_get_a_404(world: World, role: str) -> None:
    client = client_for(world, role)
    count = AuditEvent.objects.count()
    assert client.get(PAGE).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert AuditEvent.objects.count() == count
    assert PAGE not in client.get(reverse("web:home")).content.decode()


def test_signing_in_is_needed(world: World) -> None:
    response = client_for(world, "anonymous").get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_office_sees_every_event_newest_first_linked_from_its_menu(world: World) -> None:
    trail(world)
    office = client_for(world, "office")
    assert f'href="{PAGE}"' in office.get(reverse("web:home")).content.decode()
    response = office.get(PAGE)
    assert response.status_code == 200
    assert listed(response) == [
        "round.close",
        "round.remind_scheduled",
        "report.submit",
        "round.open",
    ]
    html = response.content.decode()
    assert "报送进展" in html and "系统" in html and "2026-03-04 23:00:00" in html
    assert "不能修改或删除" in html


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"action": "report.submit"}, ["report.submit"]),
        ({"user": "slj"}, ["report.submit"]),
        ({"user": "OFFICE"}, ["round.close", "round.open"]),
        (
            {"since": "2026-03-02", "until": "2026-03-03"},
            ["round.remind_scheduled", "report.submit"],
        ),
        ({"since": "2026-03-04"}, ["round.close"]),
        ({"until": "2026-03-01"}, ["round.open"]),
        ({"user": "office", "action": "round.open"}, ["round.open"]),
        ({"user": "nobody"}, []),
    ],
)
def test_the_filters(world: World, query: dict[str, str], codes: list[str]) -> None:
    trail(world)
    response = client_for(world, "office").get(PAGE, query)
    assert response.status_code == 200 and listed(response) == codes


def test_the_day_is_the_local_day(world: World) -> None:
    trail(world)
    # 2026-03-03 00:00 in Shanghai is 2026-03-02 16:00 UTC: still the 3rd for the office.
    response = client_for(world, "office").get(PAGE, {"since": "2026-03-03", "until": "2026-03-03"})
    assert listed(response) == ["round.remind_scheduled"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({"since": "2026-03-04", "until": "2026-03-01"}, "结束日期不能早于开始日期"),
        ({"since": "not a day"}, "日期"),
        ({"action": "no.such.action"}, "选择"),
        # The last and first days a date field takes: a day's bounds overflowed (a 500).
        ({"until": "9999-12-31"}, "日期超出范围"),
        ({"since": "0001-01-01"}, "日期超出范围"),
    ],
)
def test_a_bad_filter_says_why_and_lists_or_exports_nothing(
    world: World, query: dict[str, str], says: str
) -> None:
    trail(world)
    office = client_for(world, "office")
    response = office.get(PAGE, query)
    assert response.status_code == 200 and listed(response) == []
    assert says in response.content.decode()
    count = AuditEvent.objects.count()
    response = office.get(EXPORT, query)
    assert response.status_code == 400 and says in response.content.decode()
    assert AuditEvent.objects.count() == count


def test_the_page_costs_the_same_queries_for_more_events_and_pages_keep_the_filter(
    world: World,
) -> None:
    trail(world)
    office = client_for(world, "office")
    query = {"action": "report.submit"}
    office.get(PAGE, query)
    with CaptureQueriesContext(connection) as few:
        office.get(PAGE, query)
    AuditEvent.objects.bulk_create(
        AuditEvent(at=at("2026-02-01"), actor=actor, action="report.submit", ledger=world.ledger)
        for actor in [world.water, world.health, world.office] * 40
    )
    with CaptureQueriesContext(connection) as many:
        response = office.get(PAGE, query)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["rows"]) == 50 and response.context["page"].paginator.count == 121
    assert "action=report.submit&amp;page=2" in response.content.decode()
    second = office.get(PAGE, {**query, "page": "3"})
    assert len(second.context["rows"]) == 21


def test_the_export_is_the_filtered_csv_streamed_and_recorded(world: World) -> None:
    trail(world)
    office = client_for(world, "office")
    response = office.get(EXPORT, {"since": "2026-03-02", "until": "2026-03-04"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode()  # type: ignore[arg-type]
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == ["时间", "用户", "操作", "操作代码", "台账", "内容"]
    assert [row[3] for row in rows[1:]] == [
        "round.close",
        "round.remind_scheduled",
        "report.submit",
    ]
    submit = rows[3]
    assert submit[0] == "2026-03-02 12:00:00" and "slj" in submit[1] and submit[2] == "报送进展"
    assert submit[4] == world.ledger.title
    # In words, as on the page; a key with no label as stored; no cell starts with a formula.
    assert submit[5].startswith("任务：第3项“") and "progress：=cmd" in submit[5]
    assert rows[2][1] == "系统"
    recorded = AuditEvent.objects.get(action="audit.export")
    assert recorded.actor == world.office
    assert recorded.data == {"since": "2026-03-02", "until": "2026-03-04", "user": "", "action": ""}


def test_a_formula_in_a_cell_is_written_as_text(world: World) -> None:
    AuditEvent.objects.all().delete()
    audit_record(actor=world.office, action="=HYPERLINK(1)")
    body = b"".join(client_for(world, "office").get(EXPORT).streaming_content)  # type: ignore[arg-type]
    assert "'=HYPERLINK(1)" in body.decode()


def test_the_export_reads_the_trail_in_chunks_with_a_query_each(world: World) -> None:
    trail(world)
    with CaptureQueriesContext(connection) as read:
        list(audit_events(AuditFilters()).iterator(chunk_size=2))
    # Two events a chunk: no query per row (SQLite reads chunks through one cursor).
    assert len(read.captured_queries) <= 3


def test_no_page_changes_or_deletes_an_event(world: World) -> None:
    trail(world)
    office = client_for(world, "office")
    count = AuditEvent.objects.count()
    assert office.post(PAGE).status_code == 405
    assert office.post(EXPORT).status_code == 405
    assert AuditEvent.objects.count() == count


def test_the_admin_shows_events_read_only() -> None:
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_add_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def recorded_actions() -> set[str]:
    """Every action the code records: the `action=` of each `audit_record(...)` call, a
    literal, an f-string over a report's states, or a name assigned just before."""
    source_dir = Path(__file__).resolve().parents[2] / "src" / "taizhang"
    found: set[str] = set()
    for path in source_dir.rglob("*.py"):
        text = path.read_text()
        for call in re.finditer(r"audit_record\(", text):
            window = text[call.end() : call.end() + 600]
            literal = re.search(r'action=(f?)"([^"]+)"', window[: window.find(")") + 200])
            named = re.search(r"action=action\b", window[:200])
            if named:
                before = text[max(0, call.start() - 400) : call.start()]
                assigned = before[before.rfind("action = ") :]
                found |= set(re.findall(r'"([a-z_.]+)"', assigned.splitlines()[0]))
            elif literal and literal.group(1):
                template = literal.group(2)
                assert template == "report.{state}", template
                found |= {
                    f"report.{state}" for state in (ReportState.ACCEPTED, ReportState.RETURNED)
                }
            elif literal:
                found.add(literal.group(2))
    return found


def test_every_action_the_code_records_has_a_name_and_is_offered() -> None:
    actions = recorded_actions()
    assert len(actions) >= 45 and {"ledger.publish", "account.deactivate"} <= actions
    missing = actions - set(ACTION_LABELS)
    assert not missing, f"name these in ledger.audit_log.ACTION_LABELS: {sorted(missing)}"
    assert set(audit_actions()) >= actions


def readable_trail(world: World) -> list[AuditEvent]:
    """Events of the kinds the office reads most, their details as the services write them."""
    AuditEvent.objects.all().delete()
    task = world.task(3)
    round_ = round_open(ledger=world.ledger, name="2026年3月", due_date=datetime.date(2026, 3, 25),
                        actor=world.office)  # fmt: skip
    unit = Unit.objects.get(name="水利局")
    report = report_submit(
        task=task, unit=unit, progress="已完成投资7500万元", status="in_progress", actor=world.water
    )
    AuditEvent.objects.all().delete()
    made = [
        ("task.edit", {"task": 3, "task_id": task.pk, "fields": ["deadline_text", "status"]}),
        ("figure.check", {"task": 3, "name": "年度完成投资", "verdict": "corrected",
                          "read": "7000", "actual": "7500.0000", "doubt": "approximate"}),
        ("round.remind", {"round": round_.pk, "units": [unit.pk], "message": ""}),
        ("report.accepted", {"report": report.pk, "comment": ""}),
        ("account.add", {"username": "slj", "role": "reporter", "units": ["水利局"],
                         "person": None}),
        ("ledger.joint_settings", {"prefix_unit_names": True, "joint_status": "least",
                                   "tasks": []}),
        ("unit.update", {"unit": unit.pk, "changes": {"phone": {"old": "", "new": "6633"}}}),
        ("lights.settings", {"before": {"warn_days": 30, "pace_margin": "10.0"},
                             "warn_days": 60, "pace_margin": "5"}),
        ("audit.export", {"since": "2026-03-01", "until": "", "user": "", "action": "round.open"}),
        ("token.create", {"prefix": "tz_abc", "user": "slj",
                          "expires_at": "2026-03-01T02:00:00+00:00"}),
        ("round.open", {"mystery_key": {"b": False, "a": 1}, "round": round_.pk}),
        ("report.submit", {"report": report.pk, "task": 3, "task_id": task.pk, "unit": "水利局",
                           "superseded": [], "carried_over": [4, 5]}),
        ("export.queue", {"job": 7, "format": "xlsx", "layout": "units",
                          "selection": {"light": "red", "status": "none", "unit": unit.pk,
                                        "due_from": "2026-01-01", "q": "供水"}}),
        ("notify_preferences_save", {"enabled": ["reminder:email", "task_red:sms", "odd"],
                                "email": "a@b.cn", "phone": ""}),
        ("unit.merge", {"unit": unit.pk, "name": "水务局", "into": unit.pk, "into_name": "水利局",
                        "moved": {"ledger.taskunit": 2, "ledger.unit.merged": 1}, "kept": {}}),
    ]  # fmt: skip
    return [
        AuditEvent.objects.create(
            at=at("2026-03-05"), actor=world.office, action=action, ledger=world.ledger, data=data
        )
        for action, data in made
    ]


def test_the_details_read_in_chinese_on_the_page_and_in_the_export(world: World) -> None:
    events = readable_trail(world)
    stored = [event.data for event in events]
    office = client_for(world, "office")
    response = office.get(PAGE)
    shown = {
        row["code"]: "；".join(f"{d.label}：{d.text}" for d in row["details"])
        for row in response.context["rows"]
    }
    goal = "第3项“" + world.task(3).goal[:10]
    assert shown["task.edit"].startswith(f"任务：{goal}")
    assert "修改的字段：完成时限、状态" in shown["task.edit"]
    assert shown["figure.check"].startswith(f"任务：{goal}")
    assert shown["figure.check"].endswith(
        "”；指标：年度完成投资；识别的完成数：7000；完成：7500；核实结论：更正完成数；"
        "存疑原因：数字为约数"
    )
    assert shown["round.remind"] == "报送轮次：2026年3月；单位：水利局；催办内容：—"
    assert shown["report.accepted"].startswith("进展报送：水利局在“2026年3月”的报送，第3项“")
    assert shown["account.add"] == ("用户名：slj；角色：责任单位填报人；单位：水利局；牵头领导：—")
    assert shown["ledger.joint_settings"] == (
        "进展前标注单位名称：是；多单位任务的状态：" + str(JointStatus.LEAST.label)
        + "；状态变化的任务（序号）：—"
    )  # fmt: skip
    assert shown["unit.update"] == "单位：水利局；修改：联系电话：— → 6633"
    assert shown["audit.export"] == "日期自：2026-03-01；日期至：—；用户：—；操作：开启报送轮次"
    assert "有效期至：2026-03-01 10:00" in shown["token.create"]
    # A key with no label still shows, as stored.
    assert shown["round.open"] == "报送轮次：2026年3月；mystery_key：a：1，b：否"
    assert shown["report.submit"].endswith("；被取代的报送：—；沿用的附件数：2；单位：水利局")
    assert shown["export.queue"] == (
        "后台任务编号：7；格式：xlsx；版式：按责任单位分文件（zip）；筛选条件：状态：未标状态，"
        "责任单位：水利局，完成时限自：2026-01-01，搜索：供水，灯色：红灯"
    )
    assert shown["notify_preferences_save"] == (
        "开启的通知：催办（电子邮件）、任务亮红灯（短信）、odd；电子邮箱：a@b.cn；手机号码：—"
    )
    assert shown["unit.merge"].endswith(
        "转移的记录：任务的责任单位 2、此前已并入的单位 1；保留的记录：—"
    )
    html = response.content.decode()
    assert "修改的字段：完成时限、状态" in html and '{"' not in html
    body = b"".join(office.get(EXPORT).streaming_content).decode()  # type: ignore[arg-type]
    rows = {row[3]: row[5] for row in csv.reader(io.StringIO(body.removeprefix("\ufeff")))}
    for code, text in shown.items():
        assert rows[code] == text, code
    # Read, never rewritten.
    kept = AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("id")
    assert [e.data for e in kept] == stored


def test_the_details_cost_the_same_queries_for_a_few_events_or_many(world: World) -> None:
    events = readable_trail(world)
    office = client_for(world, "office")
    office.get(PAGE)
    with CaptureQueriesContext(connection) as few:
        office.get(PAGE)
    AuditEvent.objects.bulk_create(
        AuditEvent(at=at("2026-03-04"), actor=e.actor, action=e.action, ledger=e.ledger,
                   data=e.data)
        for e in events * 4
    )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        response = office.get(PAGE)
    assert len(response.context["rows"]) == 50
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as exported:
        b"".join(office.get(EXPORT).streaming_content)  # type: ignore[arg-type]
    assert len(exported.captured_queries) <= len(few.captured_queries) + 4


def test_a_number_two_tasks_have_stays_a_number_and_a_sub_items_event_names_it(
    world: World,
) -> None:
    split = split_task_3(world)  # sub-items 3-1 and 3-2 have the numbers of tasks 1 and 2
    round_open(ledger=world.ledger, name="2026年3月", due_date=datetime.date(2026, 3, 25),
               actor=world.office)  # fmt: skip
    AuditEvent.objects.all().delete()
    report_submit(task=split.first, unit=Unit.objects.get(name="水利局"), progress="完成选址",
                  status="in_progress", actor=world.water)  # fmt: skip
    for data in ({"task": 999}, {"task": split.first.number}, {"task": 5}):  # number only
        audit_record(actor=world.office, action="comment.add", ledger=world.ledger, data=data)
    audit_record(actor=world.office, action="comment.add", data={"task": 5})
    shown = [row["details"] for row in client_for(world, "office").get(PAGE).context["rows"]]
    tasks = [d.text for details in shown for d in details if d.label == "任务"]
    assert tasks == [
        "第5项",  # no ledger to read it in
        "第5项“优化城乡教育资源布局，加快推进玉川路小学和天坛…”",  # one task has 5
        "第1项",  # task 1 and sub-item 3-1 both have 1: either
        "第999项",  # none has it
        "第3-1项“北部供水工程：完成管网铺设”",  # the report's own event: by its id
    ]


def test_the_admin_words_an_events_details(world: World) -> None:
    (event, *_rest) = readable_trail(world)
    model_admin = admin.site._registry[AuditEvent]
    assert model_admin.details(event).startswith("任务：第3项“")  # type: ignore[attr-defined]
    assert model_admin.action_name(event) == "修改任务"  # type: ignore[attr-defined]


def test_an_exports_layout_and_selection_read_in_chinese(world: World) -> None:
    # The walk of the audit page read 版式：ledger；selection：light：red (the export of a
    # selection, new today): the layout is its name on the export form, the selection each
    # filter by the ledger page's label, its unit and leader by name.
    AuditEvent.objects.all().delete()
    water = Unit.objects.get(name="水利局").pk
    leader = Person.objects.get(name="李拴根").pk
    selection = {"light": "red", "status": "lagging", "unit": water, "leader": leader,
                 "due_from": "2021-01-01", "due_to": "2021-12-31", "q": "供水"}  # fmt: skip
    for layout, chosen in (("units", selection), ("ledger", {})):
        audit_record(actor=world.office, action="export.queue", ledger=world.ledger,
                     data={"job": 7, "format": "xlsx", "round": None, "layout": layout,
                           "selection": chosen, "bulletin": None})  # fmt: skip
    office = client_for(world, "office")
    shown = [
        "；".join(f"{d.label}：{d.text}" for d in row["details"])
        for row in office.get(PAGE).context["rows"]
    ]
    assert shown == [
        "报送轮次：—；督查通报：—；后台任务编号：7；格式：xlsx；版式：台账；筛选条件：—",
        "报送轮次：—；督查通报：—；后台任务编号：7；格式：xlsx；版式：按责任单位分文件（zip）；"
        "筛选条件：状态：推进缓慢，责任单位：水利局，牵头领导：李拴根，完成时限自：2021-01-01，"
        "完成时限至：2021-12-31，搜索：供水，灯色：红灯",
    ]
    body = b"".join(office.get(EXPORT).streaming_content).decode()  # type: ignore[arg-type]
    assert "版式：按责任单位分文件（zip）；筛选条件：状态：推进缓慢，责任单位：水利局" in body
    assert "selection" not in body and "light" not in body


def test_a_reports_attachments_carried_over_read_in_chinese(world: World) -> None:
    # The walk read 单位：水利局；carried_over：— on each 报送进展 (the attachments a report
    # takes over from the one it supersedes, by id).
    AuditEvent.objects.all().delete()
    for carried in ([], [12, 13]):
        audit_record(actor=world.water, action="report.submit", ledger=world.ledger,
                     data={"task": 3, "unit": "水利局", "superseded": [],
                           "carried_over": carried})  # fmt: skip
    shown = [
        "；".join(f"{d.label}：{d.text}" for d in row["details"])
        for row in client_for(world, "office").get(PAGE).context["rows"]
    ]
    assert ["沿用的附件数：2" in shown[0], "沿用的附件数：0" in shown[1]] == [True, True]
    assert not any("carried_over" in text for text in shown)
