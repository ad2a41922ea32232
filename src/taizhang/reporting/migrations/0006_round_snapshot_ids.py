from django.db import migrations, models

# Keys a later import parks while another task takes them ("~pk"): no key of a snapshot.
PARKED = "~"


def fill_snapshot_ids(apps, schema_editor):
    """Rounds closed before the map was kept: each snapshot key is given the id of the task
    that had that key when the round closed, removed tasks included. A task's key then is the
    "old" key of its first key change after the close (the importer writes every key change
    into the task's revision), else the key it has now. Parked keys ("~pk") name no task."""
    Round = apps.get_model("reporting", "Round")
    Task = apps.get_model("ledger", "Task")
    TaskRevision = apps.get_model("ledger", "TaskRevision")
    closed = Round.objects.filter(snapshot__isnull=False, snapshot_ids__isnull=True)
    ledgers: dict[int, tuple[dict[int, str], dict[int, list[tuple[object, str]]]]] = {}
    for round_ in closed.only("pk", "ledger_id", "closed_at").iterator():
        if round_.ledger_id not in ledgers:
            keys = dict(Task.objects.filter(ledger_id=round_.ledger_id).values_list("pk", "key"))
            changes: dict[int, list[tuple[object, str]]] = {}
            revisions = TaskRevision.objects.filter(task__ledger_id=round_.ledger_id)
            for task_id, at, change in revisions.order_by("at", "pk").values_list(
                "task_id", "at", "changes"
            ):
                if isinstance(change, dict) and isinstance(change.get("key"), dict):
                    changes.setdefault(task_id, []).append((at, change["key"].get("old")))
            ledgers[round_.ledger_id] = (keys, changes)
        keys, changes = ledgers[round_.ledger_id]
        ids = {}
        for pk, key in keys.items():
            later = [old for at, old in changes.get(pk, ()) if at > round_.closed_at]
            then = later[0] if later else key
            if isinstance(then, str) and then and not then.startswith(PARKED):
                ids[then] = pk
        Round.objects.filter(pk=round_.pk).update(snapshot_ids=ids)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_field_labels"),
        ("reporting", "0005_one_waiting_report_drafts_held_files"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="snapshot_ids",
            field=models.JSONField(blank=True, null=True, verbose_name="快照任务"),
        ),
        migrations.RunPython(fill_snapshot_ids, migrations.RunPython.noop),
    ]
