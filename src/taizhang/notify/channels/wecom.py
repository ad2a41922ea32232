"""企业微信 group robot: a POST of `{"msgtype": "text", "text": {"content": ...}}` to the
robot's webhook address (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...), answered
`{"errcode": 0, "errmsg": "ok"}` (企业微信开发者中心, 群机器人配置说明; docs/notifications.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from taizhang.notify.channels.base import check_errcode, post_json, robot_text

if TYPE_CHECKING:
    from taizhang.notify.models import Delivery

# 企业微信 cuts a text message at 2048 bytes: cut it ourselves, on a character.
MAX_BYTES = 2048


def wecom_payload(delivery: Delivery) -> dict[str, Any]:
    """The robot's text message for the delivery."""
    content = robot_text(delivery).encode("utf-8")[:MAX_BYTES].decode("utf-8", "ignore")
    return {"msgtype": "text", "text": {"content": content}}


class WeComChannel:
    def send(self, delivery: Delivery) -> None:
        """Post the delivery to its robot (`delivery.target`)."""
        check_errcode(post_json(delivery.target, wecom_payload(delivery)), "企业微信")

    def close(self) -> None:
        pass
