"""Two gunicorn servers on one PostgreSQL and one Redis: what is published or corrected through
one is what readers get from the other on the very next request."""

import http.cookiejar
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from articles.models import Article

from .desk import change_form
from .servers import desk_account, free_port, site_environment, start_gunicorn, stop

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL and Redis, as production has",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def servers():
    database = connection.settings_dict
    environment = site_environment(
        f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        REDIS_URL=os.environ.get("REDIS_URL", ""),
    )
    ports = [free_port(), free_port()]
    running = [start_gunicorn(environment, port, workers=2) for port in ports]
    yield [f"http://127.0.0.1:{port}" for port in ports]
    stop(*running)


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, dict]:
        try:
            with self.opener.open(self.base + path) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def post_form(self, path: str, data: dict) -> int:
        _status, html, _headers = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(self.base + path, data=body.encode())
        try:
            with self.opener.open(request) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def test_published_on_one_server_is_served_by_the_other(servers, make_article):
    first, second = servers
    desk_account("chief", "a-long-desk-password")
    article = make_article(slug="ferry", title_en="Ferry returns", status=Article.Status.REVIEW)
    reader = Browser(second)
    assert reader.get("/en/world/ferry/")[0] == 404
    assert "Ferry returns" not in reader.get("/en/")[1]

    editor = Browser(first)
    editor.post_form("/admin/login/", {"username": "chief", "password": "a-long-desk-password"})
    status = editor.post_form(
        f"/admin/articles/article/{article.pk}/change/", change_form(article, transition="publish")
    )

    assert status == 200  # after the redirect to the list
    assert reader.get("/en/world/ferry/")[0] == 200
    assert "Ferry returns" in reader.get("/en/")[1]


def test_a_correction_is_never_hidden_behind_a_stale_cache(servers, make_article):
    first, second = servers
    desk_account("chief", "a-long-desk-password")
    article = make_article(slug="ferry", body_en="The ferry runs daily.")
    readers = [Browser(first), Browser(second)]
    for reader in readers:
        reader.get("/en/world/ferry/")
        assert reader.get("/en/world/ferry/")[2]["X-Page-Cache"] == "hit"

    editor = Browser(first)
    editor.post_form("/admin/login/", {"username": "chief", "password": "a-long-desk-password"})
    article.refresh_from_db()
    editor.post_form(
        f"/admin/articles/article/{article.pk}/change/",
        change_form(article, body_en="The ferry runs hourly."),
    )

    for reader in readers:
        status, html, _headers = reader.get("/en/world/ferry/")
        assert status == 200
        assert "The ferry runs hourly." in html and "runs daily" not in html
