"""The request a signed-in page gets: behind `login_required` its user is a `User`, never
`AnonymousUser`, so services that take an actor accept `request.user` as it is."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

# The tag of the messages a figure check leaves (web.cycle.figure_check): the page it goes back
# to, at its indicators (#indicators), shows them there rather than at its top, out of view.
INDICATOR_MESSAGES = "indicator-message"


class AuthedRequest(HttpRequest):
    """An `HttpRequest` whose user is signed in (views decorated with `login_required`)."""

    user: User
