"""The office's leaders (牵头领导) and their own contacts (phone, e-mail), used for
notifications when a leader's account has none. Thin views: ask accounts.access, call
ledger.services.units.person_contacts_update, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.accounts import access
from taizhang.ledger.errors import EditError
from taizhang.ledger.models import Person
from taizhang.ledger.services.units import person_contacts_update
from taizhang.web.http import AuthedRequest
from taizhang.web.middleware import checks_numbers

PAGE_SIZE = 100


class PersonForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("手机号码"), max_length=30, required=False)
    email = forms.CharField(label=gettext_lazy("电子邮箱"), max_length=254, required=False)


@login_required
def person_list(request: AuthedRequest) -> HttpResponse:
    """The leaders, searched and paged (one query a page)."""
    access.require_office(request.user)
    search = request.GET.get("q", "")[:100]
    people = Person.objects.order_by("name")
    if search:
        people = people.filter(
            Q(name__icontains=search) | Q(phone__icontains=search) | Q(email__icontains=search)
        )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/office/people.html", {"page": page, "q": search})


@checks_numbers(PersonForm)
@login_required
def person_edit(request: AuthedRequest, person_id: int) -> HttpResponse:
    """A leader's phone and e-mail."""
    access.require_office(request.user)
    person = get_object_or_404(Person, pk=person_id)
    initial = {"phone": person.phone, "email": person.email}
    form = PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person_contacts_update(
                person=person,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                actor=request.user,
            )
        except EditError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("“%(name)s”的联系方式已保存") % {"name": person.name})
            return redirect("web:people")
    return render(request, "web/office/person_form.html", {"form": form, "person": person})
