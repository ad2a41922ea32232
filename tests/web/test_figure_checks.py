"""Uncertain indicators on the pages: the dashboard and the task page draw a bar that could be
wrong hatched, with its reason on hover (title) and behind a "?" to tap; the office confirms
it in one click or corrects it (CSRF-protected POST), anyone else cannot; bad input gets a
clear message and changes nothing; the dashboard's queries do not grow with it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from taizhang.ledger.models import AuditEvent
from taizhang.supervision.models import Figure
from tests.factories import World, client_for

pytestmark = pytest.mark.django_db
AS_OF = "2021-11-05"
HEATING = "新增供热覆盖面积"  # task 4: 约165 of 285 万平方米
# A check's message names its indicator: the dashboard lists many tasks' (found on a walk).
ON_HEATING = f"任务4的指标“{HEATING}”："
REASON = "数字为约数"


def dashboard(client: Client, world: World) -> str:
    response = client.get(reverse("web:dashboard", args=[world.ledger.pk]), {"as_of": AS_OF})
    assert response.status_code == 200
    return str(response.content.decode())


def row_of(content: str, name: str) -> str:
    """The indicator table's row naming `name`."""
    found = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*?<td[^>]*>{name}</td>.*?</tr>", content, re.DOTALL)
    assert found, name
    return found.group(0)


def check(client: Client, world: World, number: int = 4, **data: str) -> Any:
    url = reverse("web:figure_check", args=[world.task(number).pk])
    return client.post(url, {"name": HEATING, **data}, follow=True)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_the_dashboard_draws_an_uncertain_bar_hatched_with_its_reason(world: World) -> None:
    content = dashboard(client_for(world, "office"), world)
    row = row_of(content, HEATING)
    assert 'class="uncertain"' in row
    assert re.search(r'<progress class="ind-bar uncertain" max="100" value="57.9"', row)
    assert f'title="{REASON}"' in row
    assert f'aria-label="存疑：{REASON}"' in row and ">?</summary>" in row
    assert f'<span class="doubt-text">{REASON}</span>' in row
    assert 'value="confirmed"' in row and 'value="not_figure"' in row
    solid = row_of(content, "年度完成投资")
    assert '<progress class="ind-bar" max="100" value="77.8"' in solid
    assert "uncertain" not in solid and "?</summary>" not in solid


def test_only_the_office_sees_the_buttons(world: World) -> None:
    content = dashboard(client_for(world, "leader"), world)
    row = row_of(content, HEATING)
    assert f'title="{REASON}"' in row and "ind-bar uncertain" in row
    assert "figure_check" not in row and 'value="confirmed"' not in content


def test_the_task_page_shows_the_same_and_confirms_in_one_click(world: World) -> None:
    client = client_for(world, "office")
    url = reverse("web:task_detail", args=[world.task(4).pk])
    with time_machine.travel("2021-11-05 10:00 +0800", tick=False):
        content = client.get(url).content.decode()
        row = row_of(content, HEATING)
        assert "ind-bar uncertain" in row and f'title="{REASON}"' in row
        response = check(client, world, verdict="confirmed", next=url + "#indicators")
    assert response.redirect_chain[-1][0] == url + "#indicators"
    assert messages_of(response) == [f"任务4的指标“{HEATING}”：督查室已核实"]
    row = row_of(response.content.decode(), HEATING)
    assert "uncertain" not in row and "督查室已核实" in row
    assert AuditEvent.objects.filter(action="figure.check").count() == 1


