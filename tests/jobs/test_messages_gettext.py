"""The operator's messages of backup, restore and `taizhang check` go through gettext: every
Chinese string literal in these modules is inside a `_()` / `gettext_lazy()` call (an
f-string cannot be translated: it is formatted before gettext would see it)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import taizhang

SRC = Path(taizhang.__file__).parent
MODULES = [
    "jobs/backups/archive.py",
    "jobs/backups/load.py",
    "jobs/backups/dump.py",
    "jobs/backups/schedule.py",
    "jobs/backups/record.py",
    "jobs/management/commands/backup.py",
    "jobs/management/commands/restore.py",
    "jobs/management/commands/check.py",
    "jobs/health.py",
]
CHINESE = re.compile("[\u4e00-\u9fff]")
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext"}


def untranslated(tree: ast.AST) -> list[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT:
            inside |= {id(n) for arg in node.args for n in ast.walk(arg)}
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CHINESE.search(node.value)
        and id(node) not in inside | docstrings
    ]


@pytest.mark.parametrize("module", MODULES)
def test_every_chinese_message_goes_through_gettext(module: str) -> None:
    path = SRC / module
    assert untranslated(ast.parse(path.read_text(encoding="utf-8"))) == []
