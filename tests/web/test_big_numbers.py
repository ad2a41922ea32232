"""A number too big for any database typed into a form's number field (a figure, a light
threshold, a year, a 期号) gets the form back with a Chinese error by that field, naming the
bound, the rest of the input kept and nothing changed: the form bounds it, and the middleware
(`web.middleware.checks_numbers`) lets that field through, where it answered the site's bare
400 page. An id or a choice the view looks up stays refused with 400 before any view."""

from __future__ import annotations

import datetime
import html
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import Ledger, Person, Task, Unit
from taizhang.notify.models import Reminder
from taizhang.reporting.models import Report, Round
from taizhang.supervision import services
from taizhang.supervision.models import Bulletin, Figure
from taizhang.supervision.selectors import light_settings
from taizhang.web.forms import FigureForm, LightSettingsForm, ReportForm
from taizhang.web.middleware import NUMBERS_CHECKED, bounds_numbers, checks_numbers
from tests.factories import World, client_for
from tests.web.test_pages import open_round

pytestmark = pytest.mark.django_db

# 20 digits is past 2^63 (19 digits); 400 digits is past any float and Decimal's context.
BIG = ["9" * 20, "1" * 400]
REFUSED = "请求含有无法处理的字符或过大的数字"
HEATING = "新增供热覆盖面积"  # task 4


def page_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def errors_by(page: str, error: str) -> bool:
    """Whether `error` is written as a field's error (Django's errorlist beside it)."""
    return '<ul class="errorlist"' in page and f"<li>{error}</li>" in page


def figures() -> list[tuple[Any, ...]]:
    return list(Figure.objects.order_by("pk").values_list("pk", "name", "target", "actual"))


@pytest.mark.parametrize("big", BIG)
@pytest.mark.parametrize("field", ["target", "actual"])
def test_a_figure_too_big_comes_back_by_its_field_with_the_rest_kept(
    world: World, big: str, field: str
) -> None:
    before = figures()
    task = world.task(4)
    posted = {"name": "新建管网", "target": "12", "actual": "3", "unit": "公里", field: big}
    response = client_for(world, "office").post(reverse("web:figure_set", args=[task.pk]), posted)
    page = page_of(response)
    assert errors_by(page, "数值过大：整数最多12位，小数最多4位")
    label = {"target": "目标", "actual": "完成"}[field]
    assert f"{label}：数值过大" in next(str(m) for m in response.context["messages"])
    assert 'value="新建管网"' in page and 'value="公里"' in page  # the rest as typed
    assert f'value="{big}"' in page
    assert '<details id="figure-form" open>' in page
    assert re.search(f'<input type="number" name="{field}"[^>]* autofocus', page)
    assert page.count(" autofocus") == 1
    assert figures() == before


@pytest.mark.parametrize("big", BIG)
def test_a_correction_too_big_is_told_and_changes_nothing(world: World, big: str) -> None:
    before = figures()
    task = world.task(4)
    response = client_for(world, "office").post(
        reverse("web:figure_check", args=[task.pk]),
        {"name": HEATING, "verdict": "corrected", "actual": big},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"任务4的指标“{HEATING}”：更正后的完成数：数值过大：整数最多12位，小数最多4位"
    ]
    assert figures() == before


