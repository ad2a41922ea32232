"""The files shipped for a server (deploy/: systemd units, the environment file, the nginx
example) name commands, modules, settings and paths that exist, and agree with the
application: the gunicorn configuration module, the worker's and the clean-up's commands,
every variable the environment file sets, the upload limit, the static files' place and the
X-Real-IP header docs/deployment.md requires. systemd-analyze verifies the units' syntax
where it is installed."""

from __future__ import annotations

import configparser
import importlib
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX = (DEPLOY / "nginx" / "taizhang.conf").read_text()
ENVIRONMENT = DEPLOY / "environment.example"
VENV_BIN = "/opt/taizhang/venv/bin/"


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def environment() -> dict[str, str]:
    pairs = (
        line.split("=", 1)
        for line in ENVIRONMENT.read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )
    return {key.strip(): value.strip() for key, value in pairs}


def test_the_web_and_worker_units_are_shipped() -> None:
    names = {path.name for path in UNITS}
    assert {"taizhang-web.service", "taizhang-worker.service"} <= names


@pytest.mark.parametrize("path", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_a_command_that_exists_with_the_environment_file(path: Path) -> None:
    service = unit(path)["Service"]
    assert service["EnvironmentFile"] == "/etc/taizhang/environment"
    assert service["User"] == "taizhang"
    # It writes its data directory and nothing else of the system's.
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == environment()["TAIZHANG_DATA_DIR"]
    command = shlex.split(service["ExecStart"])
    assert command[0].startswith(VENV_BIN), command
    program = command[0].removeprefix(VENV_BIN)
    if program == "gunicorn":
        assert command[1:3] == ["-c", "python:taizhang.gunicorn_conf"]
        config = importlib.import_module(command[2].removeprefix("python:"))
        assert config.wsgi_app == settings.WSGI_APPLICATION.replace(".application", ":application")
    else:
        assert program == "taizhang", command
        name, *args = command[1:]
        assert name in get_commands(), name
        # The command accepts the arguments the unit gives it.
        load_command_class(get_commands()[name], name).create_parser("taizhang", name).parse_args(
            args
        )


def test_the_worker_unit_runs_the_queues_consumer_and_stops_it_gently() -> None:
    from taizhang.jobs.queue import worker_command

    service = unit(DEPLOY / "systemd" / "taizhang-worker.service")["Service"]
    assert shlex.split(service["ExecStart"])[1:] == worker_command()[3:] == ["run_huey"]
    assert service["KillSignal"] == "SIGINT"


def test_the_cleanup_timer_starts_the_cleanup_service() -> None:
    timer = DEPLOY / "systemd" / "taizhang-cleanup.timer"
    assert "OnCalendar" in unit(timer)["Timer"]
    assert (DEPLOY / "systemd" / "taizhang-cleanup.service").exists()


def test_every_variable_of_the_environment_file_is_read_by_taizhang() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "src" / "taizhang").rglob("*.py"))
    for name in environment():
        assert f'"{name}"' in source, name


def test_nginx_passes_uploads_as_large_as_the_application_takes() -> None:
    """A report's attachments come in one request, with the form: nginx must take them all,
    as it must a ledger file, and the environment file must say the application's limits."""
    size = re.search(r"client_max_body_size\s+(\d+)([kmg]?);", NGINX)
    assert size is not None
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[size.group(2)]
    env = environment()
    ledger = int(env["TAIZHANG_MAX_UPLOAD_BYTES"])
    report = int(env["TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT"])
    assert ledger == settings.TAIZHANG_MAX_UPLOAD_BYTES
    assert report == settings.TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT
    # Room for the form's fields and the multipart framing beside the files.
    assert int(size.group(1)) * factor >= max(ledger, report) + 1024**2


def test_nginx_overwrites_x_real_ip_in_every_proxied_location() -> None:
    proxied = NGINX.count("proxy_pass http://taizhang;")
    assert proxied >= 2
    assert NGINX.count("proxy_set_header X-Real-IP $remote_addr;") == proxied
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX


def test_nginx_reaches_the_shipped_gunicorn_bind_and_serves_the_static_root() -> None:
    from taizhang import gunicorn_conf

    assert f"server {gunicorn_conf.bind} " in NGINX
    static = re.search(r"location /(\w+)/ \{\s*alias ([^;]+);", NGINX)
    assert static is not None
    assert f"/{static.group(1)}/" == settings.STATIC_URL
    assert static.group(2).rstrip("/") == environment()["TAIZHANG_STATIC_ROOT"]
    assert "ssl_certificate " in NGINX and "listen 443 ssl" in NGINX


def test_the_deployment_document_names_the_shipped_files() -> None:
    document = (ROOT / "docs" / "deployment.md").read_text()
    for path in [*UNITS, DEPLOY / "nginx" / "taizhang.conf", ENVIRONMENT]:
        assert str(path.relative_to(ROOT)) in document, path


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_finds_no_unknown_or_invalid_setting_in_the_units() -> None:
    # The units name the server's paths (/opt/taizhang, absent here): only their syntax and
    # settings are checked.
    result = subprocess.run(
        [shutil.which("systemd-analyze") or "", "verify", "--man=no", *map(str, UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    bad = ("Unknown key", "Unknown section", "Invalid", "Failed to parse", "Missing '='")
    assert not [line for line in result.stderr.splitlines() if any(b in line for b in bad)], (
        result.stderr
    )


@pytest.mark.skipif(
    shutil.which("nginx") is None or shutil.which("openssl") is None, reason="no nginx or openssl"
)
def test_nginx_accepts_the_example(tmp_path: Path) -> None:
    """`nginx -t` on the example, inside a minimal nginx.conf, with a throwaway certificate."""
    crt, key = tmp_path / "taizhang.crt", tmp_path / "taizhang.key"
    subprocess.run(
        [shutil.which("openssl") or "", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "1", "-keyout", str(key), "-out", str(crt), "-subj", "/CN=taizhang"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    site = NGINX.replace("/etc/taizhang/tls/taizhang.crt", str(crt)).replace(
        "/etc/taizhang/tls/taizhang.key", str(key)
    )
    (tmp_path / "taizhang.conf").write_text(site)
    temp = " ".join(
        f"{kind}_temp_path {tmp_path / kind};" for kind in ("client_body", "proxy", "fastcgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path / 'nginx.pid'}; error_log {tmp_path / 'error.log'};\n"
        f"events {{}}\nhttp {{ access_log off; {temp} "
        f"uwsgi_temp_path {tmp_path / 'uwsgi'}; scgi_temp_path {tmp_path / 'scgi'};\n"
        f"include {tmp_path / 'taizhang.conf'}; }}\n"
    )
    result = subprocess.run(
        [
            shutil.which("nginx") or "",
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
