"""The dashboard (驾驶舱) of a ledger as of a date: tiles, charts, tables and the red and yellow
lists. Thin: the figures come from supervision.selectors, who may see what from
accounts.access; the charts are drawn by static/taizhang/dashboard.js from the page's data
island, the tables are plain HTML so the numbers read (and print) without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.chinese.statuses import STATUS_CODES
from taizhang.ledger.models import Ledger, Status
from taizhang.supervision.dashboard import dashboard_data
from taizhang.supervision.lights import COMPLETED, GREEN, RED, YELLOW
from taizhang.supervision.selectors import (
    default_as_of,
    light_settings,
    parse_as_of,
    today,
    valid_date,
)
from taizhang.supervision.services import light_settings_set
from taizhang.web.forms import LightSettingsForm, errors_in_one_line
from taizhang.web.http import INDICATOR_MESSAGES, AuthedRequest, page_address
from taizhang.web.middleware import checks_numbers
from taizhang.web.views import visible_ledger

STATUSES = (*STATUS_CODES, "none")
LIGHTS = (RED, YELLOW, GREEN, COMPLETED)


# The charts' colour of each status ("none": no status marked).
STATUS_COLOURS = {
    Status.COMPLETED: "#3a6ea5",
    Status.IN_PROGRESS: "#2e7d32",
    Status.LAGGING: "#c62828",
    Status.NOT_STARTED: "#e0a100",
    "none": "#9e9e9e",
}


def chart_labels() -> dict[str, Any]:
    """The words the charts show, translated here because dashboard.js has no gettext."""
    return {
        "statuses": {**{value: str(label) for value, label in Status.choices}, "none": _("未标注")},
        "status_colours": STATUS_COLOURS,
        "lights": {
            RED: _("红灯"),
            YELLOW: _("黄灯"),
            GREEN: _("绿灯"),
            COMPLETED: str(Status.COMPLETED.label),
        },
        "task": _("任务{number}"),
        "tasks": _("项"),
        "total": _("项任务"),
        "no_actual": _("暂无完成数"),
        "target": _("目标"),
        "actual": _("完成"),
        "no_data": _("暂无数据"),
    }


@login_required
def dashboard(
    request: HttpRequest, ledger_id: int, settings_form: LightSettingsForm | None = None
) -> HttpResponse:
    """The dashboard of the tasks the user may see, as of `?as_of=YYYY-MM-DD`: when absent, the
    ledger's default (today, or a past ledger's 截至 date); when malformed, today, with a
    message. `settings_form`: refused light settings, shown again as typed."""
    ledger = visible_ledger(request, ledger_id)
    default = default_as_of(ledger)
    given = request.GET.get("as_of", "").strip()
    as_of = parse_as_of(given, default)
    if given and not valid_date(given):
        messages.error(
            request,
            _("截至日期“%(given)s”不是有效日期（格式为 2021-11-05），已按今天显示")
            % {"given": given[:20]},
        )
    data = dashboard_data(
        ledger,
        access.visible_tasks(request.user),
        as_of,
        whole=access.sees_all_tasks(request.user),
    )
    labels = chart_labels()
    context = {
        "ledger": ledger,
        "as_of": as_of,
        "past_default": default if default != today() and not given else None,
        "data": data,
        "labels": labels,
        "status_tiles": [
            (key, labels["statuses"][key], data["totals"][key])
            for key in STATUSES
            if key != "none" or data["totals"]["none"]
        ],
        "light_tiles": [(key, labels["lights"][key], data["lights"][key]) for key in LIGHTS],
        "groups": [
            _group("unit-table", _("各责任单位情况"), _("责任单位"), data["units"]),
            _group("leader-table", _("各牵头领导情况"), _("牵头领导"), data["leaders"]),
        ],
        # The office confirms or corrects an uncertain indicator from here, and reads what
        # came of it in the indicators' section it comes back to.
        "can_check": access.is_office(request.user),
        "inline_messages": INDICATOR_MESSAGES,
        "page_url": page_address(request, "web:dashboard", ledger.pk),
        # and makes a lagging unit's 督办通知单 from its row.
        "can_notice": access.can_send_notice(request.user),
        "lists": [
            _task_list("red-list", RED, _("红灯任务"), data["red"], data["red_total"]),
            _task_list("yellow-list", YELLOW, _("黄灯任务"), data["yellow"], data["yellow_total"]),
        ],
    }
    if access.is_office(request.user) and settings_form is not None:
        context["settings_form"] = settings_form
    elif access.is_office(request.user):
        current = light_settings(ledger)
        context["settings_form"] = LightSettingsForm(
            initial={"warn_days": current.warn_days, "pace_margin": current.pace_margin}
        )
    return render(request, "web/dashboard.html", context)


@checks_numbers(LightSettingsForm)
@login_required
@require_POST
def light_settings_update(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """The office sets the ledger's light thresholds; refused ones are shown again as typed
    on the dashboard, their errors by their fields, and change nothing."""
    access.require_office(request.user)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    form = LightSettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return dashboard(request, ledger.pk, settings_form=form)
    light_settings_set(ledger=ledger, actor=request.user, **form.cleaned_data)
    messages.success(request, _("预警设置已保存"))
    return redirect("web:dashboard", ledger_id=ledger.pk)


def _group(table_id: str, title: str, name: str, rows: list[Any]) -> dict[str, Any]:
    return {"id": table_id, "title": title, "name": name, "rows": rows}


def _task_list(
    table_id: str, colour: str, title: str, tasks: list[Any], total: int
) -> dict[str, Any]:
    """A capped list (the first `LIST_LIMIT` in ledger order) and how many there are."""
    return {"id": table_id, "colour": colour, "title": title, "tasks": tasks, "total": total}
