"""`taizhang cleanup`: remove held files older than N days (those of a draft stay), stored
attachment files no row points to, and background exports and imports older than N days with
their files, printing each; `--dry-run` only lists them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from taizhang.ledger.import_jobs import import_jobs_cleanup
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.exports import export_jobs_cleanup
from taizhang.reporting.uploads import MAX_KEEP_DAYS, files_cleanup


class Command(BaseCommand):
    requires_system_checks = ()  # no URL and API loading for a quick command
    help = _("清理过期的待报送附件、无主文件和过期的导出文件")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=7,
            help=_(
                "待报送附件和后台导出文件保留的天数，1 到 %(max)s（默认 7；有草稿的附件一直保留）"
            )
            % {"max": MAX_KEEP_DAYS},
        )
        parser.add_argument("--dry-run", action="store_true", help=_("只列出，不删除"))

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        try:
            result = files_cleanup(days=options["days"], dry_run=dry_run)
        except ReportingError as error:
            self.stderr.write(_("错误：%(message)s") % {"message": error})
            raise SystemExit(2) from None
        exports = export_jobs_cleanup(days=options["days"], dry_run=dry_run)
        imports = import_jobs_cleanup(days=options["days"], dry_run=dry_run)
        verb = _("将删除") if dry_run else _("已删除")
        for name in result.expired_held:
            self.stdout.write(f"{verb} {_('过期的待报送附件')} {name}")
        for name in result.orphans:
            self.stdout.write(f"{verb} {_('无主文件')} {name}")
        for name in exports.files:
            self.stdout.write(f"{verb} {_('导出文件')} {name}")
        for name in imports:
            self.stdout.write(f"{verb} {_('未完成导入的文件')} {name}")
        total = len(result.expired_held) + len(result.orphans) + len(exports.files) + len(imports)
        self.stdout.write(_("共 %(n)s 个文件") % {"n": total})
