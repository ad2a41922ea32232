"""Background jobs that no worker will finish are given up, with a message in Chinese: a job
never stays "running" for good after its worker died (killed, the machine restarted), nor
"queued" for good when no worker runs, and so never holds one of its owner's few places
(`ledger.import_jobs.MAX_ACTIVE`) nor hands back a dead export when asked again.

- Running with no progress for TAIZHANG_JOB_STALL_MINUTES: given up. Its progress is the
  row's (`progress_at`: claimed, or a step reached) or, for an import whose writes are hidden
  in its transaction, the time its worker last reported one beside the queue
  (`jobs.progress`).
- Queued for TAIZHANG_JOB_QUEUED_MINUTES while no worker answers: given up. A worker answers
  when its sweep said it was alive within `WORKER_SILENT`, or a job is running and still
  within the stall time (a single worker busy with a long job runs no sweep meanwhile).
- When a worker starts, on the SQLite queue: a job still running is given up at once. That
  queue is a file on one machine and has one consumer (docs/deployment.md; huey's consumer is
  one process, its threads started here after this check), so a running job found at start
  was left by a worker that is gone. On Redis, several workers (on several machines) may
  share the queue, and a starting worker cannot tell another's running job from a dead one:
  it leaves them to the stall time.

This is checked by the worker every minute (`jobs_sweep`, a periodic task), when it starts,
and when a job's page polls it or its owner asks for another job (the web views): with no
worker at all, no periodic task runs."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.db import OperationalError
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from taizhang.jobs.progress import (
    progress_key,
    progress_time,
    worker_alive_put,
    worker_alive_time,
)
from taizhang.ledger.background import QUEUED, RUNNING
from taizhang.ledger.import_jobs import import_job_give_up
from taizhang.ledger.models import ImportJob
from taizhang.reporting.exports import export_job_give_up
from taizhang.reporting.models import ExportJob

# The worker's sweep says it is alive every minute: silent for this long, it is not running.
WORKER_SILENT = datetime.timedelta(minutes=3)


@dataclass(frozen=True)
class Kind:
    """A kind of background job: its rows, its service that gives one up, and the messages
    its page shows for a job given up (`%(minutes)s` the time waited)."""

    name: str
    model: type[Model]
    give_up: Callable[..., bool]
    stalled: Promise
    unanswered: Promise
    restarted: Promise


KINDS = (
    Kind(
        name="import",
        model=ImportJob,
        give_up=import_job_give_up,
        stalled=_(
            "导入已超过 %(minutes)s 分钟没有进展，后台服务可能已中断；台账未作任何改动，请重新上传"
        ),
        unanswered=_(
            "导入排队已超过 %(minutes)s 分钟，后台服务没有运行；台账未作任何改动，"
            "请联系系统管理员启动后台服务后重新上传"
        ),
        restarted=_("后台服务重启时该导入尚未完成，已中断；台账未作任何改动，请重新上传"),
    ),
    Kind(
        name="export",
        model=ExportJob,
        give_up=export_job_give_up,
        stalled=_("导出已超过 %(minutes)s 分钟没有进展，后台服务可能已中断，请重新导出"),
        unanswered=_(
            "导出排队已超过 %(minutes)s 分钟，后台服务没有运行；"
            "请联系系统管理员启动后台服务后重新导出"
        ),
        restarted=_("后台服务重启时该导出尚未完成，已中断，请重新导出"),
    ),
)


def _minutes(name: str) -> datetime.timedelta:
    return datetime.timedelta(minutes=max(1, int(getattr(settings, name))))


def _last_moved(
    kind: Kind, job_id: int, created_at: datetime.datetime, progress_at: datetime.datetime | None
) -> datetime.datetime:
    """When a running job last made progress: in its row, or beside the queue."""
    moved = progress_at or created_at
    reported = progress_time(progress_key(kind.name, job_id))
    if reported is not None:
        moved = max(moved, datetime.datetime.fromtimestamp(reported, tz=datetime.UTC))
    return moved


def worker_answers(now: datetime.datetime | None = None) -> bool:
    """Whether a worker is running: its sweep said so within `WORKER_SILENT`, or a job is
    running that has made progress within the stall time."""
    now = now or timezone.now()
    alive = worker_alive_time()
    if alive is not None and alive >= (now - WORKER_SILENT).timestamp():
        return True
    since = now - _minutes("TAIZHANG_JOB_STALL_MINUTES")
    for kind in KINDS:
        running = kind.model._default_manager.filter(state=RUNNING)
        for pk, created_at, progress_at in running.values_list("pk", "created_at", "progress_at"):
            if _last_moved(kind, pk, created_at, progress_at) >= since:
                return True
    return False


def jobs_give_up_stalled(
    *, kind: str | None = None, job_id: int | None = None, created_by: User | None = None
) -> int:
    """Give up the jobs no worker will finish (see the module's docstring), of one `kind`
    ("import", "export") or both, one job (`job_id`) or all, one person's (`created_by`) or
    everyone's: how many were given up."""
    now = timezone.now()
    stalled_since = now - _minutes("TAIZHANG_JOB_STALL_MINUTES")
    queued_since = now - _minutes("TAIZHANG_JOB_QUEUED_MINUTES")
    answers: bool | None = None
    given = 0
    for each in KINDS:
        if kind is not None and each.name != kind:
            continue
        jobs = each.model._default_manager.filter(state__in=(QUEUED, RUNNING))
        if job_id is not None:
            jobs = jobs.filter(pk=job_id)
        if created_by is not None:
            jobs = jobs.filter(created_by=created_by)
        rows = jobs.values_list("pk", "state", "created_at", "progress_at")
        for pk, state, created_at, progress_at in rows:
            if state == RUNNING:
                if _last_moved(each, pk, created_at, progress_at) < stalled_since:
                    given += _give_up(each, pk, RUNNING, each.stalled, "TAIZHANG_JOB_STALL_MINUTES")
                continue
            if created_at >= queued_since:
                continue
            if answers is None:
                answers = worker_answers(now)
            if not answers:
                given += _give_up(each, pk, QUEUED, each.unanswered, "TAIZHANG_JOB_QUEUED_MINUTES")
    return given


def _give_up(kind: Kind, job_id: int, state: str, message: Promise, setting: str) -> bool:
    minutes = int(_minutes(setting).total_seconds() // 60)
    return kind.give_up(job_id=job_id, state=state, reason=str(message) % {"minutes": minutes})


def jobs_check(*, kind: str, job_id: int | None = None, created_by: User | None = None) -> int:
    """For the web: `jobs_give_up_stalled` as a job's page polls it, or before its owner asks
    for another job. On SQLite a worker stuck inside its import's transaction holds the
    database's write lock: then nothing is given up (0), and the next poll tries again."""
    try:
        return jobs_give_up_stalled(kind=kind, job_id=job_id, created_by=created_by)
    except OperationalError:
        return 0


def queue_has_one_consumer() -> bool:
    """Whether the queue can have one consumer only (the SQLite file), so that a starting
    worker knows every running job to be left by a worker that is gone."""
    return isinstance(HUEY.storage, SqliteStorage)


def jobs_give_up_interrupted() -> int:
    """Give up every running job (its worker is gone: see `queue_has_one_consumer`)."""
    given = 0
    for kind in KINDS:
        running = kind.model._default_manager.filter(state=RUNNING).values_list("pk", flat=True)
        for pk in list(running):
            given += kind.give_up(job_id=pk, state=RUNNING, reason=str(kind.restarted))
    return given


class _Once:
    """Run at most once in this process, however many worker threads start (each calls the
    queue's start-up hooks, and a thread restarted after a crash calls them again)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = False

    def __call__(self, work: Callable[[], int]) -> int:
        with self.lock:
            if self.done:
                return 0
            self.done = True
            return work()


_worker_start = _Once()


def worker_started() -> int:
    """When the worker starts (the first of its threads, before any takes a job): it says it
    is alive, gives up the jobs its previous life left running where it may (the SQLite
    queue), and the stalled ones: how many were given up. Once per process."""
    return _worker_start(_recover)


def _recover() -> int:
    worker_alive_put()
    given = jobs_give_up_interrupted() if queue_has_one_consumer() else 0
    return given + jobs_give_up_stalled()


def jobs_sweep() -> int:
    """The worker's periodic sweep: it says it is alive, and gives up the stalled jobs."""
    worker_alive_put()
    return jobs_give_up_stalled()
