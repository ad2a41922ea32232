"""Benchmark: deadline day. Many units report at once while others read the ledger and the
office watches the dashboard, against gunicorn started with the shipped configuration.

    .venv/bin/python bench/load.py [--users 50] [--duration 60] [--ramp-up 10]
        [--kinds report,ledger,dashboard] [--tasks 10000] [--reports 100000]
        [--think 0] [--data-dir DIR] [--reuse] [--server-args "--workers 4"]

Generates the ledger of bench/bench_pages.py (10,000 tasks, 100,000 reports, an open round)
in DATABASE_URL when set (a previous run's ledger there is deleted first, or kept with
`--reuse`), else in an SQLite file in a temporary data directory. Then starts
`gunicorn -c python:taizhang.gunicorn_conf` on 127.0.0.1 and a free port, and runs `--users`
simulated users, each one thread with one kept-alive connection, started evenly over the
ramp-up, until `--duration` seconds have passed. With no think time (`--think`, the mean
seconds a user waits between requests, default 0) a user sends its next request as soon as
the last one is answered, so the latency is about users / throughput (at 50 users, p95
under 1 s needs about 50 requests a second). The users:

- 60% unit reporters: each opens one of its unit's tasks once (kind `form`: the page with
  the report form, for the CSRF token), then sends reports through that form (multipart, as
  a browser does: kind `report`) on random tasks of its unit, in the open round;
- 30% viewers on the ledger page (`ledger`);
- 10% the office on the dashboard (`dashboard`).

`--kinds` leaves kinds out (their users are shared among the others in proportion), e.g.
`--kinds report,ledger` for a run without the dashboard. Users are signed in by a session
made for them (as the test client's force_login does), not through the sign-in form: 200
password hashes would be a minute of CPU that deadline day does not have.

A report counts as sent only when the answer is the redirect to its task page; every other
answer (400 form shown again, 403, 500, a redirect to the sign-in page) and every exception is
an error. The reports written (rows in the database after the server stopped, less those
before) are compared with the reports sent: they must be equal. Prints requests per second and
p50/p95/p99 per kind of the requests answered between the end of the ramp-up and the end of
the run, errors per kind over the whole run, and the "database is locked" lines in the
server's log.

Targets only 127.0.0.1. The client runs on the same machine and takes CPU from the server:
its CPU time is printed, and on PostgreSQL (a server on this machine) the CPU of the
database's backends during the run. To take little, each user's connection is a plain
HTTP/1.1 socket (`Connection`) rather than `http.client`, whose parsing of each answer's
headers cost most of the client's CPU; the requests are the same on the wire.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import resource
import secrets
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import timing  # noqa: E402

MIX = {"report": 0.6, "ledger": 0.3, "dashboard": 0.1}
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
# A kept-alive connection the server closed before answering (a worker restarting after
# max_requests): a browser sends the request again on a new connection, so does this client.
CLOSED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Sample:
    kind: str
    start: float
    seconds: float
    outcome: str  # "ok", an HTTP status ("500", "302 /login/"), or an exception's name
    retried: bool = False


@dataclass
class Target:
    """What the users need to know about the generated ledger and the server."""

    port: int
    ledger_id: int
    unit_tasks: dict[int, list[int]]  # unit id -> its task ids
    statuses: list[str]
    timeout: float


@dataclass
class User:
    """One simulated user: a kind, a session, a connection, what it measured."""

    kind: str
    session: str
    target: Target
    rng: random.Random
    unit: int | None = None
    csrf: str = ""  # the CSRF cookie
    form_token: str = ""  # the form's CSRF field
    samples: list[Sample] = field(default_factory=list)
    sent: int = 0
    connection: Connection | None = None

    def request(
        self, kind: str, method: str, path: str, body: bytes | None = None, ctype: str = ""
    ) -> tuple[int, dict[str, str], bytes] | None:
        """One request, timed and recorded; the answer, or None after an exception."""
        headers = {"Cookie": self.cookies(), "Host": f"127.0.0.1:{self.target.port}"}
        if body is not None:
            headers["Content-Type"] = ctype
        start = time.monotonic()
        retried = False
        while True:
            try:
                answer = self._send(method, path, body, headers)
                break
            except CLOSED as error:
                self.close()
                if retried:
                    return self.record(kind, start, type(error).__name__, retried)
                retried = True
            except (OSError, http.client.HTTPException) as error:
                self.close()
                return self.record(kind, start, type(error).__name__, retried)
        self.record(kind, start, outcome(kind, path, answer), retried)
        return answer

    def _send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if self.connection is None:
            self.connection = Connection(self.target.port, self.target.timeout)
        status, found, cookies, content = self.connection.request(method, path, body, headers)
        if self.connection.closing:
            self.close()  # the server said "Connection: close": the next request opens one
        self.csrf = cookie_value(cookies, "csrftoken") or self.csrf
        return status, found, content

    def record(self, kind: str, start: float, result: str, retried: bool) -> None:
        self.samples.append(Sample(kind, start, time.monotonic() - start, result, retried))

    def cookies(self) -> str:
        jar = f"sessionid={self.session}"
        return f"{jar}; csrftoken={self.csrf}" if self.csrf else jar

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def step(self) -> None:
        """One request of this user's kind."""
        if self.kind == "ledger":
            self.request("ledger", "GET", f"/ledgers/{self.target.ledger_id}/")
        elif self.kind == "dashboard":
            self.request("dashboard", "GET", f"/ledgers/{self.target.ledger_id}/dashboard/")
        else:
            self.report()

    def report(self) -> None:
        """Open a task with its report form once (for the CSRF token), then send reports."""
        assert self.unit is not None
        task = self.rng.choice(self.target.unit_tasks[self.unit])
        if not self.csrf:
            answer = self.request("form", "GET", f"/tasks/{task}/")
            token = CSRF_FIELD.search(answer[2]) if answer else None
            if token is None or not self.csrf:
                return
            self.form_token = token.group(1).decode()
        body, ctype = multipart(self.form(task))
        self.request("report", "POST", f"/tasks/{task}/report/", body, ctype)
        self.sent += self.samples[-1].outcome == "ok"

    def form(self, task: int) -> dict[str, str]:
        """What a reporter types into the form (a figure line in half the reports)."""
        n = self.rng.randint(1, 100)
        progress = (
            f"截至本月底，已完成年度目标的{n}%，累计完成投资{n * 37}万元。"
            f"（第{self.sent + 1}次报送，任务{task}）\n下一步将加快施工进度，确保按期完成。"
        )
        return {
            "csrfmiddlewaretoken": self.form_token,
            "progress": progress,
            "status": self.rng.choice(self.target.statuses),
            "unit": str(self.unit),
            "figures": f"完成投资 {n * 37} 万元" if self.rng.random() < 0.5 else "",
            "action": "send",
        }


