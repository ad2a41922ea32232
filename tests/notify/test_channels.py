"""Each outside channel against a local receiver: e-mail read back from a real SMTP server,
both group robots' JSON as a local HTTP server receives it (钉钉's signature recomputed), the
SMS provider's signed request; and the clear error of a channel that is down or refuses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
from datetime import UTC, datetime
from typing import Any

import pytest

from taizhang.ledger.models import Unit
from taizhang.notify.channels import ChannelError
from taizhang.notify.channels.dingtalk import DingTalkChannel, dingtalk_url
from taizhang.notify.channels.email import EmailChannel
from taizhang.notify.channels.sms import AliyunSms, SmsChannel, sms_configured
from taizhang.notify.channels.wecom import WeComChannel
from taizhang.notify.models import Delivery
from tests.notify.receivers import Received, free_port, http_receiver, smtp_server

SUBJECT = "【催办】请报送“2021年11月”"
BODY = "水利局：\n请于2021年11月10日前报送“2021年11月”的工作进展。\n已逾期2天。"


def delivery(channel: str, target: str, unit: Unit | None = None) -> Delivery:
    return Delivery(channel=channel, target=target, subject=SUBJECT, body=BODY, unit=unit)


@pytest.fixture
def smtp_settings(settings: Any) -> Any:
    # pytest-django sends mail to memory; these tests use the SMTP backend of production.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.DEFAULT_FROM_EMAIL = "督查室 <duchashi@example.gov.cn>"
    settings.TAIZHANG_NOTIFY_TIMEOUT = 5
    return settings


def test_an_email_reaches_a_local_smtp_server_in_chinese(smtp_settings: Any) -> None:
    with smtp_server() as (mailbox, port):
        smtp_settings.EMAIL_PORT = port
        channel = EmailChannel()
        channel.send(delivery("email", "slj@example.gov.cn"))
        channel.send(delivery("email", "wjw@example.gov.cn"))
        channel.close()
    assert mailbox.recipients == [["slj@example.gov.cn"], ["wjw@example.gov.cn"]]
    message = mailbox.messages[0]
    assert message["Subject"] == SUBJECT
    assert message["To"] == "slj@example.gov.cn"
    assert "duchashi@example.gov.cn" in message["From"]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().replace("\r\n", "\n").strip() == BODY


def test_an_smtp_server_that_is_down_is_a_clear_error(smtp_settings: Any) -> None:
    smtp_settings.EMAIL_PORT = free_port()  # nothing listens there
    with pytest.raises(ChannelError, match="邮件发送失败"):
        EmailChannel().send(delivery("email", "slj@example.gov.cn"))


@pytest.mark.usefixtures("local_robots")
def test_wecom_receives_its_documented_text_message(settings: Any) -> None:
    with http_receiver() as receiver:
        url = f"{receiver.url}/cgi-bin/webhook/send?key=693a91f6"
        WeComChannel().send(delivery("wecom", url))
    (request,) = receiver.received
    assert request.path == "/cgi-bin/webhook/send" and request.query == {"key": ["693a91f6"]}
    assert request.headers["content-type"].startswith("application/json")
    assert request.json() == {"msgtype": "text", "text": {"content": f"{SUBJECT}\n{BODY}"}}


@pytest.mark.usefixtures("local_robots")
def test_a_long_wecom_message_is_cut_within_its_2048_bytes() -> None:
    with http_receiver() as receiver:
        long = Delivery(channel="wecom", target=receiver.url, subject="催办", body="进展" * 2000)
        WeComChannel().send(long)
    content = receiver.received[0].json()["text"]["content"]
    assert len(content.encode()) <= 2048 and content.startswith("催办\n进展")


def refusing(errcode: int, errmsg: str) -> Any:
    return lambda request: (200, {"errcode": errcode, "errmsg": errmsg})


@pytest.mark.usefixtures("local_robots")
def test_a_robot_that_answers_an_error_code_fails_with_it() -> None:
    with http_receiver(refusing(93000, "invalid webhook url")) as receiver:
        with pytest.raises(ChannelError, match="企业微信返回错误 93000：invalid webhook url"):
            WeComChannel().send(delivery("wecom", receiver.url))
        with pytest.raises(ChannelError, match="钉钉返回错误 310000"):
            receiver.answer_with(refusing(310000, "sign not match"))
            DingTalkChannel().send(delivery("dingtalk", receiver.url))


@pytest.mark.usefixtures("local_robots")
def test_a_robot_answering_http_500_or_not_listening_fails_clearly() -> None:
    with (
        http_receiver(lambda request: (500, {"error": "down"})) as receiver,
        pytest.raises(ChannelError, match="HTTP 500"),
    ):
        WeComChannel().send(delivery("wecom", receiver.url))
    with pytest.raises(ChannelError, match="无法连接"):
        WeComChannel().send(delivery("wecom", f"http://127.0.0.1:{free_port()}/send"))
    with pytest.raises(ChannelError, match="地址无效"):
        WeComChannel().send(delivery("wecom", "file:///etc/passwd"))


def expected_sign(secret: str, timestamp: str) -> str:
    """钉钉's documented signature, written again here: HMAC-SHA256 of "timestamp\\nsecret"
    keyed with the secret, base64 (the query string's decoding undoes the URL-encoding)."""
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


@pytest.mark.usefixtures("local_robots")
def test_dingtalk_receives_its_text_message_signed_with_the_units_secret() -> None:
    secret = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc"
    unit = Unit(name="水利局", webhook_kind="dingtalk", webhook_secret=secret)
    before = round(time.time() * 1000)
    with http_receiver() as receiver:
        DingTalkChannel().send(
            delivery("dingtalk", f"{receiver.url}/robot/send?access_token=ab", unit)
        )
    (request,) = receiver.received
    assert request.path == "/robot/send"
    assert request.json() == {"msgtype": "text", "text": {"content": f"{SUBJECT}\n{BODY}"}}
    assert request.query["access_token"] == ["ab"]
    (timestamp,) = request.query["timestamp"]
    assert before <= int(timestamp) <= round(time.time() * 1000)
    assert request.query["sign"] == [expected_sign(secret, timestamp)]


def test_a_dingtalk_signature_is_url_encoded_and_absent_without_a_secret() -> None:
    url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=x", "s", 1700000000000)
    sign = url.rsplit("&sign=", 1)[1]
    assert "+" not in sign and "/" not in sign and "=" not in sign  # all percent-encoded
    assert urllib.parse.unquote_plus(sign) == expected_sign("s", "1700000000000")
    assert dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=x", "") == (
        "https://oapi.dingtalk.com/robot/send?access_token=x"
    )


