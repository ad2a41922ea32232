"""Large ledgers for the background-import tests, made from the seed: its tasks again and
again under one category, each with a goal of its own, written as `taizhang/ledger@1` JSON
(the quickest file to read, so that the tests time the import, not the reader)."""

from __future__ import annotations

import dataclasses

from taizhang.documents.json_format import write_json
from taizhang.documents.model import CategoryDoc, LedgerDoc
from taizhang.documents.read_text import read_text
from tests.conftest import SEED

BIG_TITLE = "2021年某市重点工作大台账"


def big_ledger(tasks: int, *, title: str = BIG_TITLE) -> LedgerDoc:
    """A ledger of `tasks` tasks (no sub-items), the seed's repeated with numbered goals."""
    seed = read_text(SEED.read_bytes(), name=SEED.name)
    models = seed.tasks
    rows = [
        dataclasses.replace(
            models[i % len(models)],
            number=i + 1,
            goal=f"{models[i % len(models)].goal}（第{i + 1}项）",
            subitems=[],
        )
        for i in range(tasks)
    ]
    return LedgerDoc(
        title=title,
        year=seed.year,
        columns=list(seed.columns),
        categories=[CategoryDoc(1, "重点工作", rows)],
        source_name="大台账.json",
    )


def big_ledger_json(tasks: int, *, title: str = BIG_TITLE) -> bytes:
    return write_json(big_ledger(tasks, title=title))
