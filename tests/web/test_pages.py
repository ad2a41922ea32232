"""The web pages: what every role may and may not do, the reporting cycle, integrity and
security. Forbidden and missing answer alike (404)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from taizhang.ledger.errors import EditError
from taizhang.ledger.models import AuditEvent, Ledger, Task
from taizhang.ledger.services import task_update
from taizhang.reporting import services
from taizhang.reporting.models import Comment, Report, ReportState, Round
from tests.conftest import SEED
from tests.factories import PASSWORD, World, client_for

pytestmark = pytest.mark.django_db
ROLES = ["office", "water", "health", "leader", "viewer", "anonymous"]


def open_round(world: World, name: str = "2021年11月") -> Round:
    return services.round_open(
        ledger=world.ledger,
        name=name,
        due_date=datetime.date(2021, 11, 25),
        actor=world.office,
    )


def submit(world: World, number: int = 3, user: User | None = None) -> Report:
    task = world.task(number)
    return services.report_submit(
        task=task,
        unit=task.units.first(),  # type: ignore[arg-type]
        actor=user or world.water,
        progress="北部供水工程已开工。",
        status="in_progress",
    )


def expect(status: dict[str, int], role: str) -> int:
    return status.get(role, 404)


# --- who may open which page -----------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_read_pages_by_role(world: World, role: str) -> None:
    client = client_for(world, role)
    pages = {
        reverse("web:home"): dict.fromkeys(ROLES[:-1], 200) | {"anonymous": 302},
        reverse("web:ledger_detail", args=[world.ledger.pk]): dict.fromkeys(ROLES[:-1], 200)
        | {"anonymous": 302},
        reverse("web:my_tasks", args=[world.ledger.pk]): {
            "water": 200,
            "health": 200,
            "anonymous": 302,
        },
        reverse("web:rounds", args=[world.ledger.pk]): {"office": 200, "anonymous": 302},
        reverse("web:review"): {"office": 200, "anonymous": 302},
        reverse("web:ledger_upload"): {"office": 200, "anonymous": 302},
        reverse("web:ledger_export", args=[world.ledger.pk, "json"]): {
            "office": 200,
            "water": 200,  # a reporter exports its own tasks
            "health": 200,
            "anonymous": 302,
        },
        reverse("web:task_detail", args=[world.task(3).pk]): {
            "office": 200,
            "water": 200,
            "viewer": 200,
            "anonymous": 302,
        },
        reverse("web:task_detail", args=[world.task(8).pk]): {
            "office": 200,
            "leader": 200,
            "viewer": 200,
            "anonymous": 302,
        },
        reverse("web:task_detail", args=[999999]): {"anonymous": 302},
    }
    for url, status in pages.items():
        assert client.get(url).status_code == expect(status, role), url


@pytest.mark.parametrize("role", ROLES)
def test_a_reporter_sees_only_its_units_tasks_on_the_ledger_page(world: World, role: str) -> None:
    response = client_for(world, role).get(reverse("web:ledger_detail", args=[world.ledger.pk]))
    if role == "anonymous":
        assert response.status_code == 302
        return
    numbers = sorted(row.number for row in response.context["rows"])
    expected = {
        "water": [3, 9],
        "health": [1, 2, 16],
        "leader": [4, 8, 9, 10, 11, 12],
    }.get(role, list(range(1, 17)))
    assert numbers == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_a_reporter_of_the_tasks_unit_may_report(world: World, role: str) -> None:
    open_round(world)
    url = reverse("web:report_submit", args=[world.task(3).pk])
    response = client_for(world, role).post(url, {"progress": "已开工", "status": "in_progress"})
    assert response.status_code == {"water": 302, "anonymous": 302}.get(role, 404)
    assert Report.objects.count() == (1 if role == "water" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_tasks_leader_may_comment(world: World, role: str) -> None:
    url = reverse("web:comment_add", args=[world.task(8).pk])
    response = client_for(world, role).post(url, {"text": "请加快进度，月底前全部开工。"})
    assert response.status_code == {"leader": 302, "anonymous": 302}.get(role, 404)
    assert Comment.objects.count() == (1 if role == "leader" else 0)


def test_a_leader_cannot_comment_on_a_task_of_another_leader(world: World) -> None:
    url = reverse("web:comment_add", args=[world.task(1).pk])
    assert client_for(world, "leader").post(url, {"text": "x"}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_the_office_reviews_edits_and_runs_rounds(world: World, role: str) -> None:
    open_round(world)
    report = submit(world)
    client = client_for(world, role)
    task = world.task(3)
    posts = [
        (reverse("web:report_accept", args=[report.pk]), {"confirm": "1"}),
        (
            reverse("web:task_edit", args=[task.pk]),
            {"version": task.version, "goal": "改", "status": ""},
        ),
        (reverse("web:round_close", args=[Round.objects.get().pk]), {"confirm": "1"}),
        (
            reverse("web:rounds", args=[world.ledger.pk]),
            {"name": "2021年12月", "due_date": "2021-12-25"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == {"office": 302, "anonymous": 302}.get(role, 404), url
    report.refresh_from_db()
    assert (report.state == ReportState.ACCEPTED) == (role == "office")


# --- the cycle -------------------------------------------------------------------------------


def test_the_whole_cycle_open_report_accept_shows_on_the_ledger(world: World) -> None:
    office, water = client_for(world, "office"), client_for(world, "water")
    response = office.post(
        reverse("web:rounds", args=[world.ledger.pk]),
        {"name": "2021年11月", "due_date": "2021-11-25"},
    )
    assert response.status_code == 302 and Round.objects.get().is_open
    rounds_page = office.get(reverse("web:rounds", args=[world.ledger.pk])).content.decode()
    assert "水利局" in rounds_page and "卫健委" in rounds_page  # nobody has reported yet
    task = world.task(3)
    photo = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(100))
    photo.name = "现场.png"
    water.post(
        reverse("web:report_submit", args=[task.pk]),
        {
            "progress": "北部供水工程已全面开工，完成投资3000万元。",
            "status": "in_progress",
            "attachments": photo,
        },
    )
    report = Report.objects.get()
    assert report.attachments.get().content_type == "image/png"
    queue = office.get(reverse("web:review")).content.decode()
    assert "北部供水工程已全面开工" in queue and "<ins>" in queue
    office.post(reverse("web:report_accept", args=[report.pk]), {"comment": "同意", "confirm": "1"})
    page = office.get(reverse("web:ledger_detail", args=[world.ledger.pk])).content.decode()
    assert "北部供水工程已全面开工，完成投资3000万元。" in page
    task.refresh_from_db()
    assert task.version == 2 and task.revisions.last().source == "report"  # type: ignore[union-attr]
    missing = office.get(reverse("web:rounds", args=[world.ledger.pk])).context["missing"]
    assert "水利局" in [u.name for u in missing]  # it serves task 9 too, not reported yet
    office.post(reverse("web:round_close", args=[Round.objects.get().pk]), {"confirm": "1"})
    round_ = Round.objects.get()
    assert round_.snapshot is not None
    snapshot = office.get(reverse("web:round_snapshot", args=[round_.pk])).content.decode()
    assert "完成投资3000万元" in snapshot
    exported = office.get(
        reverse("web:ledger_export", args=[world.ledger.pk, "json"]) + f"?round={round_.pk}"
    )
    assert "完成投资3000万元" in exported.content.decode()


def test_a_returned_report_keeps_its_comment_and_changes_nothing(world: World) -> None:
    open_round(world)
    report = submit(world)
    office = client_for(world, "office")
    office.post(reverse("web:report_return", args=[report.pk]), {"comment": "请补充投资完成情况"})
    report.refresh_from_db()
    assert (report.state, report.review_comment) == ("returned", "请补充投资完成情况")
    assert world.task(3).version == 1
    page = client_for(world, "water").get(reverse("web:task_detail", args=[world.task(3).pk]))
    assert "请补充投资完成情况" in page.content.decode()


def test_a_return_without_a_comment_names_the_task_and_changes_nothing(world: World) -> None:
    # The queue lists several reports; the message stands above them all.
    open_round(world)
    report = submit(world)
    office = client_for(world, "office")
    url = reverse("web:report_return", args=[report.pk])
    response = office.post(url, {"comment": "  "}, follow=True)
    said = [str(m) for m in response.context["messages"]]
    assert said == ["任务 3：退回时请填写意见"]
    report.refresh_from_db()
    assert report.state == "submitted" and report.review_comment == ""


def test_reporting_without_an_open_round_is_refused_with_a_message(world: World) -> None:
    water = client_for(world, "water")
    response = water.post(
        reverse("web:report_submit", args=[world.task(3).pk]),
        {"progress": "x", "status": "in_progress"},
        follow=True,
    )
    assert "当前没有开放的报送轮次" in response.content.decode() and Report.objects.count() == 0


def test_an_attachment_that_is_not_a_photo_or_pdf_is_refused_by_content(world: World) -> None:
    open_round(world)
    fake = io.BytesIO(b"MZ\x90\x00 this is an exe")
    fake.name = "photo.jpg"
    response = client_for(world, "water").post(
        reverse("web:report_submit", args=[world.task(3).pk]),
        {"progress": "已开工", "status": "in_progress", "attachments": fake},
        follow=True,
    )
    assert "不是照片" in response.content.decode() and Report.objects.count() == 0


def test_attachments_are_served_only_to_who_may_see_the_task(world: World) -> None:
    open_round(world)
    pdf = io.BytesIO(b"%PDF-1.4 test")
    pdf.name = "a.pdf"
    client_for(world, "water").post(
        reverse("web:report_submit", args=[world.task(3).pk]),
        {"progress": "已开工", "status": "in_progress", "attachments": pdf},
    )
    url = reverse("web:attachment", args=[Report.objects.get().attachments.get().pk])
    assert client_for(world, "office").get(url).status_code == 200
    assert client_for(world, "health").get(url).status_code == 404


def test_the_timeline_shows_who_when_status_change_and_what_changed(world: World) -> None:
    open_round(world)
    report = submit(world)
    services.report_accept(report=report, actor=world.office)
    services.comment_add(task=world.task(3), actor=world.office, text="抓紧推进")
    page = client_for(world, "office").get(reverse("web:task_detail", args=[world.task(3).pk]))
    kinds = [entry.kind for entry in page.context["timeline"]]
    assert (
        kinds.count("report") == 1 and kinds.count("comment") == 1 and kinds.count("revision") == 2
    )
    html = page.content.decode()
    assert (
        "水利局填报员" in html
        and "slj" not in html
        and "已采纳" in html
        and "<del>" in html
        and "<ins>" in html
    )


def test_pages_of_tasks_and_reports_never_read_a_rounds_snapshot(world: World) -> None:
    """A closed round's snapshot is the whole ledger (megabytes at 10,000 tasks): the task
    page, the review page and the rounds page must not load one per report or round."""
    first = open_round(world)
    services.report_accept(report=submit(world), actor=world.office)
    services.round_close(round_=first, actor=world.office)
    open_round(world, name="2021年12月")
    submit(world)
    pages = [
        ("office", reverse("web:task_detail", args=[world.task(3).pk])),
        ("water", reverse("web:task_detail", args=[world.task(3).pk])),
        ("office", reverse("web:review")),
        ("office", reverse("web:rounds", args=[world.ledger.pk])),
        ("water", reverse("web:home")),
        ("office", "/api/reports"),  # the API, signed in by session
    ]
    for role, url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(world, role).get(url).status_code == 200
        selected = [q["sql"].split(" FROM ", 1)[0] for q in queries]
        read = [sql for sql in selected if '."snapshot"' in sql]  # any alias of a round
        assert not read, (url, read[0][:200])


# --- ledger management --------------------------------------------------------------------------


def test_upload_preview_then_confirm_imports_the_ledger(db: None) -> None:
    office = User.objects.create_superuser("boss", password=PASSWORD)
    client = Client()
    client.force_login(office)
    with SEED.open("rb") as handle:
        preview = client.post(reverse("web:ledger_upload"), {"file": handle})
    assert preview.status_code == 200 and "16 项任务" in preview.content.decode()
    assert Ledger.objects.count() == 0  # nothing stored before confirming
    response = client.post(
        reverse("web:ledger_upload_confirm"), {"token": preview.context["token"]}
    )
    ledger = Ledger.objects.get()
    assert response.status_code == 302 and ledger.tasks.count() == 16
    assert AuditEvent.objects.filter(action="ledger.import", actor=office).exists()


def test_a_bad_upload_shows_the_reason_and_stores_nothing(db: None) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password=PASSWORD))
    bad = io.BytesIO(b"\x00\x01\x02 not a ledger")
    bad.name = "bad.txt"
    response = client.post(reverse("web:ledger_upload"), {"file": bad})
    assert "bad.txt" in response.content.decode() and "不是文本文件" in response.content.decode()
    assert Ledger.objects.count() == 0
    assert client.post(reverse("web:ledger_upload_confirm")).status_code == 302
    assert Ledger.objects.count() == 0


# --- integrity ---------------------------------------------------------------------------------


def test_a_second_edit_of_the_same_version_is_refused_and_the_first_kept(world: World) -> None:
    task = world.task(3)
    office = client_for(world, "office")
    url = reverse("web:task_edit", args=[task.pk])
    form = {
        "version": task.version,
        "goal": task.goal,
        "progress": "第一人的修改",
        "status": "in_progress",
    }
    office.post(url, form)
    response = office.post(url, form | {"progress": "第二人的修改"}, follow=True)
    assert "已被他人修改" in response.content.decode()
    task.refresh_from_db()
    assert (task.progress, task.version) == ("第一人的修改", 2)


# --- security -----------------------------------------------------------------------------------


def test_free_text_is_escaped(world: World) -> None:
    Task.objects.filter(pk=world.task(3).pk).update(progress="<script>alert(1)</script>")
    for url in (
        reverse("web:ledger_detail", args=[world.ledger.pk]),
        reverse("web:task_detail", args=[world.task(3).pk]),
    ):
        html = client_for(world, "office").get(url).content.decode()
        assert (
            "<script>alert(1)</script>" not in html
            and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        )


def test_pages_carry_a_strict_content_security_policy(world: World) -> None:
    response = client_for(world, "office").get(reverse("web:home"))
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"


def test_a_post_without_the_csrf_token_is_refused(world: World) -> None:
    client = client_for(world, "leader", enforce_csrf_checks=True)
    response = client.post(reverse("web:comment_add", args=[world.task(8).pk]), {"text": "x"})
    assert response.status_code == 403 and Comment.objects.count() == 0


def test_sign_in_is_throttled_after_repeated_failures(world: World) -> None:
    import time_machine

    client = Client()
    for _ in range(5):
        client.post(reverse("web:login"), {"username": "slj", "password": "wrong"})
    response = client.post(reverse("web:login"), {"username": "slj", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The try while waiting counted too: the wait is now 2 minutes, not 1.
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("web:login"), {"username": "slj", "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(world.water.pk)


# --- performance --------------------------------------------------------------------------------


def test_the_ledger_page_costs_the_same_queries_for_any_size(world: World) -> None:
    from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
    from taizhang.ledger.services import ledger_import

    big = LedgerDoc(title="2021年大台账", year=2021)
    big.categories = [CategoryDoc(number=c, name=f"分类{c}") for c in range(1, 11)]
    for n in range(1, 301):
        big.categories[n % 10].tasks.append(
            TaskDoc(
                number=n,
                goal=f"任务{n}",
                leaders=["谭江", "侯波"],
                units=[UnitRef("水利局"), UnitRef("卫健委")],
            )
        )
    large = ledger_import(doc=big).ledger
    client = client_for(world, "office")
    counts = []
    for ledger in (world.ledger, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("web:ledger_detail", args=[ledger.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_review_diff_marks_whole_clauses() -> None:
    from taizhang.reporting.selectors import text_diff

    old = "环评已完成，正在招标。"
    new = "环评已完成，招标已完成，已开工。"
    assert text_diff(old, new) == [
        ("", "环评已完成，"),
        ("del", "正在招标。"),
        ("ins", "招标已完成，已开工。"),
    ]
    assert text_diff("", "新进展。") == [("ins", "新进展。")]
    assert text_diff("同样。", "同样。") == [("", "同样。")]


def test_a_report_may_carry_figures_shown_on_the_timeline(world: World) -> None:
    open_round(world)
    water = client_for(world, "water")
    url = reverse("web:report_submit", args=[world.task(3).pk])
    water.post(
        url,
        {
            "progress": "已完成投资7000万元。",
            "status": "in_progress",
            "figures": "完成投资 7000 万元\n\n管线：9000 米",
        },
    )
    assert Report.objects.get().figures == [
        {"name": "完成投资", "value": 7000.0, "unit": "万元"},
        {"name": "管线", "value": 9000.0, "unit": "米"},
    ]
    page = client_for(world, "office").get(reverse("web:task_detail", args=[world.task(3).pk]))
    assert "完成投资：7000万元" in page.content.decode()


def test_confirm_imports_the_file_of_its_own_preview(db: None, tmp_path: Any) -> None:
    client = Client()
    client.force_login(User.objects.create_superuser("boss", password=PASSWORD))
    with SEED.open("rb") as handle:
        first = client.post(reverse("web:ledger_upload"), {"file": handle})
    other = SEED.read_text(encoding="utf-8").replace("2021年济源", "2021年另一个")
    second_file = tmp_path / "other.txt"
    second_file.write_text(other, encoding="utf-8")
    with second_file.open("rb") as handle:
        client.post(reverse("web:ledger_upload"), {"file": handle})
    client.post(reverse("web:ledger_upload_confirm"), {"token": first.context["token"]})
    assert list(Ledger.objects.values_list("title", flat=True)) == [
        "2021年济源十件重点民生实事工作台账"
    ]
    forged = client.post(reverse("web:ledger_upload_confirm"), {"token": "../../etc/passwd"})
    assert forged.status_code == 302 and Ledger.objects.count() == 1


def test_a_newer_report_replaces_the_units_pending_one(world: World) -> None:
    open_round(world)
    older = submit(world)
    newer = submit(world)
    older.refresh_from_db()
    assert older.state == "superseded" and newer.state == "submitted"
    with pytest.raises(services.ReportingError):
        services.report_accept(report=older, actor=world.office)
    review = client_for(world, "office").get(reverse("web:review"))
    assert [r.pk for r, _, _ in review.context["reports"]] == [newer.pk]


def test_editing_the_deadline_text_moves_the_deadline_and_milestones(world: World) -> None:
    task = world.task(3)
    task_update(
        task=task,
        version=task.version,
        actor=world.office,
        values={"deadline_text": "2022年3月底前完成前期，2022年6月底前开工"},
    )
    task.refresh_from_db()
    assert task.deadline == datetime.date(2022, 6, 30)
    assert [m.date.isoformat() for m in task.milestones.all()] == ["2022-03-31", "2022-06-30"]
    change = task.revisions.last().changes  # type: ignore[union-attr]
    assert change["deadline"] == {"old": "2021-12-31", "new": "2022-06-30"}


def test_a_blank_goal_is_refused(world: World) -> None:
    task = world.task(3)
    with pytest.raises(EditError, match="不能为空"):
        task_update(task=task, version=task.version, actor=world.office, values={"goal": " "})


def test_an_export_of_a_malformed_round_is_404(world: World) -> None:
    url = reverse("web:ledger_export", args=[world.ledger.pk, "json"]) + "?round=x"
    assert client_for(world, "office").get(url).status_code == 404


def test_sign_in_throttling_counts_the_client_behind_the_proxy_and_normalised_names(
    world: World,
) -> None:
    for _ in range(5):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.0.0.9").post(
            reverse("web:login"), {"username": "someone", "password": "wrong"}
        )
    other_client = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.0.0.10")
    response = other_client.post(reverse("web:login"), {"username": "slj", "password": PASSWORD})
    assert response.status_code == 302  # another address behind the same proxy is not locked out
    for _ in range(5):
        Client().post(reverse("web:login"), {"username": " ｓｌｊ ", "password": "wrong"})
    response = Client().post(reverse("web:login"), {"username": "slj", "password": PASSWORD})
    assert "登录失败次数过多" in response.content.decode()


def test_a_leader_account_without_a_person_sees_nothing(world: World) -> None:
    from taizhang.accounts.models import Role
    from taizhang.accounts.services import account_create

    lost = account_create(username="nobody", password=PASSWORD, role=Role.LEADER)
    client = Client()
    client.force_login(lost)
    page = client.get(reverse("web:ledger_detail", args=[world.ledger.pk]))
    assert list(page.context["page"]) == []


def test_the_public_page_shows_the_status_word_not_the_remarks_after_it(world: World) -> None:
    Task.objects.filter(pk=world.task(8).pk).update(status_label="推进缓慢，区财政资金未拨付到位")
    office = client_for(world, "office")
    office.post(reverse("web:publish", args=[world.ledger.pk]), {"confirm": "1"})
    html = Client().get(reverse("web:public_ledger", args=[world.ledger.pk])).content.decode()
    assert "推进缓慢" in html and "财政资金未拨付" not in html


def test_revisions_are_summarised_in_words() -> None:
    from taizhang.web.templatetags.taizhang import revision_summary

    created = {"goal": {"old": None, "new": "x"}, "progress": {"old": None, "new": "y"}}
    assert revision_summary(created) == "新增任务"
    assert (
        revision_summary({"removed": {"old": False, "new": True}})
        == "新版台账中已无此任务，标记为移除"
    )
    changed = {
        "progress": {"old": "a", "new": "b"},
        "status": {"old": "in_progress", "new": "completed"},
        "status_label": {"old": "正在推进", "new": "已完成"},
    }
    assert revision_summary(changed) == "进展情况、状态、状态原文"


def test_the_tab_title_names_the_product_in_chinese_or_the_configured_site(
    world: World, settings: Any
) -> None:
    office = client_for(world, "office")
    html = office.get(reverse("web:home")).content.decode()
    assert "<title>待办 · 重点工作台账</title>" in html and "Taizhang<" not in html
    settings.TAIZHANG_SITE_NAME = "济源市重点工作台账"
    html = office.get(reverse("web:home")).content.decode()
    assert "<title>待办 · 济源市重点工作台账</title>" in html
    assert ">济源市重点工作台账</a>" in html


def test_the_task_history_names_the_office_not_its_login(world: World) -> None:
    from taizhang.ledger.models import TaskRevision

    task = world.task(3)
    TaskRevision.objects.filter(task=task).update(actor=world.office)
    html = client_for(world, "office").get(reverse("web:task_detail", args=[task.pk])).content
    text = html.decode()
    assert "· 督查室" in text
    assert f"· {world.office.get_username()}<" not in text
    assert f"· {world.office.get_username()} " not in text
