"""Django's SQLite backend whose write transactions (IMMEDIATE or EXCLUSIVE, which take
SQLite's write lock when they begin) first take their turn on the lock file beside the
database (taizhang.sqlite.WriteTurn), within the connection's busy timeout; the turn passes
on at COMMIT, ROLLBACK or the connection's close. An in-memory database has no turns.

Not covered, on purpose or by what Django does: a statement run in autocommit outside any
`atomic` block (Django's own `update_last_login`, a session's expiry) takes SQLite's lock
alone, for its one statement, with SQLite's busy handler; and `set_autocommit(False)` (which
Taizhang does not use) lets Python's sqlite3 begin a DEFERRED transaction with no turn. A
write waits at most the busy timeout for its turn and then at most as long again for SQLite's
lock (only a writer without a turn can hold it then). SQLite's automatic WAL checkpoint
runs inside the COMMIT that passes its threshold, while that writer still has the turn."""

from __future__ import annotations

from typing import Any

from django.db.backends.sqlite3 import base

from taizhang.sqlite import BUSY_TIMEOUT_SECONDS, WriteTurn

# django-stubs leave out the private methods overridden here (and `transaction_mode`).
_SQLiteWrapper: Any = base.DatabaseWrapper


class DatabaseWrapper(_SQLiteWrapper):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns: WriteTurn | None = None
        self._turn: int | None = None  # the descriptor holding this connection's turn

    def _write_turns(self) -> WriteTurn | None:
        """The turns of this database's writers, or None where there are none."""
        if self._turns is None:
            name = self.settings_dict["NAME"]
            if self.transaction_mode in (None, "DEFERRED") or self.is_in_memory_db() or not name:
                return None
            self._turns = WriteTurn(str(name))
        return self._turns

    def _start_transaction_under_autocommit(self) -> None:
        turns = self._write_turns()
        if turns is not None and self._turn is None:
            timeout = float(self.settings_dict["OPTIONS"].get("timeout", BUSY_TIMEOUT_SECONDS))
            with self.wrap_database_errors:
                try:
                    self._turn = turns.take(timeout)
                except TimeoutError:
                    # What SQLite itself says when its busy timeout runs out.
                    raise self.Database.OperationalError("database is locked") from None
                except OSError as error:  # the lock file cannot be opened or locked
                    raise self.Database.OperationalError(
                        f"cannot take the turn to write on {turns.path}: {error}"
                    ) from error
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._give_turn()
            raise

    def _give_turn(self) -> None:
        if self._turn is not None and self._turns is not None:
            turn, self._turn = self._turn, None
            self._turns.give(turn)

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._give_turn()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._give_turn()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._give_turn()
