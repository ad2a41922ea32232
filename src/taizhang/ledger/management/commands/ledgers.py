"""`taizhang ledgers`: list the stored ledgers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.selectors import ledger_list


class Command(LedgerCommand):
    help = _("列出已导入的台账")

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        ledgers = list(ledger_list())
        if not ledgers:
            self.stdout.write(_("还没有台账：用 taizhang import FILE 导入"))
        for ledger in ledgers:
            self.stdout.write(
                f"{ledger.pk}\t{ledger.year}\t{ledger.task_count}\t{ledger.title}"  # type: ignore[attr-defined]
            )
