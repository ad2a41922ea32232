"""The backup archive (`taizhang/backup@1`, docs/backup.md): a plain ustar tar file.

- `db/NNNN-app.model.jsonl.gz`: one member per table, in dependency order: a header line
  (the model and its columns), then a JSON array per row, gzip-compressed.
- `files/NNNNNN`: one member per file of the media directory, stored as is (attachments are
  mostly compressed already); its path is in the manifest, so member names stay short ASCII
  and every header is one checksummed 512-byte block (no pax records to go unchecked).
- `manifest.json`: format, version, engine, moment, migration state, and for every member
  its row count or path, size and sha256; `manifest.sha256` seals the manifest.

Every byte of a valid archive is checked: headers by tar's own checksum, members by the
manifest's sha256, the manifest by its seal, and padding must be zeros (`archive_check`)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.utils.translation import gettext as _

FORMAT = "taizhang/backup@1"
MANIFEST = "manifest.json"
SEAL = "manifest.sha256"
CHUNK = 1 << 20


class ArchiveError(Exception):
    """The archive cannot be restored: damaged, truncated, or not a Taizhang backup. Its
    message is one line for the operator."""


@dataclass(frozen=True)
class TableEntry:
    model: str  # "app_label.modelname"
    member: str
    fields: list[str]
    rows: int
    size: int
    sha256: str


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to MEDIA_ROOT, "/"-separated
    member: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    version: str
    engine: str
    created_at: str
    migrations: list[tuple[str, str]]
    tables: list[TableEntry]
    files: list[FileEntry]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "engine": self.engine,
            "created_at": self.created_at,
            "migrations": [list(m) for m in self.migrations],
            "tables": [t.__dict__ for t in self.tables],
            "files": [f.__dict__ for f in self.files],
        }

    @property
    def row_total(self) -> int:
        return sum(t.rows for t in self.tables)


def manifest_parse(data: dict[str, Any]) -> Manifest:
    """The manifest of the parsed `manifest.json`; ArchiveError if it is not one."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveError(_("不是台账系统的备份文件（缺少 %(format)s 清单）") % {"format": FORMAT})
    try:
        return Manifest(
            version=str(data["version"]),
            engine=str(data["engine"]),
            created_at=str(data["created_at"]),
            migrations=[(str(app), str(name)) for app, name in data["migrations"]],
            tables=[TableEntry(**t) for t in data["tables"]],
            files=[FileEntry(**f) for f in data["files"]],
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ArchiveError(_("备份清单不完整：%(error)s") % {"error": error}) from error


class HashingReader(io.RawIOBase):
    """A file read through, its bytes counted into a sha256 as tarfile copies them."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.digest.update(data)
        return len(data)


def tar_info(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    info.uname = info.gname = ""
    return info


def tar_add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    tar.addfile(tar_info(name, len(data), mtime), io.BytesIO(data))


def tar_add_manifest(tar: tarfile.TarFile, manifest: Manifest, mtime: float) -> None:
    data = json.dumps(manifest.as_json(), ensure_ascii=False, indent=1).encode()
    tar_add_bytes(tar, MANIFEST, data, mtime)
    tar_add_bytes(tar, SEAL, hashlib.sha256(data).hexdigest().encode() + b"\n", mtime)


def jsonl_rows(stream: IO[bytes]) -> Iterator[Any]:
    """The parsed lines of a gzip-compressed JSON Lines member (its header line first)."""
    with gzip.open(stream, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def sha256_of(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


class Archive:
    """A backup archive opened for reading. `check()` validates every byte before anything
    is restored; `rows(table)` and `file_bytes(entry)` read what it holds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.tar = tarfile.open(path, "r:", ignore_zeros=False)  # noqa: SIM115
            self.members = {m.name: m for m in self.tar.getmembers()}
        except (OSError, tarfile.TarError, EOFError, UnicodeError) as error:
            raise ArchiveError(
                _("备份文件已损坏或不完整（%(error)s）") % {"error": error}
            ) from error
        self.manifest = self._manifest()

    def close(self) -> None:
        self.tar.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, name: str) -> bytes:
        member = self.members.get(name)
        stream = self.tar.extractfile(member) if member is not None else None
        if stream is None:
            raise ArchiveError(_("备份文件已损坏或不完整（缺少 %(name)s）") % {"name": name})
        try:
            return stream.read()
        except (OSError, tarfile.TarError, EOFError) as error:
            raise ArchiveError(
                _("备份文件已损坏或不完整（%(name)s：%(error)s）") % {"name": name, "error": error}
            ) from error

    def _manifest(self) -> Manifest:
        data = self._read(MANIFEST)
        seal = self._read(SEAL).decode("ascii", "replace").strip()
        if hashlib.sha256(data).hexdigest() != seal:
            raise ArchiveError(_("备份文件已损坏：清单与其校验值不符"))
        try:
            parsed = json.loads(data)
        except ValueError as error:
            raise ArchiveError(_("备份清单无法读取：%(error)s") % {"error": error}) from error
        return manifest_parse(parsed)

    def stream(self, member: str) -> IO[bytes]:
        info = self.members.get(member)
        stream = self.tar.extractfile(info) if info is not None else None
        if stream is None:
            raise ArchiveError(_("备份文件已损坏或不完整（缺少 %(name)s）") % {"name": member})
        return stream

    def rows(self, table: TableEntry) -> Iterator[list[Any]]:
        """The rows of `table` (after its header line)."""
        lines = jsonl_rows(self.stream(table.member))
        next(lines)
        yield from lines

    def file_bytes(self, entry: FileEntry) -> bytes:
        return self.stream(entry.member).read()

    def check(self) -> None:
        """Refuse (ArchiveError) unless every member the manifest names is there with its
        size and sha256, every table has the columns and number of rows it says, no other
        member is there, and every header is as written, every byte outside the members a zero."""
        manifest = self.manifest
        expected = {MANIFEST, SEAL}
        for table in manifest.tables:
            self._check_member(table.member, table.size, table.sha256)
            self._check_rows(table)
            expected.add(table.member)
        for entry in manifest.files:
            if not safe_path(entry.path):
                raise ArchiveError(_("备份中的文件路径不安全：%(path)s") % {"path": entry.path})
            self._check_member(entry.member, entry.size, entry.sha256)
            expected.add(entry.member)
        extra = set(self.members) - expected
        if extra:
            raise ArchiveError(
                _("备份文件含有清单之外的内容：%(name)s") % {"name": sorted(extra)[0]}
            )
        self._check_padding()

    def _check_member(self, name: str, size: int, sha256: str) -> None:
        info = self.members.get(name)
        if info is None or not info.isfile() or info.size != size:
            raise ArchiveError(_("备份文件已损坏或不完整（%(name)s）") % {"name": name})
        try:
            actual = sha256_of(self.stream(name))
        except (OSError, tarfile.TarError, EOFError) as error:
            raise ArchiveError(
                _("备份文件已损坏或不完整（%(name)s：%(error)s）") % {"name": name, "error": error}
            ) from error
        if actual != sha256:
            raise ArchiveError(_("备份文件已损坏：%(name)s 的校验值不符") % {"name": name})

    def _check_rows(self, table: TableEntry) -> None:
        try:
            lines = jsonl_rows(self.stream(table.member))
            header = next(lines)
            count = sum(1 for _line in lines)
        except (OSError, EOFError, ValueError, StopIteration) as error:
            raise ArchiveError(
                _("备份文件已损坏：%(name)s 无法读取（%(error)s）")
                % {"name": table.member, "error": error}
            ) from error
        if header != {"model": table.model, "fields": table.fields}:
            raise ArchiveError(
                _("备份文件已损坏：%(name)s 的表头与清单不符") % {"name": table.member}
            )
        if count != table.rows:
            raise ArchiveError(
                _("备份文件已损坏：%(model)s 应有 %(rows)s 行，实有 %(count)s 行")
                % {"model": table.model, "rows": table.rows, "count": count}
            )

    def _check_padding(self) -> None:
        covered = sorted((m.offset, m.offset_data + m.size) for m in self.members.values())
        size = self.path.stat().st_size
        # A whole archive is whole tar records, its last member followed by the two zero
        # blocks that end it: cut anywhere, it is not.
        if size % tarfile.RECORDSIZE or size < covered[-1][1] + 2 * tarfile.BLOCKSIZE:
            raise ArchiveError(_("备份文件不完整（被截断）"))
        with self.path.open("rb") as raw:
            # Headers exactly as written: tar's own checksum lets some bytes vary (the
            # checksum field's terminators), a header written again must not.
            for member in self.members.values():
                raw.seek(member.offset)
                written = raw.read(member.offset_data - member.offset)
                if written != member.tobuf(tarfile.USTAR_FORMAT, "utf-8", "surrogateescape"):
                    raise ArchiveError(
                        _("备份文件已损坏：%(name)s 的文件头有误") % {"name": member.name}
                    )
            position = 0
            for start, end in [*covered, (size, 0)]:
                if start > position and _nonzero(raw, position, start):
                    raise ArchiveError(_("备份文件已损坏：成员之间有非零字节"))
                position = max(position, end)


def safe_path(path: str) -> bool:
    """Whether a file's path stays inside the media directory."""
    parts = PurePosixPath(path).parts
    return bool(parts) and not path.startswith("/") and ".." not in parts and "\\" not in path


def _nonzero(raw: IO[bytes], start: int, end: int) -> bool:
    raw.seek(start)
    remaining = end - start
    while remaining > 0:
        chunk = raw.read(min(CHUNK, remaining))
        if not chunk:
            return False
        if chunk.count(0) != len(chunk):
            return True
        remaining -= len(chunk)
    return False
