"""Where a group robot's address may point (ledger.robot_addresses): not this machine nor the
intranet (loopback, link-local and the metadata service, private, shared, reserved, multicast)
unless TAIZHANG_WEBHOOK_ALLOWED_HOSTS names the host or its network; and the address as the
audit trail and errors show it, without its credentials."""

from __future__ import annotations

from typing import Any

import pytest

from taizhang.ledger.robot_addresses import address_refused, literal_refused, masked_url

INTERNAL = [
    "127.0.0.1",
    "127.8.9.10",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 -- an address to refuse, not one bound
    "224.0.0.1",
    "240.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
]


@pytest.mark.parametrize("address", INTERNAL)
def test_an_internal_address_is_refused(settings: Any, address: str) -> None:
    settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS = []
    assert address_refused("robot.example.cn", address)
    assert literal_refused(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "106.11.1.1", "2400:3200::1"])
def test_a_public_address_is_allowed(settings: Any, address: str) -> None:
    settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS = []
    assert not address_refused("qyapi.weixin.qq.com", address)
    assert not literal_refused(address)


def test_names_are_checked_when_resolved_but_localhost_at_once(settings: Any) -> None:
    settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS = []
    assert not literal_refused("oapi.dingtalk.com")
    assert (
        literal_refused("localhost")
        and literal_refused("LOCALHOST.")
        and literal_refused("x.localhost")
    )


def test_the_allow_list_takes_host_names_and_networks(settings: Any) -> None:
    settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS = ["Relay.Gov.Local", " 10.8.0.0/16", "", "::1"]
    assert not address_refused("relay.gov.local.", "10.200.0.1")  # by its name
    assert not address_refused("other.gov.local", "10.8.3.4")  # by its network
    assert address_refused("other.gov.local", "10.9.3.4")
    assert not address_refused("x", "::1") and address_refused("x", "127.0.0.1")
    assert not literal_refused("relay.gov.local") and not literal_refused("10.8.0.1")
    assert literal_refused("169.254.169.254")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", "https://qyapi.weixin.qq.com/…"),
        ("http://10.8.0.1:8080/robot?access_token=T", "http://10.8.0.1:8080/…"),
        ("https://oapi.dingtalk.com", "https://oapi.dingtalk.com"),
        ("http://[::1]:81/x", "http://[::1]:81/…"),
        ("http://user:pw@host.cn/x", "http://host.cn/…"),
        ("http://host.cn:bad/x", "…"),
        ("not an address", "…"),
    ],
)
def test_a_masked_address_keeps_its_scheme_and_host_only(url: str, shown: str) -> None:
    assert masked_url(url) == shown
