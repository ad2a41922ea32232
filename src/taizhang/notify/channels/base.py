"""What every channel client is, and the one JSON-over-HTTP call the group robots and the SMS
gateway share (the standard library's urllib, a timeout on every call)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

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


def http_json(
    url: str, *, data: bytes | None = None, method: str = "POST", content_type: str = ""
) -> dict[str, Any]:
    """Call `url` and return its JSON answer (an object); a refused connection, a timeout, an
    HTTP error status or an answer that is not a JSON object raise `ChannelError`."""
    if not url.startswith(("http://", "https://")):
        raise ChannelError(_("地址无效：%(url)s") % {"url": url})
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked)
    if content_type:
        request.add_header("Content-Type", content_type)
    timeout = settings.TAIZHANG_NOTIFY_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(MAX_REPLY)
    except urllib.error.HTTPError as error:
        raise ChannelError(_("服务器返回 HTTP %(code)s") % {"code": error.code}) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelError(_("无法连接：%(reason)s") % {"reason": reason}) from error
    try:
        answer = json.loads(raw)
    except ValueError as error:
        raise ChannelError(_("服务器的答复不是 JSON：%(raw)s") % {"raw": raw[:200]}) from error
    if not isinstance(answer, dict):
        raise ChannelError(_("服务器的答复不是 JSON 对象：%(raw)s") % {"raw": raw[:200]})
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
        raise ChannelError(
            _("%(robot)s返回错误 %(code)s：%(message)s")
            % {"robot": robot, "code": answer.get("errcode"), "message": answer.get("errmsg", "")}
        )
