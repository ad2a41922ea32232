"""Template filters of Taizhang's pages."""

from __future__ import annotations

from django import template

from taizhang.documents.cells import category_numeral

register = template.Library()


@register.filter
def cn_numeral(number: int) -> str:
    """A category number as the ledger writes it (10 -> 十)."""
    try:
        return category_numeral(int(number))
    except (TypeError, ValueError):
        return str(number)
