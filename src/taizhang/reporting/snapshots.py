"""Which task each entry of a closed round's snapshot is. A snapshot is a ledger document,
whose tasks are known by key ("5", "3/1"); a later edition may renumber a task or give a
removed task's key to a new one, so who may see an entry is decided by the id of the task it
was when the round closed (`Round.snapshot_ids`), never by the key it has now."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from django.db import transaction

from taizhang.documents.json_format import ledger_from_dict
from taizhang.documents.model import LedgerDoc, all_task_docs, task_keys
from taizhang.ledger.models import Ledger, Task
from taizhang.reporting.models import Round, RoundStatus, RoundTally

BATCH = 1000


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


def round_statuses_write(round_: Round, doc: LedgerDoc) -> None:
    """Keep each task's status in a round's snapshot (`RoundStatus`, by the task ids kept with
    it) and their counts (`RoundTally`), so the dashboard's history counts in the database.
    Run when the round closes; nothing when they are kept already."""
    if RoundTally.objects.filter(round=round_).exists():
        return
    ids = round_.snapshot_ids or {}
    statuses: dict[int, str] = {}
    for task, key in zip(doc.tasks, task_keys(doc), strict=True):
        task_id = ids.get(key)
        if task_id is not None:
            statuses[task_id] = task.status or ""
    known = set(Task.objects.filter(pk__in=list(statuses)).values_list("pk", flat=True))
    kept = {task_id: status for task_id, status in statuses.items() if task_id in known}
    RoundStatus.objects.bulk_create(
        [RoundStatus(round=round_, task_id=pk, status=status) for pk, status in kept.items()],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    counts = Counter(status or "none" for status in kept.values())
    RoundTally.objects.get_or_create(round=round_, defaults={"counts": dict(counts)})


def round_statuses_fill(*, ledger: Ledger) -> int:
    """`round_statuses_write` for the ledger's rounds closed before statuses were kept (one
    query when none lacks them). Returns the rounds filled."""
    missing = Round.objects.filter(ledger=ledger, snapshot__isnull=False, tally__isnull=True)
    filled = 0
    for round_ in missing.only("snapshot", "snapshot_ids", "ledger_id").order_by("pk"):
        with transaction.atomic():
            round_statuses_write(round_, ledger_from_dict(round_.snapshot, name=round_.name))
        filled += 1
    return filled
