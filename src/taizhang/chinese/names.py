"""People (牵头领导) and units (责任单位): normalise names and split multi-name cells."""

import re
import unicodedata

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
# Brackets closing a name that annotate it rather than name it: a unit's part in the task
# ("卫健委（牵头）") or a person's office ("张宏义（常务副市长）"). Brackets that are part of a
# unit's name ("市委宣传部（网信办）") hold neither and stay.
_ANNOTATION = re.compile(r"\(([^()]{1,12})\)$")  # after NFKC, （） are ()
_ROLE_WORDS = {"牵头": "lead", "主办": "lead", "配合": "co", "协办": "co"}
# 市长, 副市长, 县长, 区长, 局长, 秘书长... all end in 长.
_TITLE_ENDINGS = ("长", "书记", "主任")
_NOT_IN_A_TITLE = re.compile(r"[、,;/:]")
# A position, not a person: a place or office, then 长 / 书记 / 主任 ("县长", "局党组书记",
# "常务副市长"); a name that merely ends in 长 ("张国长") is none.
_POSITION = re.compile(
    r"^(?:.*(?:省|市|州|县|区|镇|乡|街道|村|局|委|厅|部|处|科|室|院|所|副|常务|党组|党委|"
    r"党工委|政府|管委会))?(?:长|书记|主任|副主任|秘书长)$"
)


def normalize_person(name: str) -> str:
    """Canonical form of a person's name: NFKC with all whitespace removed, and without a
    title in brackets after it ("张宏义（常务副市长）" -> "张宏义", see `_without_annotations`).

    Offices pad two-character names to the width of three ("谭  江", "谭\u3000江"), so any
    whitespace inside a single name is layout, not content.
    """
    return _without_annotations(_nfkc_without_whitespace(name))[0]


def _nfkc_without_whitespace(text: str) -> str:
    """NFKC, whitespace removed, NFKC again.

    The second pass keeps the result stable under repeated normalisation: NFKC can decompose
    a character into a space plus a combining mark ("´"), and once the space is gone the mark
    may compose with the character before it.
    """
    compact = _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))
    return unicodedata.normalize("NFKC", compact)


def normalize_unit(name: str) -> str:
    """Canonical form of a unit's name: NFKC, no whitespace, full-width brackets （）, and
    without a role or title in brackets after it ("卫健委（牵头）" -> "卫健委", see
    `_without_annotations`).

    NFKC turns （） into ASCII (); they are turned back because Chinese unit names are
    written with full-width brackets ("市委宣传部（网信办）").
    """
    return _unit_and_role(name)[0]


def _unit_and_role(name: str) -> tuple[str, str | None]:
    """A unit's canonical name and the role its bracketed annotations give (None if none)."""
    compact, notes = _without_annotations(_nfkc_without_whitespace(name))
    role = next((_ROLE_WORDS[note] for note in notes if note in _ROLE_WORDS), None)
    return compact.replace("(", "（").replace(")", "）"), role


def _without_annotations(name: str) -> tuple[str, list[str]]:
    """Strip the bracketed annotations closing an NFKC name, last first, returning the name and
    the annotations stripped.

    An annotation is exactly a role word (牵头, 主办, 配合, 协办) or one position title (ending
    in 长, 书记 or 主任: 市长, 常务副市长, 局长, 秘书长...). Anything else in brackets is part
    of the name ("市委宣传部（网信办）"). A name is never stripped to nothing, nor to
    unbalanced brackets.
    """
    notes: list[str] = []
    while (found := _ANNOTATION.search(name)) is not None:
        rest, note = name[: found.start()], found.group(1)
        if not (rest and _brackets_balance(rest) and _is_annotation(note)):
            break
        name = rest
        notes.append(note)
    return name, notes


def _is_annotation(note: str) -> bool:
    """True for a role word or a single position title."""
    if note in _ROLE_WORDS:
        return True
    return note.endswith(_TITLE_ENDINGS) and not _NOT_IN_A_TITLE.search(note)


def split_people(cell: str) -> list[str]:
    """Split a 牵头领导 cell into normalised names, in order, without duplicates or empties.

    Splits on line breaks and 、，,；;/ and on whitespace only when every whitespace-separated
    piece has at least two characters ("张宏义 李拴根" is two people, "谭  江" is one). A
    position written beside a name ("县长 李刚") is left out.
    """
    pieces = [normalize_person(piece) for piece in _split_cell(cell, _PEOPLE_SEPARATORS)]
    names = [piece for piece in pieces if piece]
    # "县长 李刚", "局党组书记 陈刚": the title written beside the name is no person.
    people = [name for name in names if not _POSITION.search(name)]
    return list(dict.fromkeys(people or names))


def split_units(cell: str) -> list[str]:
    """Split a 责任单位 cell into normalised unit names, in order, without duplicates or empties.

    Same rules as split_people without "/", except that nothing inside brackets is a
    separator: "市委宣传部（网信办、文明办）" is one unit.
    """
    return [name for name, _ in split_units_with_roles(cell)]


def split_units_with_roles(cell: str) -> list[tuple[str, str | None]]:
    """Split a 责任单位 cell like split_units, giving each unit the role its brackets hint:
    "lead" for （牵头） or （主办）, "co" for （配合） or （协办）, None otherwise.

    "卫健委（牵头）、教体局（配合）、医保局" -> [("卫健委", "lead"), ("教体局", "co"),
    ("医保局", None)]. A unit named twice keeps its first place and the first hint given.
    """
    roles: dict[str, str | None] = {}
    for piece in _split_cell(cell, _UNIT_SEPARATORS):
        name, role = _unit_and_role(piece)
        if name and roles.get(name) is None:
            roles[name] = role
    return list(roles.items())


def _split_cell(cell: str, separators: str) -> list[str]:
    """Shared splitting: separators, then whitespace between long pieces. The pieces are
    NFKC but not yet normalised."""
    text = _SPACE_BEFORE_BRACKET.sub("", unicodedata.normalize("NFKC", cell))
    return [
        piece
        for segment in _split_outside_brackets(text, separators)
        for piece in _split_on_whitespace(segment)
    ]


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


# A phrase naming many units at once ("各乡镇", "市直各单位", "有关单位", "相关乡镇（街道）"):
# it stays in the ledger as written, but no one reports as it (see docs/chinese-rules.md).
_COLLECTIVE = re.compile(
    r"^(?:各|(?:[省市州盟县区旗]直|[省市州盟县区旗]级|全[省市县区]|驻[^各]{1,6})?各"
    r"|(?:[省市州盟县区旗]直)?(?:有关|相关|涉及|属地|其他|其它|全体|所有|其余)"
    r"|[省市州盟县区旗]直)"
    r".{0,10}?(?:单位|部门|机关|乡镇|乡|镇|街道|办事处|县区|县|区|市|村|社区|企业|学校|成员单位)"
    r"(?:（[^（）]*）)?(?:等)?$"
)


def is_collective_unit(name: str) -> bool:
    """True for a phrase naming many units at once rather than one unit: 各乡镇, 各县区,
    各街道, 各乡镇（街道）, 各县（市、区）, 各有关单位, 市直各单位, 县直有关部门, 有关单位,
    相关乡镇, 属地乡镇, 其他成员单位. Assumes nothing about normalisation (it normalises).

    A unit's own name never starts with 各, 有关, 相关, 涉及, 属地, 其他, 全体 or 所有, nor is
    it 市直/县直 and a kind of unit alone; "市直机关工委" is one unit (it does not end in a
    kind of unit).
    """
    return _COLLECTIVE.match(normalize_unit(name)) is not None
