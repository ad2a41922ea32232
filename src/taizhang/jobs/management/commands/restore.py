"""`taizhang restore FILE [--force]`: a `taizhang backup` archive into this database (either
engine) and data directory, then migrated to this version. A damaged archive, or a database
that already holds data (without --force), is refused with one line and nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from taizhang.jobs.backups.load import RestoreRefused, RestoreUndoFailed, backup_restore


class Command(BaseCommand):
    # No URL and API loading (the system checks: half of a small backup's CPU), and a
    # check that fails (a setting, a view) does not stand between an office and its data.
    requires_system_checks = ()
    help = _("从 taizhang backup 的归档文件恢复数据库和上传的文件")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help=_("归档文件"))
        parser.add_argument("--force", action="store_true", help=_("目标数据库已有数据时仍然覆盖"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["archive"])
        if not path.is_file():
            raise CommandError(_("找不到备份文件 %(path)s") % {"path": path})
        try:
            result = backup_restore(path, force=options["force"])
        except (RestoreRefused, RestoreUndoFailed) as error:
            raise CommandError(_("未恢复：%(reason)s") % {"reason": error}) from error
        self.stdout.write(
            _("已恢复 %(rows)s 行、%(files)s 个文件") % {"rows": result.rows, "files": result.files}
        )
