"""The Excel writer: the official layout (title, 截至 line, header, categories merged across,
wrapped task rows), ready to print, and read back by `read_xlsx` as the same ledger."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from taizhang.chinese.dates import parse_deadline
from taizhang.chinese.statuses import status_code
from taizhang.documents.json_format import ledger_to_dict
from taizhang.documents.model import (
    CategoryDoc,
    Column,
    EntryDoc,
    LedgerDoc,
    MilestoneDoc,
    TaskDoc,
    UnitRef,
)
from taizhang.documents.read_text import read_text
from taizhang.documents.read_xlsx import read_xlsx
from taizhang.documents.write_xlsx import COLUMN_WIDTHS, write_xlsx
from tests.conftest import ARTIFACTS, FIXTURES, require_tool, subset

TEXT_FIXTURES = sorted((FIXTURES / "text").glob("*.txt"))
AS_OF = datetime.date(2021, 12, 31)


@pytest.fixture
def seed(seed_bytes: bytes) -> LedgerDoc:
    return read_text(seed_bytes, name="jiyuan-2021-ledger.txt")


def _sheet(data: bytes) -> Any:
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["台账"]
    return book["台账"]


# --- round trips ----------------------------------------------------------------------------


def test_seed_ledger_round_trips_exactly_as_the_fixture(
    seed: LedgerDoc, expected: dict[str, Any]
) -> None:
    again = read_xlsx(write_xlsx(seed), name="seed.xlsx")
    assert subset(ledger_to_dict(again), expected) == []
    assert again == seed
    assert ledger_to_dict(again) == ledger_to_dict(seed)
    assert again.warnings == []


def test_as_of_round_trips_from_the_argument_or_the_document(seed: LedgerDoc) -> None:
    assert read_xlsx(write_xlsx(seed, as_of=AS_OF), name="a.xlsx").as_of == AS_OF
    seed.as_of = datetime.date(2022, 1, 10)  # the year after the ledger's: written in full
    again = read_xlsx(write_xlsx(seed), name="a.xlsx")
    assert (again.as_of, again.year) == (datetime.date(2022, 1, 10), 2021)
    assert again == seed


@pytest.mark.parametrize(
    "path",
    TEXT_FIXTURES,
    ids=lambda p: p.name,
)
def test_other_offices_ledgers_round_trip(path: Path) -> None:
    doc = read_text(path.read_bytes(), name=path.name)
    again = read_xlsx(write_xlsx(doc), name="a.xlsx")
    assert ledger_to_dict(again) == ledger_to_dict(doc)


def test_text_that_looks_like_a_formula_stays_text(seed: LedgerDoc) -> None:
    task = seed.tasks[0]
    task.goal, task.progress = "=1+1", "@SUM(A1:A3)"
    data = write_xlsx(seed)
    cell = _sheet(data)["B4"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert read_xlsx(data, name="a.xlsx") == seed


def test_characters_excel_cannot_hold_are_dropped(seed: LedgerDoc) -> None:
    seed.tasks[0].goal = "修\x0b路\x00"
    assert read_xlsx(write_xlsx(seed), name="a.xlsx").tasks[0].goal == "修路"


# --- the official layout --------------------------------------------------------------------


def test_title_and_as_of_lines_are_merged_across_above_the_header(seed: LedgerDoc) -> None:
    ws = _sheet(write_xlsx(seed, as_of=AS_OF))
    assert ws["A1"].value == "2021年济源十件重点民生实事工作台账"
    assert ws["A1"].font.b and ws["A1"].font.sz >= 16
    assert ws["A2"].value == "（截至2021年12月31日）"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:G1", "A2:G2"} <= merged
    assert [c.value for c in ws[3]] == [c.title for c in seed.columns]


def test_without_as_of_the_header_is_the_second_row(seed: LedgerDoc) -> None:
    ws = _sheet(write_xlsx(seed))
    assert ws["A2"].value == "序号"
    assert (ws.freeze_panes, ws.print_title_rows) == ("A3", "$2:$2")


def test_header_is_bold_centered_boxed_and_grey(seed: LedgerDoc) -> None:
    ws = _sheet(write_xlsx(seed, as_of=AS_OF))
    for cell in ws[3]:
        assert cell.font.b and cell.alignment.horizontal == "center"
        assert cell.border.left.style == cell.border.bottom.style == "thin"
        assert cell.fill.fgColor.rgb == "00D9D9D9"


def test_category_rows_put_the_numeral_first_and_merge_the_name_across(seed: LedgerDoc) -> None:
    ws = _sheet(write_xlsx(seed, as_of=AS_OF))
    merged = {str(r) for r in ws.merged_cells.ranges}
    rows = [r for r in range(4, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, str)]
    assert [ws.cell(r, 1).value for r in rows] == list("一二三四五六七八九十")
    assert [ws.cell(r, 2).value for r in rows] == [c.name for c in seed.categories]
    assert {f"B{r}:G{r}" for r in rows} | {"A1:G1", "A2:G2"} == merged
    assert all(ws.cell(r, 2).font.b for r in rows)


def test_task_rows_are_wrapped_top_aligned_and_boxed(seed: LedgerDoc) -> None:
    ws = _sheet(write_xlsx(seed, as_of=AS_OF))
    assert (ws["A5"].value, ws["A5"].data_type) == (1, "n")  # 序号 as a number
    assert ws["F5"].value == seed.tasks[0].progress
    for cell in ws[5]:
        assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
        assert cell.border.top.style == cell.border.right.style == "thin"
    assert ws.row_dimensions[5].height > ws.row_dimensions[6].height > 15


def test_column_widths_follow_the_word_layout_by_column_key() -> None:
    keys = ["number", "goal", "leaders", "units", "co_units", "deadline", "progress", "status"]
    columns = [Column(key, key) for key in [*keys, "remarks", "extra"]]
    doc = LedgerDoc(title="2024年台账", year=2024, columns=columns)
    ws = _sheet(write_xlsx(doc))
    widths = [ws.column_dimensions[letter].width for letter in "ABCDEFGHIJ"]
    assert widths == [6, 36, 10, 14, 14, 26, 60, 12, 12, 14]


def test_prints_landscape_a4_fit_to_width_with_the_header_on_every_page(seed: LedgerDoc) -> None:
    ws = _sheet(write_xlsx(seed, as_of=AS_OF))
    assert ws.freeze_panes == "A4"
    assert ws.print_title_rows == "$3:$3"
    setup = ws.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    margins = ws.page_margins
    for margin in (margins.left, margins.right, margins.top, margins.bottom):
        assert margin == pytest.approx(1.5 / 2.54)


def test_a_document_without_columns_gets_the_seeds_seven(seed: LedgerDoc) -> None:
    seed.columns = []
    ws = _sheet(write_xlsx(seed))
    titles = ["序号", "工作目标任务", "牵头领导", "责任单位", "完成时限", "进展情况", "备注"]
    assert [c.value for c in ws[2]] == titles


# --- a real client: LibreOffice opens it, saves it again, prints it ------------------------


def _soffice(source: Path, target: str) -> Path:
    """Convert `source` with LibreOffice to `target` ("pdf", "xlsx:<filter>")."""
    soffice = require_tool("soffice", "libreoffice-calc-nogui")
    suffix = target.split(":")[0]
    outdir = source.parent / suffix
    profile = f"-env:UserInstallation=file://{source.parent / 'profile'}"
    command = [soffice, "--headless", profile, "--convert-to", target, "--outdir", str(outdir)]
    subprocess.run([*command, str(source)], check=True, capture_output=True, timeout=180)
    return outdir / source.with_suffix("." + suffix).name


def test_libreoffice_saves_it_again_as_the_same_ledger(seed: LedgerDoc, tmp_path: Path) -> None:
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(write_xlsx(seed, as_of=AS_OF))
    again = _soffice(source, "xlsx:Calc MS Excel 2007 XML")
    doc = read_xlsx(again.read_bytes(), name="again.xlsx")
    seed.as_of = AS_OF
    assert doc == seed and doc.warnings == []


def test_libreoffice_prints_landscape_a4_with_the_header_on_every_page(
    seed: LedgerDoc, tmp_path: Path
) -> None:
    source = tmp_path / "ledger.xlsx"
    source.write_bytes(write_xlsx(seed, as_of=AS_OF))
    pdf = _soffice(source, "pdf")
    pdfinfo = require_tool("pdfinfo", "poppler-utils")
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, timeout=60)
    assert "841.89 x 595.3" in info.stdout.decode()  # A4, landscape
    pdftotext = require_tool("pdftotext", "poppler-utils")
    pages = (
        subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60
        )
        .stdout.decode()
        .split("\f")
    )
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    assert "济源十件重点民生实事工作台账" in pages[0]
    assert all("工作目标任务" in page and "进展情况" in page for page in pages)
    assert "第 2 页，共" in pages[1]
    # Keep the printout and its first page as artifacts a person can look at.
    pdftoppm = require_tool("pdftoppm", "poppler-utils")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, ARTIFACTS / "ledger-xlsx.pdf")
    prefix = ARTIFACTS / "ledger-xlsx-page1"
    subprocess.run(
        [pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert prefix.with_suffix(".png").stat().st_size > 10_000


# --- property: any small ledger round trips -------------------------------------------------

# Characters that make no date, numeral or separator, so cells read back as written; a text
# that happens to be a status word or light ("绿") is left out, since in 备注 it is a status.
_TEXT = st.text(
    alphabet="山水田林湖草路桥园区城乡村镇学校医院河道绿地管网供热燃气停车场新建改造提升",
    min_size=1,
    max_size=12,
).filter(lambda text: status_code(text) is None)
_NAME = st.text(alphabet="张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗", min_size=2, max_size=3)
_UNIT = st.text(alphabet="交通住建教育卫健水利财政民政文旅商务农业", min_size=2, max_size=5)
_DEADLINES = ["年底前", "6月底前完成", "", "3月底前开工；10月底前通车", "长期坚持", "2025年9月底前"]
_STATUSES = ["", "正在推进", "已完成", "推进缓慢", "未启动", "推进缓慢，受疫情影响"]

_LAYOUTS = [
    "number:序号 goal:工作目标任务 leaders:牵头领导 units:责任单位 deadline:完成时限 "
    "progress:进展情况 remarks:备注",
    "number:序号 goal:项目名称 leaders:责任领导 units:牵头单位 co_units:配合单位 "
    "deadline:时间节点 progress:目前进展 status:完成情况 remarks:备注",
    "number:序号 goal:工作任务 leaders:分管领导 units:责任单位 deadline:完成时限 "
    "progress:推进情况 status:状态 extra:资金来源",
]


@st.composite
def _tasks(draw: st.DrawFn, year: int, keys: set[str], first: int) -> list[TaskDoc]:
    tasks = []
    for number in range(first, first + draw(st.integers(1, 4))):
        deadline_text = draw(st.sampled_from(_DEADLINES))
        parsed = parse_deadline(deadline_text, year)
        names = draw(st.lists(_UNIT, min_size=1, max_size=3, unique=True))
        leads = draw(st.integers(1, len(names))) if "co_units" in keys else len(names)
        role = "lead" if "co_units" in keys else "responsible"
        label = draw(st.sampled_from(_STATUSES))
        remarks = draw(st.sampled_from(["", *draw(st.lists(_TEXT, max_size=1))]))
        if "status" not in keys and "remarks" in keys and label:
            remarks = ""  # one 备注 cell holds a status or a remark, not both
        extra = draw(st.lists(_TEXT, max_size=1)) if "extra" in keys else []
        tasks.append(
            TaskDoc(
                number=number,
                goal="\n".join(draw(st.lists(_TEXT, min_size=1, max_size=2))),
                leaders=draw(st.lists(_NAME, min_size=1, max_size=3, unique=True)),
                units=[UnitRef(n, role) for n in names[:leads]]
                + [UnitRef(n, "co") for n in names[leads:]],
                deadline_text=deadline_text,
                deadline=parsed.deadline,
                milestones=[MilestoneDoc(m.text, m.date) for m in parsed.milestones],
                progress="\n".join(draw(st.lists(_TEXT, max_size=3))),
                status=status_code(label) if label else None,
                status_label=label,
                remarks=remarks if "remarks" in keys else "",
                extra={"资金来源": extra[0]} if extra else {},
            )
        )
    return tasks


@st.composite
def ledgers(draw: st.DrawFn) -> LedgerDoc:
    year = draw(st.integers(2000, 2030))
    columns = [Column(*spec.split(":")) for spec in draw(st.sampled_from(_LAYOUTS)).split()]
    keys = {column.key for column in columns}
    as_of = draw(st.none() | st.dates(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    doc = LedgerDoc(title=f"{year}年{draw(_TEXT)}工作台账", year=year, columns=columns, as_of=as_of)
    numbers = sorted(draw(st.lists(st.integers(1, 30), min_size=1, max_size=3, unique=True)))
    for number in numbers:
        tasks = draw(_tasks(year, keys, len(doc.tasks) + 1))
        name = draw(st.sampled_from(["", draw(_TEXT)]))
        doc.categories.append(CategoryDoc(number=number, name=name, tasks=tasks))
    return doc


@settings(max_examples=30, deadline=None)
@given(ledgers())
def test_any_small_ledger_round_trips_through_excel(doc: LedgerDoc) -> None:
    again = read_xlsx(write_xlsx(doc), name="p.xlsx")
    assert ledger_to_dict(again) == ledger_to_dict(doc)
    # The one thing worth a warning is a column no office title names (资金来源).
    assert [w for w in again.warnings if "资金来源" not in w] == []


# --- sub-items and month columns ------------------------------------------------------------


def test_a_sub_item_row_follows_its_task_with_its_label_as_text(seed: LedgerDoc) -> None:
    seed.tasks[0].subitems = [
        TaskDoc(number=1, goal="启用妇女儿童医院", label="1.1", leaders=["谭江"]),
        TaskDoc(number=2, goal="完成中医院二期扩建", units=[UnitRef("卫健委")]),
    ]
    ws = _sheet(write_xlsx(seed, as_of=AS_OF))
    assert [(ws[f"A{r}"].value, ws[f"B{r}"].value) for r in (6, 7)] == [
        ("1.1", "启用妇女儿童医院"),
        ("1-2", "完成中医院二期扩建"),
    ]
    assert ws["A6"].data_type == "s"  # "1.1" is no number 1.1
    assert ws["A8"].value == 2
    assert ws["D7"].value == "卫健委"
    assert ws["A6"].style == ws["A5"].style


def test_month_columns_hold_their_entries_and_get_a_width() -> None:
    columns = [
        Column("number", "序号"),
        Column("goal", "重点工作"),
        Column("units", "责任单位"),
        Column("month", "1月"),
        Column("month", "2月"),
    ]
    task = TaskDoc(number=1, goal="修路", entries=[EntryDoc("2月", "完成招标。", 2)])
    doc = LedgerDoc("T", 2021, columns=columns, categories=[CategoryDoc(1, "甲", [task])])
    ws = _sheet(write_xlsx(doc))
    assert [c.value for c in ws[4]] == [1, "修路", None, None, "完成招标。"]
    assert ws.column_dimensions["D"].width == COLUMN_WIDTHS["month"]
