"""What the figure reader finds in one cell, as the rule tests compare it."""

from decimal import Decimal

from taizhang.chinese.quantities import find_quantities


def read(text: str, cell: str = "progress") -> list[tuple[str, Decimal, str, str]]:
    """(subject, value, unit, kind) of each figure; a progress cell's default kind is actual."""
    kind = "actual" if cell == "progress" else "target"
    return [(q.subject, q.value, q.unit, q.kind) for q in find_quantities(text, default_kind=kind)]


def subjects(text: str, cell: str = "progress") -> list[str]:
    return [subject for subject, *_ in read(text, cell)]
