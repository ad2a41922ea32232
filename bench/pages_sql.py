"""The bare SQL of bench_pages: the rows a ledger page or a task list API request returns,
fetched with a few hand-written queries through the database driver's own (DB-API) cursor,
without the ORM, templates or serialisation. What an application could not do with less.

- ledger page: the count of tasks and sub-items, the page of tasks (with category and, for a
  sub-item, its task's number), their leaders and their units: four queries (five for a
  reporter, whose units are read first, as the page reads them).
- task list API: the count, the page of tasks, leaders, units, the tasks' current sub-items
  with their units, the office's figures and the accepted reports' figures of all of them, the
  ledger's thresholds, the open round and the tasks reported in it: ten queries.

Each function returns the ids of the tasks listed, in order, so the benchmark can check that
the application listed the same ones.
"""

# The queries are put together from fixed fragments and "%s" placeholders; every value is
# passed as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TASK_COLUMNS = (
    "t.id, t.parent_id, t.number, t.label, t.goal, t.deadline_text, t.deadline, t.progress, "
    "t.status, t.status_label, t.remarks, c.number, c.name, p.number"
)
TASK_JOINS = (
    "ledger_task t JOIN ledger_category c ON c.id = t.category_id "
    "LEFT JOIN ledger_task p ON p.id = t.parent_id"
)


@dataclass(frozen=True)
class Filters:
    """The filters of the ledger page and the API that the benchmark uses."""

    status: str = ""
    q: str = ""
    units: tuple[int, ...] | None = None  # a reporter's units; None for the office
    red_on: Any = None  # ?light=red: red on this day (its stored state), else no filter


