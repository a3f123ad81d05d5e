"""The WSGI application, for a server of your own (gunicorn, uWSGI): production mode unless
ESCALADE_ENV says otherwise (see docs/installation.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "escalade.settings")
os.environ.setdefault("ESCALADE_ENV", "production")
application = get_wsgi_application()
