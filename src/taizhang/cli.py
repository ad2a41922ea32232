"""The `taizhang` command: the project's own commands (import, export, ledgers, serve, ...)
and Django's management commands, through one entry point. `taizhang serve` runs the queue's
worker (`taizhang run_huey`) beside the server, unless the queue is immediate
(taizhang.jobs.queue); production runs the worker as a service of its own."""

from __future__ import annotations

import os
import sys

ALIASES = {"serve": "runserver"}


def main(argv: list[str] | None = None) -> None:
    """Run `taizhang SUBCOMMAND ...`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
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
