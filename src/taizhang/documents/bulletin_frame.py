"""What stands around a bulletin's text as GB/T 9704-2012 (党政机关公文格式) sets it: the
版头 above the title and the 版记 at the foot of the last page, as WordprocessingML.

版头, in one of two forms:
- the masthead (督查通报 style, as offices print their 督查通报 and 简报): the 发文机关标志
  ("督查通报") in red 小标宋 centred; "第N期" centred under it; the 发文字号 (when there is
  one) centred; the issuing body flush left and the date flush right on one line; a red rule
  the width of the text under that line (7.2.4, 7.2.5, 7.2.7);
- plain (a 文件 without a masthead): only the 发文字号, flush right above the title, as in
  the 信函 form (10.1), when there is one.

版记 (7.4): a box the width of the text at the foot of the last page, thick rules above
its first and under its last line, a thin one between: "抄送：……。" (4号 仿宋, one character
in on both sides, a long list wrapping under its first name), then the 印发机关 one
character in on the left and "2021年11月10日印发" one character in on the right.

Pure: knows nothing of ledgers or the database."""

from __future__ import annotations

import datetime
import math
import unicodedata
from dataclasses import dataclass
from typing import Final

from taizhang.documents.docx_package import ATTRIBUTE_ESCAPES, W, escape_text

MASTHEAD, PLAIN = "masthead", "plain"
FORMS: Final = (MASTHEAD, PLAIN)
DEFAULT_MARK: Final = "督查通报"
RED: Final = "FF0000"
MARK_SIZE: Final = 42  # 初号, in points: the 发文机关标志 of a 简报-style masthead
BODY_SIZE: Final = 16  # 三号
COLOPHON_SIZE: Final = 14  # 四号
BODY_FONT: Final = "仿宋_GB2312"
MARK_FONT: Final = "方正小标宋简体"
# Rules in eighths of a point: the red rule of the masthead; the 版记's thick (0.35 mm) and
# thin (0.25 mm) ones.
RED_RULE: Final = 12
THICK_RULE: Final = 8
THIN_RULE: Final = 6
COLOPHON_CHAR: Final = COLOPHON_SIZE * 20  # one character of the 版记, in twips


@dataclass(frozen=True)
class Masthead:
    """The 版头: its form, the 发文机关标志, 期号, 发文字号, issuing body and date."""

    form: str = MASTHEAD
    mark: str = DEFAULT_MARK
    issue_number: int | None = None
    doc_number: str = ""
    issuer: str = ""
    date: datetime.date | None = None


@dataclass(frozen=True)
class Colophon:
    """The 版记: 抄送机关 (as written, "、" or "，" between them), 印发机关 and 印发日期. Empty
    (no 抄送 and no 印发机关) gives no 版记."""

    cc: str = ""
    printer: str = ""
    printed_on: datetime.date | None = None

    @property
    def empty(self) -> bool:
        return not (self.cc.strip() or self.printer.strip())


def document_date(day: datetime.date) -> str:
    """A date as a 公文 writes it, in Arabic numerals (GB/T 9704 7.3.5.4): 2021年11月5日."""
    return f"{day.year}年{day.month}月{day.day}日"


_CC_SEPARATORS: Final = frozenset("、，,；;")
_OPENING: Final = frozenset("（(〔[【")
_CLOSING: Final = frozenset("）)〕]】")


def cc_names(cc: str) -> list[str]:
    """The 抄送机关 as typed, separated by 、 ， , or ； — but not inside a name's brackets:
    "各县（市、区）人民政府" is one name."""
    names: list[str] = []
    current: list[str] = []
    depth = 0
    for char in cc:
        depth += (char in _OPENING) - (char in _CLOSING and depth > 0)
        if depth == 0 and char in _CC_SEPARATORS:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    stripped = (name.strip().rstrip("。.").strip() for name in names)
    return [name for name in stripped if name]


def cc_line(cc: str) -> str:
    """ "抄送：A，B，C。" (GB/T 9704-2012 7.4.2: a full-width colon after 抄送, a full stop after
    the last name; the names separated by full-width commas, as its sample shows and as the
    标点符号用法 has a pause between items of one level), whatever separated them as typed;
    a 、 inside a name's brackets (各县（市、区）) stays."""
    return f"抄送：{'，'.join(cc_names(cc))}。"


