"""`taizhang demo`: load the sample ledger (the 2021 Jiyuan ledger) and demo accounts (the
office, a reporter for each unit, each leader, a viewer), and print them with their password,
so a newcomer can try the whole cycle at once. Only into an empty database (no ledger at all):
run again, or on a database in use, it changes nothing, so `make run` never re-imports the
sample over the office's progress nor resets a password."""

from __future__ import annotations

from importlib import resources
from typing import Any

from django.utils.translation import gettext as _

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.read_text import read_text
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.models import Ledger, Person, Unit
from taizhang.ledger.services import ledger_import

SAMPLE = "jiyuan-2021-ledger.txt"
DEMO_PASSWORD = "taizhang-demo"  # noqa: S105 - printed to the user; demo accounts only
UNIT_LOGINS = {
    "卫健委": "wjw",
    "水利局": "slj",
    "住建局": "zjj",
    "教体局": "jtj",
    "交投集团": "jtjt",
    "农业农村局": "nyncj",
    "文广旅局": "wglj",
    "民政局": "mzj",
}
LEADER_LOGINS = {
    "谭江": "tanjiang",
    "侯波": "houbo",
    "李拴根": "lishuangen",
    "张宏义": "zhanghongyi",
}


class Command(LedgerCommand):
    help = _("载入示例台账（2021年济源十件重点民生实事）和演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        self.require_database()
        if Ledger.objects.exists():
            self.stdout.write(
                _("数据库中已有台账，未载入示例台账和演示账号（示例只载入空数据库）。")
            )
            return
        data = resources.files("taizhang.samples").joinpath(SAMPLE).read_bytes()
        doc = read_text(data, name=SAMPLE)
        result = ledger_import(doc=doc)
        self.stdout.write(
            _("示例台账 %(id)s：%(title)s，%(count)s 项任务")
            % {"id": result.ledger.pk, "title": result.ledger.title, "count": len(doc.tasks)}
        )
        rows = [("office", _("督查室"))]
        account_create(
            username="office", password=DEMO_PASSWORD, role=Role.OFFICE, display_name="督查室"
        )
        for unit in (
            Unit.objects.filter(task_links__task__ledger=result.ledger).distinct().order_by("pk")
        ):
            login = UNIT_LOGINS.get(unit.name, f"unit{unit.pk}")
            account_create(
                username=login,
                password=DEMO_PASSWORD,
                role=Role.REPORTER,
                display_name=f"{unit.name}填报人",
                units=[unit],
            )
            rows.append((login, _("%(unit)s填报人") % {"unit": unit.name}))
        for person in (
            Person.objects.filter(task_links__task__ledger=result.ledger).distinct().order_by("pk")
        ):
            login = LEADER_LOGINS.get(person.name, f"leader{person.pk}")
            account_create(
                username=login,
                password=DEMO_PASSWORD,
                role=Role.LEADER,
                display_name=person.name,
                person=person,
            )
            rows.append((login, _("牵头领导 %(name)s") % {"name": person.name}))
        account_create(
            username="viewer", password=DEMO_PASSWORD, role=Role.VIEWER, display_name="查看"
        )
        rows.append(("viewer", _("查看")))
        self.stdout.write(
            _("演示账号（密码均为 %(password)s，仅供演示，请勿用于生产）：")
            % {"password": DEMO_PASSWORD}
        )
        for login, label in rows:
            self.stdout.write(f"  {login:<12} {label}")
