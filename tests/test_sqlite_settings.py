"""SQLite as the embedded default: WAL, a busy timeout and IMMEDIATE transactions are in
effect on a real file database, concurrent writers all succeed where SQLite's defaults made
one fail with "database is locked", and they take turns on the lock file beside it
(taizhang.sqlite_backend)."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction

from taizhang.sqlite import _QUEUES, BUSY_TIMEOUT_SECONDS, WriteTurn, sqlite_options
from tests.settings_reader import settings_in

WAIT = 30  # seconds an event may take before the test gives up (never reached when it works)


def until(condition: Callable[[], bool]) -> None:
    """Wait for `condition` (looked at every millisecond, at most WAIT seconds): for the
    event itself, not for a time it should have taken."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the event never came"
        time.sleep(0.001)


def in_line(path: Path | str) -> int:
    """How many threads of this process wait in line for the turn on this lock file."""
    queue = _QUEUES.get(str(path))
    return len(queue._waiting) if queue is not None else 0


@pytest.fixture
def sqlite_file(tmp_path: Path, django_db_blocker: Any) -> Iterator[list[str]]:
    """Two connection aliases, "first" and "second", to one SQLite file with Taizhang's
    engine and options (whatever database the suite itself runs on), and a table `t` in it."""
    aliases = ["first", "second"]
    base = connections["default"].settings_dict
    for alias in aliases:
        connections.settings[alias] = {
            **base,
            "ENGINE": "taizhang.sqlite_backend",
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
    turn = turn_file(sqlite_file)

    def first() -> None:
        with transaction.atomic(using="first"):
            rows("first")
            first_has_read.set()
            assert second_is_writing.wait(WAIT)
            until(lambda: in_line(turn) == 1)  # "second" is waiting for its turn
            with connections["first"].cursor() as cursor:
                cursor.execute("INSERT INTO t (who) VALUES ('first')")

    def second() -> None:
        assert first_has_read.wait(WAIT)
        second_is_writing.set()
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

    def writer(alias: str) -> None:
        start.wait(WAIT)
        for n in range(25):
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM t")
                cursor.execute("INSERT INTO t (who) VALUES (%s)", [f"{alias}-{n}"])

    run_writers(aliases, writer, failures)
    assert failures == []
    assert len(rows("first")) == 100


def run_writers(aliases: list[str], writer: Any, failures: list[BaseException]) -> None:
    """`writer(alias)` for each of `aliases`, made aliases of "first", each in its thread."""
    for alias in aliases:
        connections.settings[alias] = connections.settings["first"]
    try:
        run_together([functools.partial(writer, alias) for alias in aliases], failures)
    finally:
        for alias in aliases:
            del connections.settings[alias]


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
    assert database["ENGINE"] == "taizhang.sqlite_backend"
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
    assert database["ENGINE"] == "taizhang.postgresql_backend"
    assert database["OPTIONS"]["server_side_binding"] is True


# --- writers take turns on the lock file -------------------------------------------------


def turn_file(sqlite_file: list[str]) -> Path:
    return Path(str(connections["first"].settings_dict["NAME"]) + "-writelock")


def test_a_write_transaction_holds_the_turn_until_it_ends(sqlite_file: list[str]) -> None:
    """While "first" is in a write transaction, "second"'s waits for its turn (not for
    SQLite's busy handler), and gets it as soon as "first" commits; only the lock file's owner
    may write to it."""
    first_in = threading.Event()
    release = threading.Event()
    order: list[str] = []
    failures: list[BaseException] = []
    turn = turn_file(sqlite_file)

    def first() -> None:
        with transaction.atomic(using="first"), connections["first"].cursor() as cursor:
            cursor.execute("INSERT INTO t (who) VALUES ('first')")
            first_in.set()
            assert release.wait(WAIT)
            order.append("first commits")

    def second() -> None:
        assert first_in.wait(WAIT)
        with transaction.atomic(using="second"), connections["second"].cursor() as cursor:
            order.append("second begins")
            cursor.execute("INSERT INTO t (who) VALUES ('second')")

    def let_go() -> None:
        assert first_in.wait(WAIT)
        until(lambda: in_line(turn) == 1)  # "second" is waiting
        release.set()

    run_together([first, second, let_go], failures)
    assert failures == []
    assert order == ["first commits", "second begins"]
    assert rows("first") == ["first", "second"]
    # No one but its owner writes to it (it holds no data; others may open it to wait).
    assert stat.S_IMODE(os.stat(turn).st_mode) & 0o022 == 0


def test_the_turn_passes_on_after_a_rollback_and_a_closed_connection(
    sqlite_file: list[str],
) -> None:
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic(using="first"):
        rows("first")
        raise Refused
    assert connections["first"]._turn is None  # type: ignore[attr-defined]
    with transaction.atomic(using="first"):
        with connections["first"].cursor() as cursor:
            cursor.execute("INSERT INTO t (who) VALUES ('lost')")
        assert connections["first"]._turn is not None  # type: ignore[attr-defined]
        connections["first"].close()  # a connection lost in its transaction gives its turn
        assert connections["first"]._turn is None  # type: ignore[attr-defined]
    with transaction.atomic(using="second"), connections["second"].cursor() as cursor:
        cursor.execute("INSERT INTO t (who) VALUES ('second')")
    assert rows("second") == ["second"]


def test_no_turn_within_the_busy_timeout_is_sqlites_database_is_locked(
    sqlite_file: list[str],
) -> None:
    """A writer that waits longer than the busy timeout fails as SQLite does; the turn it
    gave up is passed on when it comes (the next writer is not held back by it)."""
    connections["second"].settings_dict["OPTIONS"] = {**sqlite_options(), "timeout": 0.2}
    connections["second"].close()
    with transaction.atomic(using="first"):
        rows("first")
        started = time.monotonic()
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(using="second"),
        ):
            pass
        assert 0.2 <= time.monotonic() - started < 5
    with transaction.atomic(using="second"), connections["second"].cursor() as cursor:
        cursor.execute("INSERT INTO t (who) VALUES ('second')")
    assert rows("first") == ["second"]


