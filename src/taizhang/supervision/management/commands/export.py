"""`taizhang export LEDGER --format docx|xlsx|csv|pdf|json|txt [-o FILE] [--as-of DATE]
[--template FILE] [--round ID] [--warnings] [--layout ledger|units|leaders] [--unit NAME]
[--leader NAME] [--status CODE] [--light red|yellow|green] [--due-from DATE] [--due-to DATE]
[--q TEXT]`. The filters are the ledger page's (`supervision.selection`): the export holds
the rows the page shows with the same filters, the lights as of --as-of. On a terminal,
stderr shows a progress bar in three steps: the ledger read, the file written, the file
saved."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from taizhang.documents.pdf import PdfError
from taizhang.documents.writers import FORMATS, LAYOUTS, LEDGER, export_files
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.models import Ledger, Status
from taizhang.ledger.selectors import TaskFilters, ledger_people_and_units
from taizhang.supervision.exports import export_document
from taizhang.supervision.rows import LIGHT_FILTERS
from taizhang.supervision.selection import Selection

STEPS = 3


class Command(LedgerCommand):
    help = _("导出台账（LEDGER 为 taizhang ledgers 列出的编号）")

    def add_arguments(self, parser: CommandParser) -> None:
        day = datetime.date.fromisoformat
        parser.add_argument("ledger", type=int, help=_("台账编号"))
        parser.add_argument("--format", choices=sorted(FORMATS), default="json")
        parser.add_argument("-o", "--output", help=_("输出文件（默认输出到标准输出）"))
        parser.add_argument(
            "--as-of",
            type=day,
            help=_("“截至”日期 YYYY-MM-DD（Word、Excel、CSV；也是预警和灯色的日期）"),
        )
        parser.add_argument("--template", help=_("本单位的 Word 模板（.docx）"))
        parser.add_argument("--round", type=int, help=_("导出某一已关闭轮次时的台账"))
        parser.add_argument(
            "--warnings", action="store_true", help=_("加“预警”列（Word、Excel、CSV、PDF）")
        )
        parser.add_argument(
            "--layout",
            choices=sorted(LAYOUTS),
            default=LEDGER,
            help=_("版式：ledger 台账，units 每个责任单位一个文件（zip），leaders 按领导分管"),
        )
        parser.add_argument("--unit", help=_("只导出此责任单位的任务（单位名称）"))
        parser.add_argument("--leader", help=_("只导出此牵头领导的任务（姓名）"))
        parser.add_argument(
            "--status", choices=[*Status.values, "none"], help=_("只导出此状态的任务")
        )
        parser.add_argument("--light", choices=LIGHT_FILTERS, help=_("只导出此灯色的任务"))
        parser.add_argument("--due-from", type=day, help=_("完成时限不早于 YYYY-MM-DD"))
        parser.add_argument("--due-to", type=day, help=_("完成时限不晚于 YYYY-MM-DD"))
        parser.add_argument("--q", default="", help=_("只导出含这些字的任务"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledger = self.ledger_or_fail(options["ledger"])
        template = self.read_template(options["template"])
        selection = self.selection(ledger, options)
        # Coarse steps, as the web's background export: the ledger read, the file written,
        # the file saved (the writers tell nothing while they run).
        with self.progress_bar(_("导出")) as bar:
            bar.update(0, STEPS)
            doc = self.document(ledger, options, selection)
            bar.update(1, STEPS)
            try:
                export = export_files(
                    doc,
                    options["format"],
                    layout=options["layout"],
                    as_of=options["as_of"],
                    template=template,
                    warnings=options["warnings"],
                )
                data = b"".join(export.chunks)
            except PdfError as error:
                self.fail(str(error))
            except ValueError as error:
                self.fail(f"{options['template']}：{error}")
            bar.update(2, STEPS)
            self.write_output(data, options["output"], None)
            bar.update(STEPS, STEPS)
        if options["output"] is not None:
            self.stderr.write(_("已导出到 %(path)s") % {"path": options["output"]})

    def selection(self, ledger: Ledger, options: dict[str, Any]) -> Selection:
        """The page's selection from the options; a unit or leader the ledger does not name,
        and a deadline window that starts after it ends (as the page and the API), are
        refused."""
        people, units = ledger_people_and_units(ledger.pk)
        unit = self.named(units, options["unit"], _("该台账没有责任单位“%(name)s”"))
        leader = self.named(people, options["leader"], _("该台账没有牵头领导“%(name)s”"))
        start, end = options["due_from"], options["due_to"]
        if start and end and start > end:
            self.fail(_("开始日期晚于结束日期：--due-from 在 --due-to 之后"))
        filters = TaskFilters(
            status=options["status"] or "",
            unit=unit,
            leader=leader,
            due_from=options["due_from"],
            due_to=options["due_to"],
            q=options["q"].strip(),
        )
        return Selection(filters, options["light"] or "")

    def named(self, choices: Any, name: str | None, missing: str) -> int | None:
        if not name:
            return None
        found = choices.filter(name=name.strip()).values_list("pk", flat=True).first()
        if found is None:
            self.fail(missing % {"name": name})
        return int(found)

    def document(self, ledger: Ledger, options: dict[str, Any], selection: Selection) -> Any:
        round_id = options["round"]
        if round_id is None:
            return export_document(
                ledger, None, selection, as_of=options["as_of"], warnings=options["warnings"]
            )
        from taizhang.reporting.models import Round
        from taizhang.reporting.selectors import round_document

        round_ = Round.objects.filter(pk=round_id, ledger=ledger, snapshot__isnull=False).first()
        doc = None if round_ is None else round_document(round_)
        if doc is None:
            self.fail(_("该台账没有编号为 %(id)s 的已关闭轮次") % {"id": round_id})
        return doc
