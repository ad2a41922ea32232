"""WSGI entry point: `gunicorn taizhang.wsgi`."""

import gc
import importlib
import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from taizhang import receivers

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
application = get_wsgi_application()
# Load the views and API schemas now rather than on the first request, then keep the objects
# of start-up out of the garbage collector's full passes (57-100 ms each otherwise).
importlib.import_module(settings.ROOT_URLCONF)
# And the signal receivers a command leaves for their first send (taizhang.receivers).
receivers.load_all()
gc.freeze()
