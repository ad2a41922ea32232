"""What the commands share: one-line errors and a non-zero exit, the ledger by id, dates, an
office's template, writing the output, a progress bar on a terminal."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from typing import Any, NoReturn, TextIO, cast

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from taizhang.ledger.management.commands._progress import ProgressBar
from taizhang.ledger.models import Ledger
from taizhang.ledger.selectors import ledger_get


def iso_date(text: str) -> datetime.date:
    """A command's date argument (argparse `type`): YYYY-MM-DD, else a message in words."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("日期应写成 YYYY-MM-DD：%(text)s") % {"text": text}
        ) from None


class LedgerCommand(BaseCommand):
    # The project's own commands skip Django's system checks: they would load every URL,
    # view and API schema (half a second) for a command that reads or writes a ledger.
    # `taizhang check`, `migrate` and `serve` still run them.
    requires_system_checks = ()

    # The progress bar being drawn, ended before an error is printed.
    bar: ProgressBar | None = None

    def fail(self, message: str, status: int = 1) -> NoReturn:
        """Print one line on stderr and exit with `status`."""
        if self.bar is not None:
            self.bar.finish()
        self.stderr.write(f"错误：{message}")
        sys.exit(status)

    def progress_bar(self, label: str) -> ProgressBar:
        """A progress bar on this command's stderr, drawn only when that is a terminal; on the
        stream itself, not through Django's wrapper, which would add a new line and colour
        each redraw as an error."""
        self.bar = ProgressBar(cast(TextIO, self.stderr._out), label)
        return self.bar

    def require_database(self) -> None:
        """Refuse to run on a database that has not been migrated, with the fix in words."""
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.fail("数据库尚未初始化或不是最新：请先运行 taizhang migrate")

    def ledger_or_fail(self, ledger_id: int) -> Ledger:
        """The stored ledger with this id, or one line saying how to find the ids."""
        ledger = ledger_get(ledger_id)
        if ledger is None:
            self.fail(_("没有编号为 %(id)s 的台账（用 taizhang ledgers 查看）") % {"id": ledger_id})
        return ledger

    def read_template(self, path: str | None) -> bytes | None:
        """An office's own Word template given with --template, or None."""
        if path is None:
            return None
        try:
            return Path(path).read_bytes()
        except OSError as error:
            self.fail(f"{path}：无法读取模板（{error.strerror}）")

    def as_pdf(self, docx: bytes) -> bytes:
        """A Word document as PDF through LibreOffice; where it is missing or fails, its
        message as one line and a non-zero exit."""
        from taizhang.documents.pdf import PdfError, docx_to_pdf

        try:
            return docx_to_pdf(docx)
        except PdfError as error:
            self.fail(str(error))

    def write_output(self, data: bytes, path: str | None, done: str | None) -> None:
        """Write to the -o file (then say `done` with its path, unless None) or to standard
        output."""
        if path is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        try:
            Path(path).write_bytes(data)
        except OSError as error:
            self.fail(f"{path}：无法写入（{error.strerror}）")
        if done is not None:
            self.stderr.write(done % {"path": path})

    def handle(self, *args: Any, **options: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
