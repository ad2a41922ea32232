"""Attachments are checked by what they contain, not by their name: photos (JPEG, PNG) and
PDF only, and bounded in size. `files_cleanup` (the `taizhang cleanup` command) removes held
files nobody sent and stored files no row points to."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.ledger.services.audit import audit_record
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Attachment, HeldFile

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or None for anything not allowed."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def checked_upload(upload: UploadedFile) -> tuple[UploadedFile, str]:
    """The upload and its real content type; refuses other types and oversized files."""

    limit = settings.TAIZHANG_MAX_ATTACHMENT_BYTES
    if upload.size is None or upload.size > limit:
        raise ReportingError(
            _("附件 %(name)s 过大（上限 %(mb)s MB）") % {"name": upload.name, "mb": limit // 2**20}
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    upload.seek(0)
    if content_type is None:
        raise ReportingError(_("附件 %(name)s 不是照片（JPEG/PNG）或 PDF") % {"name": upload.name})
    return upload, content_type


# A file younger than this may belong to a report or held file still being saved: an upload
# is written to the store before its row is committed.
ORPHAN_GRACE = datetime.timedelta(hours=1)
STORED_FOLDERS = ("reports", "held")


@dataclass
class Cleanup:
    """What `files_cleanup` removed (or, in a dry run, would remove): storage names."""

    expired_held: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)


@transaction.atomic
def files_cleanup(*, days: int, dry_run: bool = False) -> Cleanup:
    """Remove held files (files chosen in a report form, never sent) older than `days` days,
    rows and files, and files under the media folders reports/ and held/ that no attachment
    or held file points to (older than `ORPHAN_GRACE`). A dry run removes nothing."""
    if days < 0:
        raise ReportingError(_("天数不能为负数"))
    expired = HeldFile.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days))
    result = Cleanup(expired_held=sorted(expired.values_list("file", flat=True)))
    referenced = set(Attachment.objects.values_list("file", flat=True))
    referenced |= set(HeldFile.objects.values_list("file", flat=True))
    result.orphans = [name for name in _stored_names() if name not in referenced]
    if dry_run:
        return result
    expired.delete()
    names = [*result.expired_held, *result.orphans]
    transaction.on_commit(lambda: _delete_files(names))
    audit_record(
        actor=None,
        action="files.cleanup",
        data={"held": len(result.expired_held), "orphans": len(result.orphans)},
    )
    return result


def _stored_names(folders: tuple[str, ...] = STORED_FOLDERS) -> list[str]:
    """Every file under these media folders, old enough to be no upload in progress."""
    names: list[str] = []
    cutoff = timezone.now() - ORPHAN_GRACE
    for folder in folders:
        if not default_storage.exists(folder):
            continue
        stack = [folder]
        while stack:
            current = stack.pop()
            directories, files = default_storage.listdir(current)
            stack += [f"{current}/{d}" for d in directories]
            names += [
                f"{current}/{f}"
                for f in files
                if default_storage.get_modified_time(f"{current}/{f}") < cutoff
            ]
    return sorted(names)


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
