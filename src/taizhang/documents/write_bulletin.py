"""Writer for a bulletin (督查通报) as Word (.docx), in the layout of an official document
(党政机关公文格式, GB/T 9704-2012).

The look (page, margins, fonts, sizes, line spacing, page numbers) comes from a template: the
one shipped in `templates/bulletin.docx` (built by `templates/make_bulletin_template.py`) or
an office's own. Its placeholder paragraphs `{{标题}}` and `{{正文}}` are replaced. The body is
plain text, one paragraph a line (blank lines are only spacing); what each line is follows
from how it begins, as in any 公文:

    各责任单位：           the addressee (主送), flush left, when it is the first line
    一、总体情况           a heading in 黑体; "一、……。" followed by text: the lead only
    （一）压实工作责任。…  a heading in 楷体_GB2312, likewise
    市政府督查室           the last two lines, a name and a date: the closing, the date
    2021年11月5日          four characters from the right, the name centred over it
                           (GB/T 9704 7.3.5.1)

Around it, optionally, the 版头 (masthead or plain form) and the 版记 (抄送, 印发机关 and
印发日期): see `bulletin_frame`.

Knows nothing of ledgers or the database: it turns a title and a text into bytes."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from lxml import etree

from taizhang.documents.bulletin_frame import Colophon, Masthead, colophon_xml, masthead_xml
from taizhang.documents.docx_package import (
    ATTRIBUTE_ESCAPES,
    SAFE_PARSER,
    W,
    clean_text,
    escape_text,
    fill_placeholder,
    open_document,
    paragraph_style_ids,
    remove_paragraph,
    section_properties,
    text_area,
)

TEMPLATE: Final = Path(__file__).parent / "templates" / "bulletin.docx"
TITLE_PLACEHOLDER, BODY_PLACEHOLDER = "{{标题}}", "{{正文}}"
BODY_SIZE: Final = 16  # 三号, in points
TITLE_SIZE: Final = 22  # 二号
CHARACTER: Final = BODY_SIZE * 20  # one character of the body, in twips
# GB/T 9704 7.3.5.1: the date four characters in from the right, the issuer centred over it.
DATE_RIGHT_CHARS: Final = 4

ADDRESSEE, HEADING1, HEADING2, BODY, ISSUER, DATE = (
    "addressee",
    "heading1",
    "heading2",
    "body",
    "issuer",
    "date",
)
# Each kind's style in the template, and what a paragraph gets instead (direct formatting)
# when an office's template lacks the style.
STYLE_NAMES: Final = {
    ADDRESSEE: "通报主送",
    HEADING1: "通报一级标题",
    HEADING2: "通报二级标题",
    BODY: "通报正文",
    ISSUER: "通报落款",
    DATE: "通报落款",
}
BODY_CHARACTERS: Final = "通报正文字符"
_SPACING = '<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>'
_INDENTED = '<w:ind w:firstLineChars="200" w:firstLine="640"/>'
_FLUSH = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'
FALLBACK_PARAGRAPH: Final = {
    ADDRESSEE: _SPACING + _FLUSH,
    HEADING1: _SPACING + _INDENTED,
    HEADING2: _SPACING + _INDENTED,
    BODY: _SPACING + _INDENTED + '<w:jc w:val="both"/>',
    ISSUER: _SPACING + _FLUSH + '<w:jc w:val="right"/>',
    DATE: _SPACING + _FLUSH + '<w:jc w:val="right"/>',
}
_SIZE = f'<w:sz w:val="{BODY_SIZE * 2}"/><w:szCs w:val="{BODY_SIZE * 2}"/>'
FONTS: Final = {HEADING1: "黑体", HEADING2: "楷体_GB2312"}
BODY_FONT: Final = "仿宋_GB2312"

_HEADING1 = re.compile(r"^[一二三四五六七八九十百]+、")
_HEADING2 = re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")
_DATE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日$"
)
_NOT_A_NAME = "。：:；;，,！!？?"
ISSUER_MAX: Final = 30


@dataclass(frozen=True)
class BulletinParagraph:
    """One paragraph of a bulletin: its kind, a heading's lead ("（一）压实工作责任。", or the
    whole heading), and the text in the body's font (after the lead, or all of it)."""

    kind: str
    lead: str
    text: str


