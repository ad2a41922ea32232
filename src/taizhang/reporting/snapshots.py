"""Which task each entry of a closed round's snapshot is. A snapshot is a ledger document,
whose tasks are known by key ("5", "3/1"); a later edition may renumber a task or give a
removed task's key to a new one, so who may see an entry is decided by the id of the task it
was when the round closed (`Round.snapshot_ids`), never by the key it has now."""

from __future__ import annotations

from collections.abc import Collection

from taizhang.documents.model import LedgerDoc, all_task_docs
from taizhang.ledger.models import Task
from taizhang.reporting.models import Round


def snapshot_task_ids(ledger_id: int, doc: LedgerDoc) -> dict[str, int]:
    """{key in `doc`: task id} for a snapshot just taken of the ledger's current tasks and
    sub-items (`ledger_document`), in one query. An entry whose stored task of that key has
    another goal is left out (shown to the office only) rather than given to a wrong task."""
    current = Task.objects.filter(ledger_id=ledger_id, removed_at__isnull=True)
    stored = {key: (pk, goal) for key, pk, goal in current.values_list("key", "pk", "goal")}
    ids = {}
    for key, task, _parent in all_task_docs(doc):
        found = stored.get(key)
        if found is not None and found[1] == task.goal:
            ids[key] = found[0]
    return ids


def snapshot_keys_of(round_: Round, task_ids: Collection[int]) -> set[str]:
    """The keys of the round's snapshot whose task is one of `task_ids` (those the user may
    see); a key with no task in the map is in none."""
    ids = round_.snapshot_ids or {}
    return {key for key, pk in ids.items() if pk in task_ids}