def masthead_xml(masthead: Masthead, width: int) -> list[str]:
    """The 版头's paragraphs, to stand before the title; `width` is the text width in twips."""
    if masthead.form == PLAIN:
        if not masthead.doc_number.strip():
            return []
        return [_line(masthead.doc_number.strip(), "right"), _blank()]
    paragraphs = [_mark(masthead.mark.strip() or DEFAULT_MARK)]
    if masthead.issue_number is not None:
        paragraphs.append(_line(f"第{masthead.issue_number}期", "center"))
    if masthead.doc_number.strip():
        paragraphs.append(_line(masthead.doc_number.strip(), "center"))
    date = document_date(masthead.date) if masthead.date else ""
    paragraphs.append(_ruled_line(masthead.issuer.strip(), date, width))
    paragraphs.append(_blank())
    return paragraphs


def colophon_xml(colophon: Colophon, width: int) -> list[str]:
    """The 版记 as one paragraph to stand after the text: it anchors a text box the width of
    the text at the foot of the text area of its page (the last), text kept above it, and
    the box holds a table whose borders are the rules (full width, the text one character
    in). Word and LibreOffice both place an anchored box at the page's foot; they ignore a
    floating table's or a frame's position there. Nothing when there is nothing to print."""
    if colophon.empty:
        return []
    rows, lines = [], 1
    if colophon.cc.strip():
        line = cc_line(colophon.cc)
        rows.append(_cc_row(line, width))
        lines += cc_lines(line, width)
    printed = f"{document_date(colophon.printed_on)}印发" if colophon.printed_on else ""
    rows.append(_printed_row(colophon.printer.strip(), printed, width))
    thick = f'w:val="single" w:sz="{THICK_RULE}" w:space="0" w:color="000000"'
    thin = f'w:val="single" w:sz="{THIN_RULE}" w:space="0" w:color="000000"'
    table = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders><w:top {thick}/><w:left w:val="nil"/><w:bottom {thick}/>'
        f'<w:right w:val="nil"/><w:insideH {thin}/><w:insideV w:val="nil"/></w:tblBorders>'
        '<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="0" w:type="dxa"/>'
        '<w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f'<w:tblGrid><w:gridCol w:w="{width}"/></w:tblGrid>{"".join(rows)}</w:tbl>'
        # A cell's text ends with a paragraph: so does a text box's.
        '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        '<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p>'
    )
    box = lines * LINE_HEIGHT + len(rows) * ROW_SPACE + 80
    return [_anchored_box(table, width * EMU_PER_TWIP, box * EMU_PER_TWIP)]


EMU_PER_TWIP: Final = 635
LINE_HEIGHT: Final = 440  # a line of the 版记, exact
ROW_SPACE: Final = 2 * 40 + 40  # the space above and under a row's text, and its rules


