"""Big ledgers: the Word, Excel and CSV writers write the table row by row as the file is
zipped or sent (never the whole table as one string, never parsed again, no step comparing a
row with all before it), and what they write reads back as the same ledger."""

from __future__ import annotations

import copy
import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook
from openpyxl.worksheet.cell_range import MultiCellRange

from taizhang.documents import docx_package, write_docx, write_xlsx, xml_text
from taizhang.documents.docx_package import open_document, zip_parts
from taizhang.documents.model import CategoryDoc, LedgerDoc, TaskDoc, UnitRef
from taizhang.documents.read_docx import read_docx
from taizhang.documents.read_text import read_text
from taizhang.documents.read_xlsx import read_xlsx
from taizhang.documents.write_csv import iter_csv, write_csv
from taizhang.documents.writers import FORMATS, export_chunks, export_ledger
from tests.conftest import SEED

TASKS = 2000
PER_CATEGORY = 20


def big_ledger(tasks: int = TASKS) -> LedgerDoc:
    """The seed's rows over and over, `PER_CATEGORY` tasks a category, every seventh task
    with two sub-items."""
    seed = read_text(SEED.read_bytes(), name="seed.txt")
    doc = LedgerDoc(title=seed.title, year=seed.year, columns=seed.columns)
    for n in range(tasks):
        if n % PER_CATEGORY == 0:
            number = n // PER_CATEGORY + 1
            doc.categories.append(CategoryDoc(number=number, name=f"第{number}类工作"))
        task = copy.deepcopy(seed.tasks[n % len(seed.tasks)])
        task.number = n + 1
        if n % 7 == 0:
            task.subitems = [
                TaskDoc(
                    k,
                    f"第{k}标段建设",
                    leaders=task.leaders,
                    units=[UnitRef("住建局")],
                    label=f"{n + 1}-{k}",
                )
                for k in (1, 2)
            ]
        doc.categories[-1].tasks.append(task)
    return doc


@pytest.fixture(scope="module")
def big() -> LedgerDoc:
    return big_ledger()


class ChunkSpy:
    """Stands in for `xml_text.chunked` in a writer: passes the chunks on, noting their
    sizes."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def __call__(self, texts: Iterable[str]) -> Iterator[bytes]:
        for chunk in xml_text.chunked(texts):
            self.sizes.append(len(chunk))
            yield chunk


# --- Word -----------------------------------------------------------------------------------


def test_a_big_ledger_round_trips_through_word(big: LedgerDoc) -> None:
    assert read_docx(write_docx.write_docx(big), name="big.docx") == big


def test_the_word_table_is_written_in_chunks_as_it_is_zipped(
    big: LedgerDoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = ChunkSpy()
    monkeypatch.setattr(docx_package, "chunked", spy)
    monkeypatch.setattr(etree, "fromstring", refuse_big_xml(etree.fromstring))
    write_docx.write_docx(big)
    # Dozens of chunks, none much beyond CHUNK characters (3 bytes each at most) and a row.
    assert len(spy.sizes) > 20
    assert max(spy.sizes) < 3 * xml_text.CHUNK + 100_000


def refuse_big_xml(parse: Any) -> Any:
    """`etree.fromstring` for the template's parts only: the table is never parsed."""

    def fromstring(text: Any, *args: Any, **kwargs: Any) -> Any:
        assert len(text) < 1_000_000, "a big XML text was parsed"
        return parse(text, *args, **kwargs)

    return fromstring


def test_text_put_before_an_element_goes_in_its_place_when_finished() -> None:
    opened = open_document(write_docx.TEMPLATE.read_bytes(), required="{{台账表格}}", content="表")
    taken: list[str] = []

    def rows() -> Iterator[str]:
        for text in ("<w:p><w:r><w:t>甲&amp;</w:t></w:r></w:p>", "<w:p/>"):
            taken.append(text)
            yield text

    opened.insert_before(opened.anchor, rows())
    assert taken == []  # nothing is read before the document is finished
    data = opened.finish("标题")
    assert len(taken) == 2
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    assert b"taizhang-splice" not in xml
    body = etree.fromstring(xml).find(docx_package.tag("body"))
    assert body is not None
    texts = ["".join(p.itertext()) for p in body.iter(docx_package.tag("p"))]
    at = texts.index("甲&")
    assert texts[at + 1 : at + 3] == ["", "{{台账表格}}"]


def test_a_part_given_in_chunks_zips_to_the_same_bytes_as_given_whole() -> None:
    content = "".join(f"<w:p>{n}</w:p>" for n in range(50_000)).encode()
    whole = zip_parts({"a.xml": b"<a/>", "word/document.xml": content})
    pieces = (content[i : i + 4096] for i in range(0, len(content), 4096))
    assert zip_parts({"a.xml": b"<a/>", "word/document.xml": pieces}) == whole


def test_a_template_with_another_prefix_for_word_markup_still_gets_a_sound_table() -> None:
    """Word writes `w:`; a template from elsewhere may bind the namespace to another prefix,
    and the table's XML text, written with `w:`, then declares it."""
    package = zipfile.ZipFile(io.BytesIO(write_docx.TEMPLATE.read_bytes()))
    parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"]
    for old, new in (
        (b"<w:", b"<x:"),
        (b"</w:", b"</x:"),
        (b" w:", b" x:"),
        (b"xmlns:w=", b"xmlns:x="),
    ):
        xml = xml.replace(old, new)
    assert b"<w:" not in xml
    parts["word/document.xml"] = xml
    doc = big_ledger(30)
    written = write_docx.write_docx(doc, template=zip_parts(dict(parts)))
    assert read_docx(written, name="x.docx") == doc


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_escaping_text_is_cleaning_it_and_escaping_markup(text: str) -> None:
    slow = text.replace("\r\n", "\n").translate(xml_text.TEXT_ESCAPES)
    assert xml_text.escape_text(text) == slow


