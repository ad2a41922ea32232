"""The shipped gunicorn configuration: gunicorn accepts it, serves Taizhang with it, and the
environment sets what differs between machines."""

from __future__ import annotations

import http.client
import importlib
import os
import selectors
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from taizhang import gunicorn_conf

CONFIG = "python:taizhang.gunicorn_conf"


def environment(tmp_path: Path) -> dict[str, str]:
    """A fresh data directory and the default database (SQLite in it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "TAIZHANG_"))}
    env["TAIZHANG_DATA_DIR"] = str(tmp_path)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_gunicorn_accepts_the_shipped_config_and_loads_the_app(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", CONFIG],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def read_until(server: subprocess.Popen[str], text: str, seconds: float) -> str:
    """The server's log up to the line holding `text` (it is not there if the server ended
    or `seconds` passed first)."""
    assert server.stderr is not None
    log = ""
    deadline = time.monotonic() + seconds
    with selectors.DefaultSelector() as selector:
        selector.register(server.stderr, selectors.EVENT_READ)
        while text not in log and time.monotonic() < deadline:
            if not selector.select(timeout=deadline - time.monotonic()):
                break
            line = server.stderr.readline()
            if not line:
                break
            log += line
    return log


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """gunicorn with the shipped config (one worker, to spare the machine)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", CONFIG]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    process = subprocess.Popen(
        command, env=environment(tmp_path), stderr=subprocess.PIPE, text=True
    )
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_gunicorn_serves_taizhang_with_threads(
    server: tuple[subprocess.Popen[str], int],
) -> None:
    process, port = server
    log = read_until(process, "Booting worker", 120)
    assert "Using worker: gthread" in log and f"Listening at: http://127.0.0.1:{port}" in log
    # The listening socket queues the request until the worker takes it.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/login/")
    response = connection.getresponse()
    assert response.status == 200 and "登录".encode() in response.read()
    connection.close()
    process.terminate()
    assert process.wait(timeout=60) == 0


@pytest.fixture
def reloaded_conf() -> Iterator[None]:
    yield
    importlib.reload(gunicorn_conf)  # as the real environment has it


def test_the_environment_sets_bind_workers_and_threads(
    monkeypatch: pytest.MonkeyPatch, reloaded_conf: None
) -> None:
    monkeypatch.setenv("TAIZHANG_BIND", "0.0.0.0:9000")
    monkeypatch.setenv("TAIZHANG_WORKERS", "5")
    monkeypatch.setenv("TAIZHANG_THREADS", "8")
    conf = importlib.reload(gunicorn_conf)
    assert (conf.bind, conf.workers, conf.threads) == ("0.0.0.0:9000", 5, 8)


def test_by_default_one_worker_more_than_cores_on_localhost(
    monkeypatch: pytest.MonkeyPatch, reloaded_conf: None
) -> None:
    for name in ("TAIZHANG_BIND", "TAIZHANG_WORKERS", "TAIZHANG_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    conf = importlib.reload(gunicorn_conf)
    assert (conf.bind, conf.workers, conf.worker_class) == ("127.0.0.1:8000", 3, "gthread")
    assert conf.preload_app and conf.max_requests_jitter > 0
