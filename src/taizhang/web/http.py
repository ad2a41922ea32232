"""The request a signed-in page gets: behind `login_required` its user is a `User`, never
`AnonymousUser`, so services that take an actor accept `request.user` as it is."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.urls import reverse

# The tag of the messages a figure check leaves (web.cycle.figure_check): the page it goes back
# to, at its indicators (#indicators), shows them there rather than at its top, out of view.
INDICATOR_MESSAGES = "indicator-message"


class AuthedRequest(HttpRequest):
    """An `HttpRequest` whose user is signed in (views decorated with `login_required`)."""

    user: User


def page_address(request: HttpRequest, name: str, *args: object) -> str:
    """The address a page's own forms and links come back to: the one asked for when the page
    was asked for (GET, its query kept), else the page's own (`name`): a page shown again at a
    POST-only address after a refused form (a figure, light settings, a report) would
    otherwise send them there, to 405 Method Not Allowed."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    return reverse(name, args=args)
