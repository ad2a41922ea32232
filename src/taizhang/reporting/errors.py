"""What the reporting rules refuse. Its own module so that services and the upload checks can
both raise them without importing each other."""

from __future__ import annotations

from taizhang.ledger.errors import ConflictError, EditError

__all__ = ["ConflictError", "EditError", "ReportingError"]


class ReportingError(EditError):
    """A request the reporting rules refuse, with a message for the person who made it."""
