"""The dashboard (驾驶舱) as the database counts it: totals, lights, the tables of units and
leaders, the red and yellow lists (capped, red first), the least advanced indicators and the
history of the closed rounds, from the stored state (`supervision.state`), in a fixed number
of queries and a cost that does not grow with the tasks shown: only the listed tasks are
read in full (for their reasons). `selectors.ledger_figures` computes the same in Python over
every task, for the bulletin; the tests hold the two equal."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from taizhang.chinese.statuses import STATUS_CODES
from taizhang.ledger.models import Ledger, Person, Status, Task, TaskLeader, TaskUnit, Unit
from taizhang.prepared import Ids, Prepared, id_list
from taizhang.reporting.models import Report, ReportState, Round, RoundStatus, RoundTally
from taizhang.reporting.selectors import expected_to_report
from taizhang.reporting.snapshots import round_statuses_fill
from taizhang.supervision.indicators import shown
from taizhang.supervision.lights import COMPLETED, GREEN, LABELS, RED, YELLOW
from taizhang.supervision.models import StateUnit, TaskState
from taizhang.supervision.selectors import (
    UNIT_LIST,
    Reported,
    display_number,
    supervise_tasks,
    task_brief,
)
from taizhang.supervision.state import states_missing, states_refresh

# The most ids a query names in a list (SQLite allows 32,766 parameters); beyond, a subquery.
IN_LIST_LIMIT = 20000
LIST_LIMIT = 20  # tasks a list shows; "全部N项" leads to the ledger page filtered by light
STATUSES = STATUS_CODES
LIGHTS = (RED, YELLOW, GREEN, COMPLETED)
_COUNTED = [ReportState.RETURNED, ReportState.SUPERSEDED]  # these do not count as reported
# The states that do count, named (a report's row asks `state IN` these: with the round and
# the task, three equalities on the `report_round_state_task` index; SQLite, asked `NOT IN`
# the others, read the round's every report for each row, 8 ms a page of 100 at 10,000 tasks).
_COUNTING = [state for state in ReportState.values if state not in _COUNTED]


def open_round_ids(ledger: Ledger) -> list[int]:
    """The ledger's open rounds (one at most, in practice); the query compiled once."""
    return [pk for (pk,) in _OPEN_ROUNDS.rows(ledger.pk)]


def _open_rounds(ledger_id: int) -> QuerySet[Round, Any]:
    return Round.objects.filter(ledger_id=ledger_id, closed_at__isnull=True).values_list("pk")


_OPEN_ROUNDS = Prepared(_open_rounds)


def _reported(rounds: list[int]) -> QuerySet[Report, Any]:
    """The ids of the tasks with a report that counts in these rounds, as a subquery the
    database runs once per query (not once per row)."""
    return (
        Report.objects.filter(round_id__in=rounds)
        .exclude(state__in=_COUNTED)
        .order_by()
        .values("task_id")
    )


def row_reported(rounds: list[int], task: OuterRef) -> QuerySet[Report, Any]:
    """Whether a row's task (`task`) has a report that counts in these rounds, for EXISTS,
    through the index of the round, the state and the task."""
    return Report.objects.filter(round_id__in=rounds, state__in=_COUNTING, task_id=task).order_by()


def reported_among(rounds: list[int], task_ids: list[int]) -> set[int]:
    """Those of these tasks that have a report that counts in these rounds (`row_reported`
    for a list of rows): one query, through the same index; none for no rounds or tasks."""
    if not rounds or not task_ids:
        return set()
    return {task_id for (task_id,) in _REPORTED.rows(rounds, task_ids)}


def _reported_query(rounds: list[int], task_ids: list[int]) -> QuerySet[Report, Any]:
    counted = Report.objects.filter(round_id__in=rounds, state__in=_COUNTING, task_id__in=task_ids)
    return counted.order_by().values_list("task_id")


_REPORTED = Prepared(_reported_query)