def test_writers_get_the_turn_in_a_fair_order(sqlite_file: list[str]) -> None:
    """Six writers each wanting the lock 15 times while others hold it: nobody waits while
    the others go again and again (SQLite's busy handler sleeps longer the longer a writer has
    waited, so newcomers go first). Measured as how many transactions commit while one writer
    waits."""
    aliases = [f"writer{n}" for n in range(6)]
    commits = [0]
    overtaken: list[int] = []
    guard = threading.Lock()
    start = threading.Barrier(len(aliases))
    failures: list[BaseException] = []

    def writer(alias: str) -> None:
        start.wait(WAIT)
        for n in range(15):
            before = commits[0]
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                with guard:
                    overtaken.append(commits[0] - before)
                cursor.execute("INSERT INTO t (who) VALUES (%s)", [f"{alias}-{n}"])
                time.sleep(0.002)
            with guard:
                commits[0] += 1

    run_writers(aliases, writer, failures)
    assert failures == []
    assert len(rows("first")) == 90
    # With SQLite's busy handler alone one writer waited while the other five finished all
    # their 75 transactions, in every run; with turns the worst wait was 7-18 commits (the
    # kernel wakes the waiters together and one wins, so the order is fair, not first come).
    assert max(overtaken) <= 40


@pytest.mark.django_db
def test_an_in_memory_database_has_no_turns() -> None:
    connection = connections["default"]
    if connection.vendor != "sqlite":
        pytest.skip("the suite runs on PostgreSQL: its default database is not SQLite")
    assert connection.is_in_memory_db()
    with transaction.atomic():
        assert connection._turn is None  # type: ignore[attr-defined]


def lock_is_free(path: Path) -> bool:
    """Whether no open file anywhere holds the lock on `path`."""
    probe = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(probe)


