"""Queries of a fixed shape that the ORM builds and compiles once per process and shape, then
runs again with other values: building and compiling a query costs Django 0.3-1 ms, more
than SQLite takes to answer the small queries of a page (`Prepared`). `rows()` gives the rows
as the driver returns them, without the ORM's converters (for integers and text);
`values()` applies them to the rows; `objects()` gives model instances with them. A value is
an integer, a text compared as it is (a key), a list of integers (a parameter each) or `Ids`
(a list as one parameter, as `id_list` names it); a query made `paged` takes its LIMIT and
OFFSET as parameters too."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import (  # type: ignore[attr-defined]
    ModelIterable,
    get_related_populators,
)

# The values a query is first built with, each a different integer no id or count takes, so
# that each can be found again among the compiled query's parameters.
_FIRST_MARK = -1_000_000_007


class Ids:
    """A list of ids given to a `Prepared` query as one parameter: its `build` gets a list
    and names it with `id_list` (so the query is compiled once whatever the number of ids)."""

    __slots__ = ("ids",)

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids = ids


Value = int | str | Sequence[int] | Ids
# The shape of an integer value, of an `Ids` and of a text (a list's is its length).
_ONE, _IDS, _TEXT = -1, -2, -3


class Prepared:
    """A query built by `build` from integers, lists of integers and `Ids`: compiled the
    first time for each shape of its values (which are lists, and how long), then run with
    the values put in its parameters. `build` must use each value as a parameter of the
    query, and nothing but the values may change the SQL it makes (checked when compiled).
    `paged`: the query's rows are asked a page at a time (`start`, `end`), its LIMIT and
    OFFSET parameters of the SQL compiled once (Django writes them into the SQL)."""

    def __init__(self, build: Callable[..., QuerySet[Any]], *, paged: bool = False) -> None:
        self._build = build
        self._paged = paged
        self._compiled: dict[tuple[str, tuple[int, ...]], _Compiled] = {}

    def rows(self, *values: Value, start: int = 0, end: int | None = None) -> list[tuple[Any, ...]]:
        """The rows of the query for these values, as the driver returns them (of a `paged`
        query, rows `start` to `end`)."""
        return self._run(values, start, end)[1]

    def values(
        self, *values: Value, start: int = 0, end: int | None = None
    ) -> list[tuple[Any, ...]]:
        """The rows as `values_list` gives them: each column through the ORM's converters
        (dates, decimals, booleans on SQLite)."""
        compiled, found = self._run(values, start, end)
        if compiled.compiler.has_extra_select:
            raise ValueError("Prepared: a query that selects more than its columns")
        if compiled.converters:
            return [
                tuple(row) for row in compiled.compiler.apply_converters(found, compiled.converters)
            ]
        return found

    def objects(self, *values: Value) -> list[Any]:
        """The model instances of the query for these values, as the ORM makes them: each
        column through the ORM's converters (dates, times, decimals, JSON) and the instance
        through `Model.from_db`, with the objects of its `select_related` as Django puts them
        on it. For a query of one model's own fields and those (no `values()` or
        annotations: refused)."""
        compiled, found = self._run(values, 0, None)
        if compiled.names is None:
            raise ValueError("Prepared: not a query of one model's fields")
        model, alias, names = compiled.model, compiled.alias, compiled.names
        converters = compiled.converters
        if converters:
            found = list(compiled.compiler.apply_converters(found, converters))
        width = len(names)
        objects = []
        for row in found:
            instance = model.from_db(alias, names, row[:width])
            for populator in compiled.related:
                populator.populate(row, instance)
            objects.append(instance)
        return objects

    def _run(
        self, values: tuple[Value, ...], start: int, end: int | None
    ) -> tuple[_Compiled, list[tuple[Any, ...]]]:
        vendor = _vendor()
        shape = tuple(_shape(value) for value in values)
        key = (vendor, shape)
        if key not in self._compiled:
            self._compiled[key] = self._compile(shape)
        compiled = self._compiled[key]
        flat = [v for value in values for v in _spread(value, vendor)]
        params = [flat[p.index] if isinstance(p, _Slot) else p for p in compiled.template]
        if self._paged:
            if end is None or not 0 <= start <= end:
                raise ValueError("Prepared: a paged query is asked for rows start to end")
            params += [end - start, start]
        elif start or end is not None:
            raise ValueError("Prepared: rows start to end of a query that is not paged")
        with connections[compiled.alias].cursor() as cursor:
            cursor.execute(compiled.sql, params)
            found: list[tuple[Any, ...]] = cursor.fetchall()
            return compiled, found

    def _compile(self, shape: tuple[int, ...]) -> _Compiled:
        marks = iter(range(_FIRST_MARK, _FIRST_MARK - 1_000_000, -1))
        args: list[Any] = []
        slots: dict[int, _Slot] = {}
        # An `Ids` value's parameter as `id_list` writes it, a text's as it is (a mark no text
        # holds: a NUL, which no database stores in text).
        lists: dict[str, _Slot] = {}
        for size in shape:
            count = 1 if size < 0 else size
            chosen = [next(marks) for _ in range(count)]
            for mark in chosen:
                slots[mark] = _Slot(len(slots) + len(lists))
            if size == _IDS:
                lists[repr(_id_param(chosen, _vendor()))] = slots.pop(chosen[0])
            elif size == _TEXT:
                lists[repr(f"\x00{chosen[0]}")] = slots.pop(chosen[0])
            if size == _TEXT:
                args.append(f"\x00{chosen[0]}")
            else:
                args.append(chosen if size >= 0 or size == _IDS else chosen[0])
        queryset = self._build(*args)
        if self._paged and queryset.query.is_sliced:
            raise ValueError("Prepared: a paged query is built without its slice")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        template = [_slot(p, slots, lists) for p in params]
        used = {p.index for p in template if isinstance(p, _Slot)}
        if used != set(range(len(slots) + len(lists))):
            raise ValueError("Prepared: a value is not a parameter of the query it built")
        if self._paged:
            sql += " LIMIT %s OFFSET %s"
        return _Compiled(queryset, compiler, sql, template)


class _Compiled:
    """A query compiled for one shape of its values: its SQL, its parameters (a `_Slot` where
    a value goes), and what `Prepared.objects` needs to make instances of its rows: the
    columns' converters and, for a query of one model's own fields, their attribute names
    (else None), as Django's `ModelIterable` works them out."""

    def __init__(
        self, queryset: QuerySet[Any], compiler: Any, sql: str, template: list[Any]
    ) -> None:
        self.alias: str = queryset.db
        self.model = queryset.model
        self.compiler = compiler
        self.sql = sql
        self.template = template
        select = compiler.select
        self.converters = compiler.get_converters([column for column, _sql, _alias in select])
        info = compiler.klass_info
        self.names: list[str] | None = None
        self.related: list[Any] = []  # Django's populators of the `select_related` objects
        if (
            queryset._iterable_class is ModelIterable
            and info is not None
            and not compiler.annotation_col_map
            and list(info["select_fields"]) == list(range(len(info["select_fields"])))
        ):
            own = select[: len(info["select_fields"])]
            self.names = [column.target.attname for column, _sql, _alias in own]
            self.related = get_related_populators(info, select, self.alias)


