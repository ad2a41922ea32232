"""Bulletins (督查通报): the office's list of a ledger's bulletins with the form that composes a
new draft; a draft's preview and edit; issue (印发, after a confirmation step, with the edits
posted with it); downloads as Word and text. Drafts are the office's alone; an issued
bulletin is read by viewers and the units it is addressed to (supervision.selectors.
readable_bulletins), who find them on the ledger's list of issued bulletins. Everyone else
gets a 404, as for something that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.documents.write_bulletin import (
    bulletin_paragraphs,
    write_bulletin,
    write_bulletin_text,
)
from taizhang.ledger.models import Ledger
from taizhang.supervision import services
from taizhang.supervision.bulletin import DEFAULT_ISSUER
from taizhang.supervision.models import Bulletin
from taizhang.supervision.selectors import default_as_of, readable_bulletins
from taizhang.web.cycle import office_only
from taizhang.web.exports import attachment_header
from taizhang.web.http import AuthedRequest
from taizhang.web.views import visible_ledger

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
    """A bulletin the user may read, or 404."""
    return get_object_or_404(readable_bulletins(request.user), pk=bulletin_id)


@login_required
def bulletin_list(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """A ledger's bulletins, newest first, and the form that composes a new draft."""
    office_only(request)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    form = BulletinCreateForm(request.POST or None, initial={"as_of": default_as_of(ledger)})
    if request.method == "POST" and form.is_valid():
        bulletin = services.bulletin_create(
            ledger=ledger,
            as_of=form.cleaned_data["as_of"],
            actor=request.user,
            issuer=form.cleaned_data["issuer"].strip(),
        )
        messages.success(request, _("已生成通报草稿，请审阅修改后印发"))
        return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)
    bulletins = Bulletin.objects.filter(ledger=ledger).select_related("created_by")
    return render(
        request, "web/bulletins.html", {"ledger": ledger, "form": form, "bulletins": bulletins}
    )


@login_required
def bulletins_issued(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """A ledger's issued bulletins, newest first, for whoever may read them."""
    ledger = visible_ledger(request, ledger_id)
    bulletins = readable_bulletins(request.user).filter(ledger=ledger, issued_at__isnull=False)
    return render(request, "web/bulletins_issued.html", {"ledger": ledger, "bulletins": bulletins})


@login_required
def bulletin_detail(request: AuthedRequest, bulletin_id: int) -> HttpResponse:
    """A bulletin as it will read, and (to the office, while a draft) the form that edits it
    and issues it."""
    bulletin = _bulletin(request, bulletin_id)
    if request.method == "POST":
        office_only(request)
    initial = {"title": bulletin.title, "body": bulletin.body}
    form = BulletinEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_update(
                bulletin=bulletin,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                actor=request.user,
            )
        except services.BulletinError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("通报已保存"))
        return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)
    context = {
        "bulletin": bulletin,
        "form": form,
        "editable": bulletin.issued_at is None and access.is_office(request.user),
        "paragraphs": bulletin_paragraphs(bulletin.body),
        "downloads": DOWNLOADS,
    }
    return render(request, "web/bulletin.html", context)


@login_required
@require_POST
def bulletin_issue(request: AuthedRequest, bulletin_id: int) -> HttpResponse:
    """Issue (印发) a draft with the title and body posted with it (the text as saved when
    none is posted). Without `confirm`, shows what issuing does and changes nothing; posted
    text that is no valid edit is refused with its errors and nothing is issued."""
    office_only(request)
    bulletin = _bulletin(request, bulletin_id)
    posted = "title" in request.POST or "body" in request.POST
    form = BulletinEditForm(request.POST if posted else None)
    if posted and not form.is_valid():
        messages.error(request, _("未印发：%(errors)s") % {"errors": form.errors.as_text()})
        return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)
    text = form.cleaned_data if posted else {"title": bulletin.title, "body": bulletin.body}
    if request.POST.get("confirm") != "1":
        context = {
            "bulletin": bulletin,
            "text": text,
            "paragraphs": bulletin_paragraphs(text["body"]),
        }
        return render(request, "web/bulletin_confirm.html", context)
    try:
        services.bulletin_issue(bulletin=bulletin, actor=request.user, **text)
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
    response["Content-Disposition"] = attachment_header(f"{bulletin.title}.{fmt}")
    return response
