"""`taizhang bulletin LEDGER [--as-of DATE] [--format docx|pdf|txt] [-o FILE] [--issuer NAME]
[--template FILE]`: the ledger's supervision bulletin (督查通报) as composed, not stored."""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from taizhang.documents.pdf import PdfError, docx_to_pdf
from taizhang.documents.write_bulletin import write_bulletin, write_bulletin_text
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.supervision.bulletin import DEFAULT_ISSUER, bulletin_data, compose_bulletin
from taizhang.supervision.selectors import today


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期应写成 YYYY-MM-DD：%(text)s") % {"text": text}
        ) from None


class Command(LedgerCommand):
    help = _("生成督查通报（LEDGER 为 taizhang ledgers 列出的编号）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", type=int, help=_("台账编号"))
        parser.add_argument("--as-of", type=_date, help=_("“截至”日期 YYYY-MM-DD（默认今天）"))
        parser.add_argument("--format", choices=["docx", "pdf", "txt"], default="txt")
        parser.add_argument("-o", "--output", help=_("输出文件（默认输出到标准输出）"))
        parser.add_argument(
            "--issuer", default=DEFAULT_ISSUER, help=_("发文机关署名（默认 市政府督查室）")
        )
        parser.add_argument("--template", help=_("本单位的 Word 模板（.docx）"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledger = self.ledger_or_fail(options["ledger"])
        as_of = options["as_of"] or today()
        text = compose_bulletin(bulletin_data(ledger, as_of), issuer=options["issuer"].strip())
        if options["format"] == "txt":
            data = write_bulletin_text(text.title, text.body)
        else:
            data = self.docx(text.title, text.body, options["template"])
        if options["format"] == "pdf":
            try:
                data = docx_to_pdf(data)
            except PdfError as error:
                self.fail(str(error))
        self.write_output(data, options["output"], _("已生成 %(path)s"))

    def docx(self, title: str, body: str, template_path: str | None) -> bytes:
        template = self.read_template(template_path)
        try:
            return write_bulletin(title, body, template=template)
        except ValueError as error:
            self.fail(f"{template_path}：{error}")
