"""Writer for the official ledger as Word (.docx): the 台账 attachment as offices print it.

The look (page, fonts, sizes, headings, the page number in the footer) comes from a template:
the one shipped in `templates/ledger.docx` (built by `templates/make_ledger_template.py`) or an
office's own. Its placeholder paragraphs `{{附件}}`, `{{标题}}`, `{{截至}}` and `{{台账表格}}`
are replaced; the table is built here as XML text, row by row, and written into the document
as it comes, never parsed: many times faster than python-docx's cell-by-cell API, and the time
and memory it takes grow with the ledger's rows, no faster. Opening, filling and zipping the
template is `docx_package`'s, shared with the bulletin's writer."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

from taizhang.documents.cells import category_numeral, table_columns, task_cells, task_rows
from taizhang.documents.docx_package import (
    ATTRIBUTE_ESCAPES,
    NS,
    TemplateDocument,
    W,
    empty_paragraph,
    fill_placeholder,
    open_document,
    paragraph_style_ids,
    section_properties,
    tag,
    text_area,
)
from taizhang.documents.model import Column, LedgerDoc
from taizhang.documents.xml_text import escape_text

TEMPLATE: Final = Path(__file__).parent / "templates" / "ledger.docx"
TABLE_PLACEHOLDER: Final = "{{台账表格}}"

# Column widths of the original ledger by key, in cm; scaled to the template's text width.
# 牵头领导, 完成情况 and 备注 are 2.0 rather than the original's 1.8 so that four characters
# (the header, 正在推进) fit on one line at 小四; 进展情况 gives up the difference.
COLUMN_WIDTHS_CM: Final = {
    "number": 1.3,
    "goal": 5.6,
    "leaders": 2.0,
    "units": 2.2,
    "co_units": 2.2,
    "deadline": 4.2,
    "progress": 8.6,
    "status": 2.0,
    "remarks": 2.0,
    "start": 2.2,
    "progress_month": 6.0,
    "month": 3.0,
    "contact": 2.2,
    "warning": 3.2,
}
OTHER_WIDTH_CM: Final = 2.2
# Columns of a few words: centred across and down the cell. Long texts read from the top left.
SHORT_COLUMNS: Final = frozenset(
    {"number", "leaders", "units", "co_units", "status", "remarks", "start", "contact"}
)
# For telling a row taller than a page (which Word would cut off at the bottom margin if it
# may not split): a generous line of 小四 (12pt x 1.5) and a full-width character (12pt),
# in twips; cell margins of 57 twips each side.
LINE_HEIGHT: Final = 360
CHARACTER_WIDTH: Final = 240
CELL_MARGINS: Final = 2 * 57

# Style names in the template, and what a cell gets instead when an office's template lacks one.
BODY, HEADER, CATEGORY = "台账正文", "台账表头", "台账分类"
FALLBACK_RUN: Final = {
    BODY: '<w:sz w:val="24"/>',
    HEADER: '<w:b/><w:sz w:val="24"/>',
    CATEGORY: '<w:b/><w:sz w:val="24"/>',
}


def write_docx(
    doc: LedgerDoc, *, as_of: datetime.date | None = None, template: bytes | None = None
) -> bytes:
    """The ledger as a Word document: the 附件 label, the title, the 截至 line (`as_of`, else
    the ledger's own date; none without one) and the table, in the shipped template or in
    `template` (an office's .docx with the same placeholder paragraphs). Raises `ValueError`
    with a Chinese message when the template is no .docx or has no {{台账表格}} paragraph."""
    opened = open_document(
        template if template is not None else _shipped_template(),
        required=TABLE_PLACEHOLDER,
        content="台账表格",
    )
    slots = opened.slots
    fill_placeholder(slots.get("{{附件}}"), "附件")
    fill_placeholder(slots.get("{{标题}}"), doc.title)
    day = as_of or doc.as_of
    fill_placeholder(
        slots.get("{{截至}}"), f"截至{day.year}年{day.month}月{day.day}日" if day else None
    )
    looks = _cell_looks(opened.package.get("word/styles.xml"))
    columns = table_columns(doc)
    width, height = text_area(section_properties(opened.anchor))
    widths = column_widths(columns, width)
    rows_per_page = height // LINE_HEIGHT - 3
    # The table's `w:` is the document's, unless an odd template binds that prefix elsewhere.
    declared = opened.anchor.nsmap.get("w") == W
    table = _table_xml(doc, columns, widths, looks, rows_per_page, declare=not declared)
    _put_table(opened, table)
    return opened.finish(doc.title)


@functools.cache
def _shipped_template() -> bytes:
    return TEMPLATE.read_bytes()


def _put_table(opened: TemplateDocument, xml: Iterable[str]) -> None:
    """Put the table (its XML text, written when the document is finished) where the
    {{台账表格}} paragraph stands. The paragraph goes, unless Word needs one after the table
    (end of body, section or cell): then it stays, empty and tiny."""
    anchor = opened.anchor
    opened.insert_before(anchor, xml)
    following = anchor.getnext()
    at_end = following is None or following.tag == tag("sectPr")
    if not at_end and anchor.find("w:pPr/w:sectPr", NS) is None:
        anchor.getparent().remove(anchor)
        return
    empty_paragraph(anchor)
    properties = anchor.find(tag("pPr"))
    if properties is None:
        properties = etree.Element(tag("pPr"))
        anchor.insert(0, properties)
    mark = properties.find(tag("rPr"))
    if mark is None:
        mark = etree.Element(tag("rPr"))
        section = properties.find(tag("sectPr"))
        (properties.append if section is None else section.addprevious)(mark)
    for size in mark.findall(tag("sz")):
        mark.remove(size)
    etree.SubElement(mark, tag("sz")).set(tag("val"), "2")


def column_widths(columns: list[Column], text_width: int) -> list[int]:
    """Column widths in twips: the original ledger's proportions by column key, scaled so the
    table fills `text_width` exactly."""
    raw = [COLUMN_WIDTHS_CM.get(column.key, OTHER_WIDTH_CM) for column in columns]
    scale = text_width / sum(raw)
    widths = [round(width * scale) for width in raw]
    widths[-1] += text_width - sum(widths)
    return widths


@dataclass(frozen=True)
class _Look:
    """A cell paragraph's properties and its runs' properties, as XML text."""

    paragraph: str
    run: str

    def centred(self) -> _Look:
        """The same look, centred."""
        return self._with('<w:jc w:val="center"/>')

    def kept_with_next(self) -> _Look:
        """The same look, kept on the page of the next row (a category row with its first
        task). Comes before `centred` (the schema's order)."""
        return self._with("<w:keepNext/>")

    def _with(self, xml: str) -> _Look:
        return _Look(self.paragraph.replace("</w:pPr>", f"{xml}</w:pPr>"), self.run)


def _cell_looks(styles_xml: bytes | None) -> dict[str, _Look]:
    """For each cell kind (台账正文, 台账表头, 台账分类): the template's paragraph style, or
    direct formatting where the template lacks it."""
    ids = paragraph_style_ids(styles_xml)
    looks = {}
    for name, fallback in FALLBACK_RUN.items():
        if name in ids:
            style_id = ids[name].translate(ATTRIBUTE_ESCAPES)
            looks[name] = _Look(f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>', "")
        else:
            looks[name] = _Look("<w:pPr></w:pPr>", f"<w:rPr>{fallback}</w:rPr>")
    if HEADER not in ids:
        looks[HEADER] = looks[HEADER].centred()
    return looks


def _table_xml(
    doc: LedgerDoc,
    columns: list[Column],
    widths: list[int],
    looks: dict[str, _Look],
    page_lines: int,
    *,
    declare: bool = False,
) -> Iterator[str]:
    """The ledger table as WordprocessingML text, row by row: header row repeated on every
    page, category rows merged across the columns after the numeral, no row split across pages
    (unless it may be taller than `page_lines` lines: Word would cut it off). The text is as
    lxml would write it: the document's own `w:` prefix, declared on the table only when
    `declare`."""
    body = looks[BODY]
    short = [column.key in SHORT_COLUMNS for column in columns]
    task_row = [
        _Cell(width, body.centred() if centred else body, centred=centred)
        for width, centred in zip(widths, short, strict=True)
    ]
    header_row = [_Cell(width, looks[HEADER], centred=True) for width in widths]
    category_row = _category_cells(widths, looks[CATEGORY])
    capacities = [max(1, (width - CELL_MARGINS) // CHARACTER_WIDTH) for width in widths]
    yield _table_start(widths, declare=declare)
    yield _row([c.title for c in columns], header_row, _HEADER_ROW)
    for category in doc.categories:
        numeral = category_numeral(category.number)
        texts = [numeral, category.name] if len(columns) > 1 else [f"{numeral}、{category.name}"]
        yield _row(texts, category_row)
        for task, parent in task_rows(category.tasks):
            cells = task_cells(task, columns, parent)
            fits = _surely_fits(cells, capacities, page_lines) or (
                _lines(cells, capacities) <= page_lines
            )
            yield _row(cells, task_row, _BODY_ROW if fits else _SPLITTABLE_ROW)
    yield "</w:tbl>"


def _surely_fits(texts: list[str], capacities: list[int], page_lines: int) -> bool:
    """Whether every cell takes at most `page_lines` lines by a quick bound (a paragraph of
    n characters takes fewer than n / capacity + 1 lines); when not, `_lines` tells."""
    return all(
        len(text) // capacity + text.count("\n") + 1 <= page_lines
        for text, capacity in zip(texts, capacities, strict=True)
    )


def _lines(texts: list[str], capacities: list[int]) -> int:
    """How many lines the row's tallest cell takes at most (every character full width)."""
    return max(
        sum(-(-len(line) // capacity) or 1 for line in text.split("\n"))
        for text, capacity in zip(texts, capacities, strict=True)
    )


def _table_start(widths: list[int], *, declare: bool) -> str:
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    sides = "".join(f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right"))
    inside = f"<w:insideH {border}/><w:insideV {border}/>"
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    namespace = f' xmlns:w="{W}"' if declare else ""
    return (
        f'<w:tbl{namespace}><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{sides}{inside}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
        '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        f' w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )


class _Cell:
    """One column's cells in a kind of row: the opening XML (width, merge, vertical
    alignment) and a paragraph's opening and closing, prepared once for all rows."""

    __slots__ = ("empty", "opening", "start")

    def __init__(self, width: int, look: _Look, *, centred: bool, span: int = 1) -> None:
        merged = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        align = '<w:vAlign w:val="center"/>' if centred else ""
        self.start = f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merged}{align}</w:tcPr>'
        # Written as lxml writes it: an empty element closes itself.
        paragraph = look.paragraph.replace("<w:pPr></w:pPr>", "<w:pPr/>")
        run = f"<w:r>{look.run}" if look.run else "<w:r>"
        self.opening = f'<w:p>{paragraph}{run}<w:t xml:space="preserve">'
        self.empty = f"<w:p>{paragraph}</w:p>"


def _category_cells(widths: list[int], look: _Look) -> list[_Cell]:
    """The numeral's cell, and the name's merged across all other columns."""
    look = look.kept_with_next()
    if len(widths) == 1:
        return [_Cell(widths[0], look, centred=True)]
    numeral = _Cell(widths[0], look.centred(), centred=True)
    return [numeral, _Cell(sum(widths[1:]), look, centred=True, span=len(widths) - 1)]


_HEADER_ROW: Final = "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
_BODY_ROW: Final = "<w:trPr><w:cantSplit/></w:trPr>"
_SPLITTABLE_ROW: Final = ""
_CLOSING: Final = "</w:t></w:r></w:p></w:tc>"


def _row(texts: Iterable[str], cells: list[_Cell], properties: str = _BODY_ROW) -> str:
    """One table row: each cell's text as paragraphs, one per line."""
    parts = ["<w:tr>", properties]
    for text, cell in zip(texts, cells, strict=True):
        parts.append(cell.start)
        _paragraphs(parts, escape_text(text), cell)
    parts.append("</w:tr>")
    return "".join(parts)


def _paragraphs(parts: list[str], text: str, cell: _Cell) -> None:
    """Add the cell's paragraphs, one a line, and its closing to `parts`."""
    if "\n" not in text:
        parts += (cell.opening, text, _CLOSING) if text else (cell.empty, "</w:tc>")
        return
    for line in text.split("\n"):
        parts += (cell.opening, line, "</w:t></w:r></w:p>") if line else (cell.empty,)
    parts.append("</w:tc>")
