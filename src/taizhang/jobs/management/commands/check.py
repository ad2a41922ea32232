"""`taizhang check`: Django's system checks (the code and settings, every app's checks.py),
then Taizhang's operator checks (taizhang.jobs.health.CHECKS: the database and its
migrations, the queue, disk space, ...), each printed on a line with its details. Exits 1 when
any fails, so a script or a deployment step can stop on it.

It replaces Django's `check` command (an app's command of the same name wins over Django's
own) and keeps its options: `taizhang check --deploy` adds Django's deployment checks,
`--tag`, `--database`, `--fail-level` work as documented there. `--system-only` runs Django's
checks alone, as before (they also run before `migrate` and `serve`, where Taizhang's, which
need a migrated database and a queue, are not wanted)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as DjangoCheck
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from taizhang.jobs import health
from taizhang.jobs.health import FAIL, OK, WARN, run_probes

MARKS = {OK: gettext_lazy("[正常]"), WARN: gettext_lazy("[注意]"), FAIL: gettext_lazy("[失败]")}


class Command(DjangoCheck):
    help = _("检查系统配置与运行状态：数据库与迁移、任务队列、磁盘空间、密钥、静态文件等。")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--system-only",
            action="store_true",
            help=_("只运行 Django 的系统检查（不连接数据库和任务队列）"),
        )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        # Django's checks first: a SystemCheckError (an error in the settings) stops here.
        super().handle(*app_labels, **options)
        if options["system_only"] or app_labels or options["tags"] or options["list_tags"]:
            return
        findings = run_probes(health.CHECKS)
        for finding in findings:
            style = {OK: self.style.SUCCESS, WARN: self.style.WARNING}.get(
                finding.level, self.style.ERROR
            )
            self.stdout.write(
                f"{style(str(MARKS[finding.level]))} {finding.name}: {finding.detail}"
            )
        failed = [finding.name for finding in findings if finding.failed]
        if failed:
            raise CommandError(
                _("%(count)s 项检查失败：%(names)s")
                % {"count": len(failed), "names": ", ".join(failed)}
            )
        self.stdout.write(self.style.SUCCESS(_("全部检查通过")))