def _yellow(
    ledger: Ledger, as_of: datetime.date, rounds: list[int], p: str, *, per_row: bool = False
) -> Q:
    """Yellow by `as_of` (`yellow_from`) or not reported in an open round: for a task, of
    itself or an open sub-item; for a sub-item, of itself. `per_row`: the reports are asked
    for each row (EXISTS, through the indexes) rather than read once for the whole ledger,
    which pays for a page of rows, not for counting all of them."""
    yellow = Q(**{f"{p}yellow_from__lte": as_of})
    if not rounds:
        return yellow
    own = Q(**{f"{p}is_top": False, f"{p}reports_due": True})
    if per_row:
        sent = row_reported(rounds, OuterRef("task_id"))
        waiting = TaskState.objects.filter(
            top_id=OuterRef(f"{p}task_id"), reports_due=True
        ).exclude(Exists(sent))
        own_sent = row_reported(rounds, OuterRef(f"{p}task_id"))
        return (
            yellow | (Q(**{f"{p}is_top": True}) & Q(Exists(waiting))) | (own & ~Q(Exists(own_sent)))
        )
    # Tasks with a row (itself, or an open sub-item) that awaits a report.
    waiting_ids = (
        TaskState.objects.filter(ledger=ledger, reports_due=True)
        .exclude(task_id__in=_reported(rounds))
        .values("top_id")
    )
    own &= ~Q(**{f"{p}task_id__in": _reported(rounds)})
    return yellow | Q(**{f"{p}is_top": True, f"{p}task_id__in": waiting_ids}) | own


def light_case(
    ledger: Ledger,
    as_of: datetime.date,
    rounds: list[int],
    prefix: str = "",
    *,
    per_row: bool = False,
) -> Case:
    """The light of a stored state on `as_of` as a database expression (`lights.colour_on`):
    `prefix` leads from the query's model to `TaskState` ("task__supervision_state__").
    Unreported (an open round and no report: for a split task, of an open sub-item) is asked
    of the reports (`per_row`: row by row, for a page of rows)."""
    p = prefix
    return Case(
        When(**{f"{p}completed": True}, then=Value(COMPLETED)),
        When(**{f"{p}red_from__lte": as_of}, then=Value(RED)),
        When(_yellow(ledger, as_of, rounds, p, per_row=per_row), then=Value(YELLOW)),
        default=Value(GREEN),
        output_field=CharField(),
    )


def light_conditions(
    ledger: Ledger, as_of: datetime.date, rounds: list[int], prefix: str = ""
) -> dict[str, Q]:
    """`light_case` as one condition per colour, for a filter the database answers with
    plain comparisons (and its indexes) rather than by working out each row's colour."""
    p = prefix
    completed = Q(**{f"{p}completed": True})
    red = Q(**{f"{p}red_from__lte": as_of})
    yellow = _yellow(ledger, as_of, rounds, p)
    return {
        COMPLETED: completed,
        RED: ~completed & red,
        YELLOW: ~completed & ~red & yellow,
        GREEN: ~completed & ~red & ~yellow,
    }


def ensure_states(ledger: Ledger) -> None:
    """Write what the stored state lacks: a task's state kept before states were (or by a
    path that missed it), a closed round's statuses. One query when nothing is missing."""
    if states_missing(ledger):
        states_refresh(ledger=ledger)


