"""`taizhang bulletin LEDGER [--as-of DATE] [--format docx|pdf|txt] [-o FILE] [--issuer NAME]
[--template FILE] [--form masthead|plain] [--issue-number N] [--doc-number TEXT] [--cc TEXT]
[--printer NAME] [--printed-on DATE]`: the ledger's supervision bulletin (督查通报) as
composed, not stored; the Word document with its 版头 and 版记 (期号 proposed as one more
than the ledger's last issued bulletin's)."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.documents.bulletin_frame import FORMS, MASTHEAD, Colophon, Masthead
from taizhang.documents.write_bulletin import write_bulletin, write_bulletin_text
from taizhang.ledger.management.commands._base import LedgerCommand, iso_date
from taizhang.ledger.models import Ledger
from taizhang.supervision.bulletin import (
    BulletinDetails,
    bulletin_data,
    bulletin_frame,
    compose_bulletin,
    office_name,
)
from taizhang.supervision.selectors import issue_number_used, next_issue_number, today


def _positive(text: str) -> int:
    if text.isdigit() and 0 < int(text) < 10_000:
        return int(text)
    raise argparse.ArgumentTypeError(_("期号应为 1 至 9999 的整数：%(text)s") % {"text": text})


class Command(LedgerCommand):
    help = _("生成督查通报（LEDGER 为 taizhang ledgers 列出的编号）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", type=int, help=_("台账编号"))
        parser.add_argument("--as-of", type=iso_date, help=_("“截至”日期 YYYY-MM-DD（默认今天）"))
        parser.add_argument("--format", choices=["docx", "pdf", "txt"], default="txt")
        parser.add_argument("-o", "--output", help=_("输出文件（默认输出到标准输出）"))
        parser.add_argument(
            "--issuer",
            default="",
            help=_("发文机关署名（默认 TAIZHANG_OFFICE_NAME，市政府督查室）"),
        )
        parser.add_argument("--template", help=_("本单位的 Word 模板（.docx）"))
        parser.add_argument(
            "--form",
            choices=FORMS,
            default=MASTHEAD,
            help=_("版式：masthead 督查通报版头（默认），plain 无版头（仅发文字号）"),
        )
        parser.add_argument(
            "--issue-number",
            type=_positive,
            help=_("期号（默认为本台账已印发通报的最大期号加1）"),
        )
        parser.add_argument("--doc-number", default="", help=_("发文字号，如 济督〔2021〕5号"))
        parser.add_argument("--cc", default="", help=_("抄送机关，用顿号或逗号分隔"))
        parser.add_argument("--printer", default="", help=_("印发机关（默认同发文机关）"))
        parser.add_argument(
            "--printed-on", type=iso_date, help=_("印发日期 YYYY-MM-DD（默认截至日期）")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledger = self.ledger_or_fail(options["ledger"])
        as_of = options["as_of"] or today()
        issuer = options["issuer"].strip() or office_name()
        text = compose_bulletin(bulletin_data(ledger, as_of), issuer=issuer)
        if options["format"] == "txt":
            data = write_bulletin_text(text.title, text.body)
        else:
            number = options["issue_number"]
            self.warn_if_used(ledger, number)
            details = BulletinDetails(
                form=options["form"],
                issue_number=next_issue_number(ledger) if number is None else number,
                doc_number=options["doc_number"],
                issuer=issuer,
                cc=options["cc"],
                printer=options["printer"],
                printed_on=options["printed_on"],
            )
            frame = bulletin_frame(details, as_of)
            data = self.docx(text.title, text.body, options["template"], frame)
        if options["format"] == "pdf":
            data = self.as_pdf(data)
        self.write_output(data, options["output"], _("已生成 %(path)s"))

    def warn_if_used(self, ledger: Ledger, number: int | None) -> None:
        """A 期号 already on an issued bulletin of the ledger is said (on stderr), not
        refused: the office may mean it."""
        used = issue_number_used(ledger, number)
        if used is None or used.issued_at is None:
            return
        self.stderr.write(
            _("注意：第%(n)s期已用于本台账%(at)s印发的《%(title)s》，请核对期号。")
            % {
                "n": number,
                "at": timezone.localdate(used.issued_at).isoformat(),
                "title": used.title,
            }
        )

    def docx(
        self, title: str, body: str, template_path: str | None, frame: tuple[Masthead, Colophon]
    ) -> bytes:
        template = self.read_template(template_path)
        masthead, colophon = frame
        try:
            return write_bulletin(
                title, body, template=template, masthead=masthead, colophon=colophon
            )
        except ValueError as error:
            self.fail(f"{template_path}：{error}")
