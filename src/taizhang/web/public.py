"""The public page (公示): published ledgers and their accepted progress, without sign-in,
without internal comments, reports or remarks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.ledger.models import Ledger, Task
from taizhang.ledger.selectors import TaskFilters, task_list
from taizhang.ledger.services import audit_record
from taizhang.supervision.models import Publication


def public_index(request: HttpRequest) -> HttpResponse:
    """The published ledgers."""
    ledgers = Ledger.objects.filter(publication__isnull=False).order_by("-year", "title")
    return render(request, "web/public_index.html", {"ledgers": ledgers})


def public_ledger(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """A published ledger: goals, leaders, units, deadlines, accepted progress and status."""
    ledger = get_object_or_404(Ledger, pk=ledger_id, publication__isnull=False)
    tasks = task_list(Task.objects.filter(removed_at__isnull=True), ledger.pk, TaskFilters())
    updated = tasks.aggregate(last=Max("updated_at"))["last"]
    context = {"ledger": ledger, "tasks": tasks, "updated": updated}
    return render(request, "web/public_ledger.html", context)


@login_required
@require_POST
def publish(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """The office publishes a ledger on the public page, or withdraws it."""
    if not access.is_office(request.user):
        raise Http404
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    found = Publication.objects.filter(ledger=ledger).first()
    if found is None:
        Publication.objects.create(
            ledger=ledger,
            published_at=timezone.now(),
            published_by=request.user,  # type: ignore[misc]
        )
        messages.success(request, _("已在公示页公开"))
        action = "ledger.publish"
    else:
        found.delete()
        messages.success(request, _("已撤回公示"))
        action = "ledger.unpublish"
    audit_record(actor=request.user, action=action, ledger=ledger)  # type: ignore[arg-type]
    return redirect("web:ledger_detail", ledger_id=ledger.pk)
