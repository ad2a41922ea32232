"""People (牵头领导) and units (责任单位): normalise names and split multi-name cells."""

import re
import unicodedata
from collections.abc import Callable

_WHITESPACE = re.compile(r"\s+")
# Word cells break lines with any of these; NFKC leaves them alone.
_LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
# After NFKC the full-width ，；／ have become , ; / so only the ASCII forms are listed.
_PEOPLE_SEPARATORS = _LINE_BREAKS + "、,;/"
_UNIT_SEPARATORS = _LINE_BREAKS + "、,;"
_OPENING_BRACKETS = "(（[【《〔"
_CLOSING_BRACKETS = ")）]】》〕"
# Whitespace in front of a bracket belongs to the name before it: "宣传部 （网信办）".
_SPACE_BEFORE_BRACKET = re.compile(rf"\s+(?=[{re.escape(_OPENING_BRACKETS)}])")
_MIN_SPLIT_PIECE = 2


def normalize_person(name: str) -> str:
    """Canonical form of a person's name: NFKC with all whitespace removed.

    Offices pad two-character names to the width of three ("谭  江", "谭\u3000江"), so any
    whitespace inside a single name is layout, not content.
    """
    return _nfkc_without_whitespace(name)


def _nfkc_without_whitespace(text: str) -> str:
    """NFKC, whitespace removed, NFKC again.

    The second pass keeps the result stable under repeated normalisation: NFKC can decompose
    a character into a space plus a combining mark ("´"), and once the space is gone the mark
    may compose with the character before it.
    """
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFKC", compact)


def normalize_unit(name: str) -> str:
    """Canonical form of a unit's name: NFKC, no whitespace, full-width brackets （）.

    NFKC turns （） into ASCII (); they are turned back because Chinese unit names are
    written with full-width brackets ("市委宣传部（网信办）").
    """
    return _nfkc_without_whitespace(name).replace("(", "（").replace(")", "）")


def split_people(cell: str) -> list[str]:
    """Split a 牵头领导 cell into normalised names, in order, without duplicates or empties.

    Splits on line breaks and 、，,；;/ and on whitespace only when every whitespace-separated
    piece has at least two characters ("张宏义 李拴根" is two people, "谭  江" is one).
    """
    return _split_cell(cell, _PEOPLE_SEPARATORS, normalize_person)


def split_units(cell: str) -> list[str]:
    """Split a 责任单位 cell into normalised unit names, in order, without duplicates or empties.

    Same rules as split_people without "/", except that nothing inside brackets is a
    separator: "市委宣传部（网信办、文明办）" is one unit.
    """
    return _split_cell(cell, _UNIT_SEPARATORS, normalize_unit)


def _split_cell(cell: str, separators: str, normalize: Callable[[str], str]) -> list[str]:
    """Shared splitting: separators, then whitespace between long pieces, then dedupe."""
    text = _SPACE_BEFORE_BRACKET.sub("", unicodedata.normalize("NFKC", cell))
    names: list[str] = []
    for segment in _split_outside_brackets(text, separators):
        names.extend(normalize(piece) for piece in _split_on_whitespace(segment))
    return list(dict.fromkeys(name for name in names if name))


def _split_on_whitespace(segment: str) -> list[str]:
    """Pieces between whitespace if all have >= 2 characters, else the whole segment."""
    pieces = _split_outside_brackets(_WHITESPACE.sub(" ", segment.strip()), " ")
    if len(pieces) > 1 and all(len(piece) >= _MIN_SPLIT_PIECE for piece in pieces):
        return pieces
    return [segment]


def _split_outside_brackets(text: str, separators: str) -> list[str]:
    """Split text at separator characters that are not inside brackets.

    Unbalanced brackets would otherwise swallow the rest of the cell, so when the brackets
    do not balance they are ignored and every separator splits.
    """
    respect_brackets = _brackets_balance(text)
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth = _next_depth(depth, char) if respect_brackets else 0
        if depth == 0 and char in separators:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def _next_depth(depth: int, char: str) -> int:
    """Bracket nesting depth after reading char."""
    if char in _OPENING_BRACKETS:
        return depth + 1
    if char in _CLOSING_BRACKETS:
        return depth - 1
    return depth


def _brackets_balance(text: str) -> bool:
    """True when every closing bracket closes an earlier opening one and none stays open."""
    depth = 0
    for char in text:
        depth = _next_depth(depth, char)
        if depth < 0:
            return False
    return depth == 0
