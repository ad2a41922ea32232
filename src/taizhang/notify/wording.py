"""How a reminder is worded, in one place: the bell's notification (title and body), the
outside channels' message to a unit (subject and body), the 催办单's opening paragraph and the
pages' countdown ("距截止3天", "今天截止", "已逾期2天") all come from here, so that a unit reads
the same words wherever the reminder reaches it."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from taizhang.ledger.models import Unit
from taizhang.notify.models import Reminder
from taizhang.reporting.models import Round
from taizhang.supervision.bulletin import chinese_date


def countdown(days: int) -> str:
    """Days to a due date in words: "距截止3天", "今天截止", "已逾期2天"."""
    if days > 0:
        return _("距截止%(n)s天") % {"n": days}
    if days == 0:
        return _("今天截止")
    return _("已逾期%(n)s天") % {"n": -days}


def _days(round_: Round, today: datetime.date) -> int:
    return (round_.due_date - today).days


def reminder_title(round_: Round, kind: str, today: datetime.date) -> str:
    """The title of a reminder (the bell's, and the subject of its e-mail): the office's 催办,
    or the schedule's with the countdown."""
    if kind == Reminder.Kind.MANUAL:
        return _("督查室催办：请尽快报送%(round)s进展") % {"round": round_.name}
    return _("%(round)s报送：%(countdown)s") % {
        "round": round_.name,
        "countdown": countdown(_days(round_, today)),
    }


def reminder_body(round_: Round, unit: Unit, message: str, today: datetime.date) -> str:
    """The text of a reminder: the unit, the ledger and round, the due date with the
    countdown, and the office's message on a line of its own."""
    text = _(
        "%(unit)s尚有任务未报送《%(ledger)s》%(round)s的进展，报送截止日期为%(due)s（%(countdown)s）。"
    ) % {
        "unit": unit.name,
        "ledger": round_.ledger.title,
        "round": round_.name,
        "due": chinese_date(round_.due_date),
        "countdown": countdown(_days(round_, today)),
    }
    if message:
        text += "\n" + message_line(message)
    return text


def message_line(message: str) -> str:
    """The office's message as a reminder shows it."""
    return _("督查室留言：%(message)s") % {"message": message}


def reminder_text(reminder: Reminder) -> tuple[str, str]:
    """The subject and body of a reminder sent to a unit's own addresses (e-mail, SMS, group
    robot): the same words as its reporters' notification."""
    round_, today = reminder.round, reminder.sent_on
    subject = reminder_title(round_, reminder.kind, today)
    return subject, reminder_body(round_, reminder.unit, reminder.message, today)


def sheet_lead(round_: Round, tasks: int, today: datetime.date) -> str:
    """The 催办单's opening paragraph: the round, its due date with the countdown, how many
    tasks the unit has still to report."""
    return _(
        "《%(ledger)s》%(round)s进展报送截止日期为%(due)s（%(countdown)s）。"
        "截至目前，你单位尚有以下%(n)s项任务未报送进展，请抓紧报送。"
    ) % {
        "ledger": round_.ledger.title,
        "round": round_.name,
        "due": chinese_date(round_.due_date),
        "countdown": countdown(_days(round_, today)),
        "n": tasks,
    }
