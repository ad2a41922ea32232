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
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.ledger.services.audit import audit_record
from taizhang.reporting.errors import ReportingError
from taizhang.reporting.models import Attachment, HeldFile, ReportDraft

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


# How long held files may be kept at most (`taizhang cleanup --days`): ten years.
MAX_KEEP_DAYS = 3650


@transaction.atomic
def files_cleanup(*, days: int, dry_run: bool = False) -> Cleanup:
    """Remove held files (files chosen in a report form, never sent) older than `days` days,
    rows and files, and files under the media folders reports/ and held/ that no attachment
    or held file points to (older than `ORPHAN_GRACE`). Held files of a unit's draft of the
    task stay as long as the draft does. A dry run removes nothing.

    Safe while reports are sent: the expired rows are locked (a report taking one waits, then
    finds it gone), only the files of rows this call deleted are removed, and each file is
    checked again just before it goes, after the commit, for a row that points to it."""
    if not 1 <= days <= MAX_KEEP_DAYS:
        raise ReportingError(_("天数应为 1 到 %(max)s 之间的整数") % {"max": MAX_KEEP_DAYS})
    expired = list(_expired_held(days).select_for_update().order_by("pk"))
    referenced = _referenced_names()
    orphans = [name for name in stored_names() if name not in referenced]
    if dry_run:
        return Cleanup(sorted(held.file.name for held in expired), orphans)
    # Only rows still there now: one sent meanwhile is an attachment, its file in use.
    gone = HeldFile.objects.filter(pk__in=[held.pk for held in expired])
    result = Cleanup(sorted(gone.values_list("file", flat=True)), orphans)
    gone.delete()
    names = [*result.expired_held, *result.orphans]
    transaction.on_commit(lambda: _delete_unreferenced(names))
    audit_record(
        actor=None,
        action="files.cleanup",
        data={"held": len(result.expired_held), "orphans": len(result.orphans)},
    )
    return result


def _expired_held(days: int) -> QuerySet[HeldFile]:
    """Held files older than `days` days, but those of a task and unit with a draft."""
    drafted = ReportDraft.objects.filter(task_id=OuterRef("task_id"), unit_id=OuterRef("unit_id"))
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return HeldFile.objects.filter(created_at__lt=cutoff).exclude(Exists(drafted))


def _referenced_names(among: list[str] | None = None) -> set[str]:
    """The stored files attachments and held files point to (of `among`, or all), in one
    query, so a held file becoming an attachment meanwhile is seen as one or the other."""
    attachments = Attachment.objects.values_list("file", flat=True)
    held = HeldFile.objects.values_list("file", flat=True)
    if among is not None:
        attachments, held = attachments.filter(file__in=among), held.filter(file__in=among)
    return set(attachments.union(held))


def stored_names(folders: tuple[str, ...] = STORED_FOLDERS) -> list[str]:
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


def _delete_unreferenced(names: list[str], chunk: int = 400) -> None:
    """Delete the stored files of these names that no row points to now (asked `chunk` names
    a query, within the databases' limits on parameters)."""
    for start in range(0, len(names), chunk):
        some = names[start : start + chunk]
        in_use = _referenced_names(some)
        for name in some:
            if name not in in_use:
                default_storage.delete(name)
