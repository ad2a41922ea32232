"""The CSV reader: ledgers as Excel and WPS save them "as CSV" (UTF-8 with or without BOM,
GBK, commas or tabs or semicolons, quoted cells with line breaks and doubled quotes, CRLF,
empty columns to the right, title rows above the header), and `read_ledger` choosing it."""

from __future__ import annotations

import datetime

import pytest

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.read_csv import looks_like_csv, read_csv
from taizhang.documents.readers import read_ledger

# As Excel writes it: every record as wide as the widest, CRLF, quotes only where needed.
EXCEL_CSV = (
    "2024年某县重点工作台账,,,,,,,,\r\n"
    "（截至2024年6月30日）,,,,,,,,\r\n"
    "序号,工作目标任务,牵头领导,责任单位,完成时限,进展情况,备注,,\r\n"
    "一,民生保障,,,,,,,\r\n"
    '1,"新建幼儿园3所。\r\n改扩建小学2所。",张三,"教体局、财政局",2024/12/31,'
    '"完成""主体""工程。\r\n1所正在选址。",正在推进,,\r\n'
    "2,建设社区食堂10个。,李四,民政局,6月底前完成,,已完成,,\r\n"
)


def _tasks(data: bytes, name: str = "county.csv") -> list[tuple[object, ...]]:
    doc = read_csv(data, name=name)
    return [
        (t.number, t.goal, t.leaders, [u.name for u in t.units], t.deadline, t.progress, t.status)
        for t in doc.tasks
    ]


EXPECTED = [
    (
        1,
        "新建幼儿园3所。\n改扩建小学2所。",
        ["张三"],
        ["教体局", "财政局"],
        datetime.date(2024, 12, 31),
        '完成"主体"工程。\n1所正在选址。',
        "in_progress",
    ),
    (2, "建设社区食堂10个。", ["李四"], ["民政局"], datetime.date(2024, 6, 30), "", "completed"),
]


def test_an_excel_csv_with_title_rows_quoted_line_breaks_and_empty_columns_reads() -> None:
    doc = read_csv(EXCEL_CSV.encode("utf-8"), name="county.csv")
    assert (doc.title, doc.year, doc.as_of) == (
        "2024年某县重点工作台账",
        2024,
        datetime.date(2024, 6, 30),
    )
    assert [c.title for c in doc.columns] == [
        "序号",
        "工作目标任务",
        "牵头领导",
        "责任单位",
        "完成时限",
        "进展情况",
        "备注",
    ]
    assert [(c.number, c.name) for c in doc.categories] == [(1, "民生保障")]
    assert _tasks(EXCEL_CSV.encode("utf-8")) == EXPECTED
    assert doc.warnings == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_utf8_with_bom_gbk_and_gb18030_read_the_same(encoding: str) -> None:
    assert _tasks(EXCEL_CSV.encode(encoding)) == EXPECTED


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tabs_and_semicolons_are_found(delimiter: str) -> None:
    assert _tasks(EXCEL_CSV.replace(",", delimiter).encode("utf-8")) == EXPECTED


def test_unix_line_ends_short_records_and_no_title_read() -> None:
    text = (
        "序号,工作目标任务,牵头领导,责任单位,完成时限,进展情况\n"
        "一,民生\n"
        "3,修路,张三,交通局,2025年6月底前,\n\n"
    )
    doc = read_csv(text.encode(), name="plain.csv")
    assert (doc.title, doc.year, doc.tasks[0].goal) == ("", 2025, "修路")


def test_rows_are_named_by_the_line_they_start_on() -> None:
    text = EXCEL_CSV + "2,重复的序号,王五,民政局,年底前,,,,\r\n"
    doc = read_csv(text.encode(), name="county.csv")
    assert any(w.startswith("第9行") and "序号2重复" in w for w in doc.warnings)


def test_a_csv_without_a_ledger_header_is_one_line_error() -> None:
    with pytest.raises(LedgerReadError) as caught:
        read_csv("姓名,电话\r\n张三,123\r\n".encode(), name="people.csv")
    text = str(caught.value)
    assert text.startswith("people.csv：找不到台账表格") and "\n" not in text


def test_an_unclosed_quote_is_no_traceback() -> None:
    text = EXCEL_CSV + '3,"修路,张三,交通局,年底前,,,,\r\n'
    doc = read_csv(text.encode(), name="county.csv")  # the quote runs to the end: one cell
    assert [t.number for t in doc.tasks][:2] == [1, 2]


def test_read_ledger_picks_csv_by_name_and_by_content() -> None:
    data = EXCEL_CSV.encode("gbk")
    assert read_ledger(data, name="台账.csv") == read_csv(data, name="台账.csv")
    assert read_ledger(data, name="台账.txt") == read_csv(data, name="台账.txt")
    assert looks_like_csv(data)


def test_the_tab_per_cell_text_layout_is_no_csv(seed_bytes: bytes) -> None:
    assert not looks_like_csv(seed_bytes)
