"""The CSV writer: the ledger's own layout as Excel saves a ledger sheet (title, 截至 line,
header, category rows, task rows, sub-item rows), UTF-8 with a BOM and CRLF so Excel opens it
right, and text that would start a formula kept as text."""

from __future__ import annotations

import codecs
import csv
import datetime
import io

import pytest

from taizhang.documents.model import LedgerDoc, TaskDoc
from taizhang.documents.read_text import read_text
from taizhang.documents.write_csv import write_csv

HEADER = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限及有关要求", "进展情况", "备注"]


@pytest.fixture
def seed(seed_bytes: bytes) -> LedgerDoc:
    return read_text(seed_bytes, name="jiyuan-2021-ledger.txt")


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_starts_with_a_bom_and_decodes_as_utf8_with_crlf_line_ends(seed: LedgerDoc) -> None:
    data = write_csv(seed)
    assert data.startswith(codecs.BOM_UTF8)
    text = data[3:].decode("utf-8")
    assert text.startswith("2021年济源十件重点民生实事工作台账,,,,,,\r\n")
    assert text.endswith("\r\n")


def test_the_title_then_the_header_then_category_and_task_rows(seed: LedgerDoc) -> None:
    rows = _rows(write_csv(seed))
    assert rows[0] == [seed.title, "", "", "", "", "", ""]
    assert rows[1] == HEADER
    assert rows[2] == ["一", "提升医疗服务保障能力", "", "", "", "", ""]
    task = seed.tasks[0]
    assert rows[3][:5] == ["1", task.goal, "谭江", "卫健委", task.deadline_text]
    assert rows[3][5:] == [task.progress, "正在推进"]
    assert len(rows) == 2 + len(seed.categories) + len(seed.tasks)
    assert {len(row) for row in rows} == {7}


def test_the_as_of_line_comes_from_the_argument_or_the_ledger(seed: LedgerDoc) -> None:
    rows = _rows(write_csv(seed, as_of=datetime.date(2021, 11, 5)))
    assert rows[1][0] == "（截至2021年11月5日）" and rows[2] == HEADER
    seed.as_of = datetime.date(2021, 6, 30)
    assert _rows(write_csv(seed))[1][0] == "（截至2021年6月30日）"


def test_sub_items_follow_their_task_with_their_label(seed: LedgerDoc) -> None:
    task = seed.tasks[2]
    task.subitems = [
        TaskDoc(number=1, goal="北部供水工程", label="（1）", leaders=["侯波"]),
        TaskDoc(number=2, goal="玉阳湖工业供水工程", progress="完成投资7000万元。"),
    ]
    rows = _rows(write_csv(seed))
    at = next(i for i, row in enumerate(rows) if row[0] == "3")
    assert [row[:3] for row in rows[at + 1 : at + 3]] == [
        ["（1）", "北部供水工程", "侯波"],
        ["3-2", "玉阳湖工业供水工程", ""],
    ]
    assert rows[at + 2][5] == "完成投资7000万元。"
    assert rows[at + 3][0] == "三"  # the next category


def test_multi_line_progress_survives_the_csv_reader(seed: LedgerDoc) -> None:
    progress = seed.tasks[0].progress
    assert progress.count("\n") == 3
    assert _rows(write_csv(seed))[3][5] == progress


def test_text_that_would_start_a_formula_is_quoted_with_an_apostrophe(seed: LedgerDoc) -> None:
    seed.tasks[0].goal = '=HYPERLINK("http://x")'
    seed.tasks[0].progress = "+1"
    row = _rows(write_csv(seed))[3]
    assert (row[1], row[5]) == ('\'=HYPERLINK("http://x")', "'+1")


def test_a_one_column_ledger_writes_its_categories_in_one_cell(seed: LedgerDoc) -> None:
    seed.columns = seed.columns[1:2]
    rows = _rows(write_csv(seed))
    assert rows[2] == ["一、提升医疗服务保障能力"]