def test_a_confirmation_on_the_dashboard_stops_the_hatching_there(world: World) -> None:
    client = client_for(world, "office")
    back = reverse("web:dashboard", args=[world.ledger.pk]) + f"?as_of={AS_OF}#indicators"
    response = check(client, world, verdict="corrected", actual="200", next=back)
    assert response.redirect_chain[-1][0] == back
    row = row_of(dashboard(client, world), HEATING)
    assert "uncertain" not in row and 'value="70.2"' in row and "督查室已更正" in row


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"verdict": "corrected", "actual": ""},
            f"{ON_HEATING}更正后的完成数：请填写更正后的完成数",
        ),
        ({"verdict": "corrected", "actual": "-3"}, f"{ON_HEATING}更正后的完成数："),
        ({"verdict": "corrected", "actual": "很多"}, f"{ON_HEATING}更正后的完成数："),
        ({"verdict": "maybe"}, f"{ON_HEATING}未知的核实结论"),
        (
            {"verdict": "confirmed", "name": "不存在的指标"},
            "任务4的指标“不存在的指标”：任务的文字中已没有这项指标",
        ),
    ],
)
def test_bad_input_says_why_and_changes_nothing(
    world: World, data: dict[str, str], message: str
) -> None:
    response = check(client_for(world, "office"), world, **data)
    [said] = messages_of(response)
    assert said.startswith(message), said
    assert not Figure.objects.exists() and not AuditEvent.objects.filter(action="figure.check")


@pytest.mark.parametrize("role", ["water", "leader", "viewer", "health"])
def test_no_one_but_the_office_checks_a_figure(world: World, role: str) -> None:
    url = reverse("web:figure_check", args=[world.task(4).pk])
    response = client_for(world, role).post(url, {"name": HEATING, "verdict": "confirmed"})
    assert response.status_code == 404
    assert not Figure.objects.exists()


def test_the_check_needs_a_post_with_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.office)
    url = reverse("web:figure_check", args=[world.task(4).pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"name": HEATING, "verdict": "confirmed"}).status_code == 403
    assert not Figure.objects.exists()


def test_a_next_address_off_the_site_goes_to_the_task_page(world: World) -> None:
    response = check(
        client_for(world, "office"), world, verdict="confirmed", next="https://evil.example/"
    )
    assert response.redirect_chain[-1][0] == reverse("web:task_detail", args=[world.task(4).pk])


def test_a_post_without_the_indicator_names_the_field(world: World) -> None:
    url = reverse("web:figure_check", args=[world.task(4).pk])
    response = client_for(world, "office").post(url, {"verdict": "confirmed"}, follow=True)
    [said] = messages_of(response)
    assert said.startswith("指标：")
    assert not Figure.objects.exists()


@pytest.mark.parametrize("page", ["dashboard", "task"])
def test_a_correction_needs_a_number_before_it_is_sent_but_not_a_figure_does_not(
    world: World, page: str
) -> None:
    # The browser refuses an empty correction on the spot; posted without one, the page
    # reloaded at #indicators while the message stood at its top, out of view.
    client = client_for(world, "office")
    if page == "dashboard":
        content = dashboard(client, world)
    else:
        url = reverse("web:task_detail", args=[world.task(4).pk])
        with time_machine.travel("2021-11-05 10:00 +0800", tick=False):
            content = client.get(url).content.decode()
    row = row_of(content, HEATING)
    assert re.search(r'<input type="number" name="actual"[^>]* required>', row)
    assert re.search(r'<button type="submit" name="verdict" value="not_figure" formnovalidate', row)
    assert 'value="corrected" formnovalidate' not in row


def test_the_task_page_writes_targets_and_counts_as_the_dashboard_does(world: World) -> None:
    # A corrected count is stored as a float: 170.0 is "170", as on the dashboard, not "170.0".
    client = client_for(world, "office")
    url = reverse("web:task_detail", args=[world.task(4).pk])
    with time_machine.travel("2021-11-05 10:00 +0800", tick=False):
        check(client, world, verdict="corrected", actual="170", next=url)
        task_row = row_of(client.get(url).content.decode(), HEATING)
    dashboard_row = row_of(dashboard(client, world), HEATING)
    assert "<td>285万平方米</td><td>170万平方米</td>" in task_row
    assert ">285万平方米</td>" in dashboard_row and ">170万平方米</td>" in dashboard_row


