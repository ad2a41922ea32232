"""Shared test fixtures: the seed ledger and its expected parse, copied into the project so a
plain clone tests alone."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

if TYPE_CHECKING:
    # tests.factories imports Django models (and SEED from here): only once Django is set up.
    from tests.factories import World, WorldKeys

# Property tests run against time only in their own example counts: no per-example deadline,
# which a loaded CI machine (two cores, PostgreSQL, parallel workers) would miss by chance.
hypothesis_settings.register_profile("taizhang", deadline=None)
hypothesis_settings.load_profile("taizhang")


def pytest_configure(config: pytest.Config) -> None:
    """The cyclic garbage collector run less often: a test process holds a large heap (Django's
    models, the compiled templates, hypothesis' strategies), which each full collection walks
    again (about 0.15 s each), and with Python's default thresholds (700, 10, 10) the
    collector took 8% of the in-process CPU (10.7 of 130 s, every in-process test in one
    process). Garbage is still collected, in fewer and larger passes; a test that needs it
    gone at once calls gc.collect()."""
    gc.set_threshold(10_000, 20, 20)


FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "jiyuan-2021-ledger.txt"
EXPECTED = FIXTURES / "jiyuan-2021.expected.json"


@pytest.fixture
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture
def expected() -> dict[str, Any]:
    return json.loads(EXPECTED.read_text(encoding="utf-8"))


def subset(actual: Any, expected: Any, path: str = "$") -> list[str]:
    """Differences between `expected` and the same fields of `actual` (fields only `actual`
    has are ignored): the fixture names what must match, the format may hold more."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += subset(actual[key], value, f"{path}.{key}")
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"]
        return [
            p
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for p in subset(a, e, f"{path}[{i}]")
        ]
    return [] if actual == expected else [f"{path}: expected {expected!r}, got {actual!r}"]


def require_tool(command: str, package: str) -> str:
    """The path of an outside tool (soffice, pdftoppm, chromium). Locally a test without it is
    skipped with the reason; with TAIZHANG_REQUIRE_TOOLS=1 (set by .ci/run) it fails."""
    path = shutil.which(command)
    if path:
        return path
    message = f"{command} is not installed (Debian package {package})"
    if os.environ.get("TAIZHANG_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


ARTIFACTS = Path(os.environ.get("TAIZHANG_ARTIFACTS", Path(__file__).parents[1] / "artifacts"))
# Screenshots are taken only for a run that keeps them (.ci/run sets TAIZHANG_ARTIFACTS): a
# full-page screenshot costs Chromium about as much as the page it shows, and nothing reads it.
KEEP_SCREENSHOTS = bool(os.environ.get("TAIZHANG_ARTIFACTS"))


def _is_transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test with real commits (threads, a live server)."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    by_marker = bool(marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)))
    return by_marker or "transactional_db" in names or "live_server" in names


def _wants_shared_world(item: pytest.Item) -> bool:
    # TAIZHANG_TEST_WORLD_PER_TEST=1 builds the world for each test, as before it was shared:
    # to tell a failure of the sharing from one of the test.
    if os.environ.get("TAIZHANG_TEST_WORLD_PER_TEST") == "1":
        return False
    return "world" in getattr(item, "fixturenames", ()) and not _is_transactional(item)


class SharedWorld:
    """The seed world built once and kept in a transaction left open under the tests that use
    it: pytest-django runs each of those tests in a savepoint inside it, so what a test writes
    is rolled back and the next test finds the world as built. Any other test (one without the
    world, which must find an empty database, or a transactional one, which commits) first has
    the transaction rolled back; the next test with the world builds it again. pytest-django
    runs database tests before transactional ones, so a whole run builds it a few times only.
    The same works on SQLite and PostgreSQL: it is what Django's TestCase.setUpTestData does."""

    current: SharedWorld | None = None  # the session's, once a test has asked for the world
    builds = 0  # how many times a run built it (a figure for tuning the test order)

    def __init__(self, blocker: Any) -> None:
        self._blocker = blocker
        self._atomic: Any = None
        self._keys: WorldKeys | None = None

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self) -> None:
        from django.db import connection, transaction

        from tests.factories import build_world

        if self._atomic is not None:
            if not connection.closed_in_transaction:
                return
            # A test closed the connection (a WSGI handler's close_old_connections does on
            # PostgreSQL), and the world went with its transaction: build it again.
            self.close()
        with self._blocker.unblock():
            # Django asks the database this once, outside any atomic block; not inside ours.
            assert connection.features.supports_transactions
            atomic = transaction.atomic()
            # As Django's TestCase marks its class-wide blocks: a durable block may open inside.
            atomic._from_testcase = True
            atomic.__enter__()
            try:
                self._keys = build_world().keys()
            except BaseException:
                self._rollback(atomic)
                raise
        self._atomic = atomic
        SharedWorld.builds += 1

    def close(self) -> None:
        if self._atomic is None:
            return
        atomic, self._atomic = self._atomic, None
        with self._blocker.unblock():
            self._rollback(atomic)

    @staticmethod
    def _rollback(atomic: Any) -> None:
        from django.db import connection, transaction

        if connection.atomic_blocks[-1:] != [atomic]:
            raise RuntimeError("a test left a transaction open above the shared world")
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)

    def world(self) -> World:
        from tests.factories import World

        assert self._keys is not None
        return World.load(self._keys)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that share the world first, each file's in their order: the world is built
    once for them all (in each parallel worker), not again after every file's other database
    tests (28 builds of 30 ms of CPU in one process before). pytest-django has already put the
    database tests that are not transactional first (its hook runs first), and these are
    such tests, so its order holds."""
    items.sort(key=lambda item: not _wants_shared_world(item))


_NEXT_ITEM: list[pytest.Item] = []  # the test being set up, for _shared_world's first use


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of the test: open the shared world for a test that uses it, roll it
    back for any other."""
    _NEXT_ITEM[:] = [item]
    shared = SharedWorld.current
    if shared is not None:
        if _wants_shared_world(item):
            shared.open()
        else:
            shared.close()


