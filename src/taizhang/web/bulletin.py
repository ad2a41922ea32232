"""Bulletins (督查通报): the office's list of a ledger's bulletins with the form that composes a
new draft; a draft's preview and edit; issue (印发, after a confirmation step, with the edits
posted with it); downloads as Word and text. Drafts are the office's alone; an issued
bulletin is read by viewers and the units it is addressed to (supervision.selectors.
readable_bulletins), who find them on the ledger's list of issued bulletins. Everyone else
gets a 404, as for something that does not exist."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from taizhang.accounts import access
from taizhang.documents.bulletin_frame import cc_line, document_date
from taizhang.documents.write_bulletin import bulletin_paragraphs, write_bulletin_text
from taizhang.ledger.models import Ledger
from taizhang.supervision import services
from taizhang.supervision.bulletin import (
    BulletinDetails,
    bulletin_details,
    bulletin_docx,
    bulletin_frame,
    office_name,
)
from taizhang.supervision.models import Bulletin, BulletinForm
from taizhang.supervision.selectors import (
    default_as_of,
    issue_number_used,
    next_issue_number,
    readable_bulletins,
)
from taizhang.web.cycle import office_only
from taizhang.web.exports import attachment_header
from taizhang.web.forms import WholeNumberField, errors_in_one_line
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers
from taizhang.web.views import visible_ledger

DOWNLOADS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
}


DETAIL_FIELDS = ("form", "issue_number", "doc_number", "issuer", "cc", "printer", "printed_on")


class BulletinDetailsForm(forms.Form):
    """What the 版头 and 版记 print (GB/T 9704), set by the office on the page."""

    form = forms.ChoiceField(
        label=gettext_lazy("版式"),
        choices=BulletinForm.choices,
        initial=BulletinForm.MASTHEAD,
        widget=forms.RadioSelect,
        required=False,
    )
    issue_number = WholeNumberField(
        label=gettext_lazy("期号（第N期）"), min_value=1, max_value=9999, required=False
    )
    doc_number = forms.CharField(
        label=gettext_lazy("发文字号（如 济督〔2021〕5号）"), max_length=60, required=False
    )
    issuer = forms.CharField(
        label=gettext_lazy("发文机关（署名；空则为本室名称）"), max_length=60, required=False
    )
    cc = forms.CharField(
        label=gettext_lazy("抄送（机关之间用顿号或逗号分隔）"), max_length=500, required=False
    )
    printer = forms.CharField(
        label=gettext_lazy("印发机关（空则同发文机关）"), max_length=60, required=False
    )
    printed_on = forms.DateField(
        label=gettext_lazy("印发日期（空则为印发当日）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def details(self) -> BulletinDetails | None:
        """The details posted, or None when the post carries none (an older page, or a
        client that sends only the text): then the stored ones stay."""
        if not any(name in self.data for name in DETAIL_FIELDS):
            return None
        data = self.cleaned_data | {"form": self.cleaned_data["form"] or BulletinForm.MASTHEAD}
        return BulletinDetails(**{name: data[name] for name in DETAIL_FIELDS})


class BulletinCreateForm(BulletinDetailsForm):
    as_of = forms.DateField(
        label=gettext_lazy("截至日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    field_order = ("as_of", "issuer", *DETAIL_FIELDS)


class BulletinEditForm(BulletinDetailsForm):
    title = forms.CharField(label=gettext_lazy("标题"), max_length=services.TITLE_MAX)
    body = forms.CharField(
        label=gettext_lazy(
            "正文（每段一行；“一、”“（一）”开头的段落为标题；最后两行为署名和日期）"
        ),
        widget=forms.Textarea(attrs={"rows": 30}),
        max_length=100_000,
    )
    field_order = ("title", "body", *DETAIL_FIELDS)


def _with_number(
    details: BulletinDetails | None, request: HttpRequest, ledger: Ledger
) -> BulletinDetails:
    """The details posted, with the 期号 proposed when the post leaves the field out (an
    empty field posted means none)."""
    details = details or BulletinDetails()
    if "issue_number" in request.POST:
        return details
    return replace(details, issue_number=next_issue_number(ledger))


def _stored(bulletin: Bulletin) -> dict[str, object]:
    """A bulletin's editable values, as the edit form's initial data."""
    details = bulletin_details(bulletin)
    return {
        "title": bulletin.title,
        "body": bulletin.body,
        **{name: getattr(details, name) for name in DETAIL_FIELDS},
    }


def _bulletin(request: HttpRequest, bulletin_id: int) -> Bulletin:
    """A bulletin the user may read, or 404."""
    return get_object_or_404(readable_bulletins(request.user), pk=bulletin_id)


@checks_numbers(BulletinCreateForm)
@login_required
def bulletin_list(request: AuthedRequest, ledger_id: int) -> HttpResponse:
    """A ledger's bulletins, newest first, and the form that composes a new draft."""
    office_only(request)
    ledger = get_object_or_404(Ledger, pk=ledger_id)
    initial = {
        "as_of": default_as_of(ledger),
        "issuer": office_name(),
        "issue_number": next_issue_number(ledger),
    }
    form = BulletinCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        bulletin = services.bulletin_create(
            ledger=ledger,
            as_of=form.cleaned_data["as_of"],
            actor=request.user,
            issuer=form.cleaned_data["issuer"],
            details=_with_number(form.details(), request, ledger),
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


@checks_numbers(BulletinEditForm)
@login_required
def bulletin_detail(request: AuthedRequest, bulletin_id: int) -> HttpResponse:
    """A bulletin as it will read, and (to the office, while a draft) the form that edits it
    and issues it."""
    bulletin = _bulletin(request, bulletin_id)
    if request.method == "POST":
        office_only(request)
    form = BulletinEditForm(request.POST or None, initial=_stored(bulletin))
    if request.method == "POST" and form.is_valid():
        try:
            services.bulletin_update(
                bulletin=bulletin,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                actor=request.user,
                details=form.details(),
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
        "frame": _frame(bulletin_details(bulletin), bulletin),
        "downloads": DOWNLOADS,
        "used": issue_number_used(bulletin.ledger, bulletin.issue_number, exclude=bulletin.pk),
    }
    return render(request, "web/bulletin.html", context)


def _frame(details: BulletinDetails, bulletin: Bulletin) -> dict[str, object]:
    """The 版头 and 版记 as the preview shows them (what the Word document prints)."""
    issued = timezone.localdate(bulletin.issued_at) if bulletin.issued_at else None
    masthead, colophon = bulletin_frame(details, bulletin.as_of, issued)
    return {
        "masthead": masthead,
        "colophon": colophon,
        "cc": cc_line(colophon.cc) if colophon.cc else "",
        "date": document_date(masthead.date) if masthead.date else "",
        "printed": document_date(colophon.printed_on) if colophon.printed_on else "",
    }


@checks_numbers(BulletinEditForm)
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
        messages.error(request, _("未印发：%(errors)s") % {"errors": errors_in_one_line(form)})
        return redirect("web:bulletin_detail", bulletin_id=bulletin.pk)
    if posted:
        text = {"title": form.cleaned_data["title"], "body": form.cleaned_data["body"]}
    else:
        text = {"title": bulletin.title, "body": bulletin.body}
    details = (form.details() if posted else None) or bulletin_details(bulletin)
    if request.POST.get("confirm") != "1":
        context = {
            "bulletin": bulletin,
            "text": text,
            "paragraphs": bulletin_paragraphs(text["body"]),
            "frame": _frame(details, bulletin),
            "hidden": [(name, _posted(getattr(details, name))) for name in DETAIL_FIELDS],
            "used": issue_number_used(bulletin.ledger, details.issue_number, exclude=bulletin.pk),
        }
        return render(request, "web/bulletin_confirm.html", context)
    try:
        services.bulletin_issue(bulletin=bulletin, actor=request.user, details=details, **text)
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
        data = bulletin_docx(bulletin)
    else:
        data = write_bulletin_text(bulletin.title, bulletin.body)
    response = HttpResponse(data, content_type=DOWNLOADS[fmt])
    response["Content-Disposition"] = attachment_header(f"{bulletin.title}.{fmt}")
    return response


def _posted(value: object) -> str:
    """A detail as a form posts it back (empty for none, dates as YYYY-MM-DD)."""
    return "" if value is None else str(value)