@pytest.mark.parametrize(
    ("view", "data", "said"),
    [
        ("web:figure_set", {"target": "1e308"}, "目标：数值过大"),
        ("web:figure_set", {"actual": "12.34567"}, "完成：小数最多4位"),
        ("web:figure_set", {"actual": "abc"}, "完成：请输入数字"),
        (
            "web:figure_check",
            {"verdict": "corrected", "actual": "1e308"},
            f"{ON_HEATING}更正后的完成数：数值过大",
        ),
        (
            "web:figure_check",
            {"verdict": "corrected", "actual": "-1"},
            f"{ON_HEATING}更正后的完成数：不能小于0",
        ),
    ],
)
def test_a_number_refused_is_told_by_its_fields_label_in_chinese(
    world: World, view: str, data: dict[str, str], said: str
) -> None:
    # The office's 修正或新增指标 said "* actual * 确认总共不超过 16 个数字." for 1e308.
    before = list(Figure.objects.values_list("pk", "actual", "target"))
    client = client_for(world, "office")
    response = client.post(
        reverse(view, args=[world.task(4).pk]), {"name": HEATING, **data}, follow=True
    )
    (message,) = messages_of(response)
    assert message.startswith(said) and "actual" not in message and "." not in message
    assert list(Figure.objects.values_list("pk", "actual", "target")) == before


@pytest.mark.parametrize(
    ("view", "data", "said"),
    [
        ("web:light_settings", {"warn_days": "-1", "pace_margin": "5"}, "临期预警天数："),
        ("web:task_edit", {"version": "1", "goal": ""}, "工作目标任务："),
    ],
)
def test_other_refused_office_forms_are_told_in_one_line_by_label(
    world: World, view: str, data: dict[str, str], said: str
) -> None:
    # The same one-line message as the figure forms': before, Django's "* warn_days\n  * …".
    client = client_for(world, "office")
    arg = world.ledger.pk if view == "web:light_settings" else world.task(4).pk
    response = client.post(reverse(view, args=[arg]), data, follow=True)
    (message,) = messages_of(response)
    assert message.startswith(said) and "*" not in message and "warn_days" not in message


def _at_indicators(content: str, opening: str) -> tuple[str, str]:
    """The page before the indicators' section, and the section (`opening` to its end)."""
    before, _, section = content.partition(opening)
    assert section, opening
    return before, section.split("</table>")[0]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"verdict": "corrected", "actual": "200"}, f"任务4的指标“{HEATING}”：督查室已更正"),
        ({"verdict": "corrected", "actual": "-3"}, "更正后的完成数：不能小于0"),
    ],
)
def test_a_checks_message_is_at_the_indicators_the_dashboard_comes_back_to(
    world: World, data: dict[str, str], said: str
) -> None:
    # The page came back at #indicators while the message stood at its top, out of view.
    client = client_for(world, "office")
    back = reverse("web:dashboard", args=[world.ledger.pk]) + f"?as_of={AS_OF}#indicators"
    response = check(client, world, next=back, **data)
    assert response.redirect_chain[-1][0] == back
    content = response.content.decode()
    top, section = _at_indicators(content, '<figure class="chart-card chart-wide" id="indicators">')
    assert said in section and 'id="indicator-messages" role="status"' in section
    assert said not in top and '<ul class="messages">' not in top
    # Once: a reload shows it no more.
    assert said not in dashboard(client, world)


def test_a_checks_message_is_at_the_task_pages_indicators_and_others_stay_on_top(
    world: World,
) -> None:
    client = client_for(world, "office")
    url = reverse("web:task_detail", args=[world.task(4).pk])
    with time_machine.travel("2021-11-05 10:00 +0800", tick=False):
        response = check(client, world, verdict="confirmed", next=url + "#indicators")
    said = f"任务4的指标“{HEATING}”：督查室已核实"
    top, section = _at_indicators(response.content.decode(), '<div id="indicators">')
    assert said in section and said not in top
    # Any other message (here the figure form's) is at the top as before.
    refused = {"name": "x", "target": "abc"}
    response = client.post(reverse("web:figure_set", args=[world.task(4).pk]), refused)
    top, section = _at_indicators(response.content.decode(), '<div id="indicators">')
    assert '<ul class="messages"><li class="error">' in top and "indicator-messages" not in section
