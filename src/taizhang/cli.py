"""The `taizhang` command: the project's own commands (import, export, ledgers, serve, ...)
and Django's management commands, through one entry point. `taizhang serve` runs the queue's
worker (`taizhang run_huey`) beside the server, unless the queue is immediate
(taizhang.jobs.queue); production runs the worker as a service of its own."""

from __future__ import annotations

import os
import sys

ALIASES = {"serve": "runserver"}
# The clients huey's storage module imports if it can, for backends of its own: psycopg for
# PostgresHuey (never used here) and redis for RedisHuey (used with TAIZHANG_REDIS_URL only).
# Importing them costs about 0.06 s of CPU a command (`taizhang shell -c pass`: 0.40 → 0.35 s),
# paid by every subprocess of the test suite.
HUEY_OPTIONAL_CLIENTS = ("psycopg", "redis")


def import_huey_without_unused_clients(environ: dict[str, str] | None = None) -> None:
    """Import huey as if the clients its configured queue does not use were not installed:
    huey then leaves them out. Only they are hidden, only while huey is imported; anything
    imported later (Django's PostgreSQL backend) imports psycopg as usual."""
    environ = dict(os.environ) if environ is None else environ
    if "huey.storage" in sys.modules:
        return
    used = {"redis"} if environ.get("TAIZHANG_REDIS_URL", "").strip() else set()
    unused = [name for name in HUEY_OPTIONAL_CLIENTS if name not in used | set(sys.modules)]
    for name in unused:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        import huey.storage  # noqa: F401
    finally:
        for name in unused:
            if sys.modules.get(name) is None:
                del sys.modules[name]


def main(argv: list[str] | None = None) -> None:
    """Run `taizhang SUBCOMMAND ...`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import_huey_without_unused_clients()
    from django.core.management import execute_from_command_line

    from taizhang.jobs.queue import worker_beside

    given = list(sys.argv if argv is None else argv)
    args = [*given]
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    args[0] = "taizhang"
    with worker_beside(given):
        execute_from_command_line(args)


if __name__ == "__main__":
    main()
