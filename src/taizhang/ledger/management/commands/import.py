"""`taizhang import FILE [--dry-run]`: read a ledger file and store it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import write_json
from taizhang.documents.readers import read_ledger
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.services import ledger_import


class Command(LedgerCommand):
    help = _(
        "读取台账文件（Word、Excel、文本、JSON；.doc/.xls 需 LibreOffice）并存入数据库；"
        "--dry-run 只输出解析结果（JSON）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("台账文件"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只解析并以 JSON 输出，不写数据库")
        )
        parser.add_argument("--year", type=int, help=_("台账年度（标题中没有年份时）"))
        parser.add_argument("--sheet", help=_("Excel 工作表名称（默认取含台账表头的第一张）"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        doc = self.read(path, options["year"], options["sheet"])
        if options["dry_run"]:
            sys.stdout.buffer.write(write_json(doc))
            sys.stdout.flush()
            for warning in doc.warnings:
                self.stderr.write(_("警告：") + warning)
            return
        self.require_database()
        result = ledger_import(doc=doc)
        self.stdout.write(
            _("台账 %(id)s：%(title)s（%(year)s年）")
            % {"id": result.ledger.pk, "title": result.ledger.title, "year": result.ledger.year}
        )
        self.stdout.write(
            _(
                "分类 %(categories)s 个，任务 %(tasks)s 项：新增 %(created)s，更新 %(updated)s，"
                "未变 %(unchanged)s，移除 %(removed)s；警告 %(warnings)s 条"
            )
            % {
                "categories": len(doc.categories),
                "tasks": len(doc.tasks),
                "created": result.tasks_created,
                "updated": result.tasks_updated,
                "unchanged": result.tasks_unchanged,
                "removed": result.tasks_removed,
                "warnings": len(result.warnings),
            }
        )
        for warning in result.warnings:
            self.stdout.write(_("警告：") + warning)

    def read(self, path: Path, year: int | None, sheet: str | None) -> Any:
        try:
            size = path.stat().st_size
        except OSError as error:
            self.fail(f"{path}：无法读取文件（{error.strerror}）")
        limit = settings.TAIZHANG_MAX_UPLOAD_BYTES
        if size > limit:
            self.fail(f"{path}：文件过大（{size} 字节，上限 {limit} 字节）")
        try:
            return read_ledger(path.read_bytes(), name=str(path), year=year, sheet=sheet)
        except LedgerReadError as error:
            self.fail(str(error))
