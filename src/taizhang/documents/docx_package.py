"""A Word template as a package of parts, for the writers that fill one (the ledger, the
bulletin): open it, find and fill its placeholder paragraphs, read its page and styles, name
it, and zip it back with the same bytes for the same input.

A placeholder paragraph is one whose whole text is `{{…}}`; what a writer puts there is its
own business. Text reaches the XML only through `clean_text`, `escape_text` or
`ATTRIBUTE_ESCAPES`, and parsing only through `SAFE_PARSER`: a ledger's or an office's text is
never markup, and a template is never trusted to fetch or expand anything."""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from lxml import etree

from taizhang.documents.errors import LedgerReadError
from taizhang.documents.fonts import with_gb_fonts
from taizhang.documents.safety import check_office_zip
from taizhang.documents.xml_text import TEXT_ESCAPES, chunked
from taizhang.documents.xml_text import clean_text as clean_text  # re-exported for the writers
from taizhang.documents.xml_text import escape_text as escape_text

W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS: Final = {"w": W}
# A4 landscape with the ledger template's margins, for a template whose section says nothing.
DEFAULT_TEXT_AREA: Final = (16838 - 2 * 1134, 11906 - 2 * 1417)

# A `str.translate` table for text inside a double-quoted attribute value: drops what XML 1.0
# forbids and escapes & < > ". Meant for short values of one line (a style id, a font name).
ATTRIBUTE_ESCAPES: Final = {**TEXT_ESCAPES, ord('"'): "&quot;"}
# The parser for a template's parts and for XML built from text: no entities expanded, nothing
# fetched from the network; huge_tree because a ledger of thousands of tasks is one big table.
SAFE_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def open_template(data: bytes) -> dict[str, bytes]:
    """The template's parts by name, in package order. Refuses what is no Word document
    (`ValueError` with a Chinese message): no Office zip, a zip bomb, or no word/document.xml.
    Reads every part into memory; `check_office_zip` has bounded their size."""
    try:
        archive = check_office_zip(data, name="模板", kind="Word")
    except LedgerReadError as error:
        raise ValueError(f"模板不是有效的 Word（.docx）文件：{error.message}") from None
    with archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise ValueError("模板不是有效的 Word（.docx）文件：缺少 word/document.xml")
        return {name: archive.read(name) for name in names}