def test_escaped_text_parses_back_as_the_cleaned_text() -> None:
    text = "a&b<c>d\"e'\r\nf\rg\x00h\x0bi\ud800j\ufffek\ttab"
    parsed = etree.fromstring(f"<t>{xml_text.escape_text(text)}</t>".encode()).text
    assert parsed == xml_text.clean_text(text) == "a&b<c>d\"e'\nf\ngh" + "ijk\ttab"


# --- Excel ----------------------------------------------------------------------------------


def test_a_big_ledger_round_trips_through_excel(big: LedgerDoc) -> None:
    assert read_xlsx(write_xlsx.write_xlsx(big), name="big.xlsx") == big


def test_category_rows_are_merged_at_their_rows_whatever_the_sub_items(big: LedgerDoc) -> None:
    sheet = load_workbook(io.BytesIO(write_xlsx.write_xlsx(big)))["台账"]
    merged = {str(r) for r in sheet.merged_cells.ranges if str(r).startswith("B")}
    texts = {r: sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)}
    categories = [
        r for r, v in texts.items() if isinstance(v, str) and v[0] in "一二三四五六七八九十"
    ]
    assert len(categories) == len(big.categories)
    assert merged == {f"B{r}:G{r}" for r in categories}
    assert [sheet.cell(r, 2).value for r in categories] == [c.name for c in big.categories]


def test_merging_category_rows_compares_no_range_with_the_others(
    big: LedgerDoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openpyxl's `merged_cells.add` compares each new range with every one before: 2,500
    categories made 3 million comparisons."""
    calls = []
    contains = MultiCellRange.__contains__

    def counted(self: MultiCellRange, coord: Any) -> bool:
        calls.append(coord)
        return bool(contains(self, coord))

    monkeypatch.setattr(MultiCellRange, "__contains__", counted)
    write_xlsx.write_xlsx(big)
    assert len(calls) <= 2  # the title and the 截至 line


def test_the_excel_rows_are_written_in_chunks_as_they_are_zipped(
    big: LedgerDoc, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = ChunkSpy()
    monkeypatch.setattr(write_xlsx, "chunked", spy)
    write_xlsx.write_xlsx(big)
    assert len(spy.sizes) > 10
    assert max(spy.sizes) < 3 * xml_text.CHUNK + 100_000


def test_excel_cells_keep_markup_spaces_and_lines() -> None:
    task = TaskDoc(1, "  <b>&amp;  ", progress="一\r\n二\r三", remarks="x\x00y\ud800")
    doc = LedgerDoc("T\ud800\x01<", 2021, categories=[CategoryDoc(1, "甲&乙", [task])])
    sheet = load_workbook(io.BytesIO(write_xlsx.write_xlsx(doc)))["台账"]
    assert sheet["A1"].value == "T<"
    assert [sheet[f"{c}4"].value for c in "ABF"] == [1, "  <b>&amp;  ", "一\n二\n三"]
    assert sheet["G4"].value == "xy"
    assert sheet["B3"].value == "甲&乙"


def test_a_one_column_ledger_keeps_the_category_name_beside_its_numeral() -> None:
    doc = big_ledger(3)
    doc.columns = doc.columns[1:2]
    sheet = load_workbook(io.BytesIO(write_xlsx.write_xlsx(doc)))["台账"]
    assert [sheet["A3"].value, sheet["B3"].value] == ["一", "第1类工作"]
    assert sheet["A4"].value == doc.tasks[0].goal


# --- CSV and the formats' streams -----------------------------------------------------------


def test_csv_chunks_join_to_the_bytes_of_write_csv(big: LedgerDoc) -> None:
    chunks = list(iter_csv(big))
    assert b"".join(chunks) == write_csv(big)
    assert chunks[0] == b"\xef\xbb\xbf" and len(chunks) > 5
    # Each chunk ends a row, and none is much bigger than CHUNK characters.
    assert all(chunk.endswith(b"\r\n") for chunk in chunks[1:])
    assert max(len(chunk) for chunk in chunks) < 3 * xml_text.CHUNK + 100_000


def test_csv_rows_are_written_as_the_chunks_are_asked_for() -> None:
    doc = big_ledger()
    chunks = iter_csv(doc)
    next(chunks)
    first = next(chunks)
    doc.categories[-1].name = "最后才写的分类"  # not written yet
    assert "最后才写的分类".encode() not in first
    assert "最后才写的分类".encode() in b"".join(chunks)


def test_export_chunks_stream_csv_and_give_other_formats_whole(big: LedgerDoc) -> None:
    assert FORMATS["csv"].stream is not None
    assert b"".join(export_chunks(big, "csv")) == export_ledger(big, "csv")
    small = big_ledger(30)
    assert list(export_chunks(small, "docx")) == [export_ledger(small, "docx")]
    assert list(export_chunks(small, "txt")) == [export_ledger(small, "txt")]


def test_export_chunks_refuse_at_once_what_cannot_be_written(big: LedgerDoc) -> None:
    with pytest.raises(KeyError):
        export_chunks(big, "odt")
    with pytest.raises(ValueError, match="模板"):
        export_chunks(big, "docx", template=b"no word file")
