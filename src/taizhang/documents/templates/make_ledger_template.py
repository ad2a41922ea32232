"""Build `ledger.docx`, the Word template `write_docx` fills: A4 landscape, the 公文 fonts and
sizes as named paragraph styles, the page number in the footer, and placeholder paragraphs
({{附件}}, {{标题}}, {{截至}}, {{台账表格}}) in the body.

    .venv/bin/python src/taizhang/documents/templates/make_ledger_template.py

An office that wants its own look copies `ledger.docx`, changes the styles, margins or
headings in Word, keeps the placeholder paragraphs, and passes it with `--template FILE`.
The output is byte-for-byte reproducible (fixed zip timestamps and document properties).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from taizhang.documents.fonts import font_table

OUTPUT = Path(__file__).with_name("ledger.docx")
BODY_FONT = "仿宋_GB2312"
FIXED_TIME = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC)
# Parts of python-docx's default package a ledger does not need (a stale thumbnail, Word
# 2010's duplicate styles, an empty custom XML item).
DROPPED_PARTS = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml", "customXml/")
DROPPED_TARGETS = ("thumbnail.jpeg", "stylesWithEffects.xml", "customXml/")
REFERENCING_PARTS = ("[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels")


@dataclass(frozen=True)
class StyleSpec:
    """One named paragraph style: the name Word shows, an ASCII style id, the look."""

    name: str
    style_id: str
    font: str | None
    size: float
    align: WD_ALIGN_PARAGRAPH | None = None
    bold: bool = False
    base: str = "Normal"
    space_after: float = 0


STYLES = (
    StyleSpec("台账附件", "TZAttachment", "黑体", 16, WD_ALIGN_PARAGRAPH.LEFT),
    StyleSpec(
        "台账标题", "TZTitle", "方正小标宋简体", 22, WD_ALIGN_PARAGRAPH.CENTER, space_after=6
    ),
    StyleSpec("台账日期", "TZDate", "楷体_GB2312", 16, WD_ALIGN_PARAGRAPH.CENTER, space_after=6),
    StyleSpec("台账正文", "TZBody", None, 12, WD_ALIGN_PARAGRAPH.LEFT),
    StyleSpec("台账表头", "TZHeader", "黑体", 12, WD_ALIGN_PARAGRAPH.CENTER, True, "台账正文"),
    StyleSpec("台账分类", "TZCategory", "黑体", 12, WD_ALIGN_PARAGRAPH.LEFT, True, "台账正文"),
    StyleSpec("台账页码", "TZPageNumber", "宋体", 14, WD_ALIGN_PARAGRAPH.CENTER),
)

PLACEHOLDERS = (
    ("{{附件}}", "台账附件"),
    ("{{标题}}", "台账标题"),
    ("{{截至}}", "台账日期"),
    ("{{台账表格}}", "Normal"),
)


def paragraph_style(document: WordDocument, name: str) -> ParagraphStyle:
    """The paragraph style `name` of `document`."""
    style = document.styles[name]
    if not isinstance(style, ParagraphStyle):
        raise TypeError(f"{name} is not a paragraph style")
    return style


def set_fonts(style: ParagraphStyle, font: str) -> None:
    """Name `font` for Latin and Chinese text alike (ascii, hAnsi, eastAsia), as Word does
    when the font is picked in its font box; the font need not be installed."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), font)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def set_defaults(document: WordDocument) -> None:
    """Document defaults: the body font (no theme fonts, which would win over the styles'
    fonts in Word), Chinese as the East Asian language, no paragraph spacing."""
    defaults = _child(document.styles.element, "w:docDefaults")
    rpr = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    fonts = _child(rpr, "w:rFonts")
    fonts.attrib.clear()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), BODY_FONT)
    language = _child(rpr, "w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    spacing = _child(_child(_child(defaults, "w:pPrDefault"), "w:pPr"), "w:spacing")
    spacing.attrib.clear()
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")


def _child(parent: etree._Element, tag: str) -> etree._Element:
    child = parent.find(qn(tag))
    if child is None:
        raise ValueError(f"python-docx's default template has no {tag}")
    return child


def setup_normal(document: WordDocument) -> None:
    """Normal, the body text of a 公文: 仿宋_GB2312, 三号. The table's styles are based on it,
    so an office that changes Normal's font changes the table's too."""
    normal = paragraph_style(document, "Normal")
    set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(16)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def add_style(document: WordDocument, spec: StyleSpec) -> None:
    """Add one named paragraph style from `spec`."""
    document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style = paragraph_style(document, spec.name)
    style.style_id = spec.style_id
    style.base_style = paragraph_style(document, spec.base)
    style.quick_style = True
    if spec.font:
        set_fonts(style, spec.font)
    style.font.size = Pt(spec.size)
    style.font.bold = spec.bold
    style.paragraph_format.alignment = spec.align
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(spec.space_after)
    style.paragraph_format.line_spacing = 1.0


def setup_page(document: WordDocument) -> None:
    """A4 landscape; margins that leave a wide table 25.7 cm of text width."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.0)
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(1.2)


def page_number(paragraph: Paragraph) -> None:
    """Fill a footer paragraph with "— 1 —", the number a PAGE field."""
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    placeholder = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    placeholder.append(text)
    field.append(placeholder)
    paragraph._p.append(field)
    paragraph.add_run(" —")


def add_page_number(document: WordDocument) -> None:
    """The footer: "— 1 —", centred, 宋体 四号."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.style = document.styles["台账页码"]
    page_number(paragraph)


def add_placeholders(
    document: WordDocument, placeholders: tuple[tuple[str, str], ...] = PLACEHOLDERS
) -> None:
    """The body: one paragraph per placeholder, in its style."""
    for text, style in placeholders:
        document.add_paragraph(text, style=paragraph_style(document, style))


def finish(document: WordDocument, title: str) -> bytes:
    """The template as reproducible .docx bytes, titled `title` in its properties."""
    properties = document.core_properties
    properties.title, properties.author = title, "Taizhang"
    properties.last_modified_by, properties.revision = "Taizhang", 1
    properties.created = properties.modified = FIXED_TIME.replace(tzinfo=None)
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible(buffer.getvalue())


def build() -> bytes:
    """The template as .docx bytes."""
    document = docx.Document()
    set_defaults(document)
    setup_normal(document)
    for spec in STYLES:
        add_style(document, spec)
    setup_page(document)
    add_page_number(document)
    add_placeholders(document)
    return finish(document, "重点工作台账模板")


def reproducible(data: bytes) -> bytes:
    """The same package with fixed timestamps and without the parts a ledger does not need."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename.startswith(DROPPED_PARTS):
                continue
            content = source.read(member)
            if member.filename in REFERENCING_PARTS:
                content = _drop_references(content)
            if member.filename == "word/fontTable.xml":
                content = font_table()
            info = zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return output.getvalue()


def _drop_references(xml: bytes) -> bytes:
    root = etree.fromstring(xml)
    for element in list(root):
        target = element.get("PartName") or element.get("Target") or ""
        if any(part in target for part in DROPPED_TARGETS):
            root.remove(element)
    result: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return result


def main() -> None:
    """Write the template next to this script."""
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
