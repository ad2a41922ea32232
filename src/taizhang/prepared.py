"""Queries of a fixed shape that the ORM builds and compiles once per process and shape, then
runs again with other values: building and compiling a query costs Django 0.3-1 ms, more
than SQLite takes to answer the small queries of a page (`Prepared`). Only for queries whose
columns the database driver returns as Python wants them (integers, text): the rows come
from the cursor as they are, without the ORM's converters."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# The values a query is first built with, each a different integer no id or count takes, so
# that each can be found again among the compiled query's parameters.
_FIRST_MARK = -1_000_000_007

Value = int | Sequence[int]


class Prepared:
    """A query built by `build` from integers and lists of integers: compiled the first
    time for each shape of its values (which are lists, and how long), then run with the
    values put in its parameters. `build` must use each value as a parameter of the query,
    and nothing but the values may change the SQL it makes (checked when compiled)."""

    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, tuple[int, ...]], tuple[str, str, list[Any]]] = {}

    def rows(self, *values: Value) -> list[tuple[Any, ...]]:
        """The rows of the query for these values, as the driver returns them."""
        shape = tuple(-1 if isinstance(value, int) else len(value) for value in values)
        key = (_vendor(), shape)
        if key not in self._compiled:
            self._compiled[key] = self._compile(shape)
        alias, sql, template = self._compiled[key]
        flat = [v for value in values for v in ((value,) if isinstance(value, int) else value)]
        params = [flat[p.index] if isinstance(p, _Slot) else p for p in template]
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            found: list[tuple[Any, ...]] = cursor.fetchall()
            return found

    def _compile(self, shape: tuple[int, ...]) -> tuple[str, str, list[Any]]:
        marks = iter(range(_FIRST_MARK, _FIRST_MARK - 1_000_000, -1))
        args: list[Any] = []
        slots: dict[int, _Slot] = {}
        for size in shape:
            count = 1 if size < 0 else size
            chosen = [next(marks) for _ in range(count)]
            for mark in chosen:
                slots[mark] = _Slot(len(slots))
            args.append(chosen[0] if size < 0 else chosen)
        queryset = self._build(*args)
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        template = [slots.get(p, p) if isinstance(p, int) else p for p in params]
        used = {p.index for p in template if isinstance(p, _Slot)}
        if used != set(range(len(slots))):
            raise ValueError("Prepared: a value is not a parameter of the query it built")
        return queryset.db, sql, template


class _Slot:
    """Where a value goes among a compiled query's parameters: its index among the values
    (lists spread out)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _vendor() -> str:
    return connections["default"].vendor
