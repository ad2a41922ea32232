"""The public page (公示): published ledgers as the office published them (a snapshot, not live
data), without sign-in, without internal comments, reports or remarks; and the office's
publish (公示, after a confirmation step), republish (重新公示) and withdraw (撤回公示)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from taizhang.accounts import access
from taizhang.documents.json_format import ledger_from_dict
from taizhang.documents.model import TaskDoc
from taizhang.ledger.models import Ledger, Status
from taizhang.supervision import services
from taizhang.supervision.models import Publication
from taizhang.web.http import AuthedRequest

PUBLISH, WITHDRAW = "publish", "withdraw"


def public_index(request: HttpRequest) -> HttpResponse:
    """The published ledgers."""
    ledgers = Ledger.objects.filter(publication__isnull=False).order_by("-year", "title")
    return render(request, "web/public_index.html", {"ledgers": ledgers})


def public_ledger(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """A published ledger as the office published it: goals, leaders, units, deadlines,
    progress and status from the snapshot taken then."""
    publication = get_object_or_404(
        Publication.objects.select_related("ledger"), ledger_id=ledger_id
    )
    context = {
        "ledger": publication.ledger,
        "publication": publication,
        "rows": public_rows(publication.snapshot) if publication.snapshot else [],
    }
    return render(request, "web/public_ledger.html", context)


def public_rows(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of the public table from a publication's snapshot: a row per category with a
    name, then its tasks, each followed by its sub-items."""
    doc = ledger_from_dict(snapshot, name="publication")
    rows: list[dict[str, Any]] = []
    for category in doc.categories:
        if category.name:
            rows.append({"category": True, "number": category.number, "name": category.name})
        for task in category.tasks:
            rows.append(_row(task, task.display_number(), subitem=False))
            rows += [_row(sub, sub.display_number(task), subitem=True) for sub in task.subitems]
    return rows


def _row(task: TaskDoc, number: str, *, subitem: bool) -> dict[str, Any]:
    return {
        "category": False,
        "subitem": subitem,
        "number": number,
        "goal": task.goal,
        "leaders": "、".join(task.leaders),
        "units": "、".join(unit.name for unit in task.units),
        "deadline_text": task.deadline_text,
        "progress": task.progress,
        "status": task.status or "",
        "status_label": Status(task.status).label if task.status else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def publish(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """The office's publication of a ledger. GET, or a POST to publish without `confirm`, shows
    what publishing does and changes nothing; a confirmed POST publishes (or republishes) the
    ledger as it is now. `action=withdraw` (the default of a published ledger) withdraws it."""
    access.require_office(request.user)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    found = Publication.objects.filter(ledger=ledger).first()
    action = request.POST.get("action") or (WITHDRAW if found else PUBLISH)
    if request.method == "POST" and action == WITHDRAW:
        services.ledger_unpublish(ledger=ledger, actor=request.user)
        messages.success(request, _("已撤回公示，公示页不再显示此台账"))
        return redirect("web:ledger_detail", ledger_id=ledger.pk)
    if request.method == "POST" and action == PUBLISH and request.POST.get("confirm") == "1":
        services.ledger_publish(ledger=ledger, actor=request.user)
        messages.success(
            request,
            _("已重新公示：公示页显示台账当前内容") if found else _("已在公示页公开"),
        )
        return redirect("web:ledger_detail", ledger_id=ledger.pk)
    context = {"ledger": ledger, "publication": found, "publish": PUBLISH, "withdraw": WITHDRAW}
    return render(request, "web/public_confirm.html", context)
