"""What the ledger commands share: one-line errors and a non-zero exit."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class LedgerCommand(BaseCommand):
    def fail(self, message: str, status: int = 1) -> NoReturn:
        """Print one line on stderr and exit with `status`."""
        self.stderr.write(f"错误：{message}")
        sys.exit(status)

    def require_database(self) -> None:
        """Refuse to run on a database that has not been migrated, with the fix in words."""
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.fail("数据库尚未初始化或不是最新：请先运行 taizhang migrate")

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
