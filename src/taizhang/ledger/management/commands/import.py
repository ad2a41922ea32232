"""`taizhang import FILE [--column TITLE=KEY ...] [--table N] [--match NEW=OLD ...] [--dry-run]`:
read a ledger file and store it, with the office's own reading of the columns, saved for the
next edition. A later edition's tasks are matched to the stored ones by content; the summary
(and the dry run, on stderr) says what becomes of each, and a task that could be more than one
stored task stops the import until `--match` (or `--match-file`) decides it. On a terminal,
stderr shows a progress bar while the rows are written."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _

from taizhang.documents.columns import COLUMN_CHOICES, parse_column_option
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import write_json
from taizhang.documents.model import LedgerDoc
from taizhang.documents.readers import read_ledger
from taizhang.ledger.editions import (
    AmbiguousError,
    EditionPlan,
    MatchError,
    answers_from_json,
    parse_answers,
)
from taizhang.ledger.management.commands._base import LedgerCommand
from taizhang.ledger.reading import Reading, ledger_read
from taizhang.ledger.selectors import ledger_import_preview
from taizhang.ledger.services import ledger_import


class Command(LedgerCommand):
    help = _(
        "读取台账文件（Word、Excel、文本、JSON；.doc/.xls 需 LibreOffice）并存入数据库；"
        "--dry-run 只输出解析结果（JSON）"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("台账文件"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("只解析并以 JSON 输出，不写数据库")
        )
        parser.add_argument("--year", type=int, help=_("台账年度（标题中没有年份时）"))
        parser.add_argument("--sheet", help=_("Excel 工作表名称（默认取含台账表头的第一张）"))
        parser.add_argument(
            "--column",
            action="append",
            default=[],
            metavar=_("列标题=含义"),
            help=_(
                "指定某列的含义，如 --column 落实情况=progress 或 --column 落实情况=进展情况；"
                "可重复，随台账保存，下次导入同一台账时沿用"
            ),
        )
        parser.add_argument(
            "--table", metavar="N", help=_("文件中有多个台账表格时，读取第 N 个（默认第 1 个）")
        )
        parser.add_argument(
            "--match",
            action="append",
            default=[],
            metavar=_("新序号=原序号"),
            help=_(
                "确认新台账的任务是原台账的哪一项（序号按比对结果所示），如 --match 5=4；"
                "新任务写 --match 7=new；可重复"
            ),
        )
        parser.add_argument(
            "--match-file",
            metavar=_("文件"),
            help=_('以 JSON 文件给出 --match 的确认，如 {"5": "4", "7": "new"}'),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        columns = self.parse_columns(options["column"])
        table = self.parse_table(options["table"])
        answers = self.parse_answers(options["match"], options["match_file"])
        path = Path(options["file"])
        data = self.load(path)
        dry_run = options["dry_run"]
        if not dry_run:
            self.require_database()
        # A dry run needs no database; it reads the saved mapping only where there is one.
        look_up_saved = not columns and (not dry_run or database_ready())
        try:
            if look_up_saved:
                reading = ledger_read(
                    data, name=str(path), year=options["year"], sheet=options["sheet"], table=table
                )
            else:
                doc = read_ledger(
                    data,
                    name=str(path),
                    year=options["year"],
                    sheet=options["sheet"],
                    table=table,
                    columns=columns or None,
                )
                reading = Reading(doc=doc, columns=columns)
        except LedgerReadError as error:
            self.fail(str(error))
        if dry_run:
            sys.stdout.buffer.write(write_json(reading.doc))
            sys.stdout.flush()
            for line in notes(reading, reading.doc.warnings):
                self.stderr.write(line)
            if database_ready():
                self.preview(reading.doc, answers)
            return
        self.store(reading, given=bool(columns), answers=answers)

    def preview(self, doc: LedgerDoc, answers: dict[str, str | None]) -> None:
        """What importing would do to the stored edition, on stderr (stdout holds the JSON)."""
        try:
            plan = ledger_import_preview(doc, answers)
        except MatchError as error:
            self.fail(str(error))
        if plan is not None:
            for line in [*plan.lines(), *ambiguous_hint(plan)]:
                self.stderr.write(line)

    def store(self, reading: Reading, *, given: bool, answers: dict[str, str | None]) -> None:
        """Import the ledger (saving the mapping when the office gave one) and summarise."""
        doc = reading.doc
        try:
            with self.progress_bar(_("导入")) as bar:
                result = ledger_import(
                    doc=doc,
                    column_overrides=reading.columns if given else None,
                    answers=answers,
                    progress=bar.update,
                )
        except MatchError as error:
            self.fail(str(error))
        except AmbiguousError as error:
            for line in error.plan.lines():
                self.stderr.write(line)
            self.fail(" ".join([str(error), *ambiguous_hint(error.plan)]))
        self.stdout.write(
            _("台账 %(id)s：%(title)s（%(year)s年）")
            % {"id": result.ledger.pk, "title": result.ledger.title, "year": result.ledger.year}
        )
        self.stdout.write(
            _(
                "分类 %(categories)s 个，任务 %(tasks)s 项：新增 %(created)s，更新 %(updated)s，"
                "未变 %(unchanged)s，移除 %(removed)s；警告 %(warnings)s 条"
            )
            % {
                "categories": len(doc.categories),
                "tasks": len(doc.tasks),
                "created": result.tasks_created,
                "updated": result.tasks_updated,
                "unchanged": result.tasks_unchanged,
                "removed": result.tasks_removed,
                "warnings": len(result.warnings),
            }
        )
        if not result.created:
            for line in result.plan.lines():
                self.stdout.write(line)
        if given:
            self.stdout.write(_("列的对应已保存：%(m)s") % {"m": mapping_text(reading.columns)})
        for line in notes(reading, result.warnings):
            self.stdout.write(line)

    def parse_columns(self, options: list[str]) -> dict[str, str]:
        """--column TITLE=KEY options as {title: key}; a bad one is a one-line error."""
        columns: dict[str, str] = {}
        for option in options:
            try:
                title, key = parse_column_option(option)
            except ValueError as error:
                self.fail(_("--column %(o)s：%(e)s") % {"o": option, "e": error})
            columns[title] = key
        return columns

    def parse_answers(self, options: list[str], path: str | None) -> dict[str, str | None]:
        """--match and --match-file as {new key: stored key, or None for new}."""
        try:
            answers = parse_answers(options)
            if path is not None:
                answers = {**self.read_answers(path), **answers}
        except MatchError as error:
            self.fail(str(error))
        return answers

    def read_answers(self, path: str) -> dict[str, str | None]:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            self.fail(f"{path}：无法读取文件（{error.strerror}）")
        except ValueError as error:
            self.fail(f"{path}：不是有效的 JSON（{error}）")
        return answers_from_json(data)

    def parse_table(self, option: str | None) -> int | None:
        """--table N as a number from 1 to 999 (a file holds a few tables); ASCII digits only:
        "²" passes str.isdigit, not int()."""
        if option is None:
            return None
        digits = option.strip()
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 3 and int(digits)):
            self.fail(_("--table %(o)s：应为表格的序号 1、2、3……") % {"o": option})
        return int(digits)

    def load(self, path: Path) -> bytes:
        try:
            size = path.stat().st_size
        except OSError as error:
            self.fail(f"{path}：无法读取文件（{error.strerror}）")
        limit = settings.TAIZHANG_MAX_UPLOAD_BYTES
        if size > limit:
            self.fail(f"{path}：文件过大（{size} 字节，上限 {limit} 字节）")
        try:
            return path.read_bytes()
        except OSError as error:
            self.fail(f"{path}：无法读取文件（{error.strerror}）")


def database_ready() -> bool:
    """Whether the database is there and migrated, found without creating anything."""
    try:
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return False


def ambiguous_hint(plan: EditionPlan) -> list[str]:
    """How to decide the ambiguous tasks, when there are any."""
    if not plan.ambiguous:
        return []
    return [_("请用 --match 新序号=原序号（或 新序号=new）逐项确认后再导入。")]


def mapping_text(columns: dict[str, str]) -> str:
    """{"落实情况": "progress"} as 落实情况→进展情况, for one line of output."""
    names = dict(COLUMN_CHOICES)
    return "，".join(f"{title}→{names.get(key, key)}" for title, key in columns.items())


def notes(reading: Reading, warnings: list[str]) -> list[str]:
    """The lines that follow a reading: the saved mapping used again, the ledger tables of a
    file that holds several, the warnings."""
    lines = []
    if reading.reused:
        lines.append(_("已按上次导入时的列对应读取：%(m)s") % {"m": mapping_text(reading.columns)})
    if reading.doc.tables:
        lines.append(
            _("文件中有 %(n)s 个台账表格（用 --table N 选择）：") % {"n": len(reading.doc.tables)}
        )
        lines.extend(f"  {line}" for line in reading.doc.tables)
    lines.extend(_("警告：") + warning for warning in warnings)
    return lines
