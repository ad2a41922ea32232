"""The dashboard's indicators list and count can be read from the partial index
`state_ledger_indicators` on PostgreSQL (`dashboard.indicator_states`): its condition is
implied by the queries' and its order is the list's, so the database neither reads every
state's row nor sorts them. Checked with sequential scans and sorts priced out of the
planner's choice: if the index could not serve the query, the plan would still have them."""

from __future__ import annotations

import pytest
from django.db import connection

from taizhang.supervision.dashboard import indicator_states
from taizhang.supervision.models import TaskState
from tests.factories import World

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the index's plan is PostgreSQL's"
    ),
]


def plan_of(queryset: object, *off: str) -> str:
    """The plan with sequential scans, sorts, bitmap scans and the methods `off` priced out
    (for this test's transaction)."""
    with connection.cursor() as cursor:
        for method in ("seqscan", "sort", "bitmapscan", *off):
            cursor.execute(f"SET LOCAL enable_{method} = off")
    return str(queryset.explain())  # type: ignore[attr-defined]


def test_the_indicators_page_is_read_in_order_from_the_index(world: World) -> None:
    _having, ordered = indicator_states(TaskState.objects.filter(ledger=world.ledger))
    plan = plan_of(ordered[:20])
    assert "state_ledger_indicators" in plan, plan
    assert "Sort" not in plan, plan


def test_the_indicators_are_counted_from_the_index(world: World) -> None:
    """The count can be read from the index. With `enable_indexscan` off PostgreSQL prices
    index-only scans out too, so the planner's choice among the priced-out paths then
    depends on the table's statistics (a bitmap scan of another index was chosen once in a
    whole run): instead the table's other plain indexes are dropped for this test's
    transaction, and with sequential and bitmap scans priced out the count must come from
    this index (a key or unique index read whole would cost more than a partial one read
    from the ledger's first entry)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary "
            "AND i.relname <> 'state_ledger_indicators'",
            [TaskState._meta.db_table],
        )
        others = [name for (name,) in cursor.fetchall()]
        assert others, "the table has other indexes, which the query could use"
        for name in others:
            cursor.execute(f'DROP INDEX "{name}"')  # undone with the test's transaction
    having, _ordered = indicator_states(TaskState.objects.filter(ledger=world.ledger))
    plan = plan_of(having.values("pk"))
    assert "state_ledger_indicators" in plan, plan