@pytest.mark.parametrize("sign", ["", "-"])
@pytest.mark.parametrize("big", BIG)
@pytest.mark.parametrize(
    ("field", "other", "said"),
    [
        ("warn_days", ("pace_margin", "7.5"), ("数字过大：最大为365", "数字过小：最小为0")),
        ("pace_margin", ("warn_days", "45"), ("数字过大：最大为100", "数字过小：最小为0")),
    ],
)
def test_a_light_threshold_too_big_comes_back_on_the_dashboard(
    world: World, big: str, sign: str, field: str, other: tuple[str, str], said: tuple[str, str]
) -> None:
    before = light_settings(world.ledger)
    url = reverse("web:light_settings", args=[world.ledger.pk])
    response = client_for(world, "office").post(url, {field: sign + big, other[0]: other[1]})
    page = page_of(response)
    error = said[1] if sign else said[0]
    assert errors_by(page, error)
    assert f'name="{other[0]}" value="{other[1]}"' in page  # the other threshold as typed
    assert '<details class="card noprint" id="light-settings" open>' in page
    # The field refused has the focus: the browser scrolls to it, at the dashboard's foot,
    # where the page had come back at its top with the form out of view.
    assert re.search(f'<input type="number" name="{field}"[^>]* autofocus', page)
    assert page.count(" autofocus") == 1
    assert next(str(m) for m in response.context["messages"]).endswith(error)
    after = light_settings(world.ledger)
    assert (after.warn_days, after.pace_margin) == (before.warn_days, before.pace_margin)


def next_addresses(page: str) -> set[str]:
    return set(re.findall(r'name="next" value="([^"]*)"', page))


def test_a_page_shown_again_after_a_refusal_sends_its_forms_to_the_page(world: World) -> None:
    # Shown at the POST-only address of the refused form, its own forms and checks go back
    # to the page itself, not there (405 Method Not Allowed).
    office = client_for(world, "office")
    dashboard = reverse("web:dashboard", args=[world.ledger.pk])
    url = reverse("web:light_settings", args=[world.ledger.pk])
    page = page_of(office.post(url, {"warn_days": "9" * 20, "pace_margin": "5"}))
    assert next_addresses(page) == {f"{dashboard}#indicators"}
    assert f'<form class="dash-form noprint" method="get" action="{dashboard}">' in page
    task = world.task(4)  # an uncertain figure: its check carries where to come back
    shown = reverse("web:task_detail", args=[task.pk])
    posted = {"name": "x", "target": "9" * 20, "actual": "1", "unit": "个"}
    page = page_of(office.post(reverse("web:figure_set", args=[task.pk]), posted))
    assert next_addresses(page) == {f"{shown}#indicators"}
    # Asked for as a page, the address asked for is kept, its query included.
    page = page_of(office.get(f"{dashboard}?as_of=2021-06-30"))
    assert next_addresses(page) == {f"{dashboard}?as_of=2021-06-30#indicators"}


def test_light_thresholds_in_range_are_still_saved(world: World) -> None:
    url = reverse("web:light_settings", args=[world.ledger.pk])
    response = client_for(world, "office").post(url, {"warn_days": "45", "pace_margin": "7.5"})
    assert response.status_code == 302
    after = light_settings(world.ledger)
    assert (after.warn_days, after.pace_margin) == (45, Decimal("7.5"))


@pytest.mark.parametrize("big", BIG)
def test_an_upload_year_too_big_comes_back_by_its_field(world: World, big: str) -> None:
    ledgers = Ledger.objects.count()
    handle = io.BytesIO("一、测试\n1 建成 3 公里 2021年底 水利局".encode())
    handle.name = "台账.txt"
    response = client_for(world, "office").post(
        reverse("web:ledger_upload"), {"file": handle, "year": big, "columns": "落实情况=进展情况"}
    )
    page = page_of(response)
    assert '<li class="error">数字过大：最大为2100</li>' in page
    assert "落实情况=进展情况</textarea>" in page
    assert Ledger.objects.count() == ledgers