def bulletin_paragraphs(body: str) -> list[BulletinParagraph]:
    """The body's paragraphs, each with its kind (see the module's docstring). Pure; the web
    preview shows the same kinds the document gets."""
    lines = [line.strip() for line in clean_text(body).split("\n")]
    lines = [line for line in lines if line]
    closing = _closing_kinds(lines)
    result = []
    for index, line in enumerate(lines):
        if index in closing:
            result.append(BulletinParagraph(closing[index], "", line))
        elif index == 0 and _is_addressee(line):
            result.append(BulletinParagraph(ADDRESSEE, "", line))
        elif _HEADING1.match(line):
            result.append(_heading(HEADING1, line))
        elif _HEADING2.match(line):
            result.append(_heading(HEADING2, line))
        else:
            result.append(BulletinParagraph(BODY, "", line))
    return result


def _is_addressee(line: str) -> bool:
    return line.endswith(("：", ":")) and "。" not in line and len(line) <= 60


def _closing_kinds(lines: list[str]) -> dict[int, str]:
    """The closing lines by index: the last line when it is a date alone, and the line before
    it when it reads like a name (short, no sentence punctuation)."""
    if not lines or not _DATE.match(lines[-1]):
        return {}
    kinds = {len(lines) - 1: DATE}
    if len(lines) > 1:
        name = lines[-2]
        if len(name) <= ISSUER_MAX and not any(mark in name for mark in _NOT_A_NAME):
            kinds[len(lines) - 2] = ISSUER
    return kinds


def _heading(kind: str, line: str) -> BulletinParagraph:
    """A heading alone, or a run-in one: the lead up to its first 。, then text."""
    end = line.find("。")
    if 0 < end < len(line) - 1:
        return BulletinParagraph(kind, line[: end + 1], line[end + 1 :])
    return BulletinParagraph(kind, line, "")


def text_width(text: str) -> float:
    """The width of `text` in characters of its size: Chinese full, Latin and digits half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def write_bulletin(
    title: str,
    body: str,
    *,
    template: bytes | None = None,
    masthead: Masthead | None = None,
    colophon: Colophon | None = None,
) -> bytes:
    """The bulletin as a Word document in the shipped template or in `template` (an office's
    .docx with the paragraphs {{标题}} and {{正文}}), with the 版头 `masthead` above the title
    and the 版记 `colophon` at the foot of the last page when given. A title too long for one
    line is broken before its "……情况的督查通报" tail, as offices break it. Raises
    `ValueError` with a Chinese message when the template is no .docx or lacks the {{正文}}
    paragraph."""
    opened = open_document(
        template if template is not None else _shipped_template(),
        required=BODY_PLACEHOLDER,
        content="通报正文",
    )
    anchor = opened.anchor
    width, _ = text_area(section_properties(anchor))
    title_anchor = opened.slots.get(TITLE_PLACEHOLDER)
    if masthead is not None:
        before = title_anchor if title_anchor is not None else anchor
        for xml in masthead_xml(masthead, width):
            before.addprevious(etree.fromstring(xml, SAFE_PARSER))
    fill_placeholder(title_anchor, broken_title(title.strip(), width // (TITLE_SIZE * 20)))
    looks = _looks(opened.package.get("word/styles.xml"))
    for xml in _body_xml(bulletin_paragraphs(body), looks):
        anchor.addprevious(etree.fromstring(xml, SAFE_PARSER))
    for xml in colophon_xml(colophon, width) if colophon is not None else []:
        anchor.addprevious(etree.fromstring(xml, SAFE_PARSER))
    remove_paragraph(anchor)
    return opened.finish(title.strip())


@functools.cache
def _shipped_template() -> bytes:
    return TEMPLATE.read_bytes()


_TITLE_TAIL = re.compile(r"(?:推进|进展|落实|完成|工作|督查)?情况的[^的]*$|的[^的]+$")


def broken_title(title: str, capacity: int) -> str:
    """The title with a line break before its tail ("推进情况的督查通报") when it does not fit
    on one line of `capacity` characters and both parts do; else as it is."""
    if "\n" in title or text_width(title) <= capacity:
        return title
    found = _TITLE_TAIL.search(title)
    if found is None or found.start() == 0:
        return title
    head, tail = title[: found.start()], title[found.start() :]
    if tail.startswith("的"):
        head, tail = head + "的", tail[1:]
    if text_width(head) <= capacity and text_width(tail) <= capacity and tail:
        return f"{head}\n{tail}"
    return title


@dataclass(frozen=True)
class _Look:
    """A kind of paragraph: its paragraph properties and its runs' (lead and text), as XML."""

    paragraph: str
    lead_run: str
    text_run: str