def in_a_child(action: Any) -> tuple[int, int]:
    """Fork; the child runs `action()` and writes what it returns (bytes) or the name of
    what it raised to a pipe. The child's pid and the pipe's end the parent reads."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            said = action()
        except BaseException as error:
            said = type(error).__name__.encode()
        os.write(write, said or b"-")
        os._exit(0)
    os.close(write)
    return pid, read


def test_a_lock_given_up_while_waiting_is_let_go_when_it_comes(tmp_path: Path) -> None:
    """Another process's wait for the lock file runs out: the thread that waits on the file
    lets the lock go when it gets it, so the next try, here or there, gets it."""
    database = str(tmp_path / "db")
    here = WriteTurn(database)
    held = here.take(1)
    let_go, tried = os.pipe(), os.pipe()

    def there() -> bytes:
        turns = WriteTurn(database)
        try:
            turns.take(0.05)
            return b"took it"
        except TimeoutError:
            pass
        finally:
            os.write(tried[1], b"x")
        os.read(let_go[0], 1)  # the parent gave its turn
        turns.give(turns.take(WAIT))
        return b"timed out, then took it"

    pid, answer = in_a_child(there)
    os.read(tried[0], 1)  # its wait ran out (its thread still waits on the file)
    here.give(held)
    os.write(let_go[1], b"x")
    assert os.read(answer, 100) == b"timed out, then took it"
    os.waitpid(pid, 0)
    here.give(here.take(1))  # and back


def test_a_process_that_dies_gives_its_turn_back(tmp_path: Path) -> None:
    database = str(tmp_path / "db")
    took = os.pipe()

    def hold_and_hang() -> bytes:
        WriteTurn(database).take(1)
        os.write(took[1], b"x")
        time.sleep(WAIT)
        return b""

    pid, _answer = in_a_child(hold_and_hang)
    os.read(took[0], 1)
    assert not lock_is_free(Path(database + "-writelock"))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    started = time.monotonic()
    turns = WriteTurn(database)
    turns.give(turns.take(WAIT))
    assert time.monotonic() - started < 1


def test_a_child_forked_while_the_turn_is_held_does_not_keep_it(tmp_path: Path) -> None:
    """flock belongs to the open file, which a forked child shares: the child closes what it
    inherited, so the parent's turn ends when the parent gives it, child or not."""
    database = str(tmp_path / "db")
    turns = WriteTurn(database)
    held = turns.take(1)
    started, finish = os.pipe(), os.pipe()
    pid, answer = in_a_child(
        lambda: (os.write(started[1], b"x"), os.read(finish[0], 1), b"done")[2]
    )
    os.read(started[0], 1)  # the child runs (what it inherited is dealt with before)
    try:
        turns.give(held)
        assert lock_is_free(Path(database + "-writelock"))  # the child still running
    finally:
        os.write(finish[1], b"x")
        os.read(answer, 10)
        os.waitpid(pid, 0)


def test_a_lock_file_made_by_root_opens_for_the_databases_owner(tmp_path: Path) -> None:
    """A command run as root (migrate, restore) writes first: the lock file it makes is the
    database's owner's, and opens read-only, so the service's user still takes turns."""
    if os.geteuid() != 0:
        pytest.skip("needs root to be two users")
    nobody = 65534
    folder = Path(tempfile.mkdtemp(dir="/tmp"))  # not under pytest's directory: root's only
    folder.chmod(0o777)
    database = folder / "taizhang.sqlite3"
    database.touch()
    os.chown(database, nobody, nobody)
    turns = WriteTurn(str(database))
    turns.give(turns.take(1))  # root first
    assert (folder / "taizhang.sqlite3-writelock").stat().st_uid == nobody

    def as_the_service() -> bytes:
        os.setgid(nobody)
        os.setuid(nobody)
        mine = WriteTurn(str(database))
        mine.give(mine.take(1))
        return b"ok"

    pid, answer = in_a_child(as_the_service)
    try:
        assert os.read(answer, 100) == b"ok"
    finally:
        os.waitpid(pid, 0)
        shutil.rmtree(folder)


def test_threads_of_a_process_get_the_turn_in_order_of_arrival(tmp_path: Path) -> None:
    """Threads queue first come first served; one whose time runs out in the queue leaves
    it without holding up those behind it."""
    turns = WriteTurn(str(tmp_path / "db"))
    held = turns.take(1)
    order: list[int] = []
    queued = [threading.Event() for _ in range(4)]
    failures: list[BaseException] = []

    def waiter(n: int) -> None:
        queued[n].set()
        try:
            mine = turns.take(0.3 if n == 1 else WAIT)  # the second gives up
        except TimeoutError:
            order.append(-n)
            return
        order.append(n)
        turns.give(mine)

    threads = []
    for n in range(4):
        threads.append(threading.Thread(target=lambda n=n: run_guarded(waiter, n, failures)))
        threads[-1].start()
        assert queued[n].wait(WAIT)
        # In the queue before the next comes (the second counted once its time has run out:
        # on a loaded machine that may come before the last two are in line).
        until(lambda n=n: in_line(turns.path) + order.count(-1) == n + 1)
    until(lambda: order == [-1])  # the second's time runs out while the first holds the turn
    turns.give(held)
    for thread in threads:
        thread.join(WAIT)
    assert failures == []
    assert order == [-1, 0, 2, 3]


def run_guarded(action: Any, n: int, failures: list[BaseException]) -> None:
    try:
        action(n)
    except BaseException as error:
        failures.append(error)
