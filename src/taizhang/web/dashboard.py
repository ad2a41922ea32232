"""The dashboard (驾驶舱) of a ledger as of a date: tiles, charts, tables and the red and yellow
lists. Thin: the figures come from supervision.selectors, who may see what from
accounts.access; the charts are drawn by static/taizhang/dashboard.js from the page's data
island, the tables are plain HTML so the numbers read (and print) without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.ledger.models import Ledger, Status
from taizhang.supervision.figures import light_settings_set
from taizhang.supervision.selectors import dashboard_data, light_settings, parse_as_of
from taizhang.web.forms import LightSettingsForm
from taizhang.web.views import visible_ledger

STATUSES = ("completed", "in_progress", "lagging", "not_started", "none")
LIGHTS = ("red", "yellow", "green", "completed")


def chart_labels() -> dict[str, Any]:
    """The words the charts show, translated here because dashboard.js has no gettext."""
    return {
        "statuses": {**{value: str(label) for value, label in Status.choices}, "none": _("未标注")},
        "lights": {
            "red": _("红灯"),
            "yellow": _("黄灯"),
            "green": _("绿灯"),
            "completed": _("已完成"),
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
def dashboard(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """The dashboard of the tasks the user may see, as of `?as_of=YYYY-MM-DD` (today when
    absent or malformed)."""
    ledger = visible_ledger(request, ledger_id)
    as_of = parse_as_of(request.GET.get("as_of"))
    data = dashboard_data(ledger, access.visible_tasks(request.user), as_of)
    labels = chart_labels()
    context = {
        "ledger": ledger,
        "as_of": as_of,
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
        "lists": [
            _task_list("red-list", "red", _("红灯任务"), data["red"]),
            _task_list("yellow-list", "yellow", _("黄灯任务"), data["yellow"]),
        ],
    }
    if access.is_office(request.user):
        current = light_settings(ledger)
        context["settings_form"] = LightSettingsForm(
            initial={"warn_days": current.warn_days, "pace_margin": current.pace_margin}
        )
    return render(request, "web/dashboard.html", context)


@login_required
@require_POST
def light_settings_update(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """The office sets the ledger's light thresholds."""
    if not access.is_office(request.user):
        raise Http404
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    form = LightSettingsForm(request.POST)
    if form.is_valid():
        light_settings_set(ledger=ledger, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, _("预警设置已保存"))
    else:
        messages.error(request, form.errors.as_text())
    return redirect("web:dashboard", ledger_id=ledger.pk)


def _group(table_id: str, title: str, name: str, rows: list[Any]) -> dict[str, Any]:
    return {"id": table_id, "title": title, "name": name, "rows": rows}


def _task_list(table_id: str, colour: str, title: str, tasks: list[Any]) -> dict[str, Any]:
    return {"id": table_id, "colour": colour, "title": title, "tasks": tasks}
