"""The benchmark's yardstick: a bare Django view returning N bytes, with no middleware, no
templates and no database, served by gunicorn with the same configuration as Newsroom."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bare-benchmark-view-has-no-secrets-to-keep"),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def payload(request, size: int) -> HttpResponse:
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


urlpatterns = [path("bytes/<int:size>/", payload)]

application = get_wsgi_application()
