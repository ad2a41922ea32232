"""One settings module, driven by the environment.

- DATABASE_URL: `sqlite:///path` or `postgres://user@host:port/name`. Without it, an SQLite
  file `taizhang.sqlite3` in the data directory.
- TAIZHANG_DATA_DIR: the data directory (default `$XDG_DATA_HOME/taizhang`, i.e.
  `~/.local/share/taizhang`). Holds the SQLite file, uploads and the generated secret key.
- TAIZHANG_SECRET_KEY: the secret key; without it one is generated once into the data dir.
- TAIZHANG_DEBUG: `1` for development. TAIZHANG_ALLOWED_HOSTS: comma-separated host names.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets `ModelAdmin[Model]` and friends be written at run time as the type checker wants.
django_stubs_ext.monkeypatch()


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes"}


def _data_dir() -> Path:
    explicit = os.environ.get("TAIZHANG_DATA_DIR")
    if explicit:
        path = Path(explicit).expanduser()
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        path = base / "taizhang"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def _secret_key(data_dir: Path) -> str:
    explicit = os.environ.get("TAIZHANG_SECRET_KEY")
    if explicit:
        return explicit
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = _data_dir()
SECRET_KEY = _secret_key(DATA_DIR)
DEBUG = _flag("TAIZHANG_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("TAIZHANG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "taizhang.ledger",
    "taizhang.accounts",
    "taizhang.reporting",
    "taizhang.supervision",
    "taizhang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.web.middleware.ContentSecurityPolicyMiddleware",
]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# Sign-in throttling: this many failures for one name or address within the window block it.
TAIZHANG_LOGIN_MAX_FAILURES = int(os.environ.get("TAIZHANG_LOGIN_MAX_FAILURES", "5"))
TAIZHANG_LOGIN_WINDOW_SECONDS = int(os.environ.get("TAIZHANG_LOGIN_WINDOW_SECONDS", "900"))
# Proxies whose X-Real-IP header names the client (nginx on the same host by default).
TAIZHANG_TRUSTED_PROXIES = frozenset(
    ip.strip()
    for ip in os.environ.get("TAIZHANG_TRUSTED_PROXIES", "127.0.0.1,::1").split(",")
    if ip.strip()
)

ROOT_URLCONF = "taizhang.urls"
WSGI_APPLICATION = "taizhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taizhang.web.context.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'taizhang.sqlite3'}",
        conn_max_age=int(os.environ.get("TAIZHANG_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Imports are single transactions; wait for a concurrent writer instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("TAIZHANG_STATIC_ROOT") or DATA_DIR / "static")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve the apps' static files straight from the package as well, so a fresh install works
# before (or without) `collectstatic`; `collectstatic` adds compressed copies.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: ledgers are small documents; anything larger is refused before it is read.
TAIZHANG_MAX_UPLOAD_BYTES = int(os.environ.get("TAIZHANG_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
TAIZHANG_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("TAIZHANG_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = TAIZHANG_MAX_UPLOAD_BYTES
# A report this similar (0 to 1) to the previous round's is flagged as possibly copied.
TAIZHANG_COPY_SIMILARITY = float(os.environ.get("TAIZHANG_COPY_SIMILARITY", "0.9"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = _flag("TAIZHANG_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Browsers honour HSTS only over HTTPS, so a plain-HTTP intranet is not locked out.
    SECURE_HSTS_SECONDS = int(os.environ.get("TAIZHANG_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_SSL_REDIRECT = _flag("TAIZHANG_SSL_REDIRECT")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TAIZHANG_LOG_LEVEL", "WARNING")},
}
