"""钉钉 group robot: a POST of `{"msgtype": "text", "text": {"content": ...}}` to the robot's
webhook address (https://oapi.dingtalk.com/robot/send?access_token=...), answered
`{"errcode": 0, "errmsg": "ok"}`. A robot with 加签 security needs `&timestamp=T&sign=S` on
the address: T in milliseconds, S the HMAC-SHA256 of "T\\nsecret" keyed with the secret,
base64, URL-encoded (钉钉开放平台, 自定义机器人安全设置; docs/notifications.md)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from typing import TYPE_CHECKING, Any

from taizhang.notify.channels.base import check_errcode, post_json, robot_text

if TYPE_CHECKING:
    from taizhang.notify.models import Delivery


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature of a request at `timestamp_ms` (not yet URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """The webhook address, signed when the robot has a secret."""
    if not secret:
        return url
    timestamp_ms = round(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}timestamp={timestamp_ms}&sign={sign}"


def dingtalk_payload(delivery: Delivery) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": robot_text(delivery)}}


class DingTalkChannel:
    def send(self, delivery: Delivery) -> None:
        """Post the delivery to its robot, signed with its unit's secret when it has one."""
        secret = delivery.unit.webhook_secret if delivery.unit is not None else ""
        url = dingtalk_url(delivery.target, secret)
        check_errcode(post_json(url, dingtalk_payload(delivery)), "钉钉")

    def close(self) -> None:
        pass
