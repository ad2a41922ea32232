"""SQLite as the embedded default: WAL, a busy timeout and IMMEDIATE transactions are in
effect on a real file database, and concurrent writers all succeed where SQLite's defaults
made one fail with "database is locked"."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction

from taizhang.sqlite import BUSY_TIMEOUT_SECONDS, sqlite_options
from tests.settings_reader import settings_in

WAIT = 30  # seconds an event may take before the test gives up (never reached when it works)


@pytest.fixture
def sqlite_file(tmp_path: Path, django_db_blocker: Any) -> Iterator[list[str]]:
    """Two connection aliases, "first" and "second", to one SQLite file with Taizhang's
    options (whatever database the suite itself runs on), and a table `t` in it."""
    aliases = ["first", "second"]
    base = connections["default"].settings_dict
    for alias in aliases:
        connections.settings[alias] = {
            **base,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "taizhang.sqlite3"),
            "OPTIONS": sqlite_options(),
            "TEST": {**base.get("TEST", {})},
        }
    with django_db_blocker.unblock():
        with connections["first"].cursor() as cursor:
            cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT)")
        try:
            yield aliases
        finally:
            for alias in aliases:
                connections[alias].close()
                del connections[alias]
                del connections.settings[alias]


def pragma(alias: str, name: str) -> Any:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"PRAGMA {name}")
        return cursor.fetchone()[0]


def rows(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT who FROM t ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_a_connection_uses_wal_a_busy_timeout_and_full_sync(sqlite_file: list[str]) -> None:
    assert pragma("first", "journal_mode") == "wal"
    assert pragma("first", "busy_timeout") == BUSY_TIMEOUT_SECONDS * 1000
    assert pragma("first", "synchronous") == 2  # FULL
    # A second connection finds the same: the PRAGMAs run on every connection.
    assert pragma("second", "busy_timeout") == BUSY_TIMEOUT_SECONDS * 1000


def test_a_transaction_takes_the_write_lock_when_it_begins(sqlite_file: list[str]) -> None:
    statements: list[str] = []
    connections["first"].ensure_connection()
    connections["first"].connection.set_trace_callback(statements.append)
    with transaction.atomic(using="first"):
        assert rows("first") == []
    assert statements[0] == "BEGIN IMMEDIATE"


def test_a_transaction_that_reads_then_writes_survives_a_concurrent_writer(
    sqlite_file: list[str],
) -> None:
    """The failure measured under load: a transaction reads (report_submit reads the task),
    another connection writes meanwhile, then the first one writes. With SQLite's DEFERRED
    transactions the first one fails at once ("database is locked": its snapshot is stale);
    with IMMEDIATE the second writer waits, and both succeed."""
    first_has_read = threading.Event()
    second_is_writing = threading.Event()
    failures: list[BaseException] = []

    def signal_writing(sql: str) -> None:
        if sql.startswith(("BEGIN IMMEDIATE", "INSERT")):
            second_is_writing.set()

    def first() -> None:
        with transaction.atomic(using="first"):
            rows("first")
            first_has_read.set()
            assert second_is_writing.wait(WAIT)
            with connections["first"].cursor() as cursor:
                cursor.execute("INSERT INTO t (who) VALUES ('first')")

    def second() -> None:
        assert first_has_read.wait(WAIT)
        connections["second"].ensure_connection()
        connections["second"].connection.set_trace_callback(signal_writing)
        with transaction.atomic(using="second"), connections["second"].cursor() as cursor:
            cursor.execute("INSERT INTO t (who) VALUES ('second')")

    run_together([first, second], failures)
    assert failures == []
    assert sorted(rows("first")) == ["first", "second"]


def test_many_writers_at_once_all_succeed(sqlite_file: list[str]) -> None:
    """Four connections, each 25 transactions that read and then write, all at once."""
    failures: list[BaseException] = []
    start = threading.Barrier(4)
    aliases = [f"writer{n}" for n in range(4)]
    for alias in aliases:
        connections.settings[alias] = connections.settings["first"]

    def writer(alias: str) -> None:
        start.wait(WAIT)
        for n in range(25):
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
                cursor.execute("INSERT INTO t (who) VALUES (%s)", [f"{alias}-{n}"])

    try:
        run_together([functools.partial(writer, alias) for alias in aliases], failures)
    finally:
        for alias in aliases:
            del connections.settings[alias]
    assert failures == []
    assert len(rows("first")) == 100


def run_together(actions: list[Any], failures: list[BaseException]) -> None:
    """Run each action in its own thread (its own connections); collect what they raise."""

    def guarded(action: Any) -> None:
        try:
            action()
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()  # this thread's

    threads = [threading.Thread(target=guarded, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert not any(thread.is_alive() for thread in threads)


def database_settings(tmp_path: Path, **env: str) -> dict[str, Any]:
    """settings.DATABASES["default"] of a fresh process with this environment, as JSON gives
    it (paths as strings)."""
    databases = settings_in(tmp_path, drop=["DATABASE_URL"], **env)["DATABASES"]
    found: dict[str, Any] = json.loads(json.dumps(databases["default"], default=str))
    return found


def test_the_default_sqlite_database_gets_the_options(tmp_path: Path) -> None:
    database = database_settings(tmp_path)
    assert database["NAME"] == str(tmp_path.resolve() / "taizhang.sqlite3")
    assert database["OPTIONS"] == sqlite_options()
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_options_given_in_database_url_win(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}?timeout=60"
    database = database_settings(tmp_path, DATABASE_URL=url)
    options = database["OPTIONS"]
    assert int(options["timeout"]) == 60 and options["transaction_mode"] == "IMMEDIATE"


def test_postgresql_gets_no_sqlite_options(tmp_path: Path) -> None:
    database = database_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert "transaction_mode" not in database.get("OPTIONS", {})
