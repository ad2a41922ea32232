"""Which units a bulletin names: the one rule for "a bulletin names a unit", used by the
notifications it sends (notify.events) and by a reporter's home (supervision.todo).

A unit is named when its name appears in the bulletin's title or text as issued and it
serves a current task of the bulletin's ledger; longer names are matched first and taken out
of the text, so that "市水利局" is not also read as "水利局"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Protocol, TypeVar

from taizhang.ledger.models import TaskUnit, Unit
from taizhang.supervision.models import Bulletin


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def names_in(text: str, units: Iterable[N]) -> list[N]:
    """The units whose name appears in `text`, longest names first, each match taken out of
    the text before shorter names are looked for."""
    named = []
    for unit in sorted(units, key=lambda u: -len(u.name)):
        if unit.name and unit.name in text:
            named.append(unit)
            text = text.replace(unit.name, "")
    return named


def _text(bulletin: Bulletin) -> str:
    return f"{bulletin.title}\n{bulletin.body}"


def ledgers_units(ledger_ids: Collection[int]) -> dict[int, list[Unit]]:
    """The units serving a current task (or sub-item) of each of these ledgers, one query."""
    links = (
        TaskUnit.objects.filter(task__ledger_id__in=list(ledger_ids), task__removed_at__isnull=True)
        .values_list("task__ledger_id", "unit_id", "unit__name")
        .distinct()
    )
    found: dict[int, list[Unit]] = defaultdict(list)
    for ledger_id, unit_id, name in links:
        found[ledger_id].append(Unit(pk=unit_id, name=name))
    return found


def bulletin_units(bulletin: Bulletin) -> list[Unit]:
    """The units the bulletin names (see the module), longest names first."""
    units = Unit.objects.filter(
        task_links__task__ledger_id=bulletin.ledger_id, task_links__task__removed_at__isnull=True
    ).distinct()
    return names_in(_text(bulletin), units)


def bulletins_naming(bulletins: Sequence[Bulletin], unit_ids: Collection[int]) -> list[Bulletin]:
    """Those of `bulletins` (their title and body loaded) that name one of these units, in
    their order: one query whatever their number."""
    if not bulletins:
        return []
    units = ledgers_units({bulletin.ledger_id for bulletin in bulletins})
    wanted = set(unit_ids)
    return [
        bulletin
        for bulletin in bulletins
        if any(unit.pk in wanted for unit in names_in(_text(bulletin), units[bulletin.ledger_id]))
    ]
