"""WSGI entry point for gunicorn; production settings unless told otherwise."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safechildhood.settings.base")

application = get_wsgi_application()

# Leave the objects loaded at start-up (Django, Wagtail, templates: about a million)
# out of the collector's full passes: otherwise every few dozen requests pay a
# ~100 ms pause scanning them (measured on the registry's results page).
gc.freeze()
