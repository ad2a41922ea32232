"""PostgreSQL with values bound on the server (the default: prepared statements) takes at
most 65,535 parameters a statement; Django's bulk operations are split to stay within them
(taizhang.postgresql_backend), where they failed with "number of parameters must be between
0 and 65535" (the deletion of a ledger's 100,000 reports, a bulk_create of 5,000 tasks)."""

from __future__ import annotations

import pytest
from django.db import connection

from taizhang.ledger.models import Unit
from taizhang.postgresql_backend.base import MAX_PARAMETERS

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL: the limit is its protocol's"
    ),
    pytest.mark.django_db,
]


def test_the_batches_fit_the_parameters_bound_on_the_server() -> None:
    assert connection.settings_dict["OPTIONS"]["server_side_binding"] is True
    assert connection.ops.bulk_batch_size(["id"], []) == MAX_PARAMETERS
    assert connection.ops.bulk_batch_size(["a", "b", "c"], []) == MAX_PARAMETERS // 3
    assert connection.ops.bulk_batch_size(list("x" * 70_000), []) == 1


def test_more_rows_than_parameters_are_created_and_deleted() -> None:
    """70,000 units (two values each) in one bulk_create, then deleted by one queryset
    (Django's collector asks for what points at them with an IN of their ids)."""
    Unit.objects.bulk_create(Unit(name=f"单位{n}") for n in range(70_000))
    assert Unit.objects.filter(name__startswith="单位").count() == 70_000
    deleted, _ = Unit.objects.filter(name__startswith="单位").delete()
    assert deleted >= 70_000
    assert not Unit.objects.filter(name__startswith="单位").exists()


def test_a_statement_with_more_values_than_the_server_takes_is_bound_on_the_client() -> None:
    """An IN list of 70,000 ids, as closing the round of a ledger of that many tasks asks."""
    units = Unit.objects.bulk_create(Unit(name=f"单位{n}") for n in range(3))
    ids = [unit.pk for unit in units] + list(range(10**9, 10**9 + 70_000))
    assert sorted(Unit.objects.filter(pk__in=ids).values_list("pk", flat=True)) == sorted(
        unit.pk for unit in units
    )
    assert Unit.objects.filter(pk__in=ids, name="单位1").count() == 1
