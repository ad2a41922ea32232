"""The office's accounts (账号): the list; one account created, edited, its password reset,
deactivated or reactivated; one reporter account per unit of a ledger that has none; and
everyone's own password change, which the first sign-in leads to
(web.middleware.PasswordChangeMiddleware).

One-time passwords are stored nowhere on the server, not even for a while: the answer to the
POST that made them (one account, a reset, a ledger's accounts) is the printable sheet itself
(单位, 用户名, 初始密码; not cached), which the browser prints or saves as PDF. Its "下载 Word
版" form posts the rows back, signed (`django.core.signing`, valid `SHEET_MINUTES`, for the
office user who got them), and the .docx is built from them. The database holds only the
passwords' hashes; a lost sheet is answered by resetting the password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.accounts.errors import AccountError
from taizhang.accounts.models import Role
from taizhang.accounts.selectors import account_rows, unit_choices
from taizhang.accounts.services import (
    AccountFields,
    account_add,
    account_password_reset,
    account_set_active,
    account_update,
    accounts_for_units,
    collective_units,
    password_change,
    units_without_reporter,
)
from taizhang.documents.write_account_sheet import SheetRow
from taizhang.documents.write_account_sheet import account_sheet_docx as sheet_docx
from taizhang.ledger.models import Ledger, Person, Unit
from taizhang.web.exports import attachment_header
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers

PAGE_SIZE = 100
SHEET_SALT = "taizhang.web.accounts.sheet"
SHEET_MINUTES = 30
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AccountForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)
    display_name = forms.CharField(label=gettext_lazy("显示名称"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=30, required=False)
    units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("所属单位（填报人）"), queryset=Unit.objects.none(), required=False
    )
    person = forms.ModelChoiceField(
        label=gettext_lazy("关联领导（牵头领导）"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = unit_choices()  # type: ignore[attr-defined]
        self.fields["person"].queryset = Person.objects.order_by("name")  # type: ignore[attr-defined]

    def account_fields(self) -> AccountFields:
        data = self.cleaned_data
        return AccountFields(
            role=data["role"],
            display_name=data["display_name"],
            units=tuple(data["units"]),
            person=data["person"],
            phone=data["phone"],
        )


class NewAccountForm(AccountForm):
    """A new account. Its role starts unchosen: a form left as it opened must not hand out
    the office's rights (督查室 is the first role)."""

    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        choices=[("", gettext_lazy("请选择角色")), *Role.choices],
    )
    field_order = ["username", "role", "display_name", "phone", "units", "person"]  # noqa: RUF012

    def clean(self) -> dict[str, Any]:
        """Units are a reporter's: chosen for another role they would be dropped unseen."""
        data = super().clean() or {}
        if data.get("units") and data.get("role") not in (None, Role.REPORTER):
            self.add_error(
                "units", _("只有责任单位填报人账号可选所属单位，请改选角色或取消所选单位")
            )
        return data


