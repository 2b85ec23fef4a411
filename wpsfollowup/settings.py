"""The one settings module. Everything that differs between machines comes from the
environment (see README.md, "Operating it", and .env.example); the defaults run on one
machine with no server installed: SQLite, Celery on kombu's filesystem transport, and email
written to files, all under ``var/``.
"""

from __future__ import annotations

import os
import secrets
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from wpsfollowup.env import env_bool, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WPS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


# The placeholder of .env.example: a deployment that copied it as is would sign sessions and
# password-reset links with a key anyone can read.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"
# A deployment names its database; the embedded default does not.
PRODUCTION = not DEBUG and "DATABASE_URL" in os.environ


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key == EXAMPLE_SECRET_KEY or key.startswith("change-me"):
        raise ImproperlyConfigured("SECRET_KEY is the placeholder of .env.example: set a long random value of your own")
    if key:
        return key
    if not DEBUG and "DATABASE_URL" in os.environ:
        # A deployment (it names its database): a key generated on one machine would differ
        # from its neighbours' and vanish with the disk.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    # The embedded default: generated once and kept, so sessions survive a restart.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "axes",
    "csp",
    "recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the session's switch (set_language's cookie), then the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # ... unless the person chose a language on /account/language/ (kept in the session at login).
    "recommendations.web.middleware.UserLanguageMiddleware",
    # Who changed an owner, a link, a due date or the uptake (recommendations/curation/history.py).
    "auditlog.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "recommendations.web.middleware.SecurityHeadersMiddleware",
    # Content-Security-Policy with a fresh nonce per response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wpsfollowup.urls"
WSGI_APPLICATION = "wpsfollowup.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
    try:
        # Persistent connections on PostgreSQL (issue 14: a connection per request cost 25-30%
        # of the throughput under load), checked before reuse so a restarted server costs one
        # failed check, not a 500. SQLite: opening the file is cheap, and a connection kept
        # across threads is not worth its locks.
        sqlite = url.startswith("sqlite")
        config = dj_database_url.parse(
            url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if sqlite else 60), conn_health_checks=not sqlite
        )
    except Exception as exc:  # dj-database-url raises several types for a bad URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Celery workers and the web server write to the same file: wait for the lock
        # instead of failing, and take it at BEGIN so read-then-write never deadlocks.
        config.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # The permission-filtered counts cost enough to cross the JIT threshold, and JIT
        # compilation then takes longer than the query itself (35 ms of 55 ms measured).
        config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # Answers permission checks in one query; signs nobody in (recommendations/people/backends.py).
    "recommendations.people.backends.PermissionsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# guardian's anonymous user is not used: anonymous people see only the login page.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"TIME_ZONE is not a known time zone: {TIME_ZONE!r}") from None
USE_I18N = True
# English is the default; French is a working language of the Secretariat and of the missions
# in Mali, the Central African Republic, the DR Congo and Haiti. Codes stay "en" and "fr":
# they are stored on profiles and reports.
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# "en" keeps the British formats the pages always had (30 June 2023, 24-hour clock).
FORMAT_MODULE_PATH = ["wpsfollowup.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("WPS_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}


