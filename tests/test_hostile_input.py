"""Hostile and careless input, found by an outside probe: editor text never reaches feed
readers as markup, control characters never break an XML output, and dates outside any sane
range are refused at the door with a clear message."""

import io
import xml.etree.ElementTree as ElementTree

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from articles.models import Article

from .desk import change_form, change_url, errors

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = "<script>alert(1)</script> AT&T <3"
XML_OUTPUTS = ["/en/feed/", "/zh-hans/feed/", "/en/world/feed/", "/zh-hans/world/feed/",
               "/sitemap.xml", "/sitemap-news.xml", "/sitemap-world.xml"]  # fmt: skip


def parsed(client, address: str) -> ElementTree.Element:
    response = client.get(address)
    assert response.status_code == 200, address
    return ElementTree.fromstring(response.content)


def test_a_feed_carries_a_summary_as_the_text_the_editor_typed(client, make_article):
    make_article(slug="hostile", summary_en=HOSTILE, body_en="Shown as `&lt;script&gt;`.")
    make_article(slug="bodied", summary_en="", body_en="Type `<script>` to start a script.")

    feed = parsed(client, "/en/feed/")

    summaries = {
        entry.find(f"{ATOM}link").get("href").removeprefix("http://testserver"): entry.find(
            f"{ATOM}summary"
        )
        for entry in feed.iter(f"{ATOM}entry")
    }
    hostile, bodied = summaries["/en/world/hostile/"], summaries["/en/world/bodied/"]
    assert (hostile.get("type"), hostile.text) == ("text", HOSTILE)
    assert (bodied.get("type"), bodied.text.strip()) == ("text", "Type <script> to start a script.")


def test_a_pasted_control_character_leaves_every_xml_output_readable(admin_client, make_article):
    article = make_article(slug="pasted")
    pasted = change_form(
        article,
        title_en="Ferry\x0bnews",
        summary_en="Line one\x0bline two",  # (a NUL is refused by Django's form itself)
        body_en="First\x0bparagraph.\x1f",
    )

    saved = admin_client.post(change_url(article), pasted)

    assert saved.status_code == 302, errors(saved)
    article.refresh_from_db()
    assert (article.title_en, article.summary_en) == ("Ferry news", "Line one\nline two")
    assert article.body_en == "First\nparagraph."
    for address in XML_OUTPUTS:
        parsed(admin_client, address)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (('title = "The river ferry sails again"', 'title = "Ferry\\u000Bnews"'), 12,
         "control character (U+000B)"),
        (('title = "The river ferry sails again"', 'title = "Nul\\u0000"'), 12,
         "control character (U+0000)"),
        (("The first crossing", "The\x0b first crossing"), 25, "control character (U+000B)"),
        (("published = 2026-03-14T08:05:00+08:00", "published = 0001-01-01T00:00:00+08:00"), 4,
         "between the years 1900 and 2200"),
        (("published = 2026-03-14T08:05:00+08:00", "published = 9999-12-31T23:59:59+08:00"), 4,
         "between the years 1900 and 2200"),
    ],
)  # fmt: skip
def test_an_import_refuses_what_pages_cannot_carry_with_file_and_line(
    db, tmp_path, example_document, change, line, message
):
    old, new = change
    text = example_document.decode()
    assert old in text
    (tmp_path / "ferry.md").write_text(text.replace(old, new, 1), encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(tmp_path / "ferry.md"), stdout=io.StringIO())

    assert message in str(refused.value)
    if line:
        assert f"ferry.md:{line}:" in str(refused.value)
    assert not Article.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2201-01-01"])
def test_the_desk_refuses_a_publication_time_outside_sane_years(admin_client, make_article, day):
    article = make_article(slug="dated")
    before = article.published_at

    refused = admin_client.post(change_url(article), change_form(article, published_at_0=day))

    assert refused.status_code == 200
    assert any("between the years 1900 and 2200" in e for e in errors(refused))
    article.refresh_from_db()
    assert article.published_at == before
    assert admin_client.get("/admin/articles/article/").status_code == 200


READER_ADDRESSES = ["/en/", "/en/world/", "/en/world/?page=2", "/en/world/ferry/",
                    "/world/ferry.md", "/en/search/?q=ferry", "/en/feed/", "/robots.txt",
                    "/sitemap.xml", "/en/no-such-page/"]  # fmt: skip


@pytest.mark.parametrize("method", ["options", "post", "put", "patch", "delete"])
def test_every_method_on_reader_pages_is_answered_without_a_server_error(
    client, make_article, method
):
    make_article(slug="ferry")

    for address in READER_ADDRESSES:
        answer = getattr(client, method)(address)
        assert answer.status_code < 500, (method, address, answer.status_code)


def raw_get(path: str, *, query: str = "", method: str = "GET") -> tuple[int, str]:
    """Ask for ``path`` through the WSGI application exactly as a server passes it on (the test
    client would read ``//[x`` as a host before the request is made)."""
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80", "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(), "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0),
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    started = {}
    # As the test client does: the test's own database connection (and its transaction) must
    # outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = get_wsgi_application()(environ, lambda status, _h: started.update(s=status))
        body = b"".join(response)
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(started["s"].split()[0]), body.decode(errors="replace")


@pytest.mark.parametrize(
    "path",
    ["//[x", "//]x", "/en//[x", "//evil.example/x", "/en//evil.example/x", "/\\evil.example/x",
     "/\t/evil.example/x", "/en/\\\\evil.example/x"],
)  # fmt: skip
def test_odd_paths_are_answered_and_stay_on_this_site(db, path):
    status, text = raw_get(path)

    assert status in (302, 404), status
    links = BeautifulSoup(text, "lxml").select("link[href], a[href]")
    # As a browser reads an address: a backslash is a slash, tabs are dropped.
    read = [link["href"].replace("\\", "/").replace("\t", "") for link in links]
    assert all(not href.startswith("//") for href in read), read
    assert all(
        link["href"].startswith("http://testserver/")
        for link in links
        if link["href"].startswith("http")
    )


@pytest.mark.parametrize(
    "query", ["?status__exact=%00", "?q=%00", "?section__id__exact=%00", "?missing=%00"]
)
def test_a_nul_in_the_query_is_a_clear_400(admin_client, db, query):
    assert admin_client.get(f"/admin/articles/article/{query}").status_code == 400
    assert admin_client.get(f"/en/search/{query}").status_code == 400


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (('slug = "river-ferry-returns"', 'slug = "admin"'), 3, "reserved for the site"),
        (('title = "The river ferry sails again"', 'title = "' + "Ferry " * 40 + '"'), 12,
         "title_en"),
    ],
)  # fmt: skip
def test_the_importer_points_the_database_s_objections_at_their_line(
    db, tmp_path, example_document, change, line, message
):
    old, new = change
    (tmp_path / "ferry.md").write_text(example_document.decode().replace(old, new, 1))

    with pytest.raises(CommandError) as refused:
        call_command("import_articles", str(tmp_path / "ferry.md"), stdout=io.StringIO())

    assert f"ferry.md:{line}: " in str(refused.value) and message in str(refused.value)


def test_a_nul_in_a_cookie_is_a_clear_400(client, db):
    # An escaped NUL in a quoted cookie value, which Django's cookie parser decodes.
    cookie = 'sessionid="\\000abcdefghijklmnopqrstuvwxyz"'

    assert client.get("/admin/login/", HTTP_COOKIE=cookie).status_code == 400
