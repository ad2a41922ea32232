"""A working office on top of `taizhang demo`, made with the services of whichever Taizhang
runs it (`taizhang shell < world.py`): reports with attachments on the demo round, some
accepted and one returned, a comment, the round closed (its snapshot), and a second round
opened with a report waiting. Used by the backup round-trip tests and, run by the
predecessor's own code, by build_predecessor.py. Deterministic content; no clock faked."""

import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from taizhang.ledger.models import Ledger, Task
from taizhang.reporting.models import Round
from taizhang.reporting.services import (
    comment_add,
    report_accept,
    report_return,
    report_submit,
    round_close,
    round_open,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))

office = User.objects.get(username="office")
ledger = Ledger.objects.order_by("pk").first()
round_ = Round.objects.get(ledger=ledger, closed_at__isnull=True)


def reporter_of(unit):
    return User.objects.filter(profile__units=unit).order_by("pk").first()


reports = []
tasks = Task.objects.filter(ledger=ledger, parent__isnull=True).order_by("pk")[:4]
for number, task in enumerate(tasks, start=1):
    link = task.unit_links.select_related("unit").order_by("pk").first()
    unit = link.unit
    files = [SimpleUploadedFile(f"现场照片{number}.png", PNG + bytes([number]))]
    if number % 2:
        files.append(SimpleUploadedFile(f"进展材料{number}.pdf", PDF + bytes([number])))
    reports.append(
        report_submit(
            task=task,
            unit=unit,
            actor=reporter_of(unit),
            progress=f"第{number}项：已完成年度投资的{number * 20}%，正在推进。",
            status="in_progress",
            files=files,
        )
    )
report_accept(report=reports[0], actor=office, comment="同意")
report_accept(report=reports[1], actor=office)
report_return(report=reports[2], actor=office, comment="请补充照片")
comment_add(task=reports[0].task, actor=office, text="请加快进度。")
round_close(round_=round_, actor=office)
second = round_open(
    ledger=ledger,
    name="第二轮",
    due_date=timezone.localdate() + datetime.timedelta(days=10),
    actor=office,
)
report = reports[3]
report_submit(
    task=report.task,
    unit=report.unit,
    actor=reporter_of(report.unit),
    progress="第二轮：主体完工。",
    status="in_progress",
)
print("world:", Round.objects.count(), "rounds")
