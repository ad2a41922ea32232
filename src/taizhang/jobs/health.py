"""Is this installation well? Two answers from the same probes:

- `/healthz` (web.health) asks the three that say whether the site can serve at all, cheaply,
  on every probe of a load balancer or a monitor: the database answers (`SELECT 1`), the task
  queue answers, and the data directory has free space (`vital_probes`).
- `taizhang check` (jobs/management/commands/check.py) asks every probe in `CHECKS` and prints
  each with its details for the operator: the database's engine and unapplied migrations, the
  queue, free space, a writable data directory, the secret key, DEBUG, ALLOWED_HOSTS, the
  static files, LibreOffice and the Chinese fonts, the worker's heartbeat.

A probe is a function returning a `Finding`; adding one is a line in `CHECKS`. A finding is
`OK`, `WARN` (works, but an operator should look) or `FAIL` (the site cannot serve as it
should: `taizhang check` exits 1, `/healthz` answers 503 for the vital ones)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _

OK = "ok"
WARN = "warn"
FAIL = "fail"

# The secret key Django's startproject writes starts so; one shorter than Django's own minimum
# (50 characters, 5 different) is guessable.
INSECURE_KEY_PREFIX = "django-insecure"
MIN_KEY_LENGTH = 50
MIN_KEY_CHARACTERS = 5


@dataclass(frozen=True)
class Finding:
    """One probe's answer: its name, `OK`/`WARN`/`FAIL`, and a line of detail for the
    operator (never shown by /healthz)."""

    name: str
    level: str
    detail: str

    @property
    def failed(self) -> bool:
        return self.level == FAIL


Probe = Callable[[], Finding]


def database_probe() -> Finding:
    """The database answers `SELECT 1`."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Finding("database", FAIL, _("数据库无法连接：%(error)s") % {"error": error})
    return Finding("database", OK, database_description())


def database_description() -> str:
    """The engine, its version and where it is, without a password."""
    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}（{connection.settings_dict['NAME']}）"
    version = ""
    if vendor == "postgresql":
        number = connection.pg_version  # type: ignore[attr-defined]  # e.g. 150004
        version = f" {number // 10000}.{number % 10000}"
    where = connection.settings_dict
    host = f"{where['HOST'] or 'socket'}:{where['PORT'] or '-'}"
    return f"{connection.display_name}{version}（{host}/{where['NAME']}）"


def migrations_probe() -> Finding:
    """Every migration of the installed apps is applied."""
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return Finding("migrations", FAIL, _("无法读取迁移状态：%(error)s") % {"error": error})
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = "…" if len(plan) > 5 else ""
        return Finding(
            "migrations",
            FAIL,
            _("%(count)s 个迁移未执行（%(names)s）：请运行 taizhang migrate")
            % {"count": len(plan), "names": names + more},
        )
    return Finding("migrations", OK, _("全部迁移已执行"))


def queue_description() -> str:
    """The queue's backend and where it is, without a password."""
    if settings.HUEY.get("immediate"):
        return _("即时模式（TAIZHANG_QUEUE_IMMEDIATE=1，无后台服务，仅供调试）")
    if settings.TAIZHANG_REDIS_URL:
        parts = urlsplit(settings.TAIZHANG_REDIS_URL)
        return f"Redis {parts.hostname}:{parts.port or 6379}{parts.path}"
    from huey.contrib.djhuey import HUEY

    return f"SQLite {getattr(HUEY.storage, 'filename', '?')}"


def queue_probe() -> Finding:
    """The task queue answers: its length can be read (a COUNT on the SQLite queue file, LLEN
    on Redis)."""
    from huey.contrib.djhuey import HUEY

    try:
        waiting = HUEY.pending_count()
    except Exception as error:  # sqlite3, redis and OS errors alike
        return Finding(
            "queue",
            FAIL,
            _("任务队列无法访问（%(queue)s）：%(error)s")
            % {"queue": queue_description(), "error": error},
        )
    return Finding(
        "queue",
        OK,
        _("%(queue)s，排队 %(count)s 个") % {"queue": queue_description(), "count": waiting},
    )


