"""Where a group robot's address (a unit's 企业微信 or 钉钉 webhook) may point, one rule for
the unit form (ledger.services.units, at save time) and the channels (notify.channels, at send
time): not at this machine or the office's own network. The office types the address, the
worker POSTs to it and keeps what went wrong: without this rule the office could make the
server call its own intranet (SSRF).

Refused: loopback, link-local (169.254.169.254, the cloud metadata service, among them),
private, shared (100.64/10), reserved, multicast and unspecified addresses, and `localhost`;
IPv4 addresses written as IPv6 (::ffff:127.0.0.1) likewise. Allowed all the same: what
`TAIZHANG_WEBHOOK_ALLOWED_HOSTS` names (host names, or addresses and networks in CIDR), for
an office that reaches the robots through a relay of its own on the intranet.

An address as the audit trail and the office's error messages show it is `masked_url`: the
scheme and host only, since 企业微信's `key=` and 钉钉's `access_token=` are credentials."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

LOCAL_NAMES = ("localhost", "localhost.localdomain")


def allowed_entries() -> tuple[frozenset[str], tuple[IpNetwork, ...]]:
    """`TAIZHANG_WEBHOOK_ALLOWED_HOSTS` read as host names (lower case) and networks."""
    names: set[str] = set()
    networks: list[IpNetwork] = []
    for entry in settings.TAIZHANG_WEBHOOK_ALLOWED_HOSTS:
        entry = entry.strip().lower()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return frozenset(names), tuple(networks)


def _plain(address: IpAddress) -> IpAddress:
    """An IPv4 address written as IPv6 (::ffff:a.b.c.d) as the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_internal(address: IpAddress) -> bool:
    """Whether an address is this machine's or a network's of its own, not the Internet's:
    loopback, link-local (metadata), private, shared, reserved, multicast, unspecified."""
    address = _plain(address)
    return (
        not address.is_global
        or address.is_loopback
        or address.is_link_local
        or address.is_private
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
    )


def host_allowed(host: str) -> bool:
    """Whether the host name itself is on the allow list."""
    names, _networks = allowed_entries()
    return host.lower().rstrip(".") in names


def address_refused(host: str, address: str) -> bool:
    """Whether a robot at `host`, reached at `address` (what the name resolved to, or the
    peer connected), is refused: an internal address neither allowed by the host's name nor
    by a network of the allow list."""
    if host_allowed(host):
        return False
    ip = _plain(ipaddress.ip_address(address.split("%", 1)[0]))
    _names, networks = allowed_entries()
    if any(ip.version == net.version and ip in net for net in networks):
        return False
    return is_internal(ip)


def literal_refused(host: str) -> bool:
    """Whether an address's host, as typed, is refused without resolving it: `localhost`, or
    an IP literal in the refused ranges (a name is checked at send time, when resolved)."""
    if host_allowed(host):
        return False
    if host.lower().rstrip(".") in LOCAL_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return address_refused(host, host)


def masked_url(url: str) -> str:
    """The address with its credentials left out: scheme and host (and port) only, "/…" for
    the rest (https://qyapi.weixin.qq.com/…)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "…"
    if not parts.scheme or not parts.hostname:
        return "…"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    kept = f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")
    rest = url.split(parts.netloc, 1)[-1] if parts.netloc else ""
    return f"{kept}/…" if rest.strip("/") else kept
