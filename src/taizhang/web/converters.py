"""URL converters: ids that a database integer can hold."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

MAX_ID = 2**63 - 1


class IdConverter:
    """`<id:name>`: a positive id like `<int:…>`, but one beyond any database integer (which
    would be a 500 on both databases) answers 400, not a crash."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        digits = value.lstrip("0") or "0"
        if len(digits) > len(str(MAX_ID)) or int(digits) > MAX_ID:
            raise BadRequest(_("编号过大"))
        return int(digits)

    def to_url(self, value: int) -> str:
        return str(value)