def _email() -> dict:
    url = env_str("EMAIL_URL", "")
    if not url:
        mail_dir = VAR_DIR / "mail"
        mail_dir.mkdir(parents=True, exist_ok=True)
        return {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(mail_dir)}
    try:
        config = dj_email_url.parse(url)
        backend = config["EMAIL_BACKEND"]
    except Exception as exc:  # an unknown scheme surfaces as a KeyError
        raise ImproperlyConfigured(f"EMAIL_URL is not a usable email URL (smtp://, submission://, smtps://): {exc}") from None
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_FILE_PATH": config.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail"),
        "EMAIL_HOST": config["EMAIL_HOST"] or "localhost",
        "EMAIL_PORT": config["EMAIL_PORT"] or 25,
        "EMAIL_HOST_USER": config["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": config["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": config["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": config["EMAIL_USE_SSL"],
        "EMAIL_TIMEOUT": config.get("EMAIL_TIMEOUT") or 30,
    }


globals().update(_email())
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "WPS follow-up <wps-followup@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Overdue digests are copied here; reminders' footers tell recipients to write here to stop them.
WPS_SECRETARIAT_EMAIL = env_str("WPS_SECRETARIAT_EMAIL", "secretariat@example.org")

# Celery. The embedded default is kombu's filesystem transport under var/: no server to run,
# but it is at-most-once (a message taken by a worker that dies is lost). The reminder pass
# is idempotent and runs daily, so a lost message is picked up by the next pass.
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in {"filesystem", "redis", "rediss", "amqp", "memory"}:
    raise ImproperlyConfigured(f"CELERY_BROKER_URL must be a redis://, amqp:// or filesystem:// URL; got {CELERY_BROKER_URL!r}")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Reminder policy (DESIGN.md, "Reminders"). Every number is a setting.
WPS_DAILY_PASS_HOUR = env_int("WPS_DAILY_PASS_HOUR", 6, maximum=23)
WPS_RENEWAL_REMINDER_DAYS = env_int_list("WPS_RENEWAL_REMINDER_DAYS", [60, 30, 14, 7])
WPS_STALE_AFTER_DAYS = env_int("WPS_STALE_AFTER_DAYS", 90, minimum=1)
WPS_REPORT_DAYS_BEFORE_RENEWAL = env_int("WPS_REPORT_DAYS_BEFORE_RENEWAL", 21)
WPS_DUE_DAYS_BEFORE_RENEWAL = env_int("WPS_DUE_DAYS_BEFORE_RENEWAL", 30)
WPS_REMINDER_MAX_TRIES = env_int("WPS_REMINDER_MAX_TRIES", 5, minimum=1)
# The demo's day (`make run`: 2023-05-10): recommendations.dates.local_today() answers it, so
# pages, reminders and reports run as of that date; every page says so. Empty: the real day.
WPS_DEMO_AS_OF = env_str("WPS_DEMO_AS_OF", "")
if WPS_DEMO_AS_OF:
    import datetime as _dt

    try:
        _dt.date.fromisoformat(WPS_DEMO_AS_OF)
    except ValueError:
        raise ImproperlyConfigured(f"WPS_DEMO_AS_OF must be a date, YYYY-MM-DD; got {WPS_DEMO_AS_OF!r}") from None
# A reminder whose day no pass ran on is sent late by the next pass, up to this many days
# late; older ones are listed to the secretariat instead (reminders.services).
WPS_REMINDER_LATE_LIMIT_DAYS = env_int("WPS_REMINDER_LATE_LIMIT_DAYS", 7)
# A row "sending" for longer than this (seconds) belonged to a worker that died mid-send: it
# is sent again, with the same Message-ID. Far above EMAIL_TIMEOUT, so a live send is never
# taken over.
WPS_REMINDER_STUCK_AFTER = env_int("WPS_REMINDER_STUCK_AFTER", 900, minimum=1)
# A report "queued" or "generating" that has not moved for this long (seconds) is a dead
# job: marked failed, and retried once automatically. Above the longest render's step.
WPS_REPORT_STALLED_AFTER = env_int("WPS_REPORT_STALLED_AFTER", 600, minimum=1)
# A report prints at most this many recommendations of its cycle (those of the newest notes;
# the rest are counted, by status, with a link to the list): bounds the PDF worker's memory.
WPS_REPORT_MAX_RECOMMENDATIONS = env_int("WPS_REPORT_MAX_RECOMMENDATIONS", 300, minimum=1, maximum=5000)
# Weekly digests go out on this weekday (0 = Monday).
WPS_WEEKLY_DIGEST_WEEKDAY = env_int("WPS_WEEKLY_DIGEST_WEEKDAY", 0, maximum=6)
# One static daily pass (reminders and the Council report ahead of renewal), in TIME_ZONE.
CELERY_BEAT_SCHEDULE = {
    "daily-pass": {
        "task": "recommendations.tasks.run_daily_pass_task",
        "schedule": crontab(hour=WPS_DAILY_PASS_HOUR, minute=0),
    },
    # Resend reminders whose worker died mid-send; fail (and retry once) stalled reports.
    "recover-stuck-work": {
        "task": "recommendations.tasks.recover_stuck_work_task",
        "schedule": crontab(minute="*/5"),
    },
}

WPS_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = WPS_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = WPS_MAX_UPLOAD_BYTES + 1024 * 1024

# The read API (/api/v1/, recommendations/api/): read-only, a user's own tokens or their
# session, and the same read policy as the pages (access.Reader).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that an anonymous request is answered 401 with WWW-Authenticate: Bearer.
        "recommendations.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "recommendations.api.pagination.Cursor",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "WPS follow-up API",
    "DESCRIPTION": (
        "Read-only access to the situations, mandates, IEG notes, recommendations and status "
        "updates you may see in WPS follow-up, with the same rights as on its pages. "
        "Authenticate with a token made at /account/tokens/: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ImplementationStatusEnum": "recommendations.models.ImplementationStatus",
        "UptakeEnum": "recommendations.models.Uptake",
    },
    # The documentation page's scripts come from the app's own static files, not a CDN.
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION or (not DEBUG and SITE_URL.startswith("https://")))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# HTTPS. On by default in a deployment (PRODUCTION), off on the embedded default, which
# serves plain http on 127.0.0.1. Behind a proxy that ends TLS, set SECURE_PROXY_SSL_HEADER
# to the header and value it sets, e.g. "HTTP_X_FORWARDED_PROTO,https", and make sure the
# proxy overwrites that header from clients.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
# /healthz answers load balancers that probe over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
_proxy_header = env_list("SECURE_PROXY_SSL_HEADER", [])
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured(f"SECURE_PROXY_SSL_HEADER must be HEADER,VALUE such as HTTP_X_FORWARDED_PROTO,https; got {_proxy_header!r}")
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if _proxy_header else None
# Preloading HSTS is a commitment made to browser vendors by the domain's owner, not by this
# app; SECURE_HSTS_PRELOAD=1 once it is made.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Rate limits (README, "Security settings"): per client address and per account, counted in
# the cache (per process with the default cache; set a shared cache for several processes).
WPS_PASSWORD_RESET_LIMIT = env_int("WPS_PASSWORD_RESET_LIMIT", 5, minimum=1)  # per hour
WPS_REPORT_GENERATE_LIMIT = env_int("WPS_REPORT_GENERATE_LIMIT", 10, minimum=1)  # per 10 minutes

# Sign-in lockout (django-axes; README, "Operating it"): after WPS_LOGIN_FAILURE_LIMIT wrong
# passwords for one username from one address, that pair is refused for
# WPS_LOGIN_COOLOFF_MINUTES (each refused try starts the wait again); a right password
# before then clears the count. Another username from the same address, or the same
# username from elsewhere, is not locked. Failures are kept in the database (Axes in the
# admin); `manage.py axes_reset_username NAME` unlocks earlier.
WPS_LOGIN_FAILURE_LIMIT = env_int("WPS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
WPS_LOGIN_COOLOFF_MINUTES = env_int("WPS_LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = WPS_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=WPS_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# The address is REMOTE_ADDR: behind a proxy, every sign-in comes from the proxy's address,
# so the lock is per username there (still per username+address as far as axes knows).

# Content-Security-Policy (django-csp): scripts and styles from our own static files, or
# inline ones only with this response's nonce (`nonce="{{ request.csp_nonce }}"`); no style
# attributes (classes in static/css/app.css instead), except on the reminder preview, whose
# emails are styled by attributes (recommendations/web/reminder_views.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every step of every render at INFO: noise in the worker's log.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
