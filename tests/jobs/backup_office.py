"""The office the backup tests back up and restore (the seed ledger with a closed round, an
accepted report with a photo, and an open round), and what they compare."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from taizhang.documents.writers import export_ledger
from taizhang.jobs.backups.archive import MANIFEST, SEAL
from taizhang.ledger.selectors import ledger_document
from taizhang.reporting.models import Round
from taizhang.reporting.selectors import round_document
from taizhang.reporting.services import report_accept, report_submit, round_close, round_open
from tests.factories import World

DUE = datetime.date(2026, 1, 31)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))


def office_build(world: World, settings: Any, tmp_path: Path) -> World:
    """The seed ledger with a closed round (an accepted report with a photo) and an open one."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TAIZHANG_BACKUP_DIR = tmp_path / "backups"
    first = round_open(ledger=world.ledger, name="一月", due_date=DUE, actor=world.office)
    report = report_submit(
        task=world.task(3),
        unit=world.water.profile.units.get(),
        actor=world.water,
        progress="已完成投资7000万元。",
        status="in_progress",
        files=[SimpleUploadedFile("现场.png", PNG)],
    )
    report_accept(report=report, actor=world.office)
    round_close(round_=first, actor=world.office)
    round_open(ledger=world.ledger, name="二月", due_date=DUE, actor=world.office)
    assert first.pk
    return world


def exports(world: World) -> dict[str, bytes]:
    found = {"ledger": export_ledger(ledger_document(world.ledger), "json")}
    for round_ in Round.objects.filter(snapshot__isnull=False):
        doc = round_document(round_)
        assert doc is not None
        found[f"round-{round_.pk}"] = export_ledger(doc, "json")
    return found


def rows() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


def reseal(path: Path, change: Any) -> None:
    """Rewrite the archive with its manifest changed by `change` and sealed again."""
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as tar:
        manifest = json.loads({m.name: d for m, d in members}[MANIFEST])
        change(manifest)
        data = json.dumps(manifest).encode()
        for member, content in members:
            if member.name == MANIFEST:
                content = data
            elif member.name == SEAL:
                content = hashlib.sha256(data).hexdigest().encode()
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
