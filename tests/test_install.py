"""Installing on a server, as docs/deployment.md does it, as far as a machine with no
containers and no systemd of its own allows: the wheel is built from the source (`pip wheel
--no-deps`), installed into a fresh virtual environment, migrated (SQLite in a new data
directory, or on a PostgreSQL run a new database on the same server), its static files
collected, `taizhang check` passes, and gunicorn with the shipped configuration answers 200
on /healthz, /login/ and a static file.

The fastest honest way to give the fresh environment Taizhang's dependencies with no index:
the wheel goes in with `--no-deps`, and a .pth file lets the fresh environment see this
environment's site-packages (the dependencies, already installed) after its own. Its Taizhang
is the wheel's (asserted), not this checkout's editable install: a .pth line adds a directory
but does not run the .pth files in it, and PYTHONPATH is cleared. What it does not test is
pip resolving the dependencies from a wheelhouse; the document's `pip wheel` step does that
on the connected machine."""

from __future__ import annotations

import http.client
import importlib.metadata
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
MIN_SETUPTOOLS = 69


def run(*command: str | Path, env: dict[str, str], timeout: float = 120) -> str:
    result = subprocess.run(  # our own commands, no shell
        [str(part) for part in command], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def clean_environment(data_dir: Path, static_root: Path) -> dict[str, str]:
    """The environment of a server: no PYTHONPATH pointing at the checkout, no settings of
    this run, a fresh data directory."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TAIZHANG_", "DATABASE_URL", "PYTHON", "DJANGO_", "VIRTUAL_ENV"))
    }
    env["TAIZHANG_DATA_DIR"] = str(data_dir)
    env["TAIZHANG_STATIC_ROOT"] = str(static_root)
    env["TAIZHANG_ALLOWED_HOSTS"] = "127.0.0.1,taizhang.example.gov.cn"
    return env


def build_wheel(into: Path, env: dict[str, str]) -> Path:
    """`pip wheel --no-deps .` of a copy of the source (a build writes into its tree)."""
    source = into / "source"
    shutil.copytree(
        ROOT / "src",
        source / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = into / "wheels"
    # The build backend already here (setuptools, a development dependency), so no index is
    # needed for it either; an older one than pyproject.toml asks for is fetched as pip does.
    isolation = ["--no-build-isolation"] if _has_setuptools() else []
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", wheels,
        source, env=env, timeout=180)  # fmt: skip
    (wheel,) = wheels.glob("taizhang-*.whl")
    return wheel


def _has_setuptools() -> bool:
    """setuptools 69 or newer is installed (pyproject.toml's build requirement)."""
    try:
        major = int(importlib.metadata.version("setuptools").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False
    return major >= MIN_SETUPTOOLS


def fresh_venv(where: Path, wheel: Path, env: dict[str, str]) -> Path:
    """A new virtual environment with the wheel installed, seeing this one's dependencies."""
    run(sys.executable, "-m", "venv", "--without-pip", where, env=env)
    python = where / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, env=env)  # fmt: skip
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                  env=env).strip()  # fmt: skip
    Path(purelib, "taizhang-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """On a PostgreSQL run (DATABASE_URL names one), an empty database of its own on that
    server, as step 5 of the document makes, dropped afterwards; on SQLite, none (the data
    directory's file)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield None
        return
    import psycopg

    parts = urlsplit(url)
    name = f"taizhang_install_{uuid.uuid4().hex[:12]}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def gunicorn_of() -> Iterator[list[subprocess.Popen[bytes]]]:
    servers: list[subprocess.Popen[bytes]] = []
    yield servers
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_for(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> int:
    """The status of /healthz once gunicorn answers (it is started, not polled blindly: the
    loop ends as soon as it answers or exits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn ended"
        try:
            return get(port, "/healthz")[0]
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer")


@pytest.mark.install
def test_the_wheel_installs_migrates_passes_its_check_and_serves_with_the_shipped_config(
    tmp_path: Path, gunicorn_of: list[subprocess.Popen[bytes]], database_url: str | None
) -> None:
    env = clean_environment(tmp_path / "data", tmp_path / "static")
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    wheel = build_wheel(tmp_path, env)
    bin_ = fresh_venv(tmp_path / "venv", wheel, env)
    where = run(bin_ / "python", "-c", "import taizhang; print(taizhang.__file__)", env=env)
    assert where.startswith(str(tmp_path / "venv")), where

    run(bin_ / "taizhang", "migrate", "--noinput", "-v", "0", env=env)
    run(bin_ / "taizhang", "collectstatic", "--noinput", "-v", "0", env=env)
    checked = run(bin_ / "taizhang", "check", env=env)
    assert "全部检查通过" in checked and "[失败]" not in checked
    assert "[正常] static_files" in checked and "[正常] migrations" in checked
    engine = "PostgreSQL" if database_url is not None else "SQLite"
    assert f"[正常] database: {engine}" in checked

    port = free_port()
    server = subprocess.Popen(
        [bin_ / "python", "-m", "gunicorn", "-c", "python:taizhang.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    gunicorn_of.append(server)
    assert wait_for(port, server) == 200
    assert get(port, "/healthz") == (200, b"ok\n")
    status, login = get(port, "/login/", host="taizhang.example.gov.cn")
    assert status == 200 and "登录" in login.decode()
    status, css = get(port, "/static/taizhang/taizhang.css")
    assert status == 200 and css
