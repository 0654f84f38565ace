"""WSGI entry point for gunicorn: `gunicorn midback.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "midback.settings")
application = get_wsgi_application()
