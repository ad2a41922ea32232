"""`taizhang export LEDGER --format json [-o FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from taizhang.documents.json_format import write_json
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.selectors import ledger_document, ledger_get

WRITERS = {"json": write_json}


class Command(LedgerCommand):
    help = _("导出台账（LEDGER 为 taizhang ledgers 列出的编号）")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ledger", type=int, help=_("台账编号"))
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument("-o", "--output", help=_("输出文件（默认输出到标准输出）"))

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledger = ledger_get(options["ledger"])
        if ledger is None:
            self.fail(
                _("没有编号为 %(id)s 的台账（用 taizhang ledgers 查看）")
                % {"id": options["ledger"]}
            )
        data = WRITERS[options["format"]](ledger_document(ledger))
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stderr.write(_("已导出到 %(path)s") % {"path": options["output"]})
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
