"""Build `bulletin.docx`, the Word template `write_bulletin` fills: the layout of an official
document (党政机关公文格式, GB/T 9704-2012) for a 督查通报: A4 portrait, margins 3.7 cm top,
3.5 cm bottom, 2.8 cm left, 2.6 cm right; the title in 方正小标宋简体 二号, centred; the text
in 仿宋_GB2312 三号, first lines indented two characters, lines fixed at 28.95 pt (22 lines a
page); headings 一、 in 黑体 and （一） in 楷体_GB2312; the issuer and date right-aligned; the
page number "— 1 —" in 宋体 四号, right on odd pages and left on even ones, one character in.

    .venv/bin/python src/taizhang/documents/templates/make_bulletin_template.py

The placeholder paragraphs are {{标题}} and {{正文}}, with an empty line between (the line
GB/T 9704 leaves under the title). An office that wants its own look copies `bulletin.docx`,
changes the styles in Word (keeping their names), keeps the two placeholders, and passes the
file with `--template FILE`. The output is byte-for-byte reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.parfmt import CT_PPr
from docx.shared import Cm, Pt, Twips
from docx.styles.style import CharacterStyle
from docx.text.paragraph import Paragraph

from taizhang.documents.templates.make_ledger_template import (
    add_placeholders,
    finish,
    page_number,
    paragraph_style,
    set_defaults,
    set_fonts,
)

OUTPUT = Path(__file__).with_name("bulletin.docx")
BODY_FONT = "仿宋_GB2312"
BODY_SIZE = 16  # 三号
LINE = Twips(579)  # 28.95 pt: 22 lines in the 225 mm of text height
CHARACTER = Twips(20 * BODY_SIZE)  # one character of the body, for indents
PAGE_NUMBER_SIZE = 14  # 四号


@dataclass(frozen=True)
class StyleSpec:
    """One named paragraph style."""

    name: str
    style_id: str
    font: str | None
    size: float
    align: WD_ALIGN_PARAGRAPH
    first_line_chars: int = 0
    line: Twips | None = LINE
    outline_level: int | None = None
    base: str = "Normal"


_LEFT, _RIGHT, _CENTRE = (
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.CENTER,
)
_JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
STYLES = (
    StyleSpec("通报标题", "TBTitle", "方正小标宋简体", 22, _CENTRE, line=Twips(700)),
    StyleSpec("通报正文", "TBBody", BODY_FONT, BODY_SIZE, _JUSTIFY, first_line_chars=2),
    StyleSpec("通报主送", "TBAddressee", None, BODY_SIZE, _LEFT, line=None, base="通报正文"),
    StyleSpec("通报一级标题", "TBHeading1", "黑体", BODY_SIZE, _JUSTIFY, 2, None, 0, "通报正文"),
    StyleSpec(
        "通报二级标题", "TBHeading2", "楷体_GB2312", BODY_SIZE, _JUSTIFY, 2, None, 1, "通报正文"
    ),
    StyleSpec("通报落款", "TBClosing", None, BODY_SIZE, _RIGHT, line=None, base="通报正文"),
    StyleSpec("通报页码", "TBPageNumber", "宋体", PAGE_NUMBER_SIZE, _RIGHT, line=None),
)
# The body's font as a character style: the text that follows a run-in heading
# ("（一）压实工作责任。各牵头领导……") in the heading's paragraph.
BODY_CHARACTERS = ("通报正文字符", "TBBodyChar")

PLACEHOLDERS = (("{{标题}}", "通报标题"), ("", "通报正文"), ("{{正文}}", "通报正文"))


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
    style.font.bold = False
    layout = style.paragraph_format
    layout.alignment = spec.align
    layout.space_before = layout.space_after = Pt(0)
    if spec.line is not None:
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = spec.line
    properties = style.element.get_or_add_pPr()
    _first_line(properties, spec.first_line_chars)
    if spec.outline_level is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(spec.outline_level))
        properties.append(level)


def _first_line(properties: CT_PPr, chars: int) -> None:
    """A first-line indent of `chars` characters: in characters (Word keeps it right at any
    size) and in twips at 三号 (for readers that ignore the former)."""
    indent = properties.get_or_add_ind()
    indent.set(qn("w:firstLineChars"), str(chars * 100))
    indent.set(qn("w:firstLine"), str(chars * CHARACTER.twips))


def add_body_characters(document: WordDocument) -> None:
    """The character style of the body's font (see BODY_CHARACTERS)."""
    name, style_id = BODY_CHARACTERS
    document.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style = document.styles[name]
    if not isinstance(style, CharacterStyle):
        raise TypeError(f"{name} is not a character style")
    style.style_id = style_id
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), BODY_FONT)


def setup_normal(document: WordDocument) -> None:
    """Normal: 仿宋_GB2312, 三号, as the rest of a 公文."""
    normal = paragraph_style(document, "Normal")
    set_fonts(normal, BODY_FONT)
    normal.font.size = Pt(BODY_SIZE)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def setup_page(document: WordDocument) -> None:
    """A4 portrait with the margins of GB/T 9704 (a text area of 156 mm x 225 mm); the page
    number's line 7 mm under the text area."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.header_distance = Cm(1.5)
    section.footer_distance = Cm(2.2)


def add_page_numbers(document: WordDocument) -> None:
    """The footers: "— 1 —", the number a PAGE field; right on odd pages and left on even
    pages, one character from the edge of the text."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    one = Twips(20 * PAGE_NUMBER_SIZE)
    _page_number(document, section.footer.paragraphs[0], _RIGHT)
    section.footer.paragraphs[0].paragraph_format.right_indent = one
    even = section.even_page_footer.paragraphs[0]
    _page_number(document, even, _LEFT)
    even.paragraph_format.left_indent = one


def _page_number(document: WordDocument, paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.style = document.styles["通报页码"]
    paragraph.paragraph_format.alignment = align
    page_number(paragraph)


def build() -> bytes:
    """The template as .docx bytes."""
    document = docx.Document()
    set_defaults(document)
    setup_normal(document)
    for spec in STYLES:
        add_style(document, spec)
    add_body_characters(document)
    setup_page(document)
    add_page_numbers(document)
    # The body: the title, the empty line under it, the text.
    add_placeholders(document, PLACEHOLDERS)
    return finish(document, "督查通报模板")


def main() -> None:
    """Write the template next to this script."""
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
