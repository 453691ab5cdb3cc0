"""The WSGI entry point gunicorn serves (see gunicorn.conf.py): Django, with cached reader
pages answered in front of it (articles.caching.CachedPagesApplication)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

from articles.caching import CachedPagesApplication  # noqa: E402  (needs Django set up)

application = CachedPagesApplication(django_application)
