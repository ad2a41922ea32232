"""The office's choice, per ledger, for joint tasks (several units serve one task): whether
each unit's part of the progress starts with the unit's name, and how the task's status
follows its units'. Thin: the form parses, ledger.services.ledger_joint_settings_update
writes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts import access
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import JointStatus, Ledger
from taizhang.ledger.services import ledger_joint_settings_update
from taizhang.web.http import AuthedRequest


class JointSettingsForm(forms.Form):
    prefix_unit_names = forms.BooleanField(
        label=gettext_lazy("各单位的进展前标注单位名称（如“住建局：……”）"), required=False
    )
    joint_status = forms.ChoiceField(
        label=gettext_lazy("多单位任务的状态"),
        choices=JointStatus.choices,
        widget=forms.RadioSelect,
    )


@login_required
def joint_settings(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """Show (GET) or save (POST) the ledger's joint-task settings; the office only."""
    access.require_office(request.user)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    initial = {"prefix_unit_names": ledger.prefix_unit_names, "joint_status": ledger.joint_status}
    form = JointSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ledger_joint_settings_update(
                ledger=ledger,
                actor=request.user,
                prefix_unit_names=form.cleaned_data["prefix_unit_names"],
                joint_status=form.cleaned_data["joint_status"],
            )
        except EditError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("多单位任务的设置已保存"))
            return redirect("web:joint_settings", ledger_id=ledger.pk)
    return render(request, "web/joint_settings.html", {"ledger": ledger, "form": form})
