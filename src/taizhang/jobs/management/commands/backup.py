"""`taizhang backup [-o FILE]`: one archive of the database and the uploaded files
(docs/backup.md), while the server keeps serving. Without -o, into the backups directory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.jobs.backups.dump import BackupRefused
from taizhang.jobs.backups.schedule import backup_now


class Command(BaseCommand):
    # No URL and API loading (the system checks: half of a small backup's CPU), and a
    # check that fails (a setting, a view) does not stand between an office and its data.
    requires_system_checks = ()
    help = _("备份数据库和上传的文件到一个归档文件")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", help=_("归档文件（默认写入数据目录的 backups/）"))

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else None
        try:
            result = backup_now(output=output)
        except BackupRefused as error:
            raise CommandError(_("未备份：%(reason)s") % {"reason": error}) from error
        self.stdout.write(
            _("已备份到 %(path)s（%(rows)s 行，%(files)s 个文件，%(size)s 字节）")
            % {
                "path": result.path,
                "rows": result.manifest.row_total,
                "files": len(result.manifest.files),
                "size": result.size,
            }
        )
