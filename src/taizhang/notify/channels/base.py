"""What every channel client is, and the one JSON-over-HTTP call the group robots and the SMS
gateway share (the standard library's urllib, a timeout on every call)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from taizhang.ledger.robot_addresses import address_refused, masked_url

if TYPE_CHECKING:
    from taizhang.notify.models import Delivery

# A reply longer than this is not a robot's answer: read no more of it.
MAX_REPLY = 64 * 1024


class ChannelError(Exception):
    """A send that failed, with a message for the office (kept as `Delivery.last_error`)."""


class ChannelClient(Protocol):
    def send(self, delivery: Delivery) -> None:
        """Send one delivery; raise `ChannelError` if it was not accepted."""

    def close(self) -> None:
        """Release what the client holds (a connection)."""


class AddressRefused(OSError):
    """The robot's host is this machine or the intranet (`ledger.robot_addresses`)."""


def _check_peer(connection: http.client.HTTPConnection) -> None:
    """Refuse the address the connection reached (what the host name resolved to now, so a
    name that resolves elsewhere later, DNS rebinding, is caught too) before anything is sent."""
    peer = connection.sock.getpeername()[0] if connection.sock is not None else ""
    if address_refused(connection.host, peer):
        connection.close()
        raise AddressRefused(
            _(
                "地址 %(host)s 指向本机或内网（%(address)s），已拒绝；如经内网中转，请在 "
                "TAIZHANG_WEBHOOK_ALLOWED_HOSTS 中允许它"
            )
            % {"host": connection.host, "address": peer}
        )


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _check_peer(self)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPConnection, req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        context = getattr(self, "_context", None)
        return self.do_open(_CheckedHTTPSConnection, req, context=context)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is not followed (it could lead anywhere): the 3xx is the answer."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _opener(*, guarded: bool) -> urllib.request.OpenerDirector:
    if guarded:
        return urllib.request.build_opener(_CheckedHTTPHandler, _CheckedHTTPSHandler, _NoRedirect)
    return urllib.request.build_opener(_NoRedirect)


def http_json(
    url: str,
    *,
    data: bytes | None = None,
    method: str = "POST",
    content_type: str = "",
    guarded: bool = True,
) -> dict[str, Any]:
    """Call `url` and return its JSON answer (an object); a refused connection, a timeout, an
    HTTP error status, a redirect or an answer that is not a JSON object raise `ChannelError`.
    Guarded (a robot's address, which the office types), an address on this machine or the
    intranet is refused unless allowed (`ledger.robot_addresses`). The error never holds the
    answer's body nor the address's credentials: it is kept and shown to the office."""
    if not url.startswith(("http://", "https://")):
        raise ChannelError(_("地址无效：%(url)s") % {"url": masked_url(url)})
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked)
    if content_type:
        request.add_header("Content-Type", content_type)
    timeout = settings.TAIZHANG_NOTIFY_TIMEOUT
    try:
        with _opener(guarded=guarded).open(request, timeout=timeout) as response:
            raw = response.read(MAX_REPLY)
    except urllib.error.HTTPError as error:
        error.close()
        if 300 <= error.code < 400:
            raise ChannelError(
                _("服务器要求跳转（HTTP %(code)s），未跟随") % {"code": error.code}
            ) from None
        raise ChannelError(_("服务器返回 HTTP %(code)s") % {"code": error.code}) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, AddressRefused):
            raise ChannelError(str(reason)) from None
        raise ChannelError(_("无法连接：%(reason)s") % {"reason": reason}) from error
    try:
        answer = json.loads(raw)
    except ValueError:
        raise ChannelError(_("服务器的答复不是 JSON")) from None
    if not isinstance(answer, dict):
        raise ChannelError(_("服务器的答复不是 JSON 对象"))
    return answer


def post_json(url: str, payload: dict[str, Any]) -> dict[str, Any]:
    """POST `payload` as UTF-8 JSON to `url`; its JSON answer."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return http_json(url, data=body, content_type="application/json; charset=utf-8")


def robot_text(delivery: Delivery) -> str:
    """The text a group robot posts: the subject, then the body."""
    return f"{delivery.subject}\n{delivery.body}".strip()


def check_errcode(answer: dict[str, Any], robot: str) -> None:
    """企业微信 and 钉钉 answer `{"errcode": 0, "errmsg": "ok"}`; anything else is a failure."""
    if answer.get("errcode") != 0:
        code, message = str(answer.get("errcode"))[:20], str(answer.get("errmsg", ""))[:200]
        raise ChannelError(
            _("%(robot)s返回错误 %(code)s：%(message)s")
            % {"robot": robot, "code": code, "message": message}
        )
