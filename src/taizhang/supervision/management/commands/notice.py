"""`taizhang notice LEDGER (--unit NAME | --red-units) [--as-of DATE] [--reply-by DATE]
[--number TEXT] [--issuer NAME] [-o FILE] [--format docx|pdf]`: a unit's 督办通知单 (its red
and yellow tasks as of the date with their reasons, the date to reply by, the issuer) as Word
or PDF; with --red-units, every unit with a red task, a .docx each in one .zip. A unit with
nothing lit (or no red unit) gets a message and no document."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from taizhang.documents.write_notice import write_notice, write_notices_zip
from taizhang.ledger.management.commands._base import LedgerCommand, iso_date
from taizhang.ledger.models import Ledger, Unit
from taizhang.supervision.bulletin import chinese_date
from taizhang.supervision.notice import nothing_lit, notice_sheet, red_units
from taizhang.supervision.selectors import today


class Command(LedgerCommand):
    help = _("生成责任单位的督办通知单（LEDGER 为 taizhang ledgers 列出的编号）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", type=int, help=_("台账编号"))
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", help=_("责任单位名称，如 住建局"))
        which.add_argument(
            "--red-units",
            action="store_true",
            help=_("所有亮红灯的责任单位，每个单位一份，打包为 zip"),
        )
        parser.add_argument("--as-of", type=iso_date, help=_("“截至”日期 YYYY-MM-DD（默认今天）"))
        parser.add_argument(
            "--reply-by",
            type=iso_date,
            help=_("书面反馈截止日期 YYYY-MM-DD（默认截至日期后5个工作日）"),
        )
        parser.add_argument(
            "--number", default="", help=_("督办编号，如 督办〔2021〕3号（仅 --unit）")
        )
        parser.add_argument(
            "--issuer", default="", help=_("发文机关署名（默认 TAIZHANG_OFFICE_NAME）")
        )
        parser.add_argument("--format", choices=["docx", "pdf"], default="docx")
        parser.add_argument("-o", "--output", help=_("输出文件（默认输出到标准输出）"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledger = self.ledger_or_fail(options["ledger"])
        as_of = options["as_of"] or today()
        reply_by = options["reply_by"]
        if reply_by is not None and reply_by < as_of:
            self.fail(_("反馈日期不能早于截至日期"))
        if options["red_units"]:
            self.red_units(ledger, as_of, reply_by, options)
            return
        name = options["unit"].strip()
        unit = Unit.objects.filter(name=name).first()
        if unit is None:
            self.fail(_("没有名为“%(name)s”的责任单位") % {"name": name})
        sheet = notice_sheet(
            ledger,
            unit,
            as_of,
            reply_by=reply_by,
            number=options["number"],
            issuer=options["issuer"],
        )
        if not sheet.tasks:
            self.fail(nothing_lit(unit, as_of))
        data = write_notice(sheet)
        if options["format"] == "pdf":
            data = self.as_pdf(data)
        self.write_output(data, options["output"], _("已生成 %(path)s"))

    def red_units(
        self,
        ledger: Ledger,
        as_of: datetime.date,
        reply_by: datetime.date | None,
        options: dict[str, Any],
    ) -> None:
        """Every red unit's notice, a .docx each, in one .zip."""
        if options["format"] != "docx" or options["number"]:
            self.fail(_("--red-units 只生成 Word（zip），不能与 --format pdf 或 --number 同用"))
        sheets = [
            notice_sheet(
                ledger, unit, as_of, reply_by=reply_by, issuer=options["issuer"], rows=rows
            )
            for unit, rows in red_units(ledger, as_of)
        ]
        if not sheets:
            day = chinese_date(as_of)
            self.fail(_("截至%(day)s没有亮红灯的责任单位，无需督办。") % {"day": day})
        data = write_notices_zip(sheets, f"{as_of:%Y%m%d}")
        self.write_output(data, options["output"], _("已生成 %(path)s"))
