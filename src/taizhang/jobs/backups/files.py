"""The archive's files put in place without ever leaving the media directory half restored:
written first into a staging folder inside it (a full disk refuses the restore before the
database is touched), then each renamed into place with the file it replaces moved aside,
so that `FileSwap.undo` puts every file back as it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from pathlib import Path

from django.conf import settings

from taizhang.jobs.backups.archive import Archive

NEW, OLD = "new", "old"


class Staged:
    """The staging folder (`new/`: the archive's files, `old/`: those they replaced) and the
    files' paths relative to the media directory. `keep`: leave the folder when done (the
    files it holds could not be put back)."""

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        self.names = names
        self.keep = False

    def remove(self) -> None:
        if not self.keep:
            shutil.rmtree(self.folder, ignore_errors=True)


def stage_files(archive: Archive) -> Staged:
    """The archive's files written under a new folder inside MEDIA_ROOT (so that putting them
    in place is a rename); OSError, and the folder removed, when they cannot all be written."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    staged = Staged(Path(tempfile.mkdtemp(prefix=".restore-", dir=root)), [])
    try:
        for entry in archive.manifest.files:
            target = staged.folder / NEW / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.file_bytes(entry))
            os.chmod(target, 0o600)
            staged.names.append(entry.path)
    except BaseException:
        staged.remove()
        raise
    return staged


class FileSwap:
    """The staged files renamed into MEDIA_ROOT, each file they replace moved aside first;
    `undo` puts back every file and removes every folder the swap made."""

    def __init__(self, staged: Staged) -> None:
        self.staged = staged
        self.root = Path(settings.MEDIA_ROOT)
        self.placed: list[tuple[Path, Path | None]] = []  # (target, where the old file went)
        self.made: list[Path] = []

    def run(self) -> None:
        for name in self.staged.names:
            target = self.root / name
            self._folders(target.parent)
            aside = None
            if target.exists() or target.is_symlink():
                aside = self.staged.folder / OLD / name
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, aside)
            self.placed.append((target, aside))
            os.replace(self.staged.folder / NEW / name, target)

    def _folders(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self.made.append(path)

    def undo(self) -> None:
        """Every replaced file back in its place, every file and folder the swap added gone;
        the staging folder is kept (and OSError raised) if a file cannot be put back."""
        try:
            while self.placed:
                target, aside = self.placed[-1]
                if aside is None:
                    target.unlink(missing_ok=True)
                elif aside.exists() or aside.is_symlink():
                    os.replace(aside, target)
                self.placed.pop()
        except OSError:
            self.staged.keep = True
            raise
        for folder in reversed(self.made):
            with suppress(OSError):  # not empty: someone else's file is in it now
                folder.rmdir()
        self.made = []
