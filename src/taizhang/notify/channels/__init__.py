"""The outside channels: each a small client with one method, `send(delivery)`, which returns
when the message was accepted and raises `ChannelError` (a clear message, kept as the
delivery's `last_error`) when it was not. `channels_open()` gives one client per channel for
a batch of sends (the e-mail client keeps its SMTP connection across the batch)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from taizhang.notify.channels.base import ChannelClient, ChannelError
from taizhang.notify.channels.dingtalk import DingTalkChannel
from taizhang.notify.channels.email import EmailChannel
from taizhang.notify.channels.sms import SmsChannel, sms_configured
from taizhang.notify.channels.wecom import WeComChannel
from taizhang.notify.models import Channel

__all__ = ["ChannelClient", "ChannelError", "channels_open", "sms_configured"]


@contextmanager
def channels_open() -> Iterator[dict[str, ChannelClient]]:
    """A client for each outside channel, closed (the SMTP connection) when the block ends."""
    clients: dict[str, ChannelClient] = {
        Channel.EMAIL: EmailChannel(),
        Channel.WECOM: WeComChannel(),
        Channel.DINGTALK: DingTalkChannel(),
        Channel.SMS: SmsChannel(),
    }
    try:
        yield clients
    finally:
        for client in clients.values():
            client.close()
