"""Attachments are checked by what they contain, not by their name: photos (JPEG, PNG) and
PDF only, and bounded in size."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from taizhang.reporting.errors import ReportingError

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
