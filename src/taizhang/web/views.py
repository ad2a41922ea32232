"""Pages. Thin: call one selector, render."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from taizhang.ledger.selectors import ledger_document, ledger_get, ledger_list


def ledger_index(request: HttpRequest) -> HttpResponse:
    """The stored ledgers."""
    return render(request, "web/ledger_index.html", {"ledgers": ledger_list()})


def ledger_detail(request: HttpRequest, ledger_id: int) -> HttpResponse:
    """One ledger in the layout of the document."""
    ledger = ledger_get(ledger_id)
    if ledger is None:
        raise Http404
    return render(
        request, "web/ledger_detail.html", {"ledger": ledger, "doc": ledger_document(ledger)}
    )
