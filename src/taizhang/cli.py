"""The `taizhang` command: the project's own commands (import, export, ledgers, serve, ...)
and Django's management commands, through one entry point."""

from __future__ import annotations

import os
import sys

ALIASES = {"serve": "runserver"}


def main(argv: list[str] | None = None) -> None:
    """Run `taizhang SUBCOMMAND ...`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    args[0] = "taizhang"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