class _Slot:
    """Where a value goes among a compiled query's parameters: its index among the values
    (lists spread out)."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


def _shape(value: Value) -> int:
    if isinstance(value, int):
        return _ONE
    if isinstance(value, Ids):
        return _IDS
    if isinstance(value, str):
        return _TEXT
    return len(value)


def _spread(value: Value, vendor: str) -> Sequence[Any]:
    """A value as the parameters it fills."""
    if isinstance(value, int | str):
        return (value,)
    if isinstance(value, Ids):
        return (_id_param(value.ids, vendor),)
    return value


def _slot(param: Any, slots: dict[int, _Slot], lists: dict[str, _Slot]) -> Any:
    """A compiled query's parameter, or the slot of the value that it is."""
    if isinstance(param, int) and not isinstance(param, bool):
        return slots.get(param, param)
    if isinstance(param, str | list):
        return lists.get(repr(param), param)
    return param


def keep_prefetched(instance: Model, name: str, found: list[Any]) -> None:
    """Keep `found`, the objects of `instance`'s reverse relation `name` (read by a
    `Prepared` query), where `instance.<name>.all()` gives them, as `prefetch_related`
    leaves them: the related manager's query holding them as its result, and each of them
    knowing `instance` as its related object."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = found
    queryset._prefetch_done = True
    for item in found:
        manager.field.set_cached_value(item, instance)
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # type: ignore[attr-defined]
    cache = instance._prefetched_objects_cache  # type: ignore[attr-defined]
    cache[manager.field.remote_field.cache_name] = queryset


def id_list(ids: Sequence[int], using: str = "default") -> RawSQL:
    """These ids as a subquery of one parameter, for `pk__in=`: a JSON array read by
    `json_each` on SQLite, an array on PostgreSQL. Django prepares each value of a list
    given to `__in`, in each query that names it, and SQLite binds each; one parameter costs
    neither (a reporter's count of 455 tasks, 1.9 -> 1.6 ms)."""
    vendor = connections[using].vendor
    if vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", (_id_param(ids, vendor),))
    return RawSQL("SELECT value FROM json_each(%s)", (_id_param(ids, vendor),))


def _id_param(ids: Sequence[int], vendor: str) -> Any:
    """The parameter `id_list` gives the ids as."""
    return list(ids) if vendor == "postgresql" else json.dumps(list(ids))


def _vendor() -> str:
    return connections["default"].vendor
