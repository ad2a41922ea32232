"""`taizhang demo`: load the sample ledger (the 2021 Jiyuan ledger) and a demo account, so a
newcomer can try Taizhang at once. Safe to run again: nothing is duplicated."""

from __future__ import annotations

from importlib import resources
from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from taizhang.documents.read_text import read_text
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.services import ledger_import

SAMPLE = "jiyuan-2021-ledger.txt"
DEMO_PASSWORD = "taizhang-demo"  # noqa: S105 - printed to the user; demo accounts only


class Command(LedgerCommand):
    help = _("载入示例台账（2021年济源十件重点民生实事）和演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        data = resources.files("taizhang.samples").joinpath(SAMPLE).read_bytes()
        doc = read_text(data, name=SAMPLE)
        result = ledger_import(doc=doc)
        self.stdout.write(
            _("示例台账 %(id)s：%(title)s，%(count)s 项任务")
            % {"id": result.ledger.pk, "title": result.ledger.title, "count": len(doc.tasks)}
        )
        office, created = User.objects.get_or_create(
            username="office", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            office.set_password(DEMO_PASSWORD)
            office.save()
        self.stdout.write(
            _("演示账号（仅供演示，请勿用于生产）：督查室 office / %(password)s，管理后台 /admin/")
            % {"password": DEMO_PASSWORD}
        )
