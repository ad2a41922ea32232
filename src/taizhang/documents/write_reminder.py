"""Writer for a 催办单 (a reminder on paper, for offices that still send one) as Word (.docx),
in the plain layout of an official document (GB/T 9704-2012): A4, its margins, the title in
二号 小标宋 (宋体 bold where that font is missing), the text in 三号 仿宋 at 28.95 pt lines,
the issuing office and the date at the right (`plain_document`).

Knows nothing of the database: it turns a `ReminderSheet` into bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from taizhang.documents.plain_document import (
    BODY_FONT,
    BODY_SIZE,
    body,
    closing,
    docx_bytes,
    new_document,
    paragraph,
)

TITLE: Final = "催办单"


@dataclass(frozen=True)
class SheetTask:
    number: str  # as the ledger shows it: "3", "3-1", "（1）"
    goal: str


@dataclass(frozen=True)
class ReminderSheet:
    unit: str
    lead: str  # the opening paragraph: the round, its due date, how many tasks (worded by notify)
    tasks: tuple[SheetTask, ...]
    message: str  # the office's message as a line of its own ("督查室留言：..."), or ""
    issuer: str
    date: str  # the day it is issued, as documents write it: 2021年11月5日


def write_reminder(sheet: ReminderSheet) -> bytes:
    """The 催办单 of one unit as .docx bytes: addressed to the unit, the opening paragraph
    (the round and its due date), the tasks still to report (number and goal), the office's
    message, the issuer and the date."""
    document = new_document(TITLE)
    paragraph(document.add_paragraph(), f"{sheet.unit}：", BODY_FONT, BODY_SIZE)
    body(document.add_paragraph(), sheet.lead)
    for task in sheet.tasks:
        body(document.add_paragraph(), f"任务{task.number}：{task.goal}")
    if sheet.message:
        body(document.add_paragraph(), sheet.message)
    closing(document, sheet.issuer, sheet.date)
    return docx_bytes(document)
