"""The GB fonts Chinese official documents name, and what stands in for them where they are
not installed: one table (`GB_FONTS`) read by every .docx writer (the font table each .docx
carries, `with_gb_fonts`) and by the PDF conversion (the fontconfig aliases LibreOffice is run
with, `fontconfig_xml`).

Word reads a font's `w:altName` (and, failing that, its panose, family and character set) to
choose a substitute: 仿宋 and 楷体 ship with Windows, the _GB2312 variants often do not.
LibreOffice 7.4 ignores `w:altName` and asks fontconfig for the font by name; a machine
without the GB fonts then gets its default Chinese face (Noto Sans CJK SC where
fonts-noto-cjk is installed) for every style. The aliases of `fontconfig_xml` make the
serif styles serif there (Noto Serif CJK SC), as `docs/exports.md` describes."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Final

from taizhang.documents.xml_text import escape_text

FONT_TABLE_PART: Final = "word/fontTable.xml"
_W: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@dataclass(frozen=True)
class GbFont:
    """A font an official document names: Word's substitute (`alt_name`), the hints Word
    matches a substitute by (panose, family, character set), and the look-alikes in the
    order a machine without it should try them (Windows names, then free fonts)."""

    name: str
    alt_name: str
    family: str
    panose: str
    look_alikes: tuple[str, ...]
    charset: str = "86"  # GB2312


GB_FONTS: Final = (
    GbFont(
        "仿宋_GB2312",
        "仿宋",
        "roman",
        "02010609030101010101",
        ("仿宋", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    ),
    GbFont(
        "楷体_GB2312",
        "楷体",
        "roman",
        "02010609030101010101",
        ("楷体", "KaiTi", "AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC"),
    ),
    GbFont(
        "方正小标宋简体",
        "宋体",
        "roman",
        "02000000000000000000",
        ("方正小标宋_GBK", "华文中宋", "STZhongsong", "Noto Serif CJK SC", "宋体", "SimSun"),
    ),
    GbFont(
        "宋体",
        "SimSun",
        "roman",
        "02010600030101010101",
        ("SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    ),
    GbFont(
        "黑体",
        "SimHei",
        "swiss",
        "02010609060101010101",
        ("SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    ),
    GbFont("Times New Roman", "", "roman", "02020603050405020304", (), charset="00"),
)
_BY_NAME: Final = {font.name: font for font in GB_FONTS}
_FONT_ENTRY: Final = re.compile(rb'<w:font w:name="([^"]*)"\s*(?:/>|>.*?</w:font>)', re.DOTALL)


def font_entry(font: GbFont) -> str:
    """The font's `w:font` element of word/fontTable.xml."""
    alt = f'<w:altName w:val="{escape_text(font.alt_name)}"/>' if font.alt_name else ""
    return (
        f'<w:font w:name="{escape_text(font.name)}">{alt}'
        f'<w:panose1 w:val="{font.panose}"/><w:charset w:val="{font.charset}"/>'
        f'<w:family w:val="{font.family}"/><w:pitch w:val="variable"/></w:font>'
    )


def font_table() -> bytes:
    """A word/fontTable.xml naming the GB fonts, each with its substitute and hints."""
    entries = "".join(font_entry(font) for font in GB_FONTS)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<w:fonts xmlns:w="{_W}">{entries}</w:fonts>'
    ).encode()


def with_gb_fonts(package: dict[str, bytes]) -> None:
    """Make the package's font table name the GB fonts with their substitutes, in place: an
    entry of the same name is replaced, the others (an office template's own) kept. A package
    without a font table (Word makes one on saving) is left alone: adding a part would mean
    adding its relationship and content type too."""
    table = package.get(FONT_TABLE_PART)
    if table is None:
        return
    kept = [m.group(0) for m in _FONT_ENTRY.finditer(table) if m.group(1).decode() not in _BY_NAME]
    close = table.rfind(b"</w:fonts>")
    start = re.search(rb"<w:fonts\b[^>]*>", table)
    if close < 0 or start is None:
        package[FONT_TABLE_PART] = font_table()
        return
    ours = "".join(font_entry(font) for font in GB_FONTS).encode()
    package[FONT_TABLE_PART] = table[: start.end()] + ours + b"".join(kept) + table[close:]


def docx_with_gb_fonts(data: bytes) -> bytes:
    """A .docx (bytes, e.g. python-docx's) with `with_gb_fonts` applied to its font table;
    the other parts copied as they are. For small documents: the parts are read whole."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    with_gb_fonts(parts)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return output.getvalue()


def fontconfig_xml(system_config: str = "/etc/fonts/fonts.conf") -> str:
    """A fontconfig configuration: the system's, plus each GB font's look-alikes accepted
    right after it, in order, when it is asked for (a machine with the GB font still uses it:
    the font asked for stays first). Given to LibreOffice when it writes a PDF, and the
    snippet an office can install on a 麒麟 / UOS desktop (docs/exports.md)."""
    aliases = "".join(
        f'<alias binding="same"><family>{escape_text(font.name)}</family><accept>'
        + "".join(f"<family>{escape_text(name)}</family>" for name in font.look_alikes)
        + "</accept></alias>"
        for font in GB_FONTS
        if font.look_alikes
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        f'<include ignore_missing="yes">{escape_text(system_config)}</include>'
        f"{aliases}</fontconfig>\n"
    )
