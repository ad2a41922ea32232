"""`taizhang export LEDGER --format docx|xlsx|csv|json|txt [-o FILE] [--as-of DATE]
[--template FILE] [--round ID]`. On a terminal, stderr shows a progress bar in three steps:
the ledger read, the file written, the file saved."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from taizhang.documents.writers import FORMATS, export_ledger
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.selectors import ledger_document

STEPS = 3


class Command(LedgerCommand):
    help = _("导出台账（LEDGER 为 taizhang ledgers 列出的编号）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", type=int, help=_("台账编号"))
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument("-o", "--output", help=_("输出文件（默认输出到标准输出）"))
        parser.add_argument(
            "--as-of",
            type=datetime.date.fromisoformat,
            help=_("“截至”日期 YYYY-MM-DD（Word、Excel）"),
        )
        parser.add_argument("--template", help=_("本单位的 Word 模板（.docx）"))
        parser.add_argument("--round", type=int, help=_("导出某一已关闭轮次时的台账"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledger = self.ledger_or_fail(options["ledger"])
        template = self.read_template(options["template"])
        # Coarse steps, as the web's background export: the ledger read, the file written,
        # the file saved (the writers tell nothing while they run).
        with self.progress_bar(_("导出")) as bar:
            bar.update(0, STEPS)
            doc = self.document(ledger, options["round"])
            bar.update(1, STEPS)
            try:
                data = export_ledger(
                    doc, options["format"], as_of=options["as_of"], template=template
                )
            except ValueError as error:
                self.fail(f"{options['template']}：{error}")
            bar.update(2, STEPS)
            self.write_output(data, options["output"], None)
            bar.update(STEPS, STEPS)
        if options["output"] is not None:
            self.stderr.write(_("已导出到 %(path)s") % {"path": options["output"]})

    def document(self, ledger: Any, round_id: int | None) -> Any:
        if round_id is None:
            return ledger_document(ledger)
        from taizhang.reporting.models import Round
        from taizhang.reporting.selectors import round_document

        round_ = Round.objects.filter(pk=round_id, ledger=ledger, snapshot__isnull=False).first()
        doc = None if round_ is None else round_document(round_)
        if doc is None:
            self.fail(_("该台账没有编号为 %(id)s 的已关闭轮次") % {"id": round_id})
        return doc