def free_space_probe() -> Finding:
    """The data directory (database file, uploads, exports) has at least
    TAIZHANG_MIN_FREE_MB free."""
    try:
        usage = shutil.disk_usage(settings.DATA_DIR)
    except OSError as error:
        return Finding(
            "free_space", FAIL, _("无法读取数据目录的可用空间：%(error)s") % {"error": error}
        )
    free_mb = usage.free // (1024 * 1024)
    need = settings.TAIZHANG_MIN_FREE_MB
    detail = _("%(folder)s 可用 %(free)s MB（下限 %(need)s MB）") % {
        "folder": settings.DATA_DIR,
        "free": free_mb,
        "need": need,
    }
    if free_mb < need:
        return Finding("free_space", FAIL, detail + _("：磁盘空间不足"))
    return Finding("free_space", OK, detail)


def writable_probe() -> Finding:
    """A file can be written in the data directory and in its media directory."""
    for directory in (Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT)):
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=directory, prefix=".check-"):
                pass
        except OSError as error:
            return Finding(
                "writable",
                FAIL,
                _("%(folder)s 不可写：%(error)s") % {"folder": directory, "error": error},
            )
    return Finding(
        "writable",
        OK,
        _("%(data)s 与 %(media)s 可写") % {"data": settings.DATA_DIR, "media": settings.MEDIA_ROOT},
    )


def secret_key_probe() -> Finding:
    """The secret key is long, varied and not Django's sample one."""
    key = str(settings.SECRET_KEY)
    source = (
        "TAIZHANG_SECRET_KEY"
        if os.environ.get("TAIZHANG_SECRET_KEY")
        else _("数据目录中生成的 secret_key 文件")
    )
    weak = (
        key.startswith(INSECURE_KEY_PREFIX)
        or len(key) < MIN_KEY_LENGTH
        or len(set(key)) < MIN_KEY_CHARACTERS
    )
    if weak:
        return Finding(
            "secret_key",
            FAIL,
            _(
                "密钥（%(source)s）过短或为示例密钥：请设置至少 50 个随机字符的 "
                "TAIZHANG_SECRET_KEY，或删除该变量，由系统生成"
            )
            % {"source": source},
        )
    return Finding("secret_key", OK, _("来自%(source)s") % {"source": source})


def debug_probe() -> Finding:
    """DEBUG is off (it shows settings and code in error pages)."""
    if settings.DEBUG:
        return Finding(
            "debug", FAIL, _("TAIZHANG_DEBUG 已打开：出错页面会显示配置和代码，生产环境必须关闭")
        )
    return Finding("debug", OK, _("DEBUG 已关闭"))


def allowed_hosts_probe() -> Finding:
    """ALLOWED_HOSTS names the site: not `*`, and not only this machine's own names."""
    hosts = list(settings.ALLOWED_HOSTS)
    shown = ", ".join(hosts) or _("（空）")
    if not hosts or "*" in hosts:
        return Finding(
            "allowed_hosts",
            FAIL,
            _("TAIZHANG_ALLOWED_HOSTS=%(hosts)s：请列出用户访问本系统所用的域名或地址")
            % {"hosts": shown},
        )
    if set(hosts) <= {"localhost", "127.0.0.1", "[::1]"}:
        return Finding(
            "allowed_hosts",
            WARN,
            _("TAIZHANG_ALLOWED_HOSTS=%(hosts)s：只能从本机访问；请加上用户所用的域名或地址")
            % {"hosts": shown},
        )
    return Finding("allowed_hosts", OK, shown)


def static_files_probe() -> Finding:
    """`collectstatic` has copied every static file into STATIC_ROOT (whitenoise serves them
    from the package meanwhile, uncompressed: a warning)."""
    from django.contrib.staticfiles import finders

    root = Path(settings.STATIC_ROOT)
    missing = 0
    for finder in finders.get_finders():
        for path, _storage in finder.list(ignore_patterns=[]):
            if not (root / path).exists():
                missing += 1
    if missing:
        return Finding(
            "static_files",
            WARN,
            _("%(folder)s 缺少 %(count)s 个静态文件：请运行 taizhang collectstatic --noinput")
            % {"folder": root, "count": missing},
        )
    return Finding("static_files", OK, _("静态文件已收集到 %(folder)s") % {"folder": root})


