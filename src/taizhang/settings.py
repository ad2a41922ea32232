"""One settings module, driven by the environment.

- DATABASE_URL: `sqlite:///path` or `postgres://user@host:port/name`. Without it, an SQLite
  file `taizhang.sqlite3` in the data directory.
- TAIZHANG_DATA_DIR: the data directory (default `$XDG_DATA_HOME/taizhang`, i.e.
  `~/.local/share/taizhang`). Holds the SQLite file, uploads and the generated secret key.
- TAIZHANG_SECRET_KEY: the secret key; without it one is generated once into the data dir.
- TAIZHANG_PG_PREPARE_THRESHOLD: on PostgreSQL, the runs of a query after which a connection
  prepares it (default 5, 0 at the first run; `off`: no server-side binding, for a pooler in
  transaction mode).
- TAIZHANG_DEBUG: `1` for development. TAIZHANG_ALLOWED_HOSTS: comma-separated host names.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from taizhang.sqlite import sqlite_options

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
    # Private to the account Taizhang runs as: it holds the database, uploads and the key.
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path.resolve()


def _private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, unless it exists: SQLite then opens it
    (an empty file is an empty database) instead of creating one under the umask, and gives
    its journal files the same permissions."""
    if path.parent.is_dir() and not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _secret_key(data_dir: Path) -> str:
    explicit = os.environ.get("TAIZHANG_SECRET_KEY")
    if explicit:
        return explicit
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # Created private, not made private after the key is written.
        fd = os.open(key_file, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50))
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
    "axes",
    "taizhang.ledger",
    "taizhang.accounts",
    "taizhang.reporting",
    "taizhang.supervision",
    "taizhang.notify",
    "taizhang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions and sign-in: a NUL byte in a cookie or a field is a 500 on PostgreSQL.
    "taizhang.web.middleware.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in user read with its profile (role, units), which every page asks for.
    "taizhang.web.middleware.ProfileMiddleware",
    # Signed in with a password the office gave: the password change first.
    "taizhang.web.middleware.PasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.web.middleware.ContentSecurityPolicyMiddleware",
    # Inside the policy's: an empty 405 (a POST-only address opened as a page) gets a page.
    "taizhang.web.middleware.MethodNotAllowedPageMiddleware",
    # Last: turns a throttled sign-in (flagged by the backend below) into its answer.
    "axes.middleware.AxesMiddleware",
]
# django-axes first: it refuses a throttled name and address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"
# The supervision office's name: the bulletin's default 发文机关署名 and 印发机关.
TAIZHANG_OFFICE_NAME = os.environ.get("TAIZHANG_OFFICE_NAME", "").strip() or "市政府督查室"

