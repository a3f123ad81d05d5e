"""Minimal Django project hosting django-helpdesk (installed from PyPI into a scratch venv by
bench/versus_django_helpdesk.py, never a dependency of Escalade) for the side-by-side benchmark.

Everything that varies between runs comes from environment variables so the
same project can be pointed at SQLite or PostgreSQL:

  DH_DB            sqlite (default) | postgres
  DH_SQLITE_PATH   SQLite file (default <DH_SCRATCH>/db.sqlite3)
  DH_PG_NAME       PostgreSQL database name (default dhbench)
  DH_PG_USER / DH_PG_PASSWORD / DH_PG_HOST / DH_PG_PORT
  DH_SCRATCH       scratch dir for the database, media, static and the mail directory (required)
  DH_DEBUG         1 to turn DEBUG on (never for timing: DEBUG keeps every SQL
                   query in memory)
"""

import os

SCRATCH = os.environ["DH_SCRATCH"]

SECRET_KEY = "benchmark-only-not-secret"
DEBUG = os.environ.get("DH_DEBUG") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",  # helpdesk builds absolute URLs in e-mails from it
    "django.contrib.humanize",  # helpdesk templates use it
    "rest_framework",  # helpdesk's REST API
    "helpdesk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "dhbench.urls"
WSGI_APPLICATION = "dhbench.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if os.environ.get("DH_DB", "sqlite") == "postgres":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("DH_PG_NAME", "dhbench"),
            "USER": os.environ.get("DH_PG_USER", "dhbench"),
            "PASSWORD": os.environ.get("DH_PG_PASSWORD", "dhbench"),
            "HOST": os.environ.get("DH_PG_HOST", "127.0.0.1"),
            "PORT": os.environ.get("DH_PG_PORT", "5432"),
            "CONN_MAX_AGE": 60,
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get(
                "DH_SQLITE_PATH", os.path.join(SCRATCH, "db.sqlite3")
            ),
            # Django's default is 5 s; two gunicorn workers writing at once
            # otherwise fail with "database is locked" under load.
            "OPTIONS": {"timeout": 30},
        }
    }

SITE_ID = 1
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(SCRATCH, "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(SCRATCH, "media")
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# Mail is rendered by helpdesk (templates from its EmailTemplate table) and
# handed to this backend, which drops it.  Keeps the template/notification
# cost in the measurement without an SMTP server and without the memory growth
# of the locmem backend.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"
SERVER_EMAIL = "helpdesk@example.com"

LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"

# --- django-helpdesk settings -------------------------------------------
# Teams mode defaults to True and then needs pinax-teams (optional extra
# "teams"); the docs' "teams" page says it can be turned off.
HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_API_ENABLED = True  # the default, stated for clarity
HELPDESK_KB_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