ALIYUN = {
    "access_key_id": "testid",
    "access_key_secret": "testsecret",
    "sign_name": "济源督查",
    "template_code": "SMS_123456",
    "template_param": "content",
}


def aliyun_signature_again(params: dict[str, str], secret: str) -> str:
    """阿里云's RPC signature, written again from its documentation: sorted parameters,
    RFC 3986 encoding, "POST&%2F&" + the encoded query, HMAC-SHA1 keyed "secret&"."""

    def enc(text: str) -> str:
        return urllib.parse.quote(text, safe="~")

    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()))
    string_to_sign = "POST&%2F&" + enc(query)
    mac = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def test_the_aliyun_sms_request_is_signed_as_documented() -> None:
    sms = AliyunSms({**ALIYUN, "endpoint": "unused"})
    now = datetime(2021, 11, 12, 1, 2, 3, tzinfo=UTC)
    params = sms.request_params("13800001111", "请报送进展", nonce="n1", now=now)
    assert params["Timestamp"] == "2021-11-12T01:02:03Z"
    assert json.loads(params["TemplateParam"]) == {"content": "请报送进展"}
    signature = params.pop("Signature")
    assert signature == aliyun_signature_again(params, "testsecret")
    other = sms.request_params("13800001111", "请报送进展", nonce="n2", now=now)
    assert other["Signature"] != signature  # the nonce is signed


def answer_sms(code: str) -> Any:
    return lambda request: (200, {"Code": code, "Message": "OK" if code == "OK" else "触发限流"})


def test_the_sms_channel_posts_the_signed_form_to_its_gateway(settings: Any) -> None:
    settings.TAIZHANG_SMS_PROVIDER = "aliyun"
    with http_receiver(answer_sms("OK")) as receiver:
        settings.TAIZHANG_SMS = {**ALIYUN, "endpoint": f"{receiver.url}/"}
        assert sms_configured()
        SmsChannel().send(delivery("sms", "13800001111"))
        receiver.answer_with(answer_sms("isv.BUSINESS_LIMIT_CONTROL"))
        with pytest.raises(ChannelError, match=r"isv\.BUSINESS_LIMIT_CONTROL：触发限流"):
            SmsChannel().send(delivery("sms", "13800001111"))
    request: Received = receiver.received[0]
    form = {k: v[0] for k, v in urllib.parse.parse_qs(request.body.decode()).items()}
    assert form["PhoneNumbers"] == "13800001111" and form["Action"] == "SendSms"
    assert json.loads(form["TemplateParam"])["content"].startswith(SUBJECT)
    signature = form.pop("Signature")
    assert signature == aliyun_signature_again(form, "testsecret")


def test_without_a_provider_sms_is_not_configured_and_refuses(settings: Any) -> None:
    settings.TAIZHANG_SMS_PROVIDER = ""
    assert not sms_configured()
    with pytest.raises(ChannelError, match="未配置短信服务"):
        SmsChannel().send(delivery("sms", "13800001111"))