class Connection:
    """One kept-alive HTTP/1.1 connection to 127.0.0.1, sending what `http.client` sent (the
    request line, the headers given, `Accept-Encoding: identity`, `Content-Length` with a
    body) and reading the answer's status, headers and whole body (by its Content-Length,
    chunked, or to the end). Written for the load test's CPU: `http.client` parses every
    answer's headers with the `email` package, about 0.1 ms of the client's 0.15 ms a
    request, on the cores the server is measured on. A connection the server closed before
    answering raises `http.client.RemoteDisconnected` (sent again, as a browser does)."""

    def __init__(self, port: int, timeout: float) -> None:
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.socket.makefile("rb")
        self.closing = False

    def request(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], list[str], bytes]:
        """Send one request; the answer's status, headers (lower-case names, the last of a
        repeated one), its Set-Cookie headers and its body."""
        lines = [f"{method} {path} HTTP/1.1", "Accept-Encoding: identity"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        self.socket.sendall("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + (body or b""))
        first = self.reader.readline(65537)
        if not first:
            raise http.client.RemoteDisconnected("closed before answering")
        version, _, rest = first.decode("latin-1").partition(" ")
        if not version.startswith("HTTP/") or not rest[:3].isdigit():
            raise http.client.BadStatusLine(first.decode("latin-1"))
        status = int(rest[:3])
        found, cookies = self.headers()
        self.closing = found.get("connection", "").lower() == "close"
        try:
            return status, found, cookies, self.body(method, status, found)
        except ValueError as error:  # a length that is not a number
            raise http.client.HTTPException(str(error)) from None

    def headers(self) -> tuple[dict[str, str], list[str]]:
        found: dict[str, str] = {}
        cookies: list[str] = []
        while True:
            line = self.reader.readline(65537)
            if line in (b"\r\n", b"\n", b""):
                return found, cookies
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            found[name] = value
            if name == "set-cookie":
                cookies.append(value)

    def body(self, method: str, status: int, found: dict[str, str]) -> bytes:
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return b""
        if found.get("transfer-encoding", "").lower() == "chunked":
            return self.chunked()
        if "content-length" in found:
            size = int(found["content-length"])
            content = self.reader.read(size)
            if len(content) < size:
                raise http.client.IncompleteRead(content, size - len(content))
            return content
        self.closing = True  # the body runs to the end of the connection
        return self.reader.read()

    def chunked(self) -> bytes:
        parts = []
        while True:
            size = int(self.reader.readline(65537).split(b";")[0].strip(), 16)
            if size == 0:
                while self.reader.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            part = self.reader.read(size)
            if len(part) < size:  # the connection ended inside a chunk
                raise http.client.IncompleteRead(b"".join([*parts, part]), size - len(part))
            parts.append(part)
            self.reader.readline(65537)

    def close(self) -> None:
        self.reader.close()
        self.socket.close()


def task_page(task: int) -> str:
    return f"/tasks/{task}/"


def outcome(kind: str, path: str, answer: tuple[int, dict[str, str], bytes]) -> str:
    """ "ok", or what was wrong with the answer: a report is sent when the answer is the
    redirect to its task's page (a refused form is shown again with 400; a lost session
    redirects to the sign-in page)."""
    status, headers, _content = answer
    if kind == "report":
        task = int(path.split("/")[2])
        if status == 302 and headers.get("location") == task_page(task):
            return "ok"
        return f"{status} {headers.get('location', '')}".strip()
    return "ok" if status == 200 else f"{status} {headers.get('location', '')}".strip()


def cookie_value(headers: list[str], name: str) -> str:
    for header in headers:
        for part in header.split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
    return ""


def multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """A form encoded as a browser sends one with enctype="multipart/form-data"."""
    boundary = "----taizhangload" + secrets.token_hex(8)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    body = "".join(parts) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


# --- the users' run ------------------------------------------------------------------------


def user_kinds(users: int, kinds: list[str], rng: random.Random) -> list[str]:
    """`users` kinds in the mix's proportions among `kinds` (largest remainders), shuffled so
    the ramp-up starts every kind early."""
    total = sum(MIX[kind] for kind in kinds)
    exact = {kind: users * MIX[kind] / total for kind in kinds}
    counts = {kind: int(share) for kind, share in exact.items()}
    for kind in sorted(kinds, key=lambda k: exact[k] - counts[k], reverse=True):
        if sum(counts.values()) < users:
            counts[kind] += 1
    chosen = [kind for kind in kinds for _ in range(counts[kind])]
    rng.shuffle(chosen)
    return chosen


def run_users(users: list[User], args: argparse.Namespace) -> float:
    """Start the users evenly over the ramp-up, stop them starting requests after the
    duration and wait for those in flight (at most the request timeout more); the start."""
    start = time.monotonic()
    stop_at = start + args.duration

    def loop(user: User, begin: float) -> None:
        time.sleep(max(0.0, begin - time.monotonic()))
        while time.monotonic() < stop_at:
            user.step()
            if args.think:
                time.sleep(user.rng.uniform(0, 2 * args.think))
        user.close()

    threads = []
    for n, user in enumerate(users):
        begin = start + args.ramp_up * n / len(users)
        thread = threading.Thread(target=loop, args=(user, begin), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=max(0.0, stop_at + args.timeout + 5 - time.monotonic()))
    return start


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int, extra: list[str], log: Path) -> subprocess.Popen[bytes]:
    """gunicorn with the shipped configuration on 127.0.0.1:`port`, once it answers."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    command = [
        sys.executable, "-m", "gunicorn", "-c", "python:taizhang.gunicorn_conf",
        "--bind", f"127.0.0.1:{port}", *extra,
    ]  # fmt: skip
    print("server:", shlex.join(command[1:]))
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start-up; its log: {log}\n{log.read_text()[-3000:]}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/login/")
            if probe.getresponse().status == 200:
                probe.close()
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not answer within 120 s; its log: {log}")


def process_seconds(pid: int) -> float:
    """CPU seconds (user and system) a process and its living children have used so far
    (Linux /proc; 0 elsewhere)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = 0.0
        for each in [str(pid), *children]:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total
    except (OSError, ValueError, IndexError):
        return 0.0


class DatabaseCPU:
    """The CPU seconds the PostgreSQL backends serving the run's database use during the run,
    when the server runs on this machine: a thread lists them every half second
    (pg_stat_activity, on its own connection) and reads their /proc/<pid>/stat; a backend
    that ended counts what it had used when last seen (up to half a second short). 0 on
    SQLite, whose work is the server's own."""

    def __init__(self) -> None:
        self.before: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        self.before = self.sample()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def watch(self) -> None:
        from django.db import connection

        try:
            while not self.stop.wait(0.5):
                self.last.update(self.sample())
        finally:
            connection.close()

    def sample(self) -> dict[int, float]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [pid for (pid,) in cursor.fetchall()]
        found = {}
        for pid in pids:
            seconds = pid_seconds(pid)
            if seconds is not None:
                found[pid] = seconds
        return found

    def seconds(self) -> float:
        """The backends' CPU from the start until now (then stops watching)."""
        if self.thread is None:
            return 0.0
        self.stop.set()
        self.thread.join()
        return sum(used - self.before.get(pid, 0.0) for pid, used in self.last.items())


def pid_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_seconds() -> float:
    """CPU seconds of this process's children that have ended (with their children)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop gracefully (requests in flight finish), so the rows counted afterwards are all."""
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- the data ------------------------------------------------------------------------------


def prepared(args: argparse.Namespace) -> tuple[Any, str]:
    """The generated ledger (reused with --reuse if there is one of the same size) and a
    description of the database."""
    from django.core.management import call_command
    from django.db import connection

    import bench_pages

    call_command("migrate", verbosity=0)
    ledger = existing_ledger(bench_pages, args.tasks) if args.reuse else None
    if ledger is None:
        bench_pages.delete_previous_run()
        start = time.perf_counter()
        ledger, _office = bench_pages.generate(args.tasks, args.reports)
        print(f"data generation (import, rounds, reports): {time.perf_counter() - start:.1f} s")
    else:
        print("reusing the ledger of a previous run")
    return ledger, describe_database(connection)


def existing_ledger(bench_pages: Any, tasks: int) -> Any:
    from taizhang.ledger.models import Ledger

    ledger = Ledger.objects.filter(title=bench_pages.TITLE, year=bench_pages.YEAR).first()
    return ledger if ledger is not None and ledger.tasks.count() == tasks else None


def describe_database(connection: Any) -> str:
    if connection.vendor != "sqlite":
        return str(connection.vendor)
    with connection.cursor() as cursor:
        pragmas = []
        for name in ("journal_mode", "synchronous", "busy_timeout"):
            cursor.execute(f"PRAGMA {name}")
            pragmas.append(f"{name}={cursor.fetchone()[0]}")
    mode = connection.transaction_mode or "DEFERRED"
    return f"sqlite {connection.Database.sqlite_version} ({', '.join(pragmas)}, {mode})"


def accounts(ledger: Any) -> dict[str, Any]:
    """The accounts the users sign in as: one reporter per unit of the ledger, a viewer and
    an office account (made once: a reused database keeps them)."""
    from django.contrib.auth.models import User as Account

    from taizhang.accounts.services import account_create
    from taizhang.ledger.models import Unit

    def account(username: str, role: str, units: list[Any] | None = None) -> Any:
        found = Account.objects.filter(username=username, profile__role=role).first()
        if found is not None:
            return found
        password = secrets.token_urlsafe()
        return account_create(username=username, password=password, role=role, units=units)

    units = Unit.objects.filter(task_links__task__ledger=ledger).distinct().order_by("pk")
    reporters = {unit.pk: account(f"load-reporter-{unit.pk}", "reporter", [unit]) for unit in units}
    return {
        "reporter": reporters,
        "ledger": account("load-viewer", "viewer"),
        "dashboard": account("load-office", "office"),
    }


def session_for(account: Any) -> str:
    """A signed-in session for the account (what django.test.Client.force_login makes)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(account.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = account.get_session_auth_hash()
    store.save()
    key: str = store.session_key
    return key


def unit_tasks(ledger: Any) -> dict[int, list[int]]:
    """Each unit's tasks in the ledger (the ones its reporter may report on)."""
    from taizhang.ledger.models import TaskUnit

    found: dict[int, list[int]] = defaultdict(list)
    links = TaskUnit.objects.filter(task__ledger=ledger, task__parent__isnull=True)
    for task_id, unit_id in links.values_list("task_id", "unit_id").order_by("task_id"):
        found[unit_id].append(task_id)
    return found


def report_rows() -> int:
    from taizhang.reporting.models import Report

    return Report.objects.count()


# --- what is printed -------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def print_table(samples: list[Sample], begin: float, end: float) -> None:
    """Requests per second and latency per kind, of the requests answered in [begin, end)."""
    window = max(end - begin, 1e-9)
    print(
        f"{'kind':10} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'errors':>7}"
    )
    kinds = sorted({s.kind for s in samples}, key=["report", "form", "ledger", "dashboard"].index)
    for kind in [*kinds, "all"]:
        chosen = [
            s for s in samples if kind in ("all", s.kind) and begin <= s.start + s.seconds < end
        ]
        if not chosen:
            print(f"{kind:10} {0:8}")
            continue
        ms = sorted(s.seconds * 1000 for s in chosen)
        errors = sum(s.outcome != "ok" for s in chosen)
        print(
            f"{kind:10} {len(chosen):8} {len(chosen) / window:7.1f} {percentile(ms, 0.5):8.0f} "
            f"{percentile(ms, 0.95):8.0f} {percentile(ms, 0.99):8.0f} {ms[-1]:8.0f} {errors:7}"
        )


def print_errors(samples: list[Sample]) -> int:
    """Errors per kind over the whole run; their number."""
    errors: dict[str, Counter[str]] = defaultdict(Counter)
    for sample in samples:
        if sample.outcome != "ok":
            errors[sample.kind][sample.outcome] += 1
    total = sum(sum(found.values()) for found in errors.values())
    print(f"errors over the whole run: {total} of {len(samples)} requests")
    for kind, found in sorted(errors.items()):
        print(f"  {kind}: " + ", ".join(f"{what} ×{n}" for what, n in found.most_common()))
    retried = sum(s.retried for s in samples)
    if retried:
        print(f"  (sent again on a new connection after a kept-alive one was closed: {retried})")
    return total


def written_verdict(sent: int, written: int, samples: list[Sample]) -> str:
    """Whether the rows written match the reports answered as sent; where they cannot (a
    report the client stopped waiting for may still have been written), why."""
    if sent == written:
        return "equal"
    unanswered = sum(
        s.kind == "report" and s.outcome != "ok" and not s.outcome[0].isdigit() for s in samples
    )
    if sent < written <= sent + unanswered:
        return f"NOT EQUAL: {unanswered} reports got no answer (timeouts), some were written"
    return "NOT EQUAL: rows without an answer as sent, or answers without a row"


def server_log_lines(log: Path) -> None:
    text = log.read_text(errors="replace")
    locked = text.count("database is locked")
    failures = text.count("Internal Server Error")
    print(f"server log {log}: 'database is locked' ×{locked}, 'Internal Server Error' ×{failures}")


# --- main ----------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--ramp-up", type=float, default=10, help="seconds (default 10)")
    parser.add_argument("--kinds", default="report,ledger,dashboard")
    parser.add_argument("--tasks", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=100000)
    parser.add_argument("--timeout", type=float, default=60, help="per request, seconds")
    parser.add_argument("--think", type=float, default=0, help="mean seconds between requests")
    parser.add_argument("--data-dir", help="TAIZHANG_DATA_DIR (default: a new temporary one)")
    parser.add_argument("--reuse", action="store_true", help="keep a generated ledger found")
    parser.add_argument("--server-args", default="", help='more gunicorn options: "--threads 8"')
    args = parser.parse_args()
    kinds = timing.chosen_kinds(parser, args.kinds, MIX)
    if args.users < 1 or args.duration <= 0 or not 0 <= args.ramp_up < args.duration:
        parser.error("--users must be at least 1, and --ramp-up shorter than --duration")
    if args.think < 0 or args.timeout <= 0 or args.tasks < 1 or args.reports < 0:
        parser.error("--think, --reports: 0 or more; --timeout, --tasks: more than 0")
    args.kinds = kinds
    return args


def make_users(args: argparse.Namespace, target: Target, ledger: Any) -> list[User]:
    signed_in = accounts(ledger)
    reporter_units = sorted(u for u in signed_in["reporter"] if target.unit_tasks.get(u))
    rng = random.Random(13)
    users = []
    for n, kind in enumerate(user_kinds(args.users, args.kinds, rng)):
        unit = reporter_units[n % len(reporter_units)] if kind == "report" else None
        account = signed_in["reporter"][unit] if unit is not None else signed_in[kind]
        session = session_for(account)
        users.append(User(kind, session, target, random.Random(n), unit=unit))
    return users


def main() -> None:
    args = arguments()
    os.environ["TAIZHANG_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="taizhang-load-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connections

    from taizhang.ledger.models import Status

    ledger, database = prepared(args)
    target = Target(free_port(), ledger.pk, unit_tasks(ledger), list(Status.values), args.timeout)
    users = make_users(args, target, ledger)
    before = report_rows()
    connections.close_all()
    log = Path(os.environ["TAIZHANG_DATA_DIR"]) / "gunicorn.log"
    ended_before = children_seconds()
    server = start_server(target.port, shlex.split(args.server_args), log)
    start_up = process_seconds(server.pid)
    database_cpu = DatabaseCPU()
    database_cpu.start()
    load_before, cpu_before = os.getloadavg()[0], time.process_time()
    try:
        start = run_users(users, args)
    finally:
        stop_server(server)
    cpu = time.process_time() - cpu_before
    backends = database_cpu.seconds()
    server_cpu = children_seconds() - ended_before - start_up
    written = report_rows() - before
    samples = [sample for user in users for sample in user.samples]
    kinds = Counter(user.kind for user in users)
    print(
        f"database: {database}; ledger: {args.tasks} tasks, {before} reports before the run\n"
        f"users: {args.users} ({', '.join(f'{n} {k}' for k, n in kinds.items())}), think "
        f"time {args.think:g} s; duration {args.duration:.0f} s, ramp-up {args.ramp_up:.0f} s; "
        f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(f"after the ramp-up ({args.duration - args.ramp_up:.0f} s):")
    print_table(samples, start + args.ramp_up, start + args.duration)
    errors = print_errors(samples)
    sent = sum(user.sent for user in users)
    verdict = written_verdict(sent, written, samples)
    print(
        f"reports sent (redirected to their task page): {sent}; rows written: {written} ({verdict})"
    )
    cores = os.cpu_count() or 1
    answered = max(len(samples), 1)
    print(
        f"CPU: server {server_cpu:.1f} s ({server_cpu / answered * 1000:.0f} ms a request, "
        f"start-up of {start_up:.1f} s left out), client {cpu:.1f} s "
        f"({cpu / answered * 1000:.2f} ms a request); "
        f"{cores} cores × {args.duration:.0f} s = {cores * args.duration:.0f} s"
    )
    if backends:
        print(
            f"CPU of the database server's backends: {backends:.1f} s "
            f"({backends / answered * 1000:.0f} ms a request)"
        )
    server_log_lines(log)
    sys.exit(1 if errors or sent != written else 0)


if __name__ == "__main__":
    main()
