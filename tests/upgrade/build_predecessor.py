"""Build tests/fixtures/upgrade/ with the code of this release's predecessor, by its own
commands: `git worktree add` of PREDECESSOR into a temporary folder, then, with that code on
PYTHONPATH and a fresh data directory, `taizhang migrate`, `taizhang demo`, `taizhang shell <
world.py` (reports with attachments, reviews, a closed round, a second round), and its
`taizhang export` of every ledger and closed round (JSON). Writes the SQLite database
(gzipped), the uploaded files, the exports, and predecessor.json (commit, migration state,
rows per table, files' sha256), which test_upgrade.py compares the migrated database against.

    .venv/bin/python tests/upgrade/build_predecessor.py [COMMIT]

Run it again when a release is made, with the new predecessor's commit (or tag)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

PREDECESSOR = "30557f4"  # the last commit before issue 14's work (no release tags yet)
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "upgrade"
WORLD = Path(__file__).with_name("world.py")

COUNT_ROWS = """
import json
from django.apps import apps
from django.db.migrations.recorder import MigrationRecorder
from taizhang.ledger.models import Ledger
from taizhang.reporting.models import Round
print(json.dumps({
    "rows": {m._meta.label_lower: m._base_manager.count()
             for m in apps.get_models(include_auto_created=True) if m._meta.managed},
    "migrations": sorted(MigrationRecorder.Migration.objects.values_list("app", "name")),
    "ledgers": list(Ledger.objects.order_by("pk").values_list("pk", flat=True)),
    "rounds": list(Round.objects.filter(snapshot__isnull=False).order_by("pk")
                   .values_list("ledger_id", "pk")),
}))
"""


def run(code: Path, data: Path, *args: str, stdin: bytes | None = None) -> bytes:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TAIZHANG_", "DATABASE_URL", "DJANGO_"))
    }
    env |= {
        "PYTHONPATH": str(code / "src"),
        "TAIZHANG_DATA_DIR": str(data),
        "TAIZHANG_QUEUE_IMMEDIATE": "1",
        "TZ": "Asia/Shanghai",
    }
    command = [sys.executable, "-m", "taizhang.cli", *args]
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, check=False)
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
    return done.stdout


def build(commit: str) -> None:
    with tempfile.TemporaryDirectory(prefix="taizhang-predecessor-") as folder:
        code, data = Path(folder) / "code", Path(folder) / "data"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(code), commit],
            check=True,
            capture_output=True,
        )
        try:
            build_in(code, data, commit)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(code)],
                check=False,
            )


def build_in(code: Path, data: Path, commit: str) -> None:
    run(code, data, "migrate", "-v0")
    run(code, data, "demo")
    run(code, data, "shell", stdin=WORLD.read_bytes())
    facts = json.loads(run(code, data, "shell", stdin=COUNT_ROWS.encode()).splitlines()[-1])
    shutil.rmtree(OUT, ignore_errors=True)
    (OUT / "exports").mkdir(parents=True)
    for ledger in facts["ledgers"]:
        out = OUT / "exports" / f"ledger-{ledger}.json"
        run(code, data, "export", str(ledger), "--format", "json", "-o", str(out))
    for ledger, round_ in facts["rounds"]:
        out = OUT / "exports" / f"round-{round_}.json"
        run(code, data, "export", str(ledger), "--round", str(round_), "-o", str(out))
    media = data / "media"
    files = {}
    for path in sorted(p for p in media.rglob("*") if p.is_file()):
        name = path.relative_to(media).as_posix()
        files[name] = hashlib.sha256(path.read_bytes()).hexdigest()
        (OUT / "media" / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, OUT / "media" / name)
    database = data / "taizhang.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    with sqlite3.connect(database) as db:
        db.execute("VACUUM")
    (OUT / "taizhang.sqlite3.gz").write_bytes(gzip.compress(database.read_bytes(), mtime=0))
    facts |= {"commit": commit, "files": files}
    (OUT / "predecessor.json").write_text(
        json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"built {OUT} from {commit}")


if __name__ == "__main__":
    build(sys.argv[1] if len(sys.argv) > 1 else PREDECESSOR)
