"""Local receivers the channel tests send to: a real SMTP server (aiosmtpd, in a thread of
the test) and an HTTP server (http.server, in a thread) that records each request and
answers as the test tells it (a group robot's JSON, an HTTP error, a redirect to its
"location")."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """What the SMTP server received: each message parsed, with its envelope recipients."""

    messages: list[EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on 127.0.0.1 while the block runs: its mailbox and port."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


Answer = Callable[[Received], tuple[int, dict[str, Any]]]


def robot_ok(request: Received) -> tuple[int, dict[str, Any]]:
    return 200, {"errcode": 0, "errmsg": "ok"}


@dataclass
class HttpReceiver:
    url: str
    received: list[Received]
    answer: list[Answer]  # the current answer, swappable while the server runs

    def answer_with(self, answer: Answer) -> None:
        self.answer[0] = answer


@contextmanager
def http_receiver(answer: Answer = robot_ok) -> Iterator[HttpReceiver]:
    """An HTTP server on 127.0.0.1 that records every POST and answers with `answer`."""
    received: list[Received] = []
    answers = [answer]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            parts = urlsplit(self.path)
            request = Received(
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length),
            )
            received.append(request)
            status, payload = answers[0](request)
            data = json.dumps(payload).encode()
            self.send_response(status)
            if 300 <= status < 400:  # a redirect: to the answer's "location"
                self.send_header("Location", payload["location"])
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    # It looks for the shutdown flag every poll_interval: 0.5 s by default, so each receiver
    # kept its test waiting up to that long on its way out.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield HttpReceiver(f"http://127.0.0.1:{server.server_port}", received, answers)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
