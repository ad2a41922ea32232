"""`{% url %}` as Django's, with each URL reversed once per process: a page names 20-30
(the menu, the ledger's links, the export formats) and Django's `reverse` took 30-40 us each,
about 1 ms a page. A builtin of the template engine (settings.TEMPLATES), so every template's
`{% url %}` is this one. Only what the URL depends on is its key: the view's name, its
arguments when they are integers or text, the current app, the script prefix and the URLconf;
anything else (keyword arguments, `as var`, other arguments) goes to Django's tag."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import Parser, Token
from django.template.context import Context
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# URLs by what they depend on; emptied when full (the URLs of a few thousand tasks).
_REVERSED: dict[tuple[Any, ...], str] = {}
_MOST = 10_000


class CachedURLNode(URLNode):
    def render(self, context: Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        if self.kwargs or self.asvar or not all(map(_plain, args)):
            return str(super().render(context))
        found = cached_reverse(context, self.view_name.resolve(context), args)
        return str(conditional_escape(found)) if context.autoescape else found


def cached_reverse(context: Context, view_name: str, args: list[int | str]) -> str:
    """The URL `{% url view_name *args %}` gives in `context` (not escaped), reversed once per
    process; `args` integers or text."""
    return reversed_once(view_name, args, _current_app(context))


def reversed_once(
    view_name: str, args: list[int | str] | tuple[()] = (), current_app: str | None = None
) -> str:
    """`reverse(view_name, args=args, current_app=current_app)`, once per process for each
    script prefix and URLconf; `args` integers or text."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    key = (view_name, tuple(args), current_app, get_script_prefix(), urlconf)
    found = _REVERSED.get(key)
    if found is None:
        found = reverse(view_name, args=list(args), current_app=current_app)
        if len(_REVERSED) >= _MOST:
            _REVERSED.clear()
        _REVERSED[key] = found
    return found


def _plain(arg: Any) -> bool:
    """An integer (not a bool, equal to 1 or 0 as a key) or text (a template's literal is a
    SafeString), which the URL writes as `str` does."""
    return type(arg) is int or isinstance(arg, str)


def _current_app(context: Context) -> str | None:
    """The current app as Django's `{% url %}` finds it."""
    request: Any = getattr(context, "request", None)
    try:
        app: str | None = request.current_app
    except AttributeError:
        try:
            app = request.resolver_match.namespace
        except AttributeError:
            app = None
    return app


@register.tag
def url(parser: Parser, token: Token) -> URLNode:
    """Django's `{% url %}` (its syntax and its errors), reversing each URL once."""
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
