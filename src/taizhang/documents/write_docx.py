"""Writer for the official ledger as Word (.docx): the 台账 attachment as offices print it.

The look (page, fonts, sizes, headings, the page number in the footer) comes from a template:
the one shipped in `templates/ledger.docx` (built by `templates/make_ledger_template.py`) or an
office's own. Its placeholder paragraphs `{{附件}}`, `{{标题}}`, `{{截至}}` and `{{台账表格}}`
are replaced; the table is built here as XML text and parsed once, which is many times faster
than python-docx's cell-by-cell API on a ledger of a thousand tasks."""

from __future__ import annotations

import datetime
import functools
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

from taizhang.documents.cells import category_numeral, table_columns, task_cells
from taizhang.documents.errors import LedgerReadError
from taizhang.documents.model import Column, LedgerDoc
from taizhang.documents.safety import check_office_zip

TEMPLATE: Final = Path(__file__).parent / "templates" / "ledger.docx"
W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS: Final = {"w": W}
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
}
OTHER_WIDTH_CM: Final = 2.2
# Columns of a few words: centred across and down the cell. Long texts read from the top left.
SHORT_COLUMNS: Final = frozenset({"number", "leaders", "units", "co_units", "status", "remarks"})
# A4 landscape with the template's margins, for a template whose section says nothing.
DEFAULT_TEXT_AREA: Final = (16838 - 2 * 1134, 11906 - 2 * 1417)
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

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped;
# a carriage return ends a paragraph like a newline.
_FORBIDDEN = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000)]
_CLEAN: Final[dict[int, str | None]] = {
    **dict.fromkeys([*_FORBIDDEN, 0xFFFE, 0xFFFF]),
    ord("\r"): "\n",
}
_ESCAPES: Final = {**_CLEAN, ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_ATTRIBUTE_ESCAPES: Final = {**_ESCAPES, ord('"'): "&quot;"}
_SAFE_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def write_docx(
    doc: LedgerDoc, *, as_of: datetime.date | None = None, template: bytes | None = None
) -> bytes:
    """The ledger as a Word document: the 附件 label, the title, the 截至 line (`as_of`, else
    the ledger's own date; none without one) and the table, in the shipped template or in
    `template` (an office's .docx with the same placeholder paragraphs). Raises `ValueError`
    with a Chinese message when the template is no .docx or has no {{台账表格}} paragraph."""
    package = _open_template(template if template is not None else _shipped_template())
    document = etree.fromstring(package["word/document.xml"], _SAFE_PARSER)
    placeholders = _placeholders(document)
    anchor = placeholders.get(TABLE_PLACEHOLDER)
    if anchor is None:
        raise ValueError(
            f"模板中没有 {TABLE_PLACEHOLDER} 占位段落：请在模板正文中单独起一段，"
            f"只写 {TABLE_PLACEHOLDER}，台账表格将放在那里"
        )
    _fill(placeholders.get("{{附件}}"), "附件")
    _fill(placeholders.get("{{标题}}"), doc.title)
    day = as_of or doc.as_of
    _fill(
        placeholders.get("{{截至}}"), f"截至{day.year}年{day.month}月{day.day}日" if day else None
    )
    looks = _cell_looks(package.get("word/styles.xml"))
    columns = table_columns(doc)
    width, height = _text_area(_section(anchor))
    widths = column_widths(columns, width)
    _put_table(anchor, _table_xml(doc, columns, widths, looks, height // LINE_HEIGHT - 3))
    package["word/document.xml"] = etree.tostring(
        document, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    _set_title(package, doc.title)
    return _zip(package)


@functools.cache
def _shipped_template() -> bytes:
    return TEMPLATE.read_bytes()


def _open_template(data: bytes) -> dict[str, bytes]:
    """The template's parts by name, in package order. Refuses what is no Word document."""
    try:
        archive = check_office_zip(data, name="模板", kind="Word")
    except LedgerReadError as error:
        raise ValueError(f"模板不是有效的 Word（.docx）文件：{error.message}") from None
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise ValueError("模板不是有效的 Word（.docx）文件：缺少 word/document.xml")
        return {name: archive.read(name) for name in names}


def _zip(package: dict[str, bytes]) -> bytes:
    """The package as .docx bytes; fixed timestamps so the same ledger gives the same bytes."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in package.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return output.getvalue()


def _tag(name: str) -> str:
    return f"{{{W}}}{name}"


def _placeholders(document: etree._Element) -> dict[str, etree._Element]:
    """Paragraphs whose whole text is a placeholder (Word may split it across runs)."""
    found: dict[str, etree._Element] = {}
    for paragraph in document.iter(_tag("p")):
        text = "".join(t.text or "" for t in paragraph.iter(_tag("t"))).strip()
        if text.startswith("{{") and text.endswith("}}"):
            found.setdefault(text, paragraph)
    return found


def _fill(paragraph: etree._Element | None, text: str | None) -> None:
    """Replace a placeholder paragraph's runs with `text`, keeping the paragraph's style and
    the first run's formatting; remove the paragraph when `text` is None."""
    if paragraph is None:
        return
    if text is None:
        _remove_paragraph(paragraph)
        return
    first_text = next(paragraph.iter(_tag("t")))
    run_properties = first_text.getparent().find(_tag("rPr"))
    _empty(paragraph)
    run = etree.SubElement(paragraph, _tag("r"))
    if run_properties is not None:
        run.append(run_properties)
    for index, line in enumerate(_clean(text).split("\n")):
        if index:
            etree.SubElement(run, _tag("br"))
        etree.SubElement(run, _tag("t")).text = line


def _remove_paragraph(paragraph: etree._Element) -> None:
    """Remove a paragraph, unless it ends a section or is all a table cell holds: then empty
    it (Word needs both)."""
    parent = paragraph.getparent()
    holds_section = paragraph.find("w:pPr/w:sectPr", NS) is not None
    only_in_cell = parent is not None and len(parent.findall(_tag("p"))) == 1
    if parent is None or holds_section or (parent.tag == _tag("tc") and only_in_cell):
        _empty(paragraph)
    else:
        parent.remove(paragraph)


def _empty(paragraph: etree._Element) -> None:
    """Remove everything but the paragraph's properties (its style, a section break)."""
    for child in list(paragraph):
        if child.tag != _tag("pPr"):
            paragraph.remove(child)


def _put_table(anchor: etree._Element, xml: str) -> None:
    """Put the table where the {{台账表格}} paragraph stands. The paragraph goes, unless Word
    needs one after the table (end of body, section or cell): then it stays, empty and tiny."""
    table = etree.fromstring(xml, _SAFE_PARSER)
    anchor.addprevious(table)
    following = anchor.getnext()
    at_end = following is None or following.tag == _tag("sectPr")
    if not at_end and anchor.find("w:pPr/w:sectPr", NS) is None:
        anchor.getparent().remove(anchor)
        return
    _empty(anchor)
    properties = anchor.find(_tag("pPr"))
    if properties is None:
        properties = etree.Element(_tag("pPr"))
        anchor.insert(0, properties)
    mark = properties.find(_tag("rPr"))
    if mark is None:
        mark = etree.Element(_tag("rPr"))
        section = properties.find(_tag("sectPr"))
        (properties.append if section is None else section.addprevious)(mark)
    for size in mark.findall(_tag("sz")):
        mark.remove(size)
    etree.SubElement(mark, _tag("sz")).set(_tag("val"), "2")


def _section(anchor: etree._Element) -> etree._Element | None:
    """The section properties of the section holding the anchor: the next section break after
    it, else the body's last section."""
    top = anchor
    while top.getparent() is not None and top.getparent().tag != _tag("body"):
        top = top.getparent()
    own = top.find("w:pPr/w:sectPr", NS)
    found = top.xpath(
        "(following-sibling::w:p/w:pPr/w:sectPr | following-sibling::w:sectPr)[1]", namespaces=NS
    )
    section = own if own is not None else (found[0] if found else None)
    return section if isinstance(section, etree._Element) else None


def _text_area(section: etree._Element | None) -> tuple[int, int]:
    """The section's text width and height in twips (page less margins and gutter); A4
    landscape's for what a template leaves out."""
    if section is None:
        return DEFAULT_TEXT_AREA
    size, margins = section.find(_tag("pgSz")), section.find(_tag("pgMar"))
    page_width, page_height = _twips(size, "w"), _twips(size, "h")
    width = page_width - sum(_twips(margins, side) for side in ("left", "right", "gutter"))
    height = page_height - _twips(margins, "top") - _twips(margins, "bottom")
    return (
        width if page_width and width > 0 else DEFAULT_TEXT_AREA[0],
        height if page_height and height > 0 else DEFAULT_TEXT_AREA[1],
    )


def _twips(element: etree._Element | None, attribute: str) -> int:
    value = element.get(_tag(attribute)) if element is not None else None
    try:
        return abs(round(float(value))) if value else 0
    except ValueError:
        return 0


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
    ids = _paragraph_style_ids(styles_xml)
    looks = {}
    for name, fallback in FALLBACK_RUN.items():
        if name in ids:
            style_id = ids[name].translate(_ATTRIBUTE_ESCAPES)
            looks[name] = _Look(f'<w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>', "")
        else:
            looks[name] = _Look("<w:pPr></w:pPr>", f"<w:rPr>{fallback}</w:rPr>")
    if HEADER not in ids:
        looks[HEADER] = looks[HEADER].centred()
    return looks


def _paragraph_style_ids(styles_xml: bytes | None) -> dict[str, str]:
    """Style ids by name (Word writes its own ids, like `a3`, for styles with Chinese names)."""
    if not styles_xml:
        return {}
    styles = etree.fromstring(styles_xml, _SAFE_PARSER)
    ids: dict[str, str] = {}
    for style in styles.iterfind("w:style[@w:type='paragraph']", NS):
        name = style.find(_tag("name"))
        style_id = style.get(_tag("styleId"))
        if style_id:
            ids.setdefault(name.get(_tag("val"), "") if name is not None else style_id, style_id)
    return ids


def _clean(text: str) -> str:
    """Text without the characters XML 1.0 forbids, line ends as \\n."""
    return text.replace("\r\n", "\n").translate(_CLEAN)


def _escape(text: str) -> str:
    """`_clean` text with & < > escaped, ready for an XML text node."""
    return text.replace("\r\n", "\n").translate(_ESCAPES)


def _table_xml(
    doc: LedgerDoc,
    columns: list[Column],
    widths: list[int],
    looks: dict[str, _Look],
    page_lines: int,
) -> str:
    """The ledger table as WordprocessingML text: header row repeated on every page, category
    rows merged across the columns after the numeral, no row split across pages (unless it
    may be taller than `page_lines` lines: Word would cut it off)."""
    body = looks[BODY]
    short = [column.key in SHORT_COLUMNS for column in columns]
    task_row = [
        _Cell(width, body.centred() if centred else body, centred=centred)
        for width, centred in zip(widths, short, strict=True)
    ]
    header_row = [_Cell(width, looks[HEADER], centred=True) for width in widths]
    category_row = _category_cells(widths, looks[CATEGORY])
    capacities = [max(1, (width - CELL_MARGINS) // CHARACTER_WIDTH) for width in widths]
    parts = [_table_start(widths), _row([c.title for c in columns], header_row, _HEADER_ROW)]
    for category in doc.categories:
        numeral = category_numeral(category.number)
        texts = [numeral, category.name] if len(columns) > 1 else [f"{numeral}、{category.name}"]
        parts.append(_row(texts, category_row))
        for task in category.tasks:
            cells = task_cells(task, columns)
            fits = _lines(cells, capacities) <= page_lines
            parts.append(_row(cells, task_row, _BODY_ROW if fits else _SPLITTABLE_ROW))
    parts.append("</w:tbl>")
    return "".join(parts)


def _lines(texts: list[str], capacities: list[int]) -> int:
    """How many lines the row's tallest cell takes at most (every character full width)."""
    return max(
        sum(-(-len(line) // capacity) or 1 for line in text.split("\n"))
        for text, capacity in zip(texts, capacities, strict=True)
    )


def _table_start(widths: list[int]) -> str:
    border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
    sides = "".join(f"<w:{side} {border}/>" for side in ("top", "left", "bottom", "right"))
    inside = f"<w:insideH {border}/><w:insideV {border}/>"
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    return (
        f'<w:tbl xmlns:w="{W}"><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{sides}{inside}</w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:top w:w="28" w:type="dxa"/>'
        '<w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0"'
        f' w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    )


class _Cell:
    """One column's cells in a kind of row: the opening XML (width, merge, vertical
    alignment) and how the paragraphs look, prepared once for all rows."""

    __slots__ = ("look", "start")

    def __init__(self, width: int, look: _Look, *, centred: bool, span: int = 1) -> None:
        merged = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
        align = '<w:vAlign w:val="center"/>' if centred else ""
        self.start = f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{merged}{align}</w:tcPr>'
        self.look = look


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


def _row(texts: Iterable[str], cells: list[_Cell], properties: str = _BODY_ROW) -> str:
    """One table row: each cell's text as paragraphs, one per line."""
    parts = ["<w:tr>", properties]
    for text, cell in zip(texts, cells, strict=True):
        parts += (cell.start, _paragraphs(text, cell.look), "</w:tc>")
    parts.append("</w:tr>")
    return "".join(parts)


def _paragraphs(text: str, look: _Look) -> str:
    opening = f'<w:p>{look.paragraph}<w:r>{look.run}<w:t xml:space="preserve">'
    closing = "</w:t></w:r></w:p>"
    lines = _escape(text).split("\n")
    return "".join(
        f"{opening}{line}{closing}" if line else f"<w:p>{look.paragraph}</w:p>" for line in lines
    )


_CORE_TITLE: Final = re.compile(rb"<dc:title>.*?</dc:title>|<dc:title/>", re.DOTALL)


def _set_title(package: dict[str, bytes], title: str) -> None:
    """Name the ledger in the document's properties (Word's 属性, a PDF's title)."""
    core = package.get("docProps/core.xml")
    if core is None or not _CORE_TITLE.search(core):
        return
    value = f"<dc:title>{_escape(title)}</dc:title>".encode()
    package["docProps/core.xml"] = _CORE_TITLE.sub(lambda _: value, core, count=1)
