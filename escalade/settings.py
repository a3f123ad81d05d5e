"""The only settings module. Every setting comes from an environment variable,
documented in docs/installation.md; with none set, an embedded SQLite database
under ./escalade-data/ is used.

A missing or invalid variable raises `SettingsError`, which the CLI prints as one line, and so
does an unsafe production configuration (escalade/production.py says what production mode is).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from escalade import production
from escalade.errors import SettingsError


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name}={value!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("ESCALADE_DATA_DIR", "escalade-data")).resolve()


def env_header(name: str, default: tuple[str, str] | None) -> tuple[str, str] | None:
    """`X-Forwarded-Proto: https` → ("HTTP_X_FORWARDED_PROTO", "https"); `none` → None."""
    value = env_str(name)
    if value is None:
        return default
    if value.strip().lower() in {"none", "off", "false"}:
        return None
    header, sep, expected = value.partition(":")
    if not sep or not header.strip() or not expected.strip():
        raise SettingsError(f"{name}={value!r} is not 'Header-Name: value' (e.g. 'X-Forwarded-Proto: https') or none")
    return "HTTP_" + header.strip().upper().replace("-", "_"), expected.strip()


def _environment() -> str:
    value = env_str("ESCALADE_ENV", "development").strip().lower()
    if value not in {"production", "development"}:
        raise SettingsError(f"ESCALADE_ENV={value!r} is neither production nor development")
    return value


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        return ""  # refused below, with the reason
    # Embedded mode: make one per data directory and keep it, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


# Each web process (and each of its threads) keeps its database connection for up to this many
# seconds across requests, SQLite as PostgreSQL: no connect, no PRAGMAs, no TLS handshake per request.
# A connection that broke (a database restart) is closed at the end of the request that found it so.
CONN_MAX_AGE = env_int("ESCALADE_DB_CONN_MAX_AGE", 60)
if CONN_MAX_AGE < 0:
    raise SettingsError(f"ESCALADE_DB_CONN_MAX_AGE={CONN_MAX_AGE} must be 0 or more")


def _database() -> dict:
    url = env_str("DATABASE_URL")
    if url is None:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "escalade.sqlite3"),
                "OPTIONS": dict(SQLITE_OPTIONS), "CONN_MAX_AGE": CONN_MAX_AGE}
    try:
        config = dj_database_url.parse(url, conn_max_age=CONN_MAX_AGE)
    except ValueError as exc:
        raise SettingsError(f"DATABASE_URL is not a database URL: {exc}") from None
    if config["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise SettingsError("DATABASE_URL must be postgres://… or sqlite:///…")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # A SQLite file named by URL gets the embedded database's options: several processes share it.
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    if config["ENGINE"] == "django.db.backends.postgresql":
        # Fail a connection attempt within seconds when the server is unreachable, so the worker
        # logs its retry and a request gets its 503, instead of waiting for the system's TCP timeout.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    return config


# Production mode: `escalade serve`, `escalade worker` and escalade/wsgi.py set ESCALADE_ENV=production
# unless it is set; the demo and the tests run in development mode.
ESCALADE_ENV = _environment()
PRODUCTION = ESCALADE_ENV == "production"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
# Old keys, accepted while the sessions and links signed with them expire (rotating SECRET_KEY).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

if PRODUCTION and (problem := production.refusal(debug=DEBUG, allowed_hosts=ALLOWED_HOSTS, secret_key=SECRET_KEY)):
    raise SettingsError(f"refusing to start in production mode (ESCALADE_ENV=production): {problem}")

# HTTPS: on by default in production, where Escalade sits behind a TLS proxy that sets X-Forwarded-Proto.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = env_header(
    "SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading is the site owner's decision (a submission to the browsers' preload list), not a
# default; check --deploy's reminder about it (security.W021) is silenced for that reason.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    "escalade.accounts.admin_config.AdminConfig",  # django.contrib.admin, signing in through /login/
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "escalade.audit",
    "escalade.policy",
    "escalade.orgs",
    "escalade.tickets",
    "escalade.queueviews",
    "escalade.tags",
    "escalade.macros",
    "escalade.sla",
    "escalade.escalation",
    "escalade.notifications",
    "escalade.mail",
    "escalade.monitoring",
    "escalade.kb",
    "escalade.surveys",
    "escalade.webhooks",
    "escalade.transfer",
    "escalade.api",
    "escalade.throttle",
    "escalade.accounts",
    "escalade.portal",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "escalade.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and views: bad input and oversized bodies never reach the database.
    "escalade.ops.guards.RequestGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (cookie, Accept-Language); a signed-in person's own choice wins (below).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Pages in the reader's own time zone and language (after sign-in: it needs the user).
    "escalade.portal.middleware.PersonTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "escalade.urls"
WSGI_APPLICATION = "escalade.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env_str("ESCALADE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 3600  # seconds: a reset link works for an hour (and once)

# Sign-in throttle (escalade/accounts/signin.py): after this many failed sign-ins in a row an account
# gets one more try every ESCALADE_LOGIN_LOCKOUT_MINUTES; an address gets this many failures, then one a minute.
ESCALADE_LOGIN_ATTEMPTS = env_int("ESCALADE_LOGIN_ATTEMPTS", 5)
ESCALADE_LOGIN_LOCKOUT_MINUTES = env_int("ESCALADE_LOGIN_LOCKOUT_MINUTES", 15)
ESCALADE_LOGIN_ATTEMPTS_PER_ADDRESS = env_int("ESCALADE_LOGIN_ATTEMPTS_PER_ADDRESS", 30)
ESCALADE_API_REQUESTS_PER_MINUTE = env_int("ESCALADE_API_REQUESTS_PER_MINUTE", 600)
# How many proxies (each appending to X-Forwarded-For) stand between clients and Escalade.
ESCALADE_PROXY_COUNT = env_int("ESCALADE_PROXY_COUNT", 1 if PRODUCTION else 0)
for _name in ("ESCALADE_LOGIN_ATTEMPTS", "ESCALADE_LOGIN_LOCKOUT_MINUTES", "ESCALADE_LOGIN_ATTEMPTS_PER_ADDRESS",
              "ESCALADE_API_REQUESTS_PER_MINUTE"):
    if globals()[_name] < 1:
        raise SettingsError(f"{_name}={globals()[_name]} must be 1 or more")

# Two-factor sign-in (django-otp, TOTP): the name authenticator apps show.
OTP_TOTP_ISSUER = env_str("ESCALADE_TOTP_ISSUER", "Escalade")

# Single sign-on with OpenID Connect (escalade/accounts/oidc.py): on when OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_BUTTON_LABEL = env_str("OIDC_BUTTON_LABEL", "Sign in with single sign-on")
OIDC_ORGANISATION_CLAIM = env_str("OIDC_ORGANISATION_CLAIM", "escalade_organisation")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM", "groups")
OIDC_AGENT_GROUP = env_str("OIDC_AGENT_GROUP", "escalade-agents")
OIDC_ADMIN_GROUP = env_str("OIDC_ADMIN_GROUP", "")
OIDC_TIMEOUT = 10  # seconds, for each call to the provider
LOGIN_REDIRECT_URL_FAILURE = "/login/"  # a path: mozilla-django-oidc does not resolve names
if OIDC_ENABLED:
    for _name in ("OIDC_RP_CLIENT_SECRET", "OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
                  "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
        if not globals()[_name]:
            raise SettingsError(f"{_name} is not set; single sign-on (OIDC_RP_CLIENT_ID) needs it")

AUTHENTICATION_BACKENDS = ["escalade.accounts.backends.ThrottledModelBackend"]
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("escalade.accounts.oidc.EscaladeOIDCBackend")

# Content-Security-Policy (django-csp): only our own scripts, styles and images; no inline script
# or style anywhere (htmx's indicator styles are in escalade.css, see base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "en-gb"
# The languages of the pages and emails (docs/languages.md). A person's own choice (profile), else their
# organisation's, else the browser's (Accept-Language, the language cookie), else LANGUAGE_CODE.
LANGUAGES = [("en-gb", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every request when it is missing
MEDIA_ROOT = Path(env_str("ESCALADE_MEDIA_DIR", str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The size limits (ESCALADE_MAX_REQUEST_BYTES, ESCALADE_MAX_ATTACHMENT_BYTES) apply while the body streams in.
FILE_UPLOAD_HANDLERS = [
    "escalade.ops.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Email (outbound). Without EMAIL_HOST, mail is written to the console log.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@escalade.example.com")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)

# Escalade's own settings.
ESCALADE_MAX_ATTACHMENT_BYTES = env_int("ESCALADE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
ESCALADE_MAX_REQUEST_BYTES = env_int("ESCALADE_MAX_REQUEST_BYTES", 50 * 1024 * 1024)
ESCALADE_AUTO_CLOSE_DAYS = env_int("ESCALADE_AUTO_CLOSE_DAYS", 7)
ESCALADE_WORKER_IDLE_SECONDS = env_int("ESCALADE_WORKER_IDLE_SECONDS", 1)
ESCALADE_WORKER_RETRY_MAX_SECONDS = env_int("ESCALADE_WORKER_RETRY_MAX_SECONDS", 60)
ESCALADE_MAIL_MAX_MESSAGE_BYTES = env_int("ESCALADE_MAIL_MAX_MESSAGE_BYTES", 64 * 1024 * 1024)
ESCALADE_MAIL_AUTO_REPLIES_PER_HOUR = env_int("ESCALADE_MAIL_AUTO_REPLIES_PER_HOUR", 10)
ESCALADE_MAIL_HOSTNAME = env_str("ESCALADE_MAIL_HOSTNAME", "escalade")
# The audit log (docs/audit.md): the name its checkpoints carry, and an auditor who is sent the latest one.
ESCALADE_AUDIT_ORIGIN = env_str("ESCALADE_AUDIT_ORIGIN", "")
ESCALADE_AUDIT_AUDITOR_EMAIL = env_str("ESCALADE_AUDIT_AUDITOR_EMAIL", "")
ESCALADE_AUDIT_AUDITOR_WEBHOOK = env_str("ESCALADE_AUDIT_AUDITOR_WEBHOOK", "")
ESCALADE_AUDIT_PUBLISH_MINUTES = env_int("ESCALADE_AUDIT_PUBLISH_MINUTES", 60)

# Operations: /readyz limits and the /metrics token (docs/operations.md).
ESCALADE_READY_HEARTBEAT_SECONDS = env_int("ESCALADE_READY_HEARTBEAT_SECONDS", 120)
ESCALADE_READY_OUTBOX_BACKLOG = env_int("ESCALADE_READY_OUTBOX_BACKLOG", 1000)
ESCALADE_METRICS_TOKEN = env_str("ESCALADE_METRICS_TOKEN", "")
# Probes and scrapers call these over plain HTTP from inside the network: no redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]


def _log_formatter() -> dict:
    log_format = (env_str("LOG_FORMAT", "text") or "text").lower()
    if log_format == "json":
        return {"()": "escalade.ops.logs.JsonFormatter"}
    if log_format == "text":
        return {"format": "%(message)s"}
    raise SettingsError(f"LOG_FORMAT={log_format!r} is not a log format (use text or json)")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"escalade": _log_formatter()},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "escalade"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {"escalade": {"level": env_str("LOG_LEVEL", "INFO")}},
}