def zip_parts(package: dict[str, bytes | Iterable[bytes]]) -> bytes:
    """The package as .docx bytes, parts in the dict's order; fixed timestamps so the same
    ledger gives the same bytes. A part given as chunks of bytes is compressed as they come,
    never held whole (the same bytes as when given whole). Assumes the parts are those of
    `open_template`, changed."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, content in package.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(content, bytes):
                archive.writestr(info, content)
                continue
            with archive.open(info, "w") as part:
                for chunk in content:
                    part.write(chunk)
    return output.getvalue()


def tag(name: str) -> str:
    """The full name (`{namespace}name`) of a WordprocessingML element or attribute, as lxml
    spells it: `tag("p")` for a paragraph, `tag("val")` for a `w:val` attribute."""
    return f"{{{W}}}{name}"


def placeholders(document: etree._Element) -> dict[str, etree._Element]:
    """Paragraphs whose whole text is a placeholder (Word may split it across runs), by that
    text with its braces (`{{标题}}`); the first paragraph of each wins. Looks at every
    paragraph under `document`, in tables too."""
    found: dict[str, etree._Element] = {}
    for paragraph in document.iter(tag("p")):
        text = "".join(t.text or "" for t in paragraph.iter(tag("t"))).strip()
        if text.startswith("{{") and text.endswith("}}"):
            found.setdefault(text, paragraph)
    return found


@dataclass
class TemplateDocument:
    """A template opened for filling: its parts, its parsed body, its placeholder paragraphs,
    and the paragraph where the generated content goes."""

    package: dict[str, bytes]
    document: etree._Element
    slots: dict[str, etree._Element]
    anchor: etree._Element
    # XML text to write in place of a marker (a processing instruction) when finishing.
    _spliced: dict[bytes, Iterable[str]] = field(default_factory=dict)

    def insert_before(self, element: etree._Element, xml: Iterable[str]) -> None:
        """Put WordprocessingML given as text (`xml`, e.g. a table's rows one by one) before
        `element`, written into the document as it comes when it is finished: never parsed,
        never held whole, so a big table costs the same per row whatever its length. Assumes
        well-formed XML whose prefixes the document declares (`w:`), texts escaped
        (`escape_text`); `xml` is consumed once, by `finish`."""
        token = secrets.token_hex(16)
        element.addprevious(etree.ProcessingInstruction("taizhang-splice", token))
        self._spliced[f"<?taizhang-splice {token}?>".encode()] = xml

    def finish(self, title: str) -> bytes:
        """The filled document as .docx bytes, titled `title` in its properties."""
        xml = etree.tostring(self.document, xml_declaration=True, encoding="UTF-8", standalone=True)
        set_core_title(self.package, title)
        with_gb_fonts(self.package)
        package: dict[str, bytes | Iterable[bytes]] = dict(self.package)
        package["word/document.xml"] = self._spliced_into(xml) if self._spliced else xml
        return zip_parts(package)

    def _spliced_into(self, xml: bytes) -> Iterator[bytes]:
        """The document's XML with each marker replaced by its text, in chunks."""
        pattern = re.compile(b"|".join(re.escape(marker) for marker in self._spliced))
        start = 0
        for found in pattern.finditer(xml):
            yield xml[start : found.start()]
            yield from chunked(self._spliced[found.group()])
            start = found.end()
        yield xml[start:]


def open_document(template: bytes, *, required: str, content: str) -> TemplateDocument:
    """Open a template's body and find its placeholders. Raises `ValueError` with a Chinese
    message naming `required` (the paragraph where `content`, e.g. 台账表格, will go) when the
    template lacks it."""
    package = open_template(template)
    document = etree.fromstring(package["word/document.xml"], SAFE_PARSER)
    slots = placeholders(document)
    anchor = slots.get(required)
    if anchor is None:
        raise ValueError(
            f"模板中没有 {required} 占位段落：请在模板正文中单独起一段，"
            f"只写 {required}，{content}将放在那里"
        )
    return TemplateDocument(package, document, slots, anchor)


def fill_placeholder(paragraph: etree._Element | None, text: str | None) -> None:
    """Replace a placeholder paragraph's runs with `text`, keeping the paragraph's style and
    the first run's formatting; remove the paragraph when `text` is None (see
    `remove_paragraph`); nothing when `paragraph` is None (the template left it out). Assumes a
    paragraph from `placeholders`, which has a text run; a line break in `text` becomes one in
    the run."""
    if paragraph is None:
        return
    if text is None:
        remove_paragraph(paragraph)
        return
    first_text = next(paragraph.iter(tag("t")))
    run_properties = first_text.getparent().find(tag("rPr"))
    empty_paragraph(paragraph)
    run = etree.SubElement(paragraph, tag("r"))
    if run_properties is not None:
        run.append(run_properties)
    for index, line in enumerate(clean_text(text).split("\n")):
        if index:
            etree.SubElement(run, tag("br"))
        etree.SubElement(run, tag("t")).text = line


def remove_paragraph(paragraph: etree._Element) -> None:
    """Remove a paragraph, unless it ends a section or is all a table cell holds: then empty
    it (Word needs both)."""
    parent = paragraph.getparent()
    holds_section = paragraph.find("w:pPr/w:sectPr", NS) is not None
    only_in_cell = parent is not None and len(parent.findall(tag("p"))) == 1
    if parent is None or holds_section or (parent.tag == tag("tc") and only_in_cell):
        empty_paragraph(paragraph)
    else:
        parent.remove(paragraph)


def empty_paragraph(paragraph: etree._Element) -> None:
    """Remove everything but the paragraph's properties (its style, a section break)."""
    for child in list(paragraph):
        if child.tag != tag("pPr"):
            paragraph.remove(child)


def section_properties(anchor: etree._Element) -> etree._Element | None:
    """The section properties (`w:sectPr`) of the section holding the anchor: the next section
    break after it, else the body's last section; None when the document has none. Assumes an
    anchor inside `w:body` (in a table or not)."""
    top = anchor
    while top.getparent() is not None and top.getparent().tag != tag("body"):
        top = top.getparent()
    own = top.find("w:pPr/w:sectPr", NS)
    found = top.xpath(
        "(following-sibling::w:p/w:pPr/w:sectPr | following-sibling::w:sectPr)[1]", namespaces=NS
    )
    section = own if own is not None else (found[0] if found else None)
    return section if isinstance(section, etree._Element) else None


def text_area(section: etree._Element | None) -> tuple[int, int]:
    """The section's text width and height in twips (page less margins and gutter); A4
    landscape's (`DEFAULT_TEXT_AREA`) for what a template leaves out or gets wrong, whatever
    the template's orientation."""
    if section is None:
        return DEFAULT_TEXT_AREA
    size, margins = section.find(tag("pgSz")), section.find(tag("pgMar"))
    page_width, page_height = _twips(size, "w"), _twips(size, "h")
    width = page_width - sum(_twips(margins, side) for side in ("left", "right", "gutter"))
    height = page_height - _twips(margins, "top") - _twips(margins, "bottom")
    return (
        width if page_width and width > 0 else DEFAULT_TEXT_AREA[0],
        height if page_height and height > 0 else DEFAULT_TEXT_AREA[1],
    )


def _twips(element: etree._Element | None, attribute: str) -> int:
    value = element.get(tag(attribute)) if element is not None else None
    try:
        return abs(round(float(value))) if value else 0
    except ValueError:
        return 0


def paragraph_style_ids(styles_xml: bytes | None) -> dict[str, str]:
    """Paragraph style ids by style name (Word writes its own ids, like `a3`, for styles with
    Chinese names), from the package's word/styles.xml; empty without one. The first style of
    a name wins; a style without a name goes by its id. The ids are as written: escape them
    (`ATTRIBUTE_ESCAPES`) before putting them in XML text."""
    if not styles_xml:
        return {}
    styles = etree.fromstring(styles_xml, SAFE_PARSER)
    ids: dict[str, str] = {}
    for style in styles.iterfind("w:style[@w:type='paragraph']", NS):
        name = style.find(tag("name"))
        style_id = style.get(tag("styleId"))
        if style_id:
            ids.setdefault(name.get(tag("val"), "") if name is not None else style_id, style_id)
    return ids


_CORE_TITLE: Final = re.compile(rb"<dc:title>.*?</dc:title>|<dc:title/>", re.DOTALL)


def set_core_title(package: dict[str, bytes], title: str) -> None:
    """Name the document in its properties (Word's 属性, a PDF's title): the `dc:title` of
    docProps/core.xml, in place. Leaves a package alone whose core properties are missing or
    have no title element to replace (the shipped templates have one)."""
    core = package.get("docProps/core.xml")
    if core is None or not _CORE_TITLE.search(core):
        return
    value = f"<dc:title>{escape_text(title)}</dc:title>".encode()
    package["docProps/core.xml"] = _CORE_TITLE.sub(lambda _: value, core, count=1)