def _looks(styles_xml: bytes | None) -> dict[str, _Look]:
    """For each kind: the template's style, or direct formatting where it lacks the style."""
    ids = paragraph_style_ids(styles_xml)
    char_ids = _character_style_ids(styles_xml)
    body_font = _fonts(BODY_FONT)
    if BODY_CHARACTERS in char_ids:
        text_run = f'<w:rPr><w:rStyle w:val="{_attribute(char_ids[BODY_CHARACTERS])}"/></w:rPr>'
    else:
        text_run = f"<w:rPr>{body_font}{_SIZE}</w:rPr>"
    looks = {}
    for kind, name in STYLE_NAMES.items():
        if name in ids:
            paragraph = f'<w:pStyle w:val="{_attribute(ids[name])}"/>'
            lead = ""
        else:
            paragraph = FALLBACK_PARAGRAPH[kind]
            lead = f"<w:rPr>{_fonts(FONTS.get(kind, BODY_FONT))}{_SIZE}</w:rPr>"
        looks[kind] = _Look(paragraph, lead, text_run if kind in FONTS else lead)
    return looks


def _character_style_ids(styles_xml: bytes | None) -> dict[str, str]:
    if not styles_xml:
        return {}
    styles = etree.fromstring(styles_xml, SAFE_PARSER)
    ids: dict[str, str] = {}
    for style in styles.iterfind(f"{{{W}}}style[@{{{W}}}type='character']"):
        name, style_id = style.find(f"{{{W}}}name"), style.get(f"{{{W}}}styleId")
        if name is not None and style_id:
            ids.setdefault(name.get(f"{{{W}}}val", ""), style_id)
    return ids


def _fonts(font: str) -> str:
    value = _attribute(font)
    return f'<w:rFonts w:ascii="{value}" w:hAnsi="{value}" w:eastAsia="{value}" w:cs="{value}"/>'


def _attribute(text: str) -> str:
    return text.translate(ATTRIBUTE_ESCAPES)


def _body_xml(paragraphs: list[BulletinParagraph], looks: dict[str, _Look]) -> list[str]:
    """Each paragraph as WordprocessingML text; an empty line before the closing (GB/T 9704
    leaves one under the text)."""
    indents = _closing_indents(paragraphs)
    result = []
    for index, paragraph in enumerate(paragraphs):
        first_closing = paragraph.kind in indents and (
            index == 0 or paragraphs[index - 1].kind not in indents
        )
        if first_closing:
            result.append(_empty(looks[BODY]))
        result.append(_paragraph(paragraph, looks[paragraph.kind], indents.get(paragraph.kind)))
    return result


def _closing_indents(paragraphs: list[BulletinParagraph]) -> dict[str, int]:
    """Right indents of the closing lines in twips: the date four characters in; the issuer
    centred over the date (its right indent half their difference in width more, never
    less than none)."""
    texts = {p.kind: p.text for p in paragraphs if p.kind in (ISSUER, DATE)}
    if DATE not in texts:
        return {}
    date = text_width(texts[DATE])
    indents = {DATE: round(DATE_RIGHT_CHARS * CHARACTER)}
    if ISSUER in texts:
        issuer = text_width(texts[ISSUER])
        issuer_right = max(0.0, DATE_RIGHT_CHARS + (date - issuer) / 2)
        indents[ISSUER] = round(issuer_right * CHARACTER)
    return indents


def _empty(look: _Look) -> str:
    return f'<w:p xmlns:w="{W}"><w:pPr>{look.paragraph}</w:pPr></w:p>'


def _paragraph(paragraph: BulletinParagraph, look: _Look, right: int | None) -> str:
    properties = look.paragraph
    if right is not None:
        indent = f'<w:ind w:right="{right}" w:firstLineChars="0" w:firstLine="0"/>'
        properties = _with_indent(properties, indent)
    runs = "".join(
        f'<w:r>{run}<w:t xml:space="preserve">{escape_text(text)}</w:t></w:r>'
        for text, run in ((paragraph.lead, look.lead_run), (paragraph.text, look.text_run))
        if text
    )
    return f'<w:p xmlns:w="{W}"><w:pPr>{properties}</w:pPr>{runs}</w:p>'


def _with_indent(properties: str, indent: str) -> str:
    """Paragraph properties with `indent` in place of theirs (after pStyle and spacing, before
    jc: the schema's order)."""
    properties = re.sub(r"<w:ind [^>]*/>", "", properties)
    if "<w:jc " in properties:
        return properties.replace("<w:jc ", f"{indent}<w:jc ", 1)
    return properties + indent


def write_bulletin_text(title: str, body: str) -> bytes:
    """The bulletin as UTF-8 text: the title, an empty line, the body."""
    return f"{clean_text(title).strip()}\n\n{clean_text(body).strip()}\n".encode()
