"""What the rules for accounts refuse."""

from __future__ import annotations


class AccountError(ValueError):
    """An account change the rules refuse, with a message in Chinese for the office."""