def office_tools_probe() -> Finding:
    """LibreOffice (old .doc/.xls ledgers, PDF) and a Chinese font for documents: a warning
    when missing, as everything else works without them."""
    from taizhang.documents.convert import libreoffice_binary

    soffice = libreoffice_binary()
    fonts = _cjk_fonts()
    lacking = []
    if soffice is None:
        lacking.append(_("LibreOffice（soffice）未安装，不能读取 .doc/.xls 旧格式台账"))
    if not fonts:
        lacking.append(_("未找到中文字体（如 fonts-noto-cjk），生成的 PDF 中文会缺字"))
    if lacking:
        return Finding("office_tools", WARN, "；".join(lacking))
    return Finding(
        "office_tools",
        OK,
        _("%(soffice)s；中文字体 %(fonts)s") % {"soffice": soffice, "fonts": fonts},
    )


def _cjk_fonts() -> str:
    """The first Chinese font fontconfig knows, or "" (none, or no fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    try:
        found = subprocess.run(  # noqa: S603  # a fixed command, no shell
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return found.splitlines()[0].strip() if found.strip() else ""


def worker_probe() -> Finding:
    """The worker (`taizhang run_huey`) said it was alive within the last minutes (its
    periodic sweep): without it no background job, reminder or notification goes out."""
    from taizhang.jobs.progress import worker_alive_time
    from taizhang.jobs.stalls import WORKER_SILENT

    if settings.HUEY.get("immediate"):
        return Finding("worker", OK, _("即时模式，无需后台服务"))
    try:
        alive = worker_alive_time()
    except Exception as error:  # the queue's store: sqlite3 or redis errors
        return Finding("worker", WARN, _("无法读取后台服务的心跳：%(error)s") % {"error": error})
    if alive is None:
        return Finding(
            "worker", WARN, _("后台服务（taizhang run_huey）从未报告运行：请启动 taizhang-worker")
        )
    ago = int(timezone.now().timestamp() - alive)
    if ago > WORKER_SILENT.total_seconds():
        return Finding(
            "worker",
            WARN,
            _(
                "后台服务已 %(minutes)s 分钟没有心跳："
                "请检查 taizhang-worker（journalctl -u taizhang-worker）"
            )
            % {"minutes": ago // 60},
        )
    return Finding("worker", OK, _("后台服务 %(seconds)s 秒前报告运行") % {"seconds": ago})


def backup_probe() -> Finding:
    """The last successful backup is recent (within TAIZHANG_BACKUP_WARN_DAYS): a warning
    when it is older or there is none, as the site works without it."""
    from taizhang.jobs.selectors import backup_stale, last_backup

    record = last_backup()
    if record is None:
        return Finding("backup", WARN, _("尚无成功的备份：请运行 taizhang backup 或启动后台服务"))
    when = timezone.localtime(record.at).strftime("%Y-%m-%d %H:%M")
    detail = _("最近一次成功备份 %(when)s，%(path)s（%(size)s KB）") % {
        "when": when,
        "path": record.path,
        "size": record.size // 1024,
    }
    if backup_stale(record):
        return Finding(
            "backup",
            WARN,
            _("%(detail)s，已超过 %(days)s 天")
            % {"detail": detail, "days": settings.TAIZHANG_BACKUP_WARN_DAYS},
        )
    return Finding("backup", OK, detail)


# What /healthz asks (cheap: one SELECT 1, one queue length, one statvfs).
VITAL: tuple[Probe, ...] = (database_probe, queue_probe, free_space_probe)

# What `taizhang check` asks, in order. A new probe (a backup's age, ...) is one line here.
CHECKS: list[Probe] = [
    database_probe,
    migrations_probe,
    queue_probe,
    free_space_probe,
    writable_probe,
    secret_key_probe,
    debug_probe,
    allowed_hosts_probe,
    static_files_probe,
    office_tools_probe,
    worker_probe,
    backup_probe,
]


def run_probes(probes: Sequence[Probe]) -> list[Finding]:
    """Each probe's finding, in order; a probe that raises is a failure, not a crash."""
    findings = []
    for probe in probes:
        try:
            findings.append(probe())
        except Exception as error:  # one broken probe must not hide the others
            findings.append(Finding(probe.__name__.removesuffix("_probe"), FAIL, repr(error)))
    return findings


def healthy() -> bool:
    """Whether the site can serve: every vital probe is not a failure."""
    return not any(finding.failed for finding in run_probes(VITAL))
