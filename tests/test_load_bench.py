"""bench/load.py's own rules, without a server: the deadline-day mix, what counts as a report
sent, the form as a browser encodes it, and the check of rows written against answers."""

from __future__ import annotations

import http.client
import importlib.util
import io
import random
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.http.multipartparser import MultiPartParser

LOAD = Path(__file__).resolve().parents[1] / "bench" / "load.py"


@pytest.fixture(scope="module")
def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("users", "kinds", "expected"),
    [
        (50, ["report", "ledger", "dashboard"], {"report": 30, "ledger": 15, "dashboard": 5}),
        (200, ["report", "ledger", "dashboard"], {"report": 120, "ledger": 60, "dashboard": 20}),
        # Without the dashboard its users are shared in proportion: 2 to 1.
        (50, ["report", "ledger"], {"report": 33, "ledger": 17}),
        (3, ["report", "ledger", "dashboard"], {"report": 2, "ledger": 1}),
    ],
)
def test_users_follow_the_deadline_day_mix(
    load: ModuleType, users: int, kinds: list[str], expected: dict[str, int]
) -> None:
    assert Counter(load.user_kinds(users, kinds, random.Random(1))) == expected  # noqa: S311


def test_a_report_is_sent_only_when_redirected_to_its_task(load: ModuleType) -> None:
    path = "/tasks/7/report/"
    assert load.outcome("report", path, (302, {"location": "/tasks/7/"}, b"")) == "ok"
    signed_out = (302, {"location": "/login/?next=/tasks/7/report/"}, b"")
    assert load.outcome("report", path, signed_out) == "302 /login/?next=/tasks/7/report/"
    assert load.outcome("report", path, (400, {}, b"")) == "400"
    assert load.outcome("report", path, (200, {}, b"")) == "200"
    assert load.outcome("ledger", "/ledgers/1/", (200, {}, b"")) == "ok"
    assert load.outcome("ledger", "/ledgers/1/", (500, {}, b"")) == "500"


