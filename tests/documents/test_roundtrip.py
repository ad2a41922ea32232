"""Writers and readers agree: any ledger written in any format reads back the same, sub-items
(numbered 3-1, 3.1, （1）, ① or left to the writer), month entries and month columns too."""

from __future__ import annotations

import datetime
import importlib.util
import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings

from taizhang.documents.cells import DEFAULT_COLUMNS
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.json_format import ledger_to_dict, read_json, write_json
from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.documents.read_docx import read_docx
from taizhang.documents.read_text import read_text
from taizhang.documents.read_xlsx import read_xlsx
from taizhang.documents.readers import read_ledger
from taizhang.documents.write_csv import write_csv
from taizhang.documents.write_docx import write_docx
from taizhang.documents.write_text import write_text
from taizhang.documents.write_xlsx import write_xlsx
from tests.conftest import FIXTURES
from tests.documents.strategies import as_read, ledgers, monthly_ledgers

# Every table format: its writer and the name the reader is given.
TABLE_FORMATS: dict[str, Callable[[LedgerDoc], bytes]] = {
    "txt": write_text,
    "docx": lambda doc: write_docx(doc),
    "xlsx": lambda doc: write_xlsx(doc),
    "csv": lambda doc: write_csv(doc),
}


def _round_trip(doc: LedgerDoc, fmt: str) -> LedgerDoc:
    if fmt == "csv" and importlib.util.find_spec("taizhang.documents.read_csv") is None:
        pytest.skip("the CSV reader (documents/read_csv.py) is not there yet")
    return read_ledger(TABLE_FORMATS[fmt](doc), name=f"generated.{fmt}")


def _with_columns(doc: LedgerDoc) -> LedgerDoc:
    """The ledger as read back from a table: the columns written (the seed's seven when it
    has none), a sub-item's label as written in its 序号 cell."""
    expected = as_read(doc)
    expected.columns = expected.columns or list(DEFAULT_COLUMNS)
    return expected


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_any_ledger_written_as_text_reads_back_the_same(doc: LedgerDoc) -> None:
    back = read_text(write_text(doc), name="generated.txt")
    assert ledger_to_dict(back) == ledger_to_dict(_with_columns(doc))


@settings(max_examples=60, deadline=None)
@given(ledgers())
def test_any_ledger_written_as_json_reads_back_the_same(doc: LedgerDoc) -> None:
    assert read_json(write_json(doc), name="generated.json") == doc


@settings(max_examples=60, deadline=None)
@given(monthly_ledgers())
def test_any_monthly_ledger_written_as_json_reads_back_the_same(doc: LedgerDoc) -> None:
    assert read_json(write_json(doc), name="generated.json") == doc


def _round_trips_through(doc: LedgerDoc, formats: list[str]) -> None:
    """Each format reads back what it wrote of the one drawn ledger: drawing a ledger costs
    more than writing and reading it, so each is drawn once for every format (each format
    still gets as many ledgers as when it drew its own). A failure names the format."""
    expected = ledger_to_dict(_with_columns(doc))
    for fmt in formats:
        assert ledger_to_dict(_round_trip(doc, fmt)) == expected, fmt


@settings(max_examples=25, deadline=None)
@given(doc=ledgers())
def test_any_ledger_with_sub_items_round_trips_through_every_table_format(doc: LedgerDoc) -> None:
    _round_trips_through(doc, ["docx", "xlsx", "csv"])


@settings(max_examples=25, deadline=None)
@given(doc=monthly_ledgers())
def test_any_monthly_ledger_writes_back_its_month_columns(doc: LedgerDoc) -> None:
    _round_trips_through(doc, list(TABLE_FORMATS))


def test_the_seed_written_as_text_reads_back_the_same(seed_bytes: bytes) -> None:
    doc = read_text(seed_bytes, name="seed.txt")
    assert read_text(write_text(doc), name="again.txt") == doc


@pytest.mark.parametrize("fmt", list(TABLE_FORMATS))
def test_the_seed_round_trips_through_every_table_format(seed_bytes: bytes, fmt: str) -> None:
    doc = read_text(seed_bytes, name="seed.txt")
    assert _round_trip(doc, fmt) == doc


def test_other_offices_ledgers_round_trip_through_every_table_writer() -> None:
    for path in sorted((FIXTURES / "text").glob("*.txt")):
        doc = read_text(path.read_bytes(), name=path.name)
        assert read_text(write_text(doc), name="a.txt") == doc, path.name
        assert read_docx(write_docx(doc), name="a.docx") == doc, path.name
        assert read_xlsx(write_xlsx(doc), name="a.xlsx") == doc, path.name


def _sub(place: int, label: str, goal: str, **fields: object) -> TaskDoc:
    return TaskDoc(number=place, goal=goal, label=label, **fields)  # type: ignore[arg-type]


