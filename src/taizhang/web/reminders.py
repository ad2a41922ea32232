"""The office's 催办 on the round page: remind every unit that has not reported, or one with
a message, and print a unit's 催办单 (.docx). Thin views: the office only (accounts.access),
one service or selector each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.documents.write_reminder import write_reminder
from taizhang.ledger.models import Unit
from taizhang.notify import services
from taizhang.notify.models import Reminder
from taizhang.notify.selectors import reminder_sheet
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import missing_units
from taizhang.web.exports import attachment_header
from taizhang.web.forms import RemindForm, errors_in_one_line
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@checks_numbers(RemindForm)
@login_required
@require_POST
def round_remind(request: AuthedRequest, round_id: int) -> HttpResponse:
    """催办: every unit still to report, or the one posted (`unit`), with the message."""
    access.require_office(request.user)
    round_ = get_object_or_404(Round.objects.select_related("ledger"), pk=round_id)
    form = RemindForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_one_line(form))
        return redirect("web:rounds", ledger_id=round_.ledger_id)
    unit_id = form.cleaned_data["unit"]
    units = None if unit_id is None else list(Unit.objects.filter(pk=unit_id))
    try:
        sent = services.reminders_send(
            round_=round_, units=units, message=form.cleaned_data["message"], actor=request.user
        )
    except services.ReminderError as error:
        messages.error(request, str(error))
    else:
        names = "、".join(reminder.unit.name for reminder in sent)
        messages.success(request, _("已催办：%(units)s") % {"units": names})
        if units is None:
            _say_left_out(request, round_, sent)
    return redirect("web:rounds", ledger_id=round_.ledger_id)


def _say_left_out(request: AuthedRequest, round_: Round, sent: list[Reminder]) -> None:
    """一键催办 leaves out units reminded minutes ago with nothing new: say which."""
    reminded = {reminder.unit_id for reminder in sent}
    left = [unit.name for unit in missing_units(round_) if unit.pk not in reminded]
    if left:
        minutes = int(services.REMIND_AGAIN_AFTER.total_seconds() // 60)
        messages.info(
            request,
            _("%(units)s %(n)s分钟内已收到同样的催办，未重复发送")
            % {"units": "、".join(left), "n": minutes},
        )


@login_required
def round_reminder_sheet(request: AuthedRequest, round_id: int, unit_id: int) -> HttpResponse:
    """A unit's 催办单 for the round, as .docx."""
    access.require_office(request.user)
    round_ = get_object_or_404(Round.objects.select_related("ledger"), pk=round_id)
    unit = get_object_or_404(Unit, pk=unit_id)
    data = write_reminder(reminder_sheet(round_, unit))
    response = HttpResponse(data, content_type=DOCX)
    name = f"催办单-{unit.name}-{round_.name}.docx"
    response["Content-Disposition"] = attachment_header(name)
    return response
