"""gunicorn settings for Taizhang, shipped with the package:

    gunicorn -c python:taizhang.gunicorn_conf

Sized for the office's server of 2 cores on deadline day (most units report in the last
hours: about 60% report submissions, 30% ledger pages, 10% dashboards). Options given on the
command line win over these (`--bind 0.0.0.0:8000`, `--workers 5`); TAIZHANG_BIND,
TAIZHANG_WORKERS and TAIZHANG_THREADS set the three that differ between machines. The figures
behind these choices: docs/deployment.md and `bench/load.py`.
"""

from __future__ import annotations

import os
from typing import Any

wsgi_app = "taizhang.wsgi:application"
bind = os.environ.get("TAIZHANG_BIND", "127.0.0.1:8000")

# Processes run Python in parallel (one per core, and one more so a core is not idle while a
# worker waits on the database or the network); a second thread in each lets a slow request
# (a dashboard, a large export) hold one thread, not the whole worker. More threads only queue
# on the GIL, and on SQLite they stretch the time a write holds the database's one write lock
# (its thread waits for the GIL behind its siblings).
workers = int(os.environ.get("TAIZHANG_WORKERS", str((os.cpu_count() or 1) + 1)))
threads = int(os.environ.get("TAIZHANG_THREADS", "2"))
worker_class = "gthread"

# A gthread worker answers the arbiter's heartbeat from its main thread while its request
# threads work, so `timeout` only kills a worker that is truly stuck; it is not a limit on
# requests (a large web export is allowed to take its time).
timeout = 60
graceful_timeout = 30
keepalive = 5

# A worker is replaced after this many requests (the jitter keeps them from restarting
# together): memory taken by a large export or import is given back to the system.
max_requests = 2000
max_requests_jitter = 200

# Django and the views are loaded once in the arbiter; workers share those pages by fork.
# taizhang.wsgi freezes the objects of start-up out of the garbage collector (gc.freeze), so
# a collection does not write to, and so copy, the shared pages.
preload_app = True

# The heartbeat file is touched every second: on memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


def when_ready(server: Any) -> None:
    """Before the workers are forked: close any database connection the start-up opened, so
    no two processes share one."""
    from django.db import connections

    connections.close_all()
