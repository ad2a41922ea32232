from django.db import migrations, models

# Keys a later import parks while another task takes them ("~pk"): no key of a snapshot.
PARKED = "~"


def fill_snapshot_ids(apps, schema_editor):
    """Rounds closed before the map was kept: each key is given the id of the ledger's task
    that has it now, removed tasks included. Keys have not moved since those rounds closed:
    content matching, which renumbers a task's key, comes with this release. Keys of tasks
    created later are in the map too; they are never looked up, as no snapshot key is theirs."""
    Round = apps.get_model("reporting", "Round")
    Task = apps.get_model("ledger", "Task")
    closed = Round.objects.filter(snapshot__isnull=False, snapshot_ids__isnull=True)
    by_ledger: dict[int, dict[str, int]] = {}
    for round_ in closed.only("pk", "ledger_id").iterator():
        if round_.ledger_id not in by_ledger:
            tasks = Task.objects.filter(ledger_id=round_.ledger_id).exclude(key__startswith=PARKED)
            by_ledger[round_.ledger_id] = dict(tasks.values_list("key", "pk"))
        Round.objects.filter(pk=round_.pk).update(snapshot_ids=by_ledger[round_.ledger_id])


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