def dashboard_data(
    ledger: Ledger,
    tasks: QuerySet[Task],
    as_of: datetime.date,
    *,
    whole: bool = False,
    limit: int = LIST_LIMIT,
    offset: int = 0,
) -> dict[str, Any]:
    """The dashboard of `tasks` (already scoped to the user) as of a date, as JSON-ready
    data: what `selectors.ledger_figures` gives, but the red and yellow lists and the
    indicators are `limit` entries from `offset` (least advanced indicators first), with
    their totals in `red_total`, `yellow_total` and `indicators_total`. `whole`: `tasks` are
    all the ledger's current tasks (`access.sees_all_tasks`), so nothing is filtered by them."""
    ensure_states(ledger)
    round_statuses_fill(ledger=ledger)
    rounds = open_round_ids(ledger)
    states = TaskState.objects.filter(ledger=ledger)
    if not whole:
        # The user's tasks read once, not as a subquery in each of the queries below (a
        # reporter's scope is a nest of subqueries the database would run six times).
        seen = list(tasks.filter(ledger=ledger).values_list("pk", flat=True))
        scope = seen if len(seen) <= IN_LIST_LIMIT else tasks.filter(ledger=ledger).values("pk")
        states = states.filter(task_id__in=scope)
        tasks = Task.objects.filter(pk__in=scope)
    lit = _Lit(ledger, None if whole else states, as_of, rounds, limit, offset)
    totals, lights = lit.counts()
    red, yellow = _listed(ledger, lit.page(RED), lit.page(YELLOW), as_of, rounds)
    indicators, indicators_total = _indicators(states, limit, offset)
    return {
        "ledger": {"id": ledger.pk, "title": ledger.title, "year": ledger.year},
        "as_of": as_of.isoformat(),
        "round_open": bool(rounds),
        "totals": totals,
        "lights": lights,
        "light_labels": LABELS,
        "units": lit.groups("u", Unit),
        "leaders": lit.groups("l", Person),
        "red": red,
        "red_total": lights[RED],
        "yellow": yellow,
        "yellow_total": lights[YELLOW],
        "indicators": indicators,
        "indicators_total": indicators_total,
        "history": _history(ledger, tasks, whole),
    }


_GROUP_KEYS = ("tasks", "completed", "lagging", "overdue", "not_reported", "red", "yellow")


class _Lit:
    """The stored states of the tasks a user sees, each with its light on a day (the
    ledger's `light_case`, "not reported" included), counted by the database in one query
    (`_counted`): totals, the units' and the leaders' links by group and the pages of red and
    yellow tasks, a hundred rows or so whatever the size of the ledger. `scope`: the states
    the user sees (a query of their task ids), None for the whole ledger."""

    def __init__(
        self,
        ledger: Ledger,
        scope: QuerySet[TaskState, Any] | None,
        as_of: datetime.date,
        rounds: list[int],
        limit: int,
        offset: int,
    ) -> None:
        seen: tuple[str, tuple[Any, ...]] | None = None
        if scope is not None:
            try:
                sql, params = scope.values("task_id").query.sql_with_params()
            except EmptyResultSet:  # a filter Django knows to match nothing (a user who sees none)
                self.rows: list[tuple[Any, ...]] = []
                return
            seen = (sql, tuple(params))
        self.rows = _counted(ledger, seen, as_of, rounds, limit, offset)

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """Totals by status and by light of the tasks (not sub-items)."""
        (found,) = [row for row in self.rows if row[0] == "t"] or [("t", 0) + (0,) * _SUMS]
        n, *sums = (value or 0 for value in found[2:])  # SUM of no rows is NULL
        statuses = dict(zip(STATUSES, sums, strict=False))
        statuses["none"] = n - sum(statuses.values())
        red, yellow, completed = sums[len(STATUSES) : len(STATUSES) + 3]
        lights = {RED: red, YELLOW: yellow, GREEN: n - red - yellow - completed}
        lights[COMPLETED] = completed
        return {"tasks": n, **statuses}, lights

    def page(self, colour: str) -> list[int]:
        """The ids of the page of the tasks of this colour asked for, in ledger order."""
        kind = "r" if colour == RED else "y"
        found = sorted((row[2], row[1]) for row in self.rows if row[0] == kind)
        return [pk for _position, pk in found]

    def groups(self, kind: str, model: type[Unit] | type[Person]) -> list[dict[str, Any]]:
        """Per unit ("u") or leader ("l"), the counts of its rows among these, worst first
        (most red, then most lagging, then by name)."""
        done, lagging = STATUSES.index(Status.COMPLETED), STATUSES.index(Status.LAGGING)
        at = len(STATUSES)
        sums: dict[int, list[int]] = {}
        for found, key, n, *rest in self.rows:
            if found == kind:
                rest = [value or 0 for value in rest]
                sums[key] = [n, rest[done], rest[lagging], *rest[at + 3 :], *rest[at : at + 2]]
        names = dict(_NAMES[model].rows(Ids(list(sums)))) if sums else {}
        groups: list[dict[str, Any]] = [
            {"id": key, "name": names[key], **dict(zip(_GROUP_KEYS, counts, strict=True))}
            for key, counts in sums.items()
        ]
        if kind == "u":  # a collective phrase (各乡镇) reports nothing: never "not reported"
            for group in groups:
                if not expected_to_report(group["name"]):
                    group["not_reported"] = 0
        return sorted(groups, key=lambda g: (-g["red"], -g["lagging"], g["name"]))


