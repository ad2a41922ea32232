"""The home page (待办, at `/`): what the signed-in user has to do now, by role, above the
list of ledgers. Thin: the reads are supervision.todo's, scoped by accounts.access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.accounts import access
from taizhang.jobs.selectors import backup_stale, last_backup
from taizhang.ledger.selectors import ledger_list
from taizhang.notify.selectors import failed_deliveries_count, user_notifications
from taizhang.supervision import todo
from taizhang.web.forms import database_id

UNREAD_SHOWN = 5  # unread notifications on the home page; the bell's page has them all
ROLE_TODO = {
    "reporter": todo.reporter_todo,
    "office": todo.office_todo,
    "leader": todo.leader_todo,
    "viewer": todo.viewer_todo,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's to-do by role (`?ledger=ID` picks the ledger its lights and rounds are
    of), then the ledgers."""
    user = request.user
    role = access.role_of(user)
    asked = request.GET.get("ledger", "")
    ledger = todo.current_ledger(user, int(asked) if database_id(asked) else None)
    context: dict[str, Any] = {
        "ledger": ledger,
        "new_days": todo.NEW_DAYS,
        "ledgers": ledger_list(access.visible_tasks(user)) if access.can_read_ledgers(user) else [],
        # What reached the user and is still unread (催办, returns, 批示...), newest first.
        "unread": list(user_notifications(user).filter(read_at__isnull=True)[:UNREAD_SHOWN]),
    }
    reads = ROLE_TODO.get(role or "")
    if reads is not None:
        context["todo"] = reads(user, ledger)
    # Who sees the office's cards on the installation's health: accounts.access decides.
    context["sees_failed_deliveries"] = access.can_see_failed_deliveries(user)
    if context["sees_failed_deliveries"]:
        context["failed_deliveries"] = failed_deliveries_count()
    context["sees_backups"] = access.can_see_backups(user)
    if context["sees_backups"]:
        # The last successful backup, and a warning when it is old (a file: no query).
        context["backup"] = last_backup()
        context["backup_stale"] = backup_stale(context["backup"])
        context["backup_warn_days"] = settings.TAIZHANG_BACKUP_WARN_DAYS
    return render(request, "web/home.html", context)
