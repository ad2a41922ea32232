"""WSGI entry point: `gunicorn taizhang.wsgi`."""

import gc
import importlib
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
application = get_wsgi_application()
# Load the views and API schemas now rather than on the first request, then keep the objects
# of start-up out of the garbage collector's full passes (57-100 ms each otherwise).
importlib.import_module(settings.ROOT_URLCONF)
gc.freeze()
