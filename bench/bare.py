"""The benchmark's yardsticks, served by gunicorn with the same configuration as Newsroom:

- ``/bytes/<n>/``: a bare Django view returning n bytes, with no middleware, no templates and no
  database (what every ratio in the report divides by);
- ``/listing/``: the least a Django page that reads the database can do: one PostgreSQL query
  for the 40 newest articles' titles and a template of 40 items, still with no middleware and a
  connection kept open (no pool, no health check).
"""

import os

import dj_database_url
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "bare-benchmark-view-has-no-secrets-to-keep"),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=None)}
    if os.environ.get("DATABASE_URL")
    else {},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
)

LISTING = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Latest</title></head>
<body><h1>Latest</h1><ul>{% for id, slug, title, published in articles %}
<li><a href="/en/{{ slug }}/">{{ title }}</a> <time>{{ published|date:"Y-m-d H:i" }}</time></li>
{% endfor %}</ul></body></html>"""


def payload(request, size: int) -> HttpResponse:
    return HttpResponse(b"x" * size, content_type="text/html; charset=utf-8")


def listing(request) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, slug, title_en, published_at FROM articles_article "
            "WHERE status = 'published' ORDER BY published_at DESC LIMIT 40"
        )
        articles = cursor.fetchall()
    template = engines["django"].from_string(LISTING)
    return HttpResponse(template.render({"articles": articles}))


urlpatterns = [path("bytes/<int:size>/", payload), path("listing/", listing)]

application = get_wsgi_application()