def _ledger_with_every_kind_of_row() -> LedgerDoc:
    """A ledger with sub-items in all four numberings, a 联系人 column, an unplaced column,
    a two-row 时间节点 and 进展情况 header, and status symbols' words."""
    water = [UnitRef("水利局")]
    columns = [
        Column("number", "序号"),
        Column("goal", "重点工作"),
        Column("leaders", "牵头领导"),
        Column("units", "责任单位"),
        Column("contact", "联系人"),
        Column("deadline", "完成时限"),
        Column("progress", "进展情况"),
        Column("status", "完成状态"),
        Column("extra", "资金来源"),
    ]
    doc = LedgerDoc(title="2022年重点项目推进台账", year=2022, columns=columns)
    category = CategoryDoc(1, "水利工程")
    for number, (style, labels) in enumerate(
        [
            ("dash", ["1-1", "1-2"]),
            ("dot", ["2.1", "2.2"]),
            ("paren", ["（1）", "（2）"]),
            ("circled", ["①", "②"]),
        ],
        1,
    ):
        task = TaskDoc(
            number=number,
            goal=f"第{number}项水利工程（{style}）",
            leaders=["王强"],
            units=water,
            deadline_text="年底前",
            deadline=datetime.date(2022, 12, 31),
            milestones=[MilestoneDoc("年底前", datetime.date(2022, 12, 31))],
            progress="正在施工。",
            status="in_progress",
            status_label="正在推进",
            extra={"联系人": "李明", "资金来源": "专项债"},
        )
        task.subitems = [
            _sub(1, labels[0], "北部供水工程", leaders=["王强"], units=water),
            _sub(
                2,
                labels[1],
                "玉阳湖工业供水工程",
                leaders=["赵刚"],
                units=[UnitRef("住建局")],
                progress="已完工。",
                status="completed",
                status_label="已完成",
                extra={"联系人": "张华"},
            ),
        ]
        category.tasks.append(task)
    doc.categories.append(category)
    return doc


@pytest.mark.parametrize("fmt", list(TABLE_FORMATS))
def test_sub_items_in_every_numbering_round_trip_through_every_table_format(fmt: str) -> None:
    doc = _ledger_with_every_kind_of_row()
    assert ledger_to_dict(_round_trip(doc, fmt)) == ledger_to_dict(doc)


def test_json_of_a_ledger_with_sub_items_is_version_2_and_reads_back_the_same() -> None:
    doc = _ledger_with_every_kind_of_row()
    data = write_json(doc)
    assert b'"format": "taizhang/ledger@2"' in data
    assert read_json(data, name="a.json") == doc


def _two_row_header_ledger() -> LedgerDoc:
    columns = [
        Column("number", "序号"),
        Column("goal", "项目名称"),
        Column("leaders", "牵头领导"),
        Column("units", "责任单位"),
        Column("start", "时间节点/开工时间"),
        Column("deadline", "时间节点/完工时间"),
        Column("progress_month", "进展情况/本月进展"),
        Column("progress", "进展情况/累计进展"),
    ]
    doc = LedgerDoc(title="2022年重点项目台账", year=2022, columns=columns)
    task = TaskDoc(
        number=1,
        goal="城区污水管网改造",
        leaders=["王强"],
        units=[UnitRef("住建局")],
        deadline_text="2022年10月底前",
        deadline=datetime.date(2022, 10, 31),
        milestones=[
            MilestoneDoc("开工时间：2022年3月底前", datetime.date(2022, 3, 31)),
            MilestoneDoc("2022年10月底前", datetime.date(2022, 10, 31)),
        ],
        progress="累计完成管网12公里。",
        entries=[EntryDoc("本月进展", "本月铺设管网2公里。")],
    )
    doc.categories.append(CategoryDoc(1, "城建项目", [task]))
    return doc


@pytest.mark.parametrize("fmt", list(TABLE_FORMATS))
def test_a_two_row_header_ledger_writes_back_its_start_and_month_entry(fmt: str) -> None:
    """Reading and writing again gives the same ledger (how the reader orders the start
    milestone among the deadline's is the reader's business), and the start and 本月进展
    cells are there."""
    once = _round_trip(_two_row_header_ledger(), fmt)
    task = once.tasks[0]
    assert [m.text for m in task.milestones if m.text.startswith("开工时间：")] == [
        "开工时间：2022年3月底前"
    ]
    assert task.entries == [EntryDoc("本月进展", "本月铺设管网2公里。")]
    assert _round_trip(once, fmt) == once


def _json_with(task: dict[str, object]) -> bytes:
    doc = {"format": "taizhang/ledger@2", "title": "台账", "year": 2024}
    doc["categories"] = [{"number": 1, "name": "", "tasks": [task]}]
    return json.dumps(doc, ensure_ascii=False).encode()


def test_json_sub_items_of_sub_items_are_refused_naming_the_path() -> None:
    nested = {"number": 1, "goal": "子子项", "subitems": []}
    sub = {"number": 1, "goal": "子项", "subitems": [nested]}
    with pytest.raises(LedgerReadError, match=r"subitems\[0\]\.subitems：子项下不能再有子项"):
        read_json(_json_with({"number": 1, "goal": "任务", "subitems": [sub]}), name="a.json")


def test_json_nested_deeper_than_any_ledger_is_one_line_before_decoding() -> None:
    data = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(LedgerReadError, match="嵌套超过64层"):
        read_json(data, name="deep.json")
