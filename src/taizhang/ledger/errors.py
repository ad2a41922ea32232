"""What the rules for editing a stored task refuse."""

from __future__ import annotations


class EditError(Exception):
    """A change the rules refuse, with a message for the person who asked for it."""


class ConflictError(EditError):
    """Someone else changed the task since it was read (optimistic locking)."""
