"""The office's units (单位): the list with contacts, members and tasks served; create, rename
and edit contacts (ledger.services.units); merge one unit into another (accounts.merging).
Thin views: parse, ask accounts.access, call one service or selector, render."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts import access
from taizhang.accounts.merging import unit_merge
from taizhang.accounts.selectors import unit_choices, unit_rows
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Unit
from taizhang.ledger.services.units import UnitContacts, unit_create, unit_update
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers

PAGE_SIZE = 100


class UnitForm(forms.Form):
    """A unit's name and contacts; the rules (unique name, e-mail, robot address, 钉钉's SEC
    secret) are the service's, which answers in Chinese."""

    name = forms.CharField(label=gettext_lazy("单位名称"), max_length=200)
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=30, required=False)
    email = forms.CharField(label=gettext_lazy("电子邮箱"), max_length=254, required=False)
    webhook_kind = forms.ChoiceField(
        label=gettext_lazy("群机器人"), choices=Unit.Webhook.choices, required=False
    )
    webhook_url = forms.CharField(
        label=gettext_lazy("群机器人地址（https:// 或 http://）"), max_length=500, required=False
    )
    # A credential: never shown again (the input stays empty), and left empty it keeps the
    # secret the unit has.
    webhook_secret = forms.CharField(
        label=gettext_lazy("加签密钥（钉钉，以 SEC 开头；不修改请留空）"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    clear_secret = forms.BooleanField(label=gettext_lazy("清除加签密钥"), required=False)

    def contacts(self, kept_secret: str = "") -> UnitContacts:
        """The contacts typed; an empty secret is the one kept (`kept_secret`), unless it is
        to be cleared or the robot is no longer a 钉钉 one."""
        data = self.cleaned_data
        contacts = UnitContacts(**{k: data[k] for k in vars(UnitContacts()) if k in data})
        keep = not data.get("webhook_secret") and not data.get("clear_secret")
        if keep and data.get("webhook_kind") == Unit.Webhook.DINGTALK:
            contacts = replace(contacts, webhook_secret=kept_secret)
        return contacts


def _initial(unit: Unit) -> dict[str, Any]:
    return {
        name: getattr(unit, name)
        for name in UnitForm.base_fields
        if name not in ("webhook_secret", "clear_secret")
    }


@login_required
def unit_list(request: AuthedRequest) -> HttpResponse:
    """The current units, searched and paged: the same queries for 10 units or 10,000."""
    access.require_office(request.user)
    search = request.GET.get("q", "")[:100]
    page = Paginator(unit_rows(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/office/units.html", {"page": page, "q": search})


@checks_numbers(UnitForm)
@login_required
def unit_new(request: AuthedRequest) -> HttpResponse:
    """Create a unit (GET: the empty form)."""
    access.require_office(request.user)
    form = UnitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_create(
                name=form.cleaned_data["name"], contacts=form.contacts(), actor=request.user
            )
        except EditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已新增单位“%(name)s”") % {"name": unit.name})
            return redirect("web:units")
    return render(request, "web/office/unit_form.html", {"form": form, "unit": None})


@checks_numbers(UnitForm)
@login_required
def unit_edit(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Rename a unit or change its contacts."""
    access.require_office(request.user)
    unit = get_object_or_404(Unit, pk=unit_id, merged_into__isnull=True)
    form = UnitForm(request.POST if request.method == "POST" else None, initial=_initial(unit))
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(
                unit=unit,
                name=form.cleaned_data["name"],
                contacts=form.contacts(kept_secret=unit.webhook_secret),
                actor=request.user,
            )
        except EditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("单位信息已保存"))
            return redirect("web:units")
    return render(request, "web/office/unit_form.html", {"form": form, "unit": unit})


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label=gettext_lazy("并入单位"), queryset=Unit.objects.none(), empty_label=None
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("确认合并：任务、报送、草稿、成员等全部转到并入单位，此操作不能撤销"),
    )

    def __init__(self, *args: Any, source: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = unit_choices().exclude(pk=source.pk)  # type: ignore[attr-defined]


@login_required
def unit_merge_page(request: AuthedRequest, unit_id: int) -> HttpResponse:
    """Merge a unit into another (GET: choose the target and confirm)."""
    access.require_office(request.user)
    unit = get_object_or_404(unit_rows(), pk=unit_id)
    form = MergeForm(request.POST if request.method == "POST" else None, source=unit)
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["target"]
        try:
            unit_merge(source=unit, target=target, actor=request.user)
        except EditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("“%(source)s”已并入“%(target)s”") % {"source": unit.name, "target": target.name},
            )
            return redirect("web:units")
    return render(request, "web/office/unit_merge.html", {"form": form, "unit": unit})
