"""The CSV writer: one row per task, UTF-8 with a BOM and CRLF so Excel opens it right, with
the category, the ledger's own columns, the deadline as a date and the status as a code."""

from __future__ import annotations

import codecs
import csv
import io

import pytest

from taizhang.documents.model import LedgerDoc
from taizhang.documents.read_text import read_text
from taizhang.documents.write_csv import write_csv


@pytest.fixture
def seed(seed_bytes: bytes) -> LedgerDoc:
    return read_text(seed_bytes, name="jiyuan-2021-ledger.txt")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_starts_with_a_bom_and_decodes_as_utf8_with_crlf_line_ends(seed: LedgerDoc) -> None:
    data = write_csv(seed)
    assert data.startswith(codecs.BOM_UTF8)
    text = data[3:].decode("utf-8")
    assert text.startswith("分类序号,分类,序号,工作目标任务,")
    assert text.endswith("\r\n")
    assert text.split("\r\n")[0].endswith(",截止日期,状态代码")


def test_one_row_per_task_after_the_header(seed: LedgerDoc) -> None:
    rows = _rows(write_csv(seed))
    assert len(rows) == len(seed.tasks) + 1 == 17
    assert rows[0] == [
        "分类序号",
        "分类",
        "序号",
        "工作目标任务",
        "牵头领导",
        "责任单位",
        "完成时限及有关要求",
        "进展情况",
        "备注",
        "截止日期",
        "状态代码",
    ]
    assert {len(row) for row in rows} == {11}


def test_a_task_row_carries_its_category_deadline_date_and_status_code(seed: LedgerDoc) -> None:
    rows = _rows(write_csv(seed))
    first = rows[1]
    task = seed.tasks[0]
    assert first[:5] == ["1", "提升医疗服务保障能力", "1", task.goal, "谭江"]
    assert first[-3:] == ["正在推进", "2021-12-31", "in_progress"]
    assert [row[0] for row in rows[1:]][-1] == "10"


def test_multi_line_progress_survives_the_csv_reader(seed: LedgerDoc) -> None:
    progress = seed.tasks[0].progress
    assert progress.count("\n") == 3
    assert _rows(write_csv(seed))[1][7] == progress


def test_no_deadline_date_and_no_status_are_empty(seed: LedgerDoc) -> None:
    task = seed.tasks[6]
    assert task.deadline is None  # the seed's task 7 names no date
    task.status, task.status_label = None, ""
    row = _rows(write_csv(seed))[7]
    assert row[-2:] == ["", ""]


def test_text_that_would_start_a_formula_is_quoted_with_an_apostrophe(seed: LedgerDoc) -> None:
    seed.tasks[0].goal = '=HYPERLINK("http://x")'
    seed.tasks[0].progress = "+1"
    row = _rows(write_csv(seed))[1]
    assert (row[3], row[7]) == ('\'=HYPERLINK("http://x")', "'+1")