# Sign-in throttling (django-axes; the rules are in accounts.signin): this many failures of
# one name from one address within the window make that pair wait 1 minute, doubled by every
# further failure up to the cap. Other addresses are never held back, so no one can lock the
# office out.
TAIZHANG_LOGIN_MAX_FAILURES = int(os.environ.get("TAIZHANG_LOGIN_MAX_FAILURES", "5"))
TAIZHANG_LOGIN_WINDOW_SECONDS = int(os.environ.get("TAIZHANG_LOGIN_WINDOW_SECONDS", "900"))
TAIZHANG_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("TAIZHANG_LOGIN_MAX_DELAY_SECONDS", "1800"))
AXES_FAILURE_LIMIT = TAIZHANG_LOGIN_MAX_FAILURES
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = "taizhang.accounts.signin.cool_off"
# Each pair's record expires on its own delay (not every record on the asker's).
AXES_USE_ATTEMPT_EXPIRATION = True
# Tries during a wait count too: the delay grows, and parallel tries are all recorded.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "taizhang.accounts.signin.axes_username"
AXES_CLIENT_IP_CALLABLE = "taizhang.accounts.signin.client_ip"
AXES_LOCKOUT_CALLABLE = "taizhang.web.auth.lockout"
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
                "taizhang.web.context.notifications",
                "taizhang.web.context.site",
            ],
            # `{% url %}` reversing each URL once per process (its module says why).
            "builtins": ["taizhang.web.templatetags.cached_url"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'taizhang.sqlite3'}",
        conn_max_age=int(os.environ.get("TAIZHANG_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding, with statements prepared once a connection has run them
    # TAIZHANG_PG_PREPARE_THRESHOLD times (psycopg's default 5; Django's is never): PostgreSQL
    # then parses and plans a repeated query once per connection instead of on every request,
    # which halves the database's CPU for a report (docs/deployment.md, docs/benchmarks.md).
    # `off` keeps Django's default, the values bound into the SQL on the client: for a pooler
    # in transaction mode (PgBouncer), where a prepared statement may meet another connection.
    # Options given in DATABASE_URL come first.
    _prepare = os.environ.get("TAIZHANG_PG_PREPARE_THRESHOLD", "5").strip().lower()
    if _prepare != "off":
        if not (_prepare.isascii() and _prepare.isdigit()):  # "²".isdigit() is true
            raise ImproperlyConfigured(
                f"TAIZHANG_PG_PREPARE_THRESHOLD={_prepare!r}: a whole number of runs, or off"
            )
        DATABASES["default"]["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": int(_prepare),
            **DATABASES["default"].get("OPTIONS", {}),
        }
    # Django's engine, with bulk batches within the parameters a statement bound on the
    # server may have (taizhang.postgresql_backend).
    DATABASES["default"]["ENGINE"] = "taizhang.postgresql_backend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL, a busy timeout and write transactions that take the lock when they begin, in turn:
    # many workers write at once without "database is locked" (see taizhang.sqlite).
    # Options given in DATABASE_URL (`?timeout=60`) come first.
    # Django's engine, with writers that take turns (taizhang.sqlite_backend). Its test
    # database is named as Django's engine gets it by default (in memory): tools that know
    # SQLite by Django's engine name (pytest-django under xdist) would make it a file.
    DATABASES["default"]["ENGINE"] = "taizhang.sqlite_backend"
    DATABASES["default"]["TEST"] = {"NAME": ":memory:", **DATABASES["default"].get("TEST", {})}
    DATABASES["default"]["OPTIONS"] = {
        **sqlite_options(),
        **DATABASES["default"].get("OPTIONS", {}),
    }
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        _private_file(Path(DATABASES["default"]["NAME"]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# The only language the pages are written in. An English browser (Accept-Language: en) got
# Django's own words in English (a sign-in or form error) inside a Chinese page; a language
# is listed here once the project ships its catalogue.
LANGUAGES = [("zh-hans", "简体中文")]
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
# Uploads (ledgers, attachments) are for Taizhang's users, not for other local accounts.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
        # Static files are public (CSS, scripts, fonts): collected readable by all, so nginx
        # can serve them (otherwise they would take FILE_UPLOAD_PERMISSIONS, 0600).
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}

# Uploads: ledgers are small documents; anything larger is refused before it is read.
TAIZHANG_MAX_UPLOAD_BYTES = int(os.environ.get("TAIZHANG_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
TAIZHANG_MAX_ATTACHMENT_BYTES = int(
    os.environ.get("TAIZHANG_MAX_ATTACHMENT_BYTES", str(10 * 1024 * 1024))
)
# Attachment quotas: files per report, their bytes together, and all of a unit's attachments.
TAIZHANG_MAX_ATTACHMENTS_PER_REPORT = int(
    os.environ.get("TAIZHANG_MAX_ATTACHMENTS_PER_REPORT", "10")
)
TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT = int(
    os.environ.get("TAIZHANG_MAX_ATTACHMENT_BYTES_PER_REPORT", str(50 * 1024 * 1024))
)
TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT = int(
    os.environ.get("TAIZHANG_MAX_ATTACHMENT_BYTES_PER_UNIT", str(2 * 1024**3))
)
DATA_UPLOAD_MAX_MEMORY_SIZE = TAIZHANG_MAX_UPLOAD_BYTES
# A report this similar (0 to 1) to the previous round's is flagged as possibly copied.
TAIZHANG_COPY_SIMILARITY = float(os.environ.get("TAIZHANG_COPY_SIMILARITY", "0.9"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Health (/healthz answers 503, `taizhang check` fails) when the data directory has less free
# space than this, in MB: the database, uploads and exports live there.
TAIZHANG_MIN_FREE_MB = int(os.environ.get("TAIZHANG_MIN_FREE_MB", "500"))

SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read by a query compiled once (web/sessions.py says why).
SESSION_ENGINE = "taizhang.web.sessions"
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
    # A monitor on the server itself probes over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TAIZHANG_LOG_LEVEL", "WARNING")},
}

# ---------------------------------------------------------------------------------------------
# The task queue (huey, through huey.contrib.djhuey): exports of large ledgers run in the
# background (taizhang.jobs; docs/deployment.md, "The worker"). `taizhang run_huey` is the
# worker; `taizhang serve` starts one beside itself.
# - TAIZHANG_REDIS_URL: a Redis server for the queue (`redis://127.0.0.1:6379/0`); without it
#   the queue is an SQLite file, `queue.sqlite3` in the data directory (one machine).
#   TAIZHANG_QUEUE_NAME (default `taizhang`) tells apart installations sharing one Redis.
# - TAIZHANG_QUEUE_IMMEDIATE=1: no queue, each job runs at once inside the request that asks
#   for it (for debugging). Given explicitly, as djhuey would otherwise follow DEBUG and
#   `make run`, which runs with DEBUG on, would never run a job in the background.
# - TAIZHANG_QUEUE_WORKERS: jobs the worker runs at once (threads; 1: an export of 50,000
#   tasks takes a few hundred MB while it runs).
# - TAIZHANG_JOB_STALL_MINUTES: a background job running this long with no progress has lost
#   its worker (stopped, killed, the machine restarted) and is given up, with a message.
# - TAIZHANG_JOB_QUEUED_MINUTES: a background job queued this long while no worker answers is
#   given up, with a message (so a dead worker never blocks anyone's next import or export).
# - TAIZHANG_EXPORT_INLINE_TASKS: a web export of more rows than this (the page's selection,
#   sub-items counted) runs in the background; smaller ones download at once.
# - TAIZHANG_IMPORT_INLINE_TASKS: a web import of a ledger file of more tasks than this
#   (sub-items counted) runs in the background, with a progress page; smaller ones at once.
# ---------------------------------------------------------------------------------------------
TAIZHANG_REDIS_URL = os.environ.get("TAIZHANG_REDIS_URL", "").strip()
INSTALLED_APPS += ["huey.contrib.djhuey", "taizhang.jobs"]
if not TAIZHANG_REDIS_URL:
    _private_file(DATA_DIR / "queue.sqlite3")  # as the database: its owner's only
HUEY = {
    "name": os.environ.get("TAIZHANG_QUEUE_NAME", "taizhang"),
    "huey_class": "huey.RedisHuey" if TAIZHANG_REDIS_URL else "huey.SqliteHuey",
    "connection": {"url": TAIZHANG_REDIS_URL}
    if TAIZHANG_REDIS_URL
    else {"filename": str(DATA_DIR / "queue.sqlite3")},
    "immediate": _flag("TAIZHANG_QUEUE_IMMEDIATE"),
    "results": False,
    "consumer": {
        "workers": int(os.environ.get("TAIZHANG_QUEUE_WORKERS", "1")),
        "worker_type": "thread",
        # The worker enqueues the periodic tasks (notify.schedule): no cron entry to write.
        "periodic": True,
    },
}
TAIZHANG_JOB_STALL_MINUTES = int(os.environ.get("TAIZHANG_JOB_STALL_MINUTES", "15"))
TAIZHANG_JOB_QUEUED_MINUTES = int(os.environ.get("TAIZHANG_JOB_QUEUED_MINUTES", "60"))
TAIZHANG_EXPORT_INLINE_TASKS = int(os.environ.get("TAIZHANG_EXPORT_INLINE_TASKS", "2000"))
TAIZHANG_IMPORT_INLINE_TASKS = int(os.environ.get("TAIZHANG_IMPORT_INLINE_TASKS", "2000"))
# The worker's log (a line per job) once, through the console handler, not through huey's own
# handler as well.
LOGGING["loggers"] = {"huey": {"handlers": ["console"], "level": "INFO", "propagate": False}}

# ---------------------------------------------------------------------------------------------
# Notifications through outside channels (taizhang.notify; docs/notifications.md, "渠道").
# E-mail goes through Django's SMTP backend:
# - TAIZHANG_EMAIL_HOST (default localhost), TAIZHANG_EMAIL_PORT (25),
#   TAIZHANG_EMAIL_USER, TAIZHANG_EMAIL_PASSWORD, TAIZHANG_EMAIL_USE_TLS=1 (STARTTLS),
#   TAIZHANG_EMAIL_USE_SSL=1 (SMTPS), TAIZHANG_EMAIL_FROM (the sender, default
#   `台账系统 <taizhang@localhost>`).
# - TAIZHANG_NOTIFY_TIMEOUT: seconds any outside call (SMTP, a group robot, SMS) may take.
# - TAIZHANG_NOTIFY_BACKOFF: minutes to wait after each failed attempt, comma-separated
#   (default 1,5,30,120,360); a delivery is given up after the last one fails.
# - TAIZHANG_NOTIFY_BATCH: deliveries a queue message sends (default 100).
# - TAIZHANG_WEBHOOK_ALLOWED_HOSTS: the hosts a unit's group robot address may point at though
#   they are this machine's or the intranet's (refused otherwise: docs/notifications.md),
#   comma-separated host names or addresses/networks in CIDR (robot-relay.gov.local,10.8.0.0/16).
# - TAIZHANG_SMS_PROVIDER: `aliyun` (阿里云短信服务 SendSms) or empty (no SMS is sent); its
#   TAIZHANG_SMS_ACCESS_KEY_ID, TAIZHANG_SMS_ACCESS_KEY_SECRET, TAIZHANG_SMS_SIGN_NAME,
#   TAIZHANG_SMS_TEMPLATE_CODE (a template with one variable, TAIZHANG_SMS_TEMPLATE_PARAM,
#   default `content`) and TAIZHANG_SMS_ENDPOINT (default https://dysmsapi.aliyuncs.com/).
# - TAIZHANG_SITE_URL: the site's address, for links in e-mail and messages (optional).
# ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("TAIZHANG_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TAIZHANG_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TAIZHANG_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TAIZHANG_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _flag("TAIZHANG_EMAIL_USE_TLS")
EMAIL_USE_SSL = _flag("TAIZHANG_EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("TAIZHANG_EMAIL_FROM", "台账系统 <taizhang@localhost>")
TAIZHANG_NOTIFY_TIMEOUT = float(os.environ.get("TAIZHANG_NOTIFY_TIMEOUT", "10"))
EMAIL_TIMEOUT = TAIZHANG_NOTIFY_TIMEOUT
TAIZHANG_NOTIFY_BACKOFF = [
    int(minutes)
    for minutes in os.environ.get("TAIZHANG_NOTIFY_BACKOFF", "1,5,30,120,360").split(",")
    if minutes.strip()
]
TAIZHANG_NOTIFY_BATCH = int(os.environ.get("TAIZHANG_NOTIFY_BATCH", "100"))
TAIZHANG_WEBHOOK_ALLOWED_HOSTS = [
    entry.strip()
    for entry in os.environ.get("TAIZHANG_WEBHOOK_ALLOWED_HOSTS", "").split(",")
    if entry.strip()
]
TAIZHANG_SMS_PROVIDER = os.environ.get("TAIZHANG_SMS_PROVIDER", "").strip()
TAIZHANG_SMS = {
    "access_key_id": os.environ.get("TAIZHANG_SMS_ACCESS_KEY_ID", ""),
    "access_key_secret": os.environ.get("TAIZHANG_SMS_ACCESS_KEY_SECRET", ""),
    "sign_name": os.environ.get("TAIZHANG_SMS_SIGN_NAME", ""),
    "template_code": os.environ.get("TAIZHANG_SMS_TEMPLATE_CODE", ""),
    "template_param": os.environ.get("TAIZHANG_SMS_TEMPLATE_PARAM", "content"),
    "endpoint": os.environ.get("TAIZHANG_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
}
TAIZHANG_SITE_URL = os.environ.get("TAIZHANG_SITE_URL", "").rstrip("/")
# TAIZHANG_SITE_NAME: the product's name in the page titles (browser tabs) and the header,
# e.g. "济源市重点工作台账"; "重点工作台账" when not set.
TAIZHANG_SITE_NAME = os.environ.get("TAIZHANG_SITE_NAME", "").strip() or "重点工作台账"
# E-mail is configured when its server is named: then TAIZHANG_SITE_URL is needed for the
# links in messages (a system check warns without it, notify/checks.py).
TAIZHANG_EMAIL_CONFIGURED = bool(os.environ.get("TAIZHANG_EMAIL_HOST", "").strip())
# Scheduled reminders (taizhang.notify.schedule, run by the worker's scheduler):
# - TAIZHANG_REMIND_DAYS_BEFORE: days before a round's due date on which units that have not
#   reported are reminded (comma-separated, default "3,1"); also on the day, and daily once
#   overdue.
# - TAIZHANG_REMIND_AT: the local time (TIME_ZONE) from which each day's reminders are sent,
#   "HH:MM" (default 08:30): by the first run at or after it (the schedule runs every 10 min).
TAIZHANG_REMIND_DAYS_BEFORE = tuple(
    sorted(
        {
            int(day)
            for day in os.environ.get("TAIZHANG_REMIND_DAYS_BEFORE", "3,1").split(",")
            if day.strip()
        },
        reverse=True,
    )
)
TAIZHANG_REMIND_AT = os.environ.get("TAIZHANG_REMIND_AT", "08:30").strip()

# ---------------------------------------------------------------------------------------------
# Backups (taizhang.jobs.backups; docs/backup.md). `taizhang backup` any time; the worker also
# takes one a day and keeps a few.
# - TAIZHANG_BACKUP_DIR: where scheduled backups go (default DATA_DIR/backups); the record of
#   the last successful backup (last.json) is kept there too.
# - TAIZHANG_BACKUP_AT: local time "HH:MM" from which the day's backup is taken (default 02:30).
# - TAIZHANG_BACKUP_SCHEDULED=0: no scheduled backups (e.g. taken by a systemd timer instead).
# - TAIZHANG_BACKUP_KEEP_DAILY / _WEEKLY: the newest of each of the last 7 days and of the
#   last 4 ISO weeks are kept; older scheduled backups are deleted.
# - TAIZHANG_BACKUP_WARN_DAYS: the office's home page warns when the last backup is older.
TAIZHANG_BACKUP_DIR = Path(os.environ.get("TAIZHANG_BACKUP_DIR") or DATA_DIR / "backups")
TAIZHANG_BACKUP_AT = os.environ.get("TAIZHANG_BACKUP_AT", "02:30").strip()
TAIZHANG_BACKUP_SCHEDULED = os.environ.get("TAIZHANG_BACKUP_SCHEDULED", "1").strip() != "0"
TAIZHANG_BACKUP_KEEP_DAILY = int(os.environ.get("TAIZHANG_BACKUP_KEEP_DAILY", "7"))
TAIZHANG_BACKUP_KEEP_WEEKLY = int(os.environ.get("TAIZHANG_BACKUP_KEEP_WEEKLY", "4"))
TAIZHANG_BACKUP_WARN_DAYS = int(os.environ.get("TAIZHANG_BACKUP_WARN_DAYS", "2"))
