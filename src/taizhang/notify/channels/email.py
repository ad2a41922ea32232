"""E-mail through Django's mail API (the SMTP backend of settings: TAIZHANG_EMAIL_*), one
connection kept open for a batch of sends."""

from __future__ import annotations

import contextlib
import smtplib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from taizhang.notify.channels.base import ChannelError

if TYPE_CHECKING:
    from taizhang.notify.models import Delivery


class EmailChannel:
    def __init__(self) -> None:
        self._connection: Any = None

    def send(self, delivery: Delivery) -> None:
        """Send the delivery as a plain-text message (UTF-8) to its address."""
        message = EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.target],
            connection=self._open(),
        )
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # a broken connection is opened afresh for the next message
            raise ChannelError(_("邮件发送失败：%(error)s") % {"error": error}) from error

    def _open(self) -> Any:
        if self._connection is None:
            self._connection = get_connection(timeout=settings.TAIZHANG_NOTIFY_TIMEOUT)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            # Closing a connection already gone is no failure.
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None
