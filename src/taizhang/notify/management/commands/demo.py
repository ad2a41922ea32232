"""`taizhang demo`: load the sample ledger (the 2021 Jiyuan ledger) and demo accounts (the
office, a reporter for each unit, each leader, a viewer), and print them with their password,
so a newcomer can try the whole cycle at once; then open a reporting round due in a few days
and send today's scheduled reminders (as the worker does once past TAIZHANG_REMIND_AT), so each
unit's reporter finds a 催办 in the bell at first sign-in. (In notify: above every app it
uses.) Only into an empty database (no ledger at all): run again, or on a database in use,
it changes nothing, so `make run` never re-imports the sample over the office's progress nor
resets a password."""

from __future__ import annotations

import datetime
from importlib import resources
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.accounts.models import Role
from taizhang.accounts.services import account_create
from taizhang.documents.read_text import read_text
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.models import Ledger, Person, Unit
from taizhang.ledger.services import ledger_import
from taizhang.notify.schedule import round_reminders_due
from taizhang.reporting.services import round_open

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
        office = account_create(
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
        self.open_round(result.ledger, office)

    def open_round(self, ledger: Ledger, office: User) -> None:
        """A round open now, due on the first day before its due date that units are
        reminded (TAIZHANG_REMIND_DAYS_BEFORE), with that day's reminders sent."""
        today = timezone.localdate()
        days = max(settings.TAIZHANG_REMIND_DAYS_BEFORE, default=0)
        due = today + datetime.timedelta(days=days)
        round_ = round_open(
            ledger=ledger,
            name=_("%(year)s年%(month)s月（演示）") % {"year": today.year, "month": today.month},
            due_date=due,
            actor=office,
        )
        reminders = round_reminders_due(today)
        self.stdout.write(
            _("已开启报送轮次“%(name)s”，%(due)s截止；已向%(count)s个单位发出催办提醒。")
            % {"name": round_.name, "due": due.isoformat(), "count": len(reminders)}
        )