@pytest.mark.parametrize("big", BIG)
def test_a_bulletin_issue_number_too_big_comes_back_by_its_field(world: World, big: str) -> None:
    office = client_for(world, "office")
    response = office.post(
        reverse("web:bulletins", args=[world.ledger.pk]),
        {"as_of": "2021-11-05", "issuer": "某某督查室", "issue_number": big},
    )
    page = page_of(response)
    assert errors_by(page, "数字过大：最大为9999")
    assert 'value="某某督查室"' in page
    assert not Bulletin.objects.exists()

    bulletin = services.bulletin_create(
        ledger=world.ledger, as_of=datetime.date(2021, 11, 5), actor=world.office
    )
    response = office.post(
        reverse("web:bulletin_detail", args=[bulletin.pk]),
        {"title": "改过的标题", "body": "改过的正文。", "issue_number": big},
    )
    page = page_of(response)
    assert errors_by(page, "数字过大：最大为9999")
    assert 'value="改过的标题"' in page
    stored = Bulletin.objects.get(pk=bulletin.pk)
    assert (stored.title, stored.issue_number) == (bulletin.title, bulletin.issue_number)

    response = office.post(
        reverse("web:bulletin_issue", args=[bulletin.pk]),
        {"title": "改过的标题", "body": "改过的正文。", "issue_number": big, "confirm": "1"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["未印发：期号（第N期）：数字过大：最大为9999"]
    assert Bulletin.objects.get(pk=bulletin.pk).issued_at is None


@pytest.mark.parametrize("big", BIG)
def test_a_long_number_typed_as_a_figure_line_is_kept_as_text(world: World, big: str) -> None:
    open_round(world)
    task = world.task(3)
    response = client_for(world, "water").post(
        reverse("web:report_submit", args=[task.pk]),
        {"progress": "已开工", "status": "in_progress", "figures": big},
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.figures == [] and report.progress.endswith(big)


@pytest.mark.parametrize("big", BIG)
def test_ids_and_choices_beside_checked_numbers_are_still_refused(world: World, big: str) -> None:
    open_round(world)
    task = world.task(3)
    water = client_for(world, "water")
    report = reverse("web:report_submit", args=[task.pk])
    for posted in ({"unit": big}, {"drop": big}, {"action": "drop", "drop": big}):
        data = {"progress": "已开工", "status": "in_progress", **posted}
        response = water.post(report, data)
        assert response.status_code == 400 and REFUSED in response.content.decode()
    assert not Report.objects.exists()
    office = client_for(world, "office")
    for url in (
        f"/tasks/{big}/figure/",
        f"/ledgers/{big}/light-settings/",
        f"/ledgers/{big}/bulletins/",
    ):
        response = office.post(url, {"target": "1", "warn_days": "1", "issue_number": "1"})
        assert response.status_code == 400 and REFUSED in response.content.decode()
    # A checked name is only let through on the view that checks it.
    response = office.get(reverse("web:ledger_detail", args=[world.ledger.pk]), {"target": big})
    assert response.status_code == 400


def test_the_fields_let_through_are_text_and_bounded_numbers() -> None:
    def names(form: type[Any]) -> set[str]:
        return set(getattr(checks_numbers(form)(lambda: None), NUMBERS_CHECKED))

    assert names(FigureForm) == {"name", "target", "actual", "unit"}
    assert names(LightSettingsForm) == {"warn_days", "pace_margin"}
    # The unit is an id the view looks up, the status a choice: not let through.
    assert names(ReportForm) == {"progress", "figures"}
    assert not bounds_numbers(forms.IntegerField(min_value=1))
    assert not bounds_numbers(forms.IntegerField(max_value=10))
    assert bounds_numbers(forms.IntegerField(min_value=1, max_value=10))
    assert not bounds_numbers(forms.DecimalField())
    assert bounds_numbers(forms.DecimalField(max_digits=5))
    assert not bounds_numbers(forms.TypedChoiceField(coerce=int))


def test_a_client_without_the_form_still_gets_told(world: World) -> None:
    # Too big a number on a checked field is the form's to refuse: never a 500.
    client: Client = client_for(world, "office", raise_request_exception=False)
    url = reverse("web:light_settings", args=[world.ledger.pk])
    assert client.post(url, {"warn_days": "1" * 5000, "pace_margin": "1"}).status_code == 200


# Text fields: a long number typed as a name, a phone, a message, a 督办编号 is text, kept as
# typed or refused by the field's length, never the site's 400 page.
LONG = "9" * 20  # fits every field below
TOO_LONG = "1" * 400  # longer than the fields with a length


def _posted(client: Client, name: str, args: list[Any], data: dict[str, Any]) -> Any:
    response = client.post(reverse(name, args=args), data)
    assert REFUSED not in response.content.decode()
    return response


def test_long_numbers_typed_as_text_are_text(world: World) -> None:
    office = client_for(world, "office")
    person, water = Person.objects.order_by("pk").first(), Unit.objects.get(name="水利局")
    assert person is not None

    assert _posted(office, "web:person_edit", [person.pk], {"phone": LONG}).status_code == 302
    assert Person.objects.get(pk=person.pk).phone == LONG
    refused = _posted(office, "web:person_edit", [person.pk], {"phone": TOO_LONG})
    assert refused.status_code == 200 and "不超过 30 字符" in refused.content.decode()
    assert Person.objects.get(pk=person.pk).phone == LONG

    assert _posted(office, "web:unit_new", [], {"name": LONG}).status_code == 302
    assert Unit.objects.filter(name=LONG).exists()
    edit = {"name": "水利局", "phone": LONG}
    assert _posted(office, "web:unit_edit", [water.pk], edit).status_code == 302
    assert Unit.objects.get(pk=water.pk).phone == LONG

    edit = {"role": "viewer", "display_name": LONG}
    assert _posted(office, "web:account_edit", [world.viewer.pk], edit).status_code == 302
    assert User.objects.get(pk=world.viewer.pk).profile.display_name == LONG
    new = {"username": TOO_LONG, "role": "viewer"}
    refused = _posted(office, "web:account_new", [], new)
    assert refused.status_code == 200 and "不超过 150 字符" in refused.content.decode()
    assert _posted(office, "web:account_new", [], {**new, "username": LONG}).status_code == 200
    assert User.objects.filter(username=LONG).exists()

    task = world.task(3)
    edit = {"version": task.version, "goal": task.goal, "deadline_text": TOO_LONG}
    assert _posted(office, "web:task_edit", [task.pk], edit).status_code == 302
    assert Task.objects.get(pk=task.pk).deadline_text == TOO_LONG

    opening = {"name": LONG, "due_date": "2021-12-01"}
    assert _posted(office, "web:rounds", [world.ledger.pk], opening).status_code == 302
    round_ = Round.objects.get(name=LONG)
    remind = {"message": TOO_LONG}
    assert _posted(office, "web:round_remind", [round_.pk], remind).status_code == 302
    assert Reminder.objects.filter(round=round_, message=TOO_LONG).exists()

    notice = reverse("web:unit_notice", args=[world.ledger.pk, water.pk])
    assert LONG in office.get(notice, {"number": LONG}).content.decode()
    refused = office.get(notice, {"number": TOO_LONG})  # the form's own refusal
    assert refused.status_code == 400 and "不超过 50 字符" in refused.content.decode()
    assert REFUSED not in refused.content.decode()
    audit = office.get(reverse("web:audit_log"), {"user": LONG})
    assert audit.status_code == 200 and f'value="{LONG}"' in audit.content.decode()
    # Its 导出 CSV posts the same filter: the same text, no 400 page.
    exported = office.get(reverse("web:audit_export"), {"user": LONG})
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")


def test_a_long_number_typed_as_a_user_name_is_a_failed_sign_in(world: World) -> None:
    client = Client()
    response = client.post(reverse("web:login"), {"username": LONG, "password": "x"})
    page = response.content.decode()
    assert response.status_code == 200 and REFUSED not in page
    assert f'value="{LONG}"' in page  # the sign-in page again, the name as typed
    assert '<li class="error">' in page  # with the failure said
    assert "_auth_user_id" not in client.session
