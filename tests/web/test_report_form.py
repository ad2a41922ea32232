"""The report form keeps everything a reporter types: a refused form comes back with what was
posted and the files chosen, figures are read as people write them, drafts (暂存) are there
on any device, a returned report opens with its own text and the office's comment."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.ledger.models import AuditEvent, Unit
from taizhang.reporting import services
from taizhang.reporting.models import HeldFile, Report, ReportDraft
from tests.factories import PASSWORD, World, client_for, signed_in
from tests.web.test_pages import open_round

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2021, 11, 20, 2, 30, tzinfo=datetime.UTC)  # 10:30 in Shanghai


def photo(name: str = "现场.png") -> io.BytesIO:
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(100))
    upload.name = name
    return upload


def fake(name: str = "photo.jpg") -> io.BytesIO:
    upload = io.BytesIO(b"MZ\x90\x00 this is an exe")
    upload.name = name
    return upload


def report_url(world: World, number: int = 3) -> str:
    return reverse("web:report_submit", args=[world.task(number).pk])


def two_unit_reporter(world: World) -> User:
    """A reporter of 水利局 and 住建局: both serve task 9."""
    return account_create(
        username="two",
        password=PASSWORD,
        role=Role.REPORTER,
        units=list(Unit.objects.filter(name__in=["水利局", "住建局"])),
    )


# --- a refused form keeps everything ----------------------------------------------------------


def test_a_refused_form_comes_back_with_what_was_posted_and_the_error_beside_its_field(
    world: World,
) -> None:
    open_round(world)
    posted = {"progress": "", "status": "completed", "figures": "河道清淤约3公里"}
    response = client_for(world, "water").post(report_url(world), posted)
    assert response.status_code == 400 and Report.objects.count() == 0
    form = response.context["panel"].form
    assert form["status"].value() == "completed" and form["figures"].value() == "河道清淤约3公里"
    html = response.content.decode()
    assert "河道清淤约3公里" in html and "这个字段是必填项" in html
    assert world.task(3).progress not in html.split('id="report-form')[1]  # not the old text
    # The field refused is focused (the browser scrolls to it), and only that one.
    assert re.search(r'<textarea name="progress"[^>]* autofocus', html)
    assert html.count(" autofocus") == 1


def test_a_refused_form_keeps_the_chosen_files_and_sends_them_with_the_report(
    world: World,
) -> None:
    open_round(world)
    water = client_for(world, "water")
    refused = water.post(
        report_url(world), {"progress": "", "status": "in_progress", "attachments": photo()}
    )
    assert refused.status_code == 400
    [held] = HeldFile.objects.all()
    assert held.name == "现场.png" and held.owner == world.water
    assert "现场.png" in refused.content.decode() and "移除" in refused.content.decode()
    water.post(report_url(world), {"progress": "已开工", "status": "in_progress"})
    report = Report.objects.get()
    assert [a.name for a in report.attachments.all()] == ["现场.png"]
    assert HeldFile.objects.count() == 0


def test_a_held_file_ticked_remove_is_dropped_and_the_rest_kept(world: World) -> None:
    open_round(world)
    water = client_for(world, "water")
    water.post(
        report_url(world),
        {"progress": "", "status": "in_progress", "attachments": [photo("a.png"), photo("b.png")]},
    )
    first = HeldFile.objects.get(name="a.png")
    posted = {"progress": "写了一半", "status": "in_progress", "drop": [first.pk], "action": "drop"}
    response = water.post(report_url(world), posted)
    assert response.status_code == 200
    assert list(HeldFile.objects.values_list("name", flat=True)) == ["b.png"]
    assert response.context["panel"].form["progress"].value() == "写了一半"
    assert AuditEvent.objects.filter(action="report.file_drop").exists()


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_beside_the_field_and_others_kept(
    world: World,
) -> None:
    open_round(world)
    response = client_for(world, "water").post(
        report_url(world),
        {"progress": "已开工", "status": "in_progress", "attachments": [fake(), photo()]},
    )
    assert response.status_code == 400 and Report.objects.count() == 0
    assert "不是照片" in response.content.decode()
    assert list(HeldFile.objects.values_list("name", flat=True)) == ["现场.png"]
    # The file field is focused, so the browser scrolls to its error (on a phone it was a
    # screen below the top, and the report seemed sent).
    assert re.search(
        r'<input type="file" name="attachments"[^>]* aria-invalid="true" autofocus>',
        response.content.decode(),
    )


def test_a_service_refusal_keeps_everything_too(world: World) -> None:
    water = client_for(world, "water")  # no open round
    response = water.post(
        report_url(world),
        {"progress": "北部供水工程已开工", "status": "in_progress", "attachments": photo()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "当前没有开放的报送轮次" in html and "北部供水工程已开工" in html
    assert HeldFile.objects.count() == 1


def test_a_refused_form_on_the_my_tasks_page_comes_back_on_that_page(world: World) -> None:
    open_round(world)
    mine = reverse("web:my_tasks", args=[world.ledger.pk])
    response = client_for(world, "water").post(
        report_url(world), {"progress": "", "status": "in_progress", "next": mine, "page": "mine"}
    )
    assert response.status_code == 400
    assert [t.number for t, _ in response.context["rows"]] == [3, 9]
    assert "这个字段是必填项" in response.content.decode()


def test_a_reporter_with_two_units_serving_a_task_must_choose_one(world: World) -> None:
    open_round(world)
    client = signed_in(two_unit_reporter(world))
    page = client.get(reverse("web:task_detail", args=[world.task(9).pk])).content.decode()
    assert 'name="unit"' in page and "请选择报送单位" in page and "<select" in page
    posted = {"progress": "已开工", "status": "in_progress", "attachments": photo()}
    response = client.post(report_url(world, 9), posted)
    assert response.status_code == 400 and Report.objects.count() == 0
    html = response.content.decode()
    assert "您属于多个责任单位，请选择报送单位" in html and "已开工" in html
    assert "请先选择报送单位" in html  # the file could not be held without a unit
    water = Unit.objects.get(name="水利局")
    client.post(report_url(world, 9), posted | {"unit": water.pk, "attachments": photo()})
    assert Report.objects.get().unit == water


def test_a_reporter_with_one_unit_gets_no_unit_select(world: World) -> None:
    open_round(world)
    page = client_for(world, "water").get(reverse("web:task_detail", args=[world.task(3).pk]))
    html = page.content.decode()
    assert '<select name="unit"' not in html and 'type="hidden" name="unit"' in html


def test_a_unit_not_the_reporters_is_refused_beside_the_unit_field(world: World) -> None:
    open_round(world)
    other = Unit.objects.get(name="住建局")
    response = client_for(world, "water").post(
        report_url(world, 9), {"progress": "已开工", "status": "in_progress", "unit": other.pk}
    )
    assert (
        response.status_code == 400 and "您不能代表该单位报送这项任务" in response.content.decode()
    )
    assert Report.objects.count() == 0


# --- figures as people write them -------------------------------------------------------------


def test_figures_are_read_as_people_write_them(world: World) -> None:
    open_round(world)
    client_for(world, "water").post(
        report_url(world),
        {
            "progress": "已完成投资8200万元。",
            "status": "in_progress",
            "figures": "投资8200万元，完成年度计划的91%\n河道清淤约3公里\n完成投资 1,200 万元",
        },
    )
    assert Report.objects.get().figures == [
        {"name": "投资", "value": 8200.0, "unit": "万元"},
        {"name": "完成年度计划", "value": 91.0, "unit": "%"},
        {"name": "河道清淤", "value": 3.0, "unit": "公里"},
        {"name": "完成投资", "value": 1200.0, "unit": "万元"},
    ]


def test_a_line_that_cannot_be_read_is_kept_as_text_and_said_so(world: World) -> None:
    open_round(world)
    response = client_for(world, "water").post(
        report_url(world),
        {
            "progress": "已开工。",
            "status": "in_progress",
            "figures": "完成投资１２００万元\n进度很快",
        },
        follow=True,
    )
    report = Report.objects.get()
    assert report.figures == [{"name": "完成投资", "value": 1200.0, "unit": "万元"}]
    assert report.progress == "已开工。\n进度很快"
    assert "第2行未能识别为数据，已作为文字保留" in response.content.decode()
    # Told as a warning (amber), not in the green of the report sent.
    levels = {str(m): m.level_tag for m in response.context["messages"]}
    assert levels["已报送，等待督查室审核"] == "success"
    assert levels["第2行未能识别为数据，已作为文字保留（附在进展情况之后）"] == "warning"


def test_a_refused_form_says_beside_the_figures_which_line_is_kept_as_text(world: World) -> None:
    open_round(world)
    response = client_for(world, "water").post(
        report_url(world), {"progress": "", "status": "in_progress", "figures": "完成 很多"}
    )
    assert "第1行未能识别为数据，已作为文字保留" in response.content.decode()


# --- drafts -----------------------------------------------------------------------------------


def test_a_draft_is_there_in_another_session_of_the_same_user(world: World) -> None:
    open_round(world)
    with time_machine.travel(NOON, tick=False):
        response = client_for(world, "water").post(
            report_url(world),
            {
                "progress": "写了一半的进展",
                "status": "completed",
                "figures": "河道清淤约3公里",
                "action": "draft",
                "attachments": photo(),
            },
        )
    assert response.status_code == 302 and Report.objects.count() == 0
    page = client_for(world, "water").get(reverse("web:task_detail", args=[world.task(3).pk]))
    form = page.context["panel"].form
    assert form["progress"].value() == "写了一半的进展"
    assert form["status"].value() == "completed" and form["figures"].value() == "河道清淤约3公里"
    html = page.content.decode()
    assert "已暂存（2021-11-20 10:30）" in html and "现场.png" in html
    mine = client_for(world, "water").get(reverse("web:my_tasks", args=[world.ledger.pk]))
    assert "写了一半的进展" in mine.content.decode()


def test_a_draft_may_be_half_written_and_sending_removes_it(world: World) -> None:
    open_round(world)
    water = client_for(world, "water")
    water.post(report_url(world), {"progress": "", "status": "", "action": "draft"})
    assert ReportDraft.objects.get().progress == ""
    water.post(report_url(world), {"progress": "已开工", "status": "in_progress"})
    assert ReportDraft.objects.count() == 0 and Report.objects.count() == 1


def test_another_reporter_of_another_unit_does_not_see_the_draft(world: World) -> None:
    open_round(world)
    client_for(world, "water").post(
        report_url(world, 9), {"progress": "水利局的草稿", "status": "", "action": "draft"}
    )
    client = signed_in(
        account_create(
            username="zjj",
            password=PASSWORD,
            role=Role.REPORTER,
            units=[Unit.objects.get(name="住建局")],
        )
    )
    page = client.get(reverse("web:task_detail", args=[world.task(9).pk])).content.decode()
    assert "水利局的草稿" not in page


# --- returned reports -------------------------------------------------------------------------


def returned(world: World) -> Report:
    open_round(world)
    report = services.report_submit(
        task=world.task(3),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已开工，完成投资3000万元。",
        status="in_progress",
        figures=[{"name": "完成投资", "value": 3000.0, "unit": "万元"}],
    )
    return services.report_return(report=report, actor=world.office, comment="请补充管网数据")


def test_a_returned_report_opens_with_its_own_text_and_the_comment_above(world: World) -> None:
    returned(world)
    page = client_for(world, "water").get(reverse("web:task_detail", args=[world.task(3).pk]))
    form = page.context["panel"].form
    assert form["progress"].value() == "北部供水工程已开工，完成投资3000万元。"
    assert form["figures"].value() == "完成投资 3000 万元"
    html = page.content.decode()
    assert "督查室退回意见" in html and "请补充管网数据" in html
    assert html.index("请补充管网数据") < html.index('id="report-form')


def test_returned_reports_come_first_on_the_my_tasks_page(world: World) -> None:
    open_round(world)
    report = services.report_submit(
        task=world.task(9),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="已开工",
        status="in_progress",
    )
    services.report_return(report=report, actor=world.office, comment="数据不全")
    page = client_for(world, "water").get(reverse("web:my_tasks", args=[world.ledger.pk]))
    assert [t.number for t, _ in page.context["rows"]] == [9, 3]
    assert "数据不全" in page.content.decode()


def test_the_home_page_lists_the_reporters_returned_reports(world: World) -> None:
    returned(world)
    html = client_for(world, "water").get(reverse("web:home")).content.decode()
    assert "被退回的报送" in html and "请补充管网数据" in html
    assert (
        "被退回的报送" not in client_for(world, "health").get(reverse("web:home")).content.decode()
    )


def test_the_my_tasks_page_costs_the_same_queries_with_drafts_and_returns(
    world: World, django_assert_max_num_queries: Any
) -> None:
    returned(world)
    water = client_for(world, "water")
    water.get(reverse("web:my_tasks", args=[world.ledger.pk]))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        water.get(reverse("web:my_tasks", args=[world.ledger.pk]))
    for number in (3, 9):
        water.post(
            report_url(world, number),
            {"progress": "草稿", "status": "", "action": "draft", "attachments": photo()},
        )
    with CaptureQueriesContext(connection) as after:
        water.get(reverse("web:my_tasks", args=[world.ledger.pk]))
    assert len(after) == len(before)


# --- a sent report is shown as sent, read-only until returned ---------------------------------


def sent(world: World) -> Report:
    open_round(world)
    return services.report_submit(
        task=world.task(3),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="北部供水工程已开工，完成投资3000万元。",
        status="in_progress",
        figures=[{"name": "完成投资", "value": 3000.0, "unit": "万元"}],
    )


def test_a_sent_report_is_shown_waiting_for_review_with_its_text_and_no_form(
    world: World,
) -> None:
    report = sent(world)
    water = client_for(world, "water")
    for url in (
        reverse("web:task_detail", args=[world.task(3).pk]),
        reverse("web:my_tasks", args=[world.ledger.pk]),
    ):
        html = water.get(url).content.decode()
        block = html.split(f'id="sent-{world.task(3).pk}"', 1)[1].split("</div>", 1)[0]
        assert "已报送，待审核" in block, url
        assert report.progress in block and "完成投资 3000 万元" in block, url
        assert f'id="report-form-{world.task(3).pk}"' not in html, url
    page = water.get(reverse("web:task_detail", args=[world.task(3).pk]))
    assert page.context["panel"].sent == report


def test_an_accepted_report_is_shown_accepted_and_a_returned_one_opens_the_form(
    world: World,
) -> None:
    report = sent(world)
    water = client_for(world, "water")
    url = reverse("web:task_detail", args=[world.task(3).pk])
    services.report_return(report=report, actor=world.office, comment="请补充")
    html = water.get(url).content.decode()
    assert f'id="report-form-{world.task(3).pk}"' in html and "已报送，待审核" not in html
    again = services.report_submit(
        task=world.task(3),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="已补充管网数据。",
        status="in_progress",
    )
    services.report_accept(report=again, actor=world.office)
    html = water.get(url).content.decode()
    assert "已采纳" in html.split(f'id="sent-{world.task(3).pk}"', 1)[1].split("</div>", 1)[0]
    assert "已补充管网数据。" in html


def test_a_draft_written_after_sending_opens_the_form(world: World) -> None:
    sent(world)
    water = client_for(world, "water")
    water.post(report_url(world), {"progress": "再补充", "status": "", "action": "draft"})
    html = water.get(reverse("web:task_detail", args=[world.task(3).pk])).content.decode()
    assert f'id="report-form-{world.task(3).pk}"' in html


def test_the_my_tasks_page_costs_the_same_queries_with_sent_reports(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sent(world)
    water = client_for(world, "water")
    water.get(reverse("web:my_tasks", args=[world.ledger.pk]))  # warm the session
    with CaptureQueriesContext(connection) as one:
        water.get(reverse("web:my_tasks", args=[world.ledger.pk]))
    services.report_submit(
        task=world.task(9),
        unit=Unit.objects.get(name="水利局"),
        actor=world.water,
        progress="已开工",
        status="in_progress",
    )
    with CaptureQueriesContext(connection) as two:
        water.get(reverse("web:my_tasks", args=[world.ledger.pk]))
    assert len(two) == len(one)


# --- the review page shows what the report carries and who sent it ---------------------------


def test_the_review_page_shows_the_figures_and_the_reporters_display_name(world: World) -> None:
    profile = world.water.profile
    profile.display_name = "王磊"
    profile.save()
    report = sent(world)
    html = client_for(world, "office").get(reverse("web:review")).content.decode()
    item = html.split(f'id="report-{report.pk}"', 1)[1]
    assert '<td>完成投资</td><td class="num">3000</td><td>万元</td>' in item
    meta = item.split('class="meta"', 1)[1].split("</p>", 1)[0]
    assert "王磊" in meta and "水利局" in meta
    assert world.water.get_username() not in meta


def test_the_review_page_names_a_reporter_without_display_name_by_its_unit(
    world: World,
) -> None:
    profile = world.water.profile
    profile.display_name = ""
    profile.save()
    report = sent(world)
    html = client_for(world, "office").get(reverse("web:review")).content.decode()
    meta = html.split(f'id="report-{report.pk}"', 1)[1].split('class="meta"', 1)[1]
    meta = meta.split("</p>", 1)[0]
    assert "水利局填报员" in meta
