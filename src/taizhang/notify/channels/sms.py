"""SMS through a provider (`SmsProvider`), chosen by settings.TAIZHANG_SMS_PROVIDER. One is
shipped: 阿里云短信服务's SendSms (API version 2017-05-25), called over HTTPS with the RPC
signature: the parameters sorted, percent-encoded (RFC 3986), "POST&%2F&" + the encoded
query, HMAC-SHA1 keyed with "AccessKeySecret&", base64 (阿里云, 短信服务 签名机制;
docs/notifications.md). Its template has one variable (TAIZHANG_SMS_TEMPLATE_PARAM) that
takes the message. With no provider configured, no SMS delivery is created."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.parse
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

from taizhang.notify.channels.base import ChannelError, http_json

if TYPE_CHECKING:
    from taizhang.notify.models import Delivery

# A text message is billed per 70 characters: the subject and the start of the body.
MAX_CHARS = 200


class SmsProvider(Protocol):
    def send_sms(self, phone: str, text: str) -> None:
        """Send `text` to `phone`; raise `ChannelError` if the provider refuses it."""


def percent_encode(value: str) -> str:
    """阿里云's encoding: RFC 3986, UTF-8, only A-Z a-z 0-9 - _ . ~ left as they are."""
    return urllib.parse.quote(value, safe="-_.~")


class AliyunSms:
    """阿里云短信服务 SendSms, with the settings of TAIZHANG_SMS."""

    def __init__(self, config: Mapping[str, str]) -> None:
        self.config = config

    def request_params(
        self, phone: str, text: str, *, nonce: str = "", now: datetime | None = None
    ) -> dict[str, str]:
        """The signed parameters of one SendSms call (`nonce` and `now` for tests)."""
        now = now or datetime.now(tz=UTC)
        params = {
            "AccessKeyId": self.config["access_key_id"],
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": "cn-hangzhou",
            "SignName": self.config["sign_name"],
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce or uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": self.config["template_code"],
            "TemplateParam": json.dumps({self.config["template_param"]: text}, ensure_ascii=False),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
        }
        params["Signature"] = aliyun_signature(params, self.config["access_key_secret"])
        return params

    def send_sms(self, phone: str, text: str) -> None:
        params = self.request_params(phone, text)
        body = urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        answer = http_json(
            self.config["endpoint"],
            data=body.encode("ascii"),
            content_type="application/x-www-form-urlencoded",
            # The gateway is the sysadmin's setting (TAIZHANG_SMS_ENDPOINT), often on the
            # intranet, not an address the office types: not limited to the Internet.
            guarded=False,
        )
        if answer.get("Code") != "OK":
            raise ChannelError(
                _("短信服务返回错误 %(code)s：%(message)s")
                % {"code": answer.get("Code"), "message": answer.get("Message", "")}
            )


def aliyun_signature(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    """The RPC signature of `params` (without `Signature`) for an HTTP `method` call."""
    query = "&".join(
        f"{percent_encode(key)}={percent_encode(params[key])}" for key in sorted(params)
    )
    to_sign = f"{method}&{percent_encode('/')}&{percent_encode(query)}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


PROVIDERS = {"aliyun": AliyunSms}


def sms_configured() -> bool:
    """Whether a provider is chosen: only then are SMS deliveries created."""
    return settings.TAIZHANG_SMS_PROVIDER in PROVIDERS


def sms_provider() -> SmsProvider:
    """The provider of settings.TAIZHANG_SMS_PROVIDER."""
    name = settings.TAIZHANG_SMS_PROVIDER
    if name not in PROVIDERS:
        raise ChannelError(_("未配置短信服务（TAIZHANG_SMS_PROVIDER）"))
    return PROVIDERS[name](settings.TAIZHANG_SMS)


def sms_text(delivery: Delivery) -> str:
    text = f"{delivery.subject}：{delivery.body}" if delivery.body else delivery.subject
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


class SmsChannel:
    def send(self, delivery: Delivery) -> None:
        """Send the delivery's subject and the start of its body to its phone number."""
        sms_provider().send_sms(delivery.target, sms_text(delivery))

    def close(self) -> None:
        pass
