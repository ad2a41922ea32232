"""`{% url %}` (taizhang.web.templatetags.cached_url, a builtin of the template engine)
writes what Django's writes, and reverses each URL once for the same view, arguments, app,
script prefix and URLconf."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.template import Context, Engine, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from taizhang.web.templatetags import cached_url

TEXT = (
    "{% url 'web:home' %}|{% url 'web:ledger_detail' pk %}|{% url 'web:ledger_detail' key %}|"
    "{% url 'web:ledger_export' pk fmt %}|{% url 'web:ledger_export' pk 'docx' %}|"
    "{% url 'web:ledger_detail' ledger_id=pk %}|"
    "{% url 'web:ledger_detail' pk as there %}[{{ there }}]|{% url name pk %}"
)
VALUES: dict[str, Any] = {"pk": 7, "key": "8", "fmt": "docx", "name": "web:ledger_detail"}


def both(text: str, values: dict[str, Any], *, autoescape: bool = True) -> tuple[str, str]:
    """`text` as the project's engine writes it and as Django's own `{% url %}` does."""
    ours = Engine.get_default().from_string(text)
    django = Template(text, engine=Engine(builtins=[]))
    return (
        ours.render(Context(values, autoescape=autoescape)),
        django.render(Context(values, autoescape=autoescape)),
    )


def test_the_urls_are_djangos_and_reversed_once() -> None:
    cached_url._REVERSED.clear()
    ours, django = both(TEXT, VALUES)
    assert ours == django
    assert "/ledgers/7/" in ours and "/ledgers/8/" in ours
    with mock.patch.object(cached_url, "reverse") as reverse:
        again, _ = both(TEXT, VALUES)
    assert again == ours
    assert reverse.call_count == 0  # the keyword and `as` forms go to Django's tag
    ours, django = both(TEXT, {**VALUES, "pk": 9, "fmt": "xlsx"})
    assert ours == django and "/ledgers/9/" in ours and "xlsx" in ours


def test_the_script_prefix_is_part_of_the_key() -> None:
    first, _ = both("{% url 'web:home' %}", {})
    set_script_prefix("/taizhang/")
    try:
        ours, django = both("{% url 'web:home' %}", {})
    finally:
        set_script_prefix("/")
    assert ours == django == "/taizhang" + first
    assert both("{% url 'web:home' %}", {})[0] == first


def test_other_arguments_autoescape_off_and_bad_names_are_djangos() -> None:
    class Pk:
        def __str__(self) -> str:
            return "5"

    ours, django = both("{% url 'web:ledger_detail' pk %}", {"pk": Pk()})
    assert ours == django == "/ledgers/5/"
    text = "{% url 'web:ledger_export' 3 fmt %}"
    assert both(text, {"fmt": 1}) == ("/ledgers/3/export/1/",) * 2
    assert both(text, {"fmt": True}) == ("/ledgers/3/export/True/",) * 2  # True == 1 as a key
    text = "{% url 'web:ledger_export' 1 key %}"
    escaped, django = both(text, {"key": "a&b"})
    assert escaped == django and escaped.endswith("/a&amp;b/")
    plain, django = both(text, {"key": "a&b"}, autoescape=False)
    assert plain == django and plain.endswith("/a&b/")
    with pytest.raises(NoReverseMatch):
        both("{% url 'web:no_such_page' %}", {})


def test_a_full_cache_is_emptied() -> None:
    cached_url._REVERSED.clear()
    with mock.patch.object(cached_url, "_MOST", 2):
        for pk in (1, 2, 3):
            both("{% url 'web:ledger_detail' pk %}", {"pk": pk})
    assert len(cached_url._REVERSED) == 1


def test_reversed_once_is_reverse_once_per_script_prefix() -> None:
    cached_url._REVERSED.clear()
    assert cached_url.reversed_once("web:logout") == reverse("web:logout")
    with mock.patch.object(cached_url, "reverse") as again:
        assert cached_url.reversed_once("web:logout") == reverse("web:logout")
    assert again.call_count == 0
    set_script_prefix("/taizhang/")
    try:
        prefixed = cached_url.reversed_once("web:logout")
        assert prefixed == reverse("web:logout") and prefixed.startswith("/taizhang/")
    finally:
        set_script_prefix("/")
