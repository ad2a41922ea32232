"""Text for XML written as strings, as the .docx and .xlsx writers build their tables: what
XML 1.0 cannot hold dropped, markup characters escaped, and the pieces joined into chunks of
bytes to compress as they come. Text reaches XML text only through here (or lxml)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Final

# Characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped;
# a carriage return ends a paragraph like a newline.
_FORBIDDEN = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000)]
_CLEAN: Final[dict[int, str | None]] = {
    **dict.fromkeys([*_FORBIDDEN, 0xFFFE, 0xFFFF]),
    ord("\r"): "\n",
}
# A `str.translate` table: `_CLEAN`, and & < > escaped.
TEXT_ESCAPES: Final = {**_CLEAN, ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
# What `_CLEAN` changes: most texts have none of it, and searching for it is many times faster
# than translating every text character by character.
_UNCLEAN: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")
# Text joined before it is encoded and compressed: big enough that the per-call costs vanish,
# small enough to be nothing beside a big table.
CHUNK: Final = 1 << 16


def clean_text(text: str) -> str:
    """Text without the characters XML 1.0 forbids, line ends as \\n: safe for lxml to set as
    an element's text (it escapes the rest itself)."""
    return text.replace("\r\n", "\n").translate(_CLEAN)


def escape_text(text: str) -> str:
    """`clean_text` text with & < > escaped, ready for an XML text node written as a string.
    Does not escape quotes: not for attribute values (see `docx_package.ATTRIBUTE_ESCAPES`)."""
    if _UNCLEAN.search(text):
        text = clean_text(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chunked(texts: Iterable[str]) -> Iterator[bytes]:
    """The texts as UTF-8, joined into chunks of about `CHUNK` characters, as they come."""
    batch: list[str] = []
    size = 0
    for text in texts:
        batch.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(batch).encode()
            batch, size = [], 0
    if batch:
        yield "".join(batch).encode()