def _names(model: type[Unit] | type[Person]) -> Prepared:
    """The names of some units or people by id, the query compiled once."""
    return Prepared(
        lambda ids: model.objects.filter(pk__in=id_list(ids)).order_by().values_list("pk", "name")
    )


_NAMES = {Unit: _names(Unit), Person: _names(Person)}


# The sums each row of `_counted` has after its kind, key and count: one a status, then red,
# yellow and completed lights, overdue and not reported.
_SUMS = len(STATUSES) + 5
# The database adds them up packed three to an integer, `_BITS` bits each (a sum is at most
# a group's count, which is checked to fit), each pack one CASE a state: the statuses but the
# last, the lights (red, yellow, completed), then the last status, overdue and not reported.
# An aggregate or a CASE costs PostgreSQL about 30-50 ns a row, and the query adds up some
# 45,000 rows at 10,000 tasks.
_BITS = 21
_SHIFT = (0, 1 << _BITS, 1 << (2 * _BITS))
if len(STATUSES) != 4:  # checked when loaded, also under `python -O`
    raise ImportError("the dashboard's packed sums hold three statuses and one")


def _counted(
    ledger: Ledger,
    seen: tuple[str, tuple[Any, ...]] | None,
    as_of: datetime.date,
    rounds: list[int],
    limit: int,
    offset: int,
) -> list[tuple[Any, ...]]:
    """One query over the ledger's states (of those `seen`: SQL of their task ids, None for
    all) lit on `as_of` as `light_case` lights them: rows of (kind, key, n, then `_SUMS`
    sums: of each status in STATUSES, of red, yellow and completed lights, of overdue and of
    not reported). Kind "t" is the tasks (one row), "u" and "l" a unit's or a leader's links
    (key: the group), "r" and "y" a task of the page of red or yellow tasks asked for (key:
    its id, n: its place in the ledger).

    Each state is read once, and the open rounds' reports that count once (whether a state
    has one, then which tasks have a row awaiting one, from that); each state's light and
    kinds worked out once (a materialised `WITH`) as three packed integers (`_BITS`), then
    only those added up by group, each a column rather than a group, so the database sorts
    no rows by kind."""
    connection = connections[ledger._state.db or "default"]
    qn = connection.ops.quote_name
    states, units = qn(TaskState._meta.db_table), qn(StateUnit._meta.db_table)
    leaders, reports = qn(TaskLeader._meta.db_table), qn(Report._meta.db_table)
    materialised = "MATERIALIZED " if _materialises(connection) else ""
    day = connection.ops.adapt_datefield_value(as_of)
    params: list[Any] = []
    if rounds:
        unsent = (
            f"CASE WHEN task_id IN (SELECT task_id FROM {reports} WHERE round_id IN"  # noqa: S608
            f" ({', '.join(['%s'] * len(rounds))}) AND state IN"
            f" ({', '.join(['%s'] * len(_COUNTING))})) THEN 0 ELSE 1 END"
        )
        params += [*rounds, *_COUNTING]
        # A task with a row (itself, or an open sub-item) that awaits a report; of the whole
        # ledger, as `_yellow` asks.
        waiting = (
            " OR (is_top AND task_id IN (SELECT top_id FROM st WHERE reports_due AND unsent = 1))"
            " OR (NOT is_top AND reports_due AND unsent = 1)"
        )
    else:
        unsent, waiting = "0", ""
    params.append(ledger.pk)
    first, second, third, last = STATUSES
    statuses = (
        f"CASE status WHEN '{first}' THEN 1 WHEN '{second}' THEN {_SHIFT[1]}"
        f" WHEN '{third}' THEN {_SHIFT[2]} ELSE 0 END"
    )
    # As `light_case`: red 1, yellow `_SHIFT[1]`, completed `_SHIFT[2]`, green 0.
    light = (
        f"CASE WHEN completed THEN {_SHIFT[2]} WHEN red_from <= %s THEN 1"
        f" WHEN yellow_from <= %s{waiting} THEN {_SHIFT[1]} ELSE 0 END"
    )
    rest = (
        f"CASE WHEN status = '{last}' THEN 1 ELSE 0 END"
        f" + CASE WHEN deadline < %s AND status <> %s THEN {_SHIFT[1]} ELSE 0 END"
        f" + CASE WHEN NOT split AND unsent = 1 THEN {_SHIFT[2]} ELSE 0 END"
    )
    params += [day, day, day, Status.COMPLETED]
    where = ""
    if seen is not None:
        where = f" WHERE task_id IN ({seen[0]})"
        params += seen[1]
    sums = "SUM(s), SUM(l), SUM(r)"
    page = (
        "SELECT * FROM (SELECT %s, task_id, position, 0, 0, 0 FROM lit"
        " WHERE top = 1 AND l = %s ORDER BY position, task_id LIMIT %s OFFSET %s) AS {name}"
    )
    # The leaders' links are of tasks: `top > 0` rather than `= 1` for PostgreSQL's guess of
    # how many (a hash join, not 100,000 index lookups).
    # The links joined from the lit states (SQLite otherwise indexes the states to walk the
    # links in the group's order, which costs more than sorting the groups' sums).
    sql = (
        f"WITH st AS {materialised}(SELECT task_id, is_top, position, status, completed,"  # noqa: S608
        f" red_from, yellow_from, deadline, split, reports_due, top_id, {unsent} AS unsent"
        f" FROM {states} WHERE ledger_id = %s), "
        f"lit AS {materialised}(SELECT task_id, CASE WHEN is_top THEN 1 ELSE 0 END AS top,"
        f" position, {statuses} AS s, {light} AS l, {rest} AS r FROM st{where}) "
        f"SELECT 't', 0, COUNT(*), {sums} FROM lit WHERE top = 1"
        f" UNION ALL SELECT 'u', g.{qn('unit_id')}, COUNT(*), {sums} FROM lit"
        f" CROSS JOIN {units} g WHERE g.{qn('state_id')} = lit.task_id"
        f" GROUP BY g.{qn('unit_id')}"
        f" UNION ALL SELECT 'l', g.{qn('person_id')}, COUNT(*), {sums} FROM lit"
        f" CROSS JOIN {leaders} g WHERE g.{qn('task_id')} = lit.task_id AND top > 0"
        f" GROUP BY g.{qn('person_id')}"
        f" UNION ALL {page.format(name='red_page')} UNION ALL {page.format(name='yellow_page')}"
    )
    params += ["r", 1, limit, offset, "y", _SHIFT[1], limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found: list[tuple[Any, ...]] = cursor.fetchall()
    return [_unpacked(row) for row in found]


def _unpacked(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A row of `_counted` with its sums unpacked (PostgreSQL's sums are decimals) into the
    order of the sums."""
    kind, key, n, *packed = row
    # A group's row count (the red and yellow pages' rows carry a position there instead).
    if kind in ("t", "u", "l") and n >= 1 << _BITS:  # a sum would spill into the next
        raise ValueError(f"the dashboard counts at most {(1 << _BITS) - 1} rows a group")
    mask = (1 << _BITS) - 1
    statuses, lights, rest = (
        [(int(value or 0) >> (_BITS * n)) & mask for n in range(3)] for value in packed
    )
    return (kind, key, n, *statuses, rest[0], *lights, *rest[1:])


def _materialises(connection: Any) -> bool:
    """Whether the database takes `WITH … AS MATERIALIZED` (PostgreSQL 12, SQLite 3.35)."""
    if connection.vendor == "sqlite":
        return bool(connection.Database.sqlite_version_info >= (3, 35))
    return bool(connection.vendor == "postgresql")


def _listed(
    ledger: Ledger,
    red_ids: list[int],
    yellow_ids: list[int],
    as_of: datetime.date,
    rounds: list[int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The red and yellow pages' tasks, read in full together for their reasons; their
    leaders' and units' names as plain rows (what the lists show, and whether anyone of the
    units reports), not as links with their people and units. Each query compiled once."""
    pages = [red_ids, yellow_ids]
    wanted = pages[0] + pages[1]
    rows: list[Task] = _LISTED.objects(Ids(wanted)) if wanted else []
    ids = [task.pk for task in rows]
    leaders: dict[int, list[str]] = {pk: [] for pk in ids}
    units: dict[int, list[str]] = {pk: [] for pk in ids}
    if ids:
        for task_id, name in _LEADER_NAMES.rows(Ids(ids)):
            leaders[task_id].append(name)
        for task_id, name in _UNIT_NAMES.rows(Ids(ids)):
            units[task_id].append(name)
    for task in rows:
        # What `supervise_tasks` asks of a task's units (`anyone_reports`: their names).
        setattr(task, UNIT_LIST, [_UnitLink(name) for name in units[task.pk]])
    done = set()
    if rounds and ids:
        done = {task_id for (task_id,) in _LISTED_REPORTED.rows(rounds, ids)}
    reported = Reported(done if rounds else None)
    found = {
        row.task.pk: task_brief(row, leaders=leaders[row.task.pk], units=units[row.task.pk])
        for row in supervise_tasks(ledger, rows, as_of, reported=reported)
    }
    return [found[pk] for pk in pages[0] if pk in found], [
        found[pk] for pk in pages[1] if pk in found
    ]


class _Named:
    """A unit as `anyone_reports` reads it: its name."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class _UnitLink:
    """A task's link to a unit as `anyone_reports` reads it (`link.unit.name`), made from a
    row rather than as a `TaskUnit` with its `Unit`."""

    __slots__ = ("unit",)

    def __init__(self, name: str) -> None:
        self.unit = _Named(name)


def _listed_query(ids: list[int]) -> QuerySet[Task, Any]:
    return Task.objects.filter(pk__in=id_list(ids)).select_related("parent").order_by("order", "pk")


def _leader_names(ids: list[int]) -> QuerySet[TaskLeader, Any]:
    found = TaskLeader.objects.filter(task_id__in=id_list(ids))
    return found.order_by("task_id", "order", "pk").values_list("task_id", "person__name")


def _unit_names(ids: list[int]) -> QuerySet[TaskUnit, Any]:
    found = TaskUnit.objects.filter(task_id__in=id_list(ids))
    return found.order_by("task_id", "order", "pk").values_list("task_id", "unit__name")


def _listed_reported_query(rounds: list[int], ids: list[int]) -> QuerySet[Report, Any]:
    """The listed tasks and their sub-items with a report that counts in these rounds; the
    tasks as a subquery on the tasks' indexes (an OR across the join would read every report
    of the round; the ids a parameter each: as one, PostgreSQL reads the round's every
    report, 5 ms)."""
    listed = Task.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids))
    counted = Report.objects.filter(
        round_id__in=rounds, state__in=_COUNTING, task_id__in=listed.values("pk")
    )
    return counted.order_by().values_list("task_id")


_LISTED = Prepared(_listed_query)
_LEADER_NAMES = Prepared(_leader_names)
_UNIT_NAMES = Prepared(_unit_names)
_LISTED_REPORTED = Prepared(_listed_reported_query)


def indicator_states(
    states: QuerySet[TaskState],
) -> tuple[QuerySet[TaskState], QuerySet[TaskState]]:
    """The states with indicators, and the same least advanced first with what the list
    shows of their tasks: both read through the index `state_ledger_indicators` on
    PostgreSQL (its condition and order are these)."""
    having = states.filter(_having_indicators(states.db))
    ordered = (
        having.select_related("task__parent")
        .order_by(F("lowest_percent").asc(nulls_last=True), "position", "task_id")
        .only("indicators", "task__number", "task__label", "task__parent__number")
    )
    return having, ordered


def _having_indicators(alias: str) -> RawSQL:
    """A state with indicators, as the condition of the index `state_ledger_indicators` is
    written (`~Q(indicators=[])`), with the empty list in the SQL rather than a parameter:
    SQLite otherwise cannot tell that the index holds the rows asked for, and reads each
    state's indicators from the table (the count 18 -> 0.9 ms at 10,000 tasks)."""
    connection = connections[alias]
    qn = connection.ops.quote_name
    column = f"{qn(TaskState._meta.db_table)}.{qn('indicators')}"
    empty = "'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'"
    return RawSQL(f"NOT ({column} = {empty})", (), output_field=BooleanField())  # noqa: S611


def _indicators(
    states: QuerySet[TaskState], limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """The indicators with a target of the least advanced tasks and sub-items first (no
    figure yet last), and how many tasks have one."""
    having, ordered = indicator_states(states)
    rows = ordered[offset : offset + limit]
    found = [
        {
            "task_id": state.task_id,
            "task": state.task.parent.number if state.task.parent_id else state.task.number,  # type: ignore[union-attr]
            "label": display_number(state.task),
            **shown(view),
        }
        for state in rows
        for view in state.indicators
    ]
    return found, having.count()


def _history(ledger: Ledger, tasks: QuerySet[Task], whole: bool) -> list[dict[str, Any]]:
    """Counts by status at the close of each past round of the tasks the user may see (the
    snapshot's tasks by the ids kept then, still current). Who sees the whole ledger is
    counted from each round's tally less the tasks removed since; anyone else in one query
    over the rounds' statuses of the tasks they see."""
    closed = list(
        Round.objects.filter(ledger=ledger, snapshot__isnull=False)
        .order_by("closed_at", "pk")
        .values_list("pk", "name", "closed_at")
    )
    ids = [pk for pk, _name, _closed in closed]
    counts: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    if whole:
        for tally in RoundTally.objects.filter(round_id__in=ids):
            counts[tally.round_id] = dict(tally.counts)
        # The ledger's tasks that are not current (removed, or a sub-item now): said as
        # their own condition, a few rows from the tasks' table, rather than as "not among
        # the current", which made PostgreSQL hash every current task and read every task
        # (about 10 ms of its CPU a dashboard at 10,000 tasks, for no rows most days).
        gone = RoundStatus.objects.filter(
            round_id__in=ids,
            task__in=Task.objects.filter(
                Q(removed_at__isnull=False) | Q(parent__isnull=False), ledger=ledger
            ).values("pk"),
        )
        for round_id, status, n in _by_status(gone):
            key = status or "none"
            counts[round_id][key] = counts[round_id].get(key, 0) - n
    else:
        mine = tasks.filter(ledger=ledger, parent__isnull=True).values("pk")
        for round_id, status, n in _by_status(
            RoundStatus.objects.filter(round_id__in=ids, task__in=mine)
        ):
            counts[round_id][status or "none"] = n
    return [
        {
            "round": name,
            "closed_at": closed_at.isoformat() if closed_at else None,
            **{s: counts[pk].get(s, 0) for s in (*STATUSES, "none")},
        }
        for pk, name, closed_at in closed
    ]


def _by_status(rows: QuerySet[RoundStatus]) -> Any:
    return rows.values_list("round_id", "status").annotate(n=Count("pk")).order_by()