class Bare:
    """Raw queries on the driver's cursor of Django's connection (opened if need be)."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.vendor = connection.vendor
        self.cursor = connection.connection.cursor()

    def rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall())

    def marks(self, values: list[Any]) -> str:
        return ", ".join(["%s"] * len(values)) or "NULL"


def visible(units: tuple[int, ...]) -> tuple[str, list[Any]]:
    """The ids of the tasks and sub-items these units see: those they serve (by their own
    units, or their task's when they name none) and the task of each sub-item they serve."""
    marks = ", ".join(["%s"] * len(units)) or "NULL"
    sql = (
        f"SELECT u.task_id FROM ledger_taskunit u WHERE u.unit_id IN ({marks}) "
        "UNION SELECT s.id FROM ledger_task s JOIN ledger_taskunit u ON u.task_id = s.parent_id "
        f"WHERE u.unit_id IN ({marks}) AND NOT EXISTS "
        "(SELECT 1 FROM ledger_taskunit o WHERE o.task_id = s.id) "
        "UNION SELECT s.parent_id FROM ledger_task s JOIN ledger_taskunit u ON u.task_id = s.id "
        f"WHERE u.unit_id IN ({marks}) AND s.parent_id IS NOT NULL AND s.removed_at IS NULL"
    )
    return sql, [*units, *units, *units]


def conditions(alias: str, ledger_id: int, filters: Filters) -> tuple[list[str], list[Any]]:
    """The conditions on a task (`alias`) that is current, visible to the user and matches
    the filters."""
    own = [f"{alias}.ledger_id = %s", f"{alias}.removed_at IS NULL"]
    params: list[Any] = [ledger_id]
    if filters.units is not None:
        ids, more = visible(filters.units)
        own.append(f"{alias}.id IN ({ids})")
        params += more
    if filters.status:
        own.append(f"{alias}.status = %s")
        params.append(filters.status)
    if filters.red_on is not None:
        own.append(
            f"{alias}.id IN (SELECT s.task_id FROM supervision_taskstate s "
            "WHERE NOT s.completed AND s.red_from <= %s)"
        )
        params.append(filters.red_on)
    for word in filters.q.split():
        own.append(
            f"({alias}.goal LIKE %s ESCAPE '\\' OR {alias}.progress LIKE %s ESCAPE '\\' "
            f"OR {alias}.deadline_text LIKE %s ESCAPE '\\')"
        )
        params += [f"%{word}%"] * 3
    return own, params


def matching(ledger_id: int, filters: Filters) -> tuple[str, list[Any]]:
    """The condition on `t` for the rows listed: current, visible to the user, matching the
    filters, or the task of a matching sub-item (shown as its context)."""
    own, params = conditions("t", ledger_id, filters)
    if not filters.status and not filters.q and filters.red_on is None:
        return " AND ".join(own), params
    sub, more = conditions("m", ledger_id, filters)
    visible, _ = conditions("t", ledger_id, Filters(units=filters.units))
    context = " AND ".join(sub)
    return (
        f"{' AND '.join(visible[:2])} AND (({' AND '.join(own)}) OR t.id IN "
        f"(SELECT m.parent_id FROM ledger_task m WHERE {context} AND m.parent_id IS NOT NULL))",
        [ledger_id, *params, *more],
    )


def task_rows(
    bare: Bare, ledger_id: int, filters: Filters, offset: int, limit: int
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The count and the page of tasks (with their leaders and units): four queries."""
    where, params = matching(ledger_id, filters)
    bare.rows(
        "SELECT SUM(CASE WHEN t.parent_id IS NULL THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN t.parent_id IS NULL THEN 0 ELSE 1 END) FROM ledger_task t WHERE {where}",
        params,
    )
    tasks = bare.rows(
        f'SELECT {TASK_COLUMNS} FROM {TASK_JOINS} WHERE {where} ORDER BY t."order", t.id '
        "LIMIT %s OFFSET %s",
        [*params, limit, offset],
    )
    ids = [row[0] for row in tasks]
    marks = bare.marks(ids)
    bare.rows(
        "SELECT l.task_id, p.id, p.name FROM ledger_taskleader l "
        f"JOIN ledger_person p ON p.id = l.person_id WHERE l.task_id IN ({marks}) "
        'ORDER BY l.task_id, l."order"',
        ids,
    )
    bare.rows(
        "SELECT l.task_id, u.id, u.name, l.role FROM ledger_taskunit l "
        f"JOIN ledger_unit u ON u.id = l.unit_id WHERE l.task_id IN ({marks}) "
        'ORDER BY l.task_id, l."order"',
        ids,
    )
    return tasks, ids


def page_rows(ledger_id: int, filters: Filters, reporter: int | None = None) -> list[int]:
    """What the ledger page lists (its first page of 100), as bare SQL."""
    bare = Bare()
    if reporter is not None:
        units = bare.rows(
            "SELECT pu.unit_id FROM accounts_profile_units pu JOIN accounts_profile pr "
            "ON pr.id = pu.profile_id WHERE pr.user_id = %s",
            [reporter],
        )
        filters = Filters(filters.status, filters.q, tuple(u for (u,) in units), filters.red_on)
    return task_rows(bare, ledger_id, filters, 0, 100)[1]


def api_rows(ledger_id: int, offset: int, limit: int = 100) -> list[int]:
    """What the task list API returns for the office, as bare SQL."""
    bare = Bare()
    _, ids = task_rows(bare, ledger_id, Filters(), offset, limit)
    subitems = bare.rows(
        "SELECT t.id, t.parent_id, t.number, t.label, t.goal, t.deadline, t.status, "
        "t.status_label, t.progress, t.deadline_text, u.id, u.name, l.role FROM ledger_task t "
        "LEFT JOIN ledger_taskunit l ON l.task_id = t.id LEFT JOIN ledger_unit u "
        f"ON u.id = l.unit_id WHERE t.parent_id IN ({bare.marks(ids)}) AND t.removed_at IS NULL "
        'ORDER BY t."order", t.id, l."order"',
        ids,
    )
    every = ids + sorted({row[0] for row in subitems})
    marks = bare.marks(every)
    bare.rows(
        "SELECT task_id, name, target, actual, unit FROM supervision_figure "
        f"WHERE task_id IN ({marks}) ORDER BY id",
        every,
    )
    empty = "CAST(%s AS jsonb)" if bare.vendor == "postgresql" else "%s"
    bare.rows(
        "SELECT task_id, figures FROM reporting_report WHERE state = 'accepted' "
        f"AND figures <> {empty} AND task_id IN ({marks}) ORDER BY reviewed_at, id",
        ["[]", *every],
    )
    bare.rows(
        "SELECT warn_days, pace_margin FROM supervision_lightsettings WHERE ledger_id = %s",
        [ledger_id],
    )
    bare.rows(
        "SELECT id FROM reporting_round WHERE ledger_id = %s AND closed_at IS NULL", [ledger_id]
    )
    bare.rows(
        "SELECT r.task_id FROM reporting_report r JOIN reporting_round o ON o.id = r.round_id "
        "WHERE o.ledger_id = %s AND o.closed_at IS NULL "
        f"AND r.state NOT IN ('returned', 'superseded') AND r.task_id IN ({marks})",
        [ledger_id, *every],
    )
    return ids