def text_width(text: str) -> float:
    """The width of `text` in characters of its size: Chinese full, Latin and digits half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def cc_lines(line: str, width: int) -> int:
    """How many lines "抄送：……。" takes: one character in on both sides, the lines after the
    first under the first name. Rounded up by a character a line, as a full-width
    punctuation mark that cannot begin a line pulls a character down with it."""
    first = (width - 2 * COLOPHON_CHAR) // COLOPHON_CHAR - 1
    rest = first - 3
    remaining = text_width(line) - first
    return 1 + max(0, math.ceil(remaining / rest)) if remaining > 0 else 1


_NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
)


def _anchored_box(content: str, cx: int, cy: int) -> str:
    """A text box holding `content`, anchored to a paragraph of its own, its foot on the foot
    of the text area; where the page has no room left under the text for it, it goes to the
    foot of the next page, a page of its own (as GB/T 9704 wants: 版记 on the last page)."""
    box = (
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        f"</wps:spPr><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="b" anchorCtr="0"><a:noAutofit/></wps:bodyPr></wps:wsp>'
    )
    anchor = (
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        'relativeHeight="251659264" behindDoc="0" locked="0" layoutInCell="0" '
        'allowOverlap="0"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        '<wp:wrapTopAndBottom/><wp:docPr id="9704" name="版记"/><wp:cNvGraphicFramePr/>'
        "<a:graphic><a:graphicData "
        'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"{box}</a:graphicData></a:graphic></wp:anchor>"
    )
    return (
        f"<w:p {_NAMESPACES}><w:pPr>"
        '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
        f'<w:rPr><w:sz w:val="2"/></w:rPr></w:pPr><w:r><w:drawing>{anchor}</w:drawing></w:r></w:p>'
    )


def _run(text: str, font: str, size: int, *, colour: str = "") -> str:
    value = font.translate(ATTRIBUTE_ESCAPES)
    fonts = f'<w:rFonts w:ascii="{value}" w:hAnsi="{value}" w:eastAsia="{value}" w:cs="{value}"/>'
    colour_xml = f'<w:color w:val="{colour}"/>' if colour else ""
    return (
        f"<w:r><w:rPr>{fonts}{colour_xml}"
        f'<w:sz w:val="{size * 2}"/><w:szCs w:val="{size * 2}"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape_text(text)}</w:t></w:r>'
    )


_FLUSH = '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
_LINE = '<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>'


def _mark(text: str) -> str:
    spacing = (
        f'<w:spacing w:before="0" w:after="120" w:line="{MARK_SIZE * 24}" w:lineRule="exact"/>'
    )
    return (
        f'<w:p xmlns:w="{W}"><w:pPr>{spacing}{_FLUSH}<w:jc w:val="center"/></w:pPr>'
        f"{_run(text, MARK_FONT, MARK_SIZE, colour=RED)}</w:p>"
    )


def _line(text: str, align: str) -> str:
    return (
        f'<w:p xmlns:w="{W}"><w:pPr>{_LINE}{_FLUSH}<w:jc w:val="{align}"/></w:pPr>'
        f"{_run(text, BODY_FONT, BODY_SIZE)}</w:p>"
    )


def _blank() -> str:
    return f'<w:p xmlns:w="{W}"><w:pPr>{_LINE}{_FLUSH}</w:pPr></w:p>'


def _ruled_line(issuer: str, date: str, width: int) -> str:
    """The issuing body flush left and the date flush right (a right tab at the text's
    edge), the red rule under them 4 mm (about 11 points) below."""
    rule = (
        f'<w:pBdr><w:bottom w:val="single" w:sz="{RED_RULE}" w:space="4" w:color="{RED}"/></w:pBdr>'
    )
    tabs = f'<w:tabs><w:tab w:val="right" w:pos="{width}"/></w:tabs>'
    text = _run(issuer, BODY_FONT, BODY_SIZE) if issuer else ""
    if date:
        text += f"<w:r><w:tab/></w:r>{_run(date, BODY_FONT, BODY_SIZE)}"
    return (
        f'<w:p xmlns:w="{W}"><w:pPr><w:spacing w:before="240" w:after="0"/>{rule}{tabs}'
        f"{_FLUSH}</w:pPr>{text}</w:p>"
    )


_COLOPHON_LINE = '<w:spacing w:before="40" w:after="40" w:line="440" w:lineRule="exact"/>'


def _cell(paragraph: str, width: int) -> str:
    return (
        f'<w:tr><w:trPr><w:cantSplit/></w:trPr><w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
        f"</w:tcPr>{paragraph}</w:tc></w:tr>"
    )


def _cc_row(line: str, width: int) -> str:
    """抄送 one character in on both sides; a second line starts under the first name (a
    hanging indent of "抄送：")."""
    hang = 3 * COLOPHON_CHAR
    indent = (
        f'<w:ind w:left="{COLOPHON_CHAR + hang}" w:right="{COLOPHON_CHAR}" w:hanging="{hang}"/>'
    )
    paragraph = (
        f'<w:p><w:pPr>{_COLOPHON_LINE}{indent}<w:jc w:val="both"/></w:pPr>'
        f"{_run(line, BODY_FONT, COLOPHON_SIZE)}</w:p>"
    )
    return _cell(paragraph, width)


def _printed_row(printer: str, printed: str, width: int) -> str:
    """印发机关 one character in on the left, 印发日期 one character in on the right."""
    tabs = f'<w:tabs><w:tab w:val="right" w:pos="{width - COLOPHON_CHAR}"/></w:tabs>'
    indent = f'<w:ind w:left="{COLOPHON_CHAR}" w:right="{COLOPHON_CHAR}" w:firstLine="0"/>'
    text = _run(printer, BODY_FONT, COLOPHON_SIZE) if printer else ""
    if printed:
        text += f"<w:r><w:tab/></w:r>{_run(printed, BODY_FONT, COLOPHON_SIZE)}"
    paragraph = f"<w:p><w:pPr>{_COLOPHON_LINE}{tabs}{indent}</w:pPr>{text}</w:p>"
    return _cell(paragraph, width)