@pytest.fixture(scope="session")
def _shared_world(
    django_db_setup: None, django_db_blocker: Any, _fast_password_hashing: None
) -> Iterator[SharedWorld]:
    # A session fixture is set up before the test's function fixtures (so before `db` opens
    # the test's savepoint); later tests are handled by pytest_runtest_setup.
    shared = SharedWorld(django_db_blocker)
    if _NEXT_ITEM and _wants_shared_world(_NEXT_ITEM[0]):
        shared.open()
    SharedWorld.current = shared
    yield shared
    SharedWorld.current = None
    shared.close()


@pytest.fixture
def world(request: pytest.FixtureRequest, _shared_world: SharedWorld, db: None) -> World:
    """The seed ledger and one user per role (tests/factories.py), fresh Python objects for
    each test. A transactional test (or one that asks for the world on the fly) gets a world
    built for it alone."""
    if _shared_world.is_open and _wants_shared_world(request.node):  # type: ignore[arg-type]
        return _shared_world.world()
    from tests.factories import build_world

    return build_world()


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> Iterator[None]:
    """Tests sign in many users; the production hasher is slow on purpose. Session-wide, so
    that the shared world's users are hashed fast too."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _static_settings() -> tuple[Any, ...]:
    """Every setting WhiteNoise's middleware reads to list the apps' static files and make
    their headers."""
    from django.conf import settings

    named = sorted(name for name in dir(settings) if name.startswith("WHITENOISE_"))
    return (
        *((name, repr(getattr(settings, name))) for name in named),
        settings.DEBUG,
        settings.STATIC_URL,
        settings.FORCE_SCRIPT_NAME,
        repr(settings.STATICFILES_DIRS),
        tuple(settings.STATICFILES_FINDERS),
        tuple(settings.INSTALLED_APPS),
    )


@pytest.fixture(scope="session", autouse=True)
def _static_files_listed_once() -> Iterator[None]:
    """Each test client loads the middleware anew, and WhiteNoise's (WHITENOISE_USE_FINDERS)
    lists, stats and types every static file of the apps each time: 26 ms a client, over a
    tenth of the suite's CPU. A server does it once a process; so do the tests, for each set
    of the settings it reads. The middleware still serves from that list as it would."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    listed: dict[tuple[Any, ...], dict[str, Any]] = {}
    list_files = WhiteNoiseMiddleware.add_files_from_finders

    def add_files_from_finders(self: WhiteNoiseMiddleware) -> None:
        key = _static_settings()
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders  # type: ignore[method-assign]
    try:
        yield
    finally:
        WhiteNoiseMiddleware.add_files_from_finders = list_files  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _own_data_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Each test process (the suite runs in parallel workers) keeps its pending uploads and
    media in a directory of its own: clean-ups that remove old or unreferenced files must
    never see another worker's."""
    from django.test import override_settings

    data = tmp_path_factory.mktemp("data")
    with override_settings(DATA_DIR=data, MEDIA_ROOT=data / "media"):
        yield


@pytest.fixture
def migrations_applied(db: None) -> Iterator[None]:
    """The test's database as `migrate` leaves it: the real migrations known to the loader
    and every one recorded as applied in django_migrations, also where the suite built the
    database from the models (--no-migrations: pytest-django hides every migration and there
    is no django_migrations table). Raw SQL, not the schema editor, which SQLite refuses
    inside the test's transaction. A transactional test's commits are undone at the end: the
    table dropped if it was made here, else the rows recorded here deleted."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.recorder import MigrationRecorder
    from django.test import override_settings

    with override_settings(MIGRATION_MODULES={}):
        recorder = MigrationRecorder(connection)
        made = not recorder.has_table()
        with connection.cursor() as cursor:
            key = "integer" if connection.vendor == "sqlite" else "serial"
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS django_migrations (id {key} PRIMARY KEY, "
                "app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamp NOT NULL)"
            )
        known = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
        added = sorted(set(known) - set(recorder.applied_migrations()))
        for app, name in added:
            recorder.record_applied(app, name)
        yield
        if connection.in_atomic_block:
            return  # the test's transaction is rolled back, the table with it
        if made:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE django_migrations")
        else:
            for app, name in added:
                recorder.record_unapplied(app, name)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SQLite database of a data directory `taizhang migrate` made, once per run: tests
    that need a fresh installation copy it (tests/upgrade/cli.py, Site.migrated). The suite's
    parallel workers share one (migrating costs seconds of CPU): the first to need it makes
    it in their run's common temporary directory, under a lock the others wait on. Without
    the system checks (loading every URL and the API: 0.4 s of CPU), which are not what the
    database is wanted for; test_install.py migrates with them."""
    from tests.upgrade.cli import Site

    migrate = ("migrate", "-v0", "--skip-checks")

    if not os.environ.get("PYTEST_XDIST_WORKER"):  # one process: the run's own directory
        site = Site(tmp_path_factory.mktemp("migrated"))
        site.run(*migrate)
        return site.data / "taizhang.sqlite3"
    shared = tmp_path_factory.getbasetemp().parent  # popen-gwN's parent: this run's, for all
    site = Site(shared / "migrated")
    with open(shared / "migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        made = shared / "migrated.done"
        if not made.exists():
            site.run(*migrate)
            made.touch()
    return site.data / "taizhang.sqlite3"