@login_required
def account_list(request: AuthedRequest) -> HttpResponse:
    """Every account, searched and paged: the same queries for 10 accounts or 10,000."""
    access.require_office(request.user)
    search = request.GET.get("q", "")[:100]
    page = Paginator(account_rows(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    ledgers = Ledger.objects.only("pk", "title", "year")
    context = {"page": page, "q": search, "ledgers": ledgers}
    return render(request, "web/office/accounts.html", context)


@checks_numbers(NewAccountForm)
@never_cache
@login_required
def account_new(request: AuthedRequest) -> HttpResponse:
    """Create one account; the answer shows its one-time password, once."""
    access.require_office(request.user)
    form = NewAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = account_add(
                username=form.cleaned_data["username"],
                fields=form.account_fields(),
                actor=request.user,
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            return _password_shown(request, user, password, created=True)
    return render(request, "web/office/account_form.html", {"form": form, "account": None})


def _password_shown(
    request: AuthedRequest, user: User, password: str, *, created: bool
) -> HttpResponse:
    row = SheetRow(_account_label(user), user.get_username(), password)
    title = _("账号已创建") if created else _("密码已重置")
    return _sheet_page(request, title=title, rows=[row])


def _account_label(user: User) -> str:
    """What the sheet's 单位 column says of one account: its units, or its display name."""
    profile = getattr(user, "profile", None)
    if profile is None:
        return ""
    units = "、".join(unit.name for unit in profile.units.all())
    return units or profile.display_name


def _sheet_note() -> str:
    return _("请在首次登录后立即修改密码。初始密码仅可使用一次，请妥善保管本单。")


def _sheet_page(request: AuthedRequest, *, title: str, rows: list[SheetRow]) -> HttpResponse:
    """The printable sheet of one-time passwords, as the answer to the POST that made them
    (never stored), with its rows signed for the .docx."""
    signed = signing.dumps(
        {"by": request.user.pk, "title": title, "rows": [list(row) for row in rows]},
        salt=SHEET_SALT,
        compress=True,
    )
    context = {
        "title": title,
        "rows": rows,
        "signed": signed,
        "sign_in_url": request.build_absolute_uri(reverse("web:login")),
        "note": _sheet_note(),
        "minutes": SHEET_MINUTES,
    }
    return render(request, "web/office/account_sheet.html", context)


def _account(request: AuthedRequest, user_id: int) -> User:
    """The account to manage, or 404 (missing, or a superuser to anyone but a superuser)."""
    return access.access_account(request.user, user_id, User.objects.select_related("profile"))


@checks_numbers(AccountForm)
@login_required
def account_edit(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Change an account's role, name, phone, units or person."""
    access.require_office(request.user)
    user = _account(request, user_id)
    profile = getattr(user, "profile", None)
    initial = {
        "role": profile.role if profile else Role.VIEWER,
        "display_name": profile.display_name if profile else "",
        "phone": profile.phone if profile else "",
        "units": list(profile.units.all()) if profile else [],
        "person": profile.person if profile else None,
    }
    form = AccountForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            account_update(user=user, fields=form.account_fields(), actor=request.user)
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("账号“%(name)s”已保存") % {"name": user.username})
            return redirect("web:accounts")
    return render(request, "web/office/account_form.html", {"form": form, "account": user})


@never_cache
@require_POST
@login_required
def account_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    """A new one-time password, shown once in the answer."""
    access.require_office(request.user)
    user = _account(request, user_id)
    password = account_password_reset(user=user, actor=request.user)
    return _password_shown(request, user, password, created=False)


@require_POST
@login_required
def account_active(request: AuthedRequest, user_id: int) -> HttpResponse:
    """Deactivate (active=0) or reactivate (active=1) an account."""
    access.require_office(request.user)
    user = _account(request, user_id)
    wanted = request.POST.get("active")
    if wanted not in ("0", "1"):
        messages.error(request, _("请求无效"))
        return redirect("web:accounts")
    try:
        account_set_active(user=user, active=wanted == "1", actor=request.user)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        done = _("已启用") if wanted == "1" else _("已停用")
        messages.success(
            request, _("账号“%(name)s”%(done)s") % {"name": user.username, "done": done}
        )
    return redirect("web:accounts")


@never_cache
@login_required
def ledger_accounts(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """为没有账号的单位创建填报账号: GET lists the units of the ledger's current tasks with no
    active reporter; POST creates one account each and answers with their sheet."""
    access.require_office(request.user)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    if request.method == "POST":
        issued = accounts_for_units(ledger=ledger, actor=request.user)
        if not issued:
            messages.info(request, _("所有单位都已有填报账号"))
            return redirect("web:ledger_accounts", ledger_id=ledger.pk)
        messages.success(request, _("已创建 %(n)s 个填报账号") % {"n": len(issued)})
        title = _("%(ledger)s 填报账号") % {"ledger": ledger.title}
        rows = [SheetRow(a.unit, a.username, a.password) for a in issued]
        return _sheet_page(request, title=title, rows=rows)
    units = units_without_reporter(ledger)
    context = {"ledger": ledger, "units": units, "collective": collective_units(ledger)}
    return render(request, "web/office/ledger_accounts.html", context)


@never_cache
@require_POST
@login_required
def account_sheet_docx(request: AuthedRequest) -> HttpResponse:
    """The sheet as .docx, built from the rows its page posts back, signed for this office
    user `SHEET_MINUTES` ago at most; nothing was kept to build it from."""
    access.require_office(request.user)
    max_age = SHEET_MINUTES * 60
    try:
        sheet = signing.loads(request.POST.get("sheet", ""), salt=SHEET_SALT, max_age=max_age)
    except signing.BadSignature:
        sheet = None
    if not isinstance(sheet, dict) or sheet.get("by") != request.user.pk:
        message = _("账号单已过期（%(n)s 分钟）或无效；如需新的初始密码，请在账号列表中重置密码")
        return render(
            request,
            "web/office/account_sheet_gone.html",
            {"message": message % {"n": SHEET_MINUTES}},
            status=400,
        )
    data = sheet_docx(
        title=str(sheet["title"]),
        rows=[SheetRow(*(str(cell) for cell in row)) for row in sheet["rows"]],
        sign_in_url=request.build_absolute_uri(reverse("web:login")),
        note=_sheet_note(),
    )
    response = HttpResponse(data, content_type=DOCX)
    # A name the office knows the file by when it finds it in 下载 (RFC 5987 filename*).
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = attachment_header(
        _("账号初始密码_%(day)s.docx") % {"day": day}
    )
    return response


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=gettext_lazy("当前密码"), widget=forms.PasswordInput, max_length=200
    )
    password = forms.CharField(
        label=gettext_lazy("新密码"), widget=forms.PasswordInput, max_length=200
    )
    password_again = forms.CharField(
        label=gettext_lazy("再次输入新密码"), widget=forms.PasswordInput, max_length=200
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "old_password" in data and not self.user.check_password(data["old_password"]):
            self.add_error("old_password", _("当前密码不正确"))
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("两次输入的新密码不一致"))
        return data


@never_cache
@login_required
def password_change_page(request: AuthedRequest) -> HttpResponse:
    """Change one's own password; required before anything else after the office set it."""
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(user=request.user, password=form.cleaned_data["password"])
        except AccountError as error:
            form.add_error("password", str(error))
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("web:home")
    pending = access.password_change_pending(request.user)
    context = {"form": form, "pending": pending}
    return render(request, "web/password_change.html", context)