def test_the_form_is_encoded_as_a_browser_sends_it(load: ModuleType) -> None:
    fields = {"csrfmiddlewaretoken": "abc", "progress": "已完成50%；\n下一步", "action": "send"}
    body, content_type = load.multipart(fields)
    meta = {"CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(body))}
    posted, files = MultiPartParser(meta, io.BytesIO(body), [], "utf-8").parse()
    assert posted.dict() == fields and not files


def sample(load: ModuleType, kind: str, outcome: str) -> object:
    return load.Sample(kind, 0.0, 0.1, outcome)


def test_rows_written_are_checked_against_reports_sent(load: ModuleType) -> None:
    sent = [sample(load, "report", "ok")] * 5
    timed_out = [*sent, *[sample(load, "report", "TimeoutError")] * 2]
    assert load.written_verdict(5, 5, []) == "equal"
    assert load.written_verdict(5, 7, timed_out).startswith("NOT EQUAL: 2 reports got no answer")
    # Rows missing, or more rows than could be explained, are never put down to timeouts.
    assert "rows without an answer" in load.written_verdict(5, 4, timed_out)
    assert "rows without an answer" in load.written_verdict(5, 8, timed_out)
    refused = [*sent, sample(load, "report", "500")]
    assert "rows without an answer" in load.written_verdict(5, 6, refused)


def test_a_process_cpu_is_read_from_proc_and_a_gone_one_is_none(load: ModuleType) -> None:
    import os
    import time

    start = time.process_time()
    while time.process_time() - start < 0.05:  # use some CPU: at least a clock tick
        pass
    seconds = load.pid_seconds(os.getpid())
    assert seconds is not None and seconds >= 0.01
    assert load.pid_seconds(2**22 + 1) is None  # above Linux's largest pid


@pytest.mark.django_db
def test_the_database_cpu_counts_the_backends_of_the_run(load: ModuleType) -> None:
    """On SQLite nothing is watched (0 s); on PostgreSQL a backend's CPU from when the watch
    began: here another connection's, which runs a query that costs CPU."""
    from django.db import connection, connections

    watch = load.DatabaseCPU()
    watch.start()
    if connection.vendor != "postgresql":
        assert watch.thread is None and watch.seconds() == 0.0
        return
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM generate_series(1, 3000000)")
        watch.stop.wait(1.2)  # two rounds of the watch
        assert watch.seconds() > 0.05
    finally:
        other.close()


class Scripted:
    """A server on 127.0.0.1 that reads each request (its head and Content-Length body) and
    sends the next of `answers` (raw bytes; in a 1-tuple, sent and the connection closed;
    None closes the connection without answering), keeping what it was sent."""

    def __init__(self, answers: list[bytes | tuple[bytes] | None]) -> None:
        import socket
        import threading

        self.answers = list(answers)
        self.received: list[bytes] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    @staticmethod
    def head(reader: Any) -> bytes:
        """A request's line and headers (empty when the client closed the connection)."""
        lines = []
        while (line := reader.readline()) not in (b"\r\n", b""):
            lines.append(line)
        return b"".join(lines)

    def serve(self) -> None:
        while self.answers:
            connection, _ = self.listener.accept()
            with connection, connection.makefile("rb") as reader:
                while self.answers:
                    head = self.head(reader)
                    if not head:
                        break
                    length = [
                        int(line.split(b":")[1]) for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ]  # fmt: skip
                    self.received.append(head + b"\r\n" + reader.read(length[0] if length else 0))
                    answer = self.answers.pop(0)
                    if answer is None:
                        break
                    connection.sendall(answer if isinstance(answer, bytes) else answer[0])
                    if isinstance(answer, tuple):
                        break


def test_the_clients_connection_reads_answers_as_http_client_did(load: ModuleType) -> None:
    """Status, headers (lower-case), every Set-Cookie and the body, whether sized, chunked or
    running to the end; the request as http.client sent it, body and all."""
    sized = (
        b"HTTP/1.1 302 Found\r\nLocation: /tasks/7/\r\nSet-Cookie: messages=x; Path=/\r\n"
        b"Set-Cookie: csrftoken=abc; Path=/\r\nContent-Length: 5\r\n\r\nhello"
    )
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=1\r\nde\r\n0\r\n\r\n"
    )
    to_the_end = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"
    server = Scripted([sized, chunked, to_the_end])
    connection = load.Connection(server.port, 5)
    body = "进展".encode()
    status, headers, cookies, content = connection.request(
        "POST", "/tasks/7/report/", body, {"Cookie": "sessionid=s", "Content-Type": "text/plain"}
    )
    assert (status, headers["location"], content) == (302, "/tasks/7/", b"hello")
    assert cookies == ["messages=x; Path=/", "csrftoken=abc; Path=/"]
    assert load.cookie_value(cookies, "csrftoken") == "abc"
    assert server.received[0] == (
        b"POST /tasks/7/report/ HTTP/1.1\r\nAccept-Encoding: identity\r\nCookie: sessionid=s\r\n"
        b"Content-Type: text/plain\r\nContent-Length: 6\r\n\r\n" + body
    )
    assert connection.request("GET", "/a/", None, {})[::3] == (200, b"abcde")
    assert not connection.closing
    assert connection.request("GET", "/b/", None, {})[::3] == (200, b"all of it")
    assert connection.closing
    connection.close()


@pytest.mark.parametrize(
    "cut",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n9\r\nde",
    ],
)
def test_an_answer_cut_short_is_an_incomplete_read(load: ModuleType, cut: bytes) -> None:
    """The connection ends inside the body, sized or chunked: an error (as http.client
    raised), never a short body counted as an answer."""
    server = Scripted([(cut,)])
    connection = load.Connection(server.port, 5)
    with pytest.raises(http.client.IncompleteRead):
        connection.request("GET", "/a/", None, {})
    connection.close()


def test_a_kept_alive_connection_closed_by_the_server_is_sent_again(load: ModuleType) -> None:
    """The server closes the connection instead of answering (a worker restarting): the
    request goes again on a new connection, once, and counts as answered and retried."""
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    server = Scripted([ok, None, ok])
    target = load.Target(server.port, 1, {}, [], 5)
    user = load.User("ledger", "s", target, random.Random(1))  # noqa: S311
    assert user.request("ledger", "GET", "/ledgers/1/") is not None
    assert user.request("ledger", "GET", "/ledgers/1/") == (200, {"content-length": "2"}, b"ok")
    assert [(s.outcome, s.retried) for s in user.samples] == [("ok", False), ("ok", True)]
    user.close()
