"""WSGI entry point (gunicorn adgang.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "adgang.settings")

application = get_wsgi_application()
