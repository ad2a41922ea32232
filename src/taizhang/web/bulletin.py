"""The office's bulletins (督查通报): the list of a ledger's bulletins with the form that
composes a new draft; a draft's preview and edit; issue (印发); downloads as Word and text.
Office only: everyone else gets a 404, as for something that does not exist."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.documents.write_bulletin import (
    bulletin_paragraphs,
    write_bulletin,
    write_bulletin_text,
)
from taizhang.ledger.models import Ledger
from taizhang.supervision import services
from taizhang.supervision.bulletin import DEFAULT_ISSUER
from taizhang.supervision.models import Bulletin
from taizhang.supervision.selectors import today
from taizhang.web.cycle import office_only

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
}


class BulletinCreateForm(forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("截至日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    issuer = forms.CharField(
        label=gettext_lazy("发文机关署名"), max_length=60, initial=DEFAULT_ISSUER
    )


class BulletinEditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=services.TITLE_MAX)
    body = forms.CharField(
        label=gettext_lazy(
            "正文（每段一行；“一、”“（一）”开头的段落为标题；最后两行为署名和日期）"
        ),
        widget=forms.Textarea(attrs={"rows": 30}),
        max_length=100_000,
    )


def _bulletin(request: HttpRequest, bulletin_id: int) -> Bulletin:
    office_only(request)
    return get_object_or_404(Bulletin.objects.select_related("ledger"), pk=bulletin_id)


@login_required
def bulletin_list(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """A ledger's bulletins, newest first, and the form that composes a new draft."""
    office_only(request)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    form = BulletinCreateForm(request.POST or None, initial={"as_of": today()})
    if request.method == "POST" and form.is_valid():
        bulletin = services.bulletin_create(
            ledger=ledger,
            as_of=form.cleaned_data["as_of"],
            actor=request.user,  # type: ignore[arg-type]
            issuer=form.cleaned_data["issuer"].strip(),
        )
        messages.success(request, _("已生成通报草稿，请审阅修改后印发"))
        return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)
    bulletins = Bulletin.objects.filter(ledger=ledger).select_related("created_by")
    return render(
        request, "web/bulletins.html", {"ledger": ledger, "form": form, "bulletins": bulletins}
    )


@login_required
def bulletin_detail(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """A bulletin as it will read, and (while a draft) the form that edits it."""
    bulletin = _bulletin(request, bulletin_id)
    initial = {"title": bulletin.title, "body": bulletin.body}
    form = BulletinEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_update(
                bulletin=bulletin,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except services.BulletinError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("通报已保存"))
        return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)
    context = {
        "bulletin": bulletin,
        "form": form,
        "paragraphs": bulletin_paragraphs(bulletin.body),
        "downloads": DOWNLOADS,
    }
    return render(request, "web/bulletin.html", context)


@login_required
@require_POST
def bulletin_issue(request: HttpRequest, bulletin_id: int) -> HttpResponse:
    """Issue (印发) a draft; it is read-only from then on."""
    bulletin = _bulletin(request, bulletin_id)
    try:
        services.bulletin_issue(bulletin=bulletin, actor=request.user)  # type: ignore[arg-type]
    except services.BulletinError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("通报已印发"))
    return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)


@login_required
def bulletin_download(request: HttpRequest, bulletin_id: int, fmt: str) -> HttpResponse:
    """The bulletin's text as saved, as Word (official layout) or plain text."""
    bulletin = _bulletin(request, bulletin_id)
    if fmt not in DOWNLOADS:
        raise Http404
    if fmt == "docx":
        data = write_bulletin(bulletin.title, bulletin.body)
    else:
        data = write_bulletin_text(bulletin.title, bulletin.body)
    response = HttpResponse(data, content_type=DOWNLOADS[fmt])
    filename = quote(f"{bulletin.title}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response
