"""The `taizhang` command's start: huey is imported without the clients the queue does not use,
and the signal receivers' heavy modules are left for the first send (taizhang.receivers), in a
subprocess: the test process has imported them all long since."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# `taizhang --help` (which sets Django up), then which of the clients and of the receivers'
# modules were imported, whether huey's storage module kept the redis client, and whether
# psycopg can still be imported by whoever needs it.
HELP_THEN_MODULES = """
import json, sys
from taizhang.cli import main
main(["taizhang", "--help"])
probed = ("psycopg", "redis", "huey.storage", "taizhang.notify.events",
          "taizhang.notify.delivery", "taizhang.supervision.history")
imported = sorted(name for name in probed if name in sys.modules)
import huey.storage
import psycopg
print(json.dumps({"imported": imported, "redis_client": huey.storage.Redis is not None}))
"""


def after_help(data: Path, **environ: str) -> dict[str, object]:
    # The embedded database: with a PostgreSQL DATABASE_URL (CI's second run) Django's backend
    # imports psycopg for the database itself, which is not the queue's doing.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TAIZHANG_", "DJANGO_")) and k != "DATABASE_URL"
    }
    env |= {"TAIZHANG_DATA_DIR": str(data), **environ}
    done = subprocess.run(
        [sys.executable, "-c", HELP_THEN_MODULES],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "runserver" in done.stdout  # the help was printed
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_the_sqlite_queue_starts_without_the_redis_and_postgresql_clients(tmp_path: Path) -> None:
    assert after_help(tmp_path) == {"imported": ["huey.storage"], "redis_client": False}


def test_a_redis_queue_keeps_the_redis_client(tmp_path: Path) -> None:
    found = after_help(tmp_path, TAIZHANG_REDIS_URL="redis://127.0.0.1:6379/0")
    assert found == {"imported": ["huey.storage", "redis"], "redis_client": True}
